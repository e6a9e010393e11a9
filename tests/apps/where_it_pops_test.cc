// `spinelab where-it-pops FILE.h5` (issue 21, "Where it pops"): one row per technique run with
// the joints that popped and their times, the region and the scenario's scenario.pops_reported;
// bad input (a missing file, a file with no runs) is said and exits 2.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "apps/cli_util.h"
#include "spinelab/io/h5.h"
#include "spinelab/io/results.h"

namespace {

using spinelab::testing::CmdResult;
using spinelab::testing::Exec;

std::string Row(const std::string& out, const std::string& scenario) {
  const size_t at = out.find("| " + scenario + " |");
  return at == std::string::npos ? "" : out.substr(at, out.find('\n', at) - at);
}

TEST(WhereItPops, PrintsOneRowPerTechniqueWithTheJointsTheirTimesTheRegionAndTheLiterature) {
  const std::string file = ::testing::TempDir() + "/where_it_pops.h5";
  // 1.2 s: the foam roller under the lower back pops L5-S1 L at 1.068 s; the thrust has not begun
  const CmdResult run = Exec(std::string("run ") + SPINELAB_SOURCE_DIR + "/scenarios/foam_roller_lumbar.toml " +
                             SPINELAB_SOURCE_DIR + "/scenarios/thoracic_thrust.toml --set run.duration_s=1.2 -o " + file +
                             " --overwrite");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const size_t pop = run.output.find("[L5-S1 L at ");
  ASSERT_NE(pop, std::string::npos) << run.output;
  const std::string time = run.output.substr(pop + 12, run.output.find(" s]", pop) - pop - 12);  // as `run` prints it
  const CmdResult r = Exec("where-it-pops " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("| technique | pops | joints that popped (time) | region |"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 technique runs"), std::string::npos) << r.output;
  const std::string roller = Row(r.output, "foam_roller_lumbar"), thrust = Row(r.output, "thoracic_thrust");
  EXPECT_EQ(roller.find("| foam_roller_lumbar | 1 | L5-S1 L " + time + " s | lumbar | "), 0u) << roller;
  EXPECT_NE(roller.find("built for stability"), std::string::npos) << "the scenario's pops_reported: " << roller;
  EXPECT_EQ(thrust.find("| thoracic_thrust | 0 | none | - | "), 0u) << thrust;
  EXPECT_NE(thrust.find("Dunning et al."), std::string::npos) << thrust;
  std::remove(file.c_str());
}

TEST(WhereItPops, AMissingFileOrAFileWithoutRunsIsSaidAndExits2) {
  const std::string missing = ::testing::TempDir() + "/where_it_pops_missing.h5";
  std::remove(missing.c_str());
  const CmdResult a = Exec("where-it-pops " + missing);
  EXPECT_EQ(a.exit_code, 2) << a.output;
  EXPECT_NE(a.output.find("where_it_pops_missing.h5"), std::string::npos) << a.output;
  EXPECT_EQ(a.output.find("| technique |"), std::string::npos) << a.output;

  const std::string empty = ::testing::TempDir() + "/where_it_pops_empty.h5";
  {
    auto f = spinelab::io::CreateFile(empty, true);
    ASSERT_TRUE(f) << f.ErrorText();
    ASSERT_TRUE(spinelab::io::WriteFileHeader(f.value()));
    ASSERT_TRUE(spinelab::io::Group(f.value(), "runs"));
  }
  const CmdResult b = Exec("where-it-pops " + empty);
  EXPECT_EQ(b.exit_code, 2) << b.output;
  EXPECT_NE(b.output.find("where_it_pops_empty.h5: no runs in this file"), std::string::npos) << b.output;
  const CmdResult c = Exec("where-it-pops");
  EXPECT_NE(c.exit_code, 0) << c.output;
  std::remove(empty.c_str());
}

}  // namespace

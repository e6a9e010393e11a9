// `spinelab validate`: the quick report end to end (table, report, plots, data through the same
// code as rom --report, pa-stiffness and creep), and its bad arguments.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>

#include "apps/cli_util.h"

namespace {

using spinelab::testing::Exec;
using spinelab::testing::Slurp;

int CountLines(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t i = 0; (i = s.find(what, i)) != std::string::npos; i += what.size()) ++n;
  return n;
}

TEST(ValidateCommand, QuickWritesTheTableTheReportAndSixPlots) {
  const std::string out = ::testing::TempDir() + "/validation_quick";
  const auto r = Exec("validate --quick --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string csv = Slurp(out + "/validation.csv");
  ASSERT_FALSE(csv.empty());
  const int rows = CountLines(csv, "\n") - 1;
  EXPECT_GE(rows, 100) << "ROM (75 level-axis rows) and the rest";
  const int pass = CountLines(csv, ",pass\n"), miss = CountLines(csv, ",miss\n"), info = CountLines(csv, ",info\n");
  EXPECT_EQ(pass + miss + info, rows) << "every row has a verdict";
  EXPECT_GT(pass, 0);
  // the counts printed, the report's summary and the table agree
  EXPECT_NE(r.output.find(std::to_string(rows) + " rows: " + std::to_string(pass) + " pass, " + std::to_string(miss) +
                          " miss, " + std::to_string(info) + " info"),
            std::string::npos)
      << r.output;
  const std::string md = Slurp(out + "/report.md");
  EXPECT_NE(md.find(std::to_string(pass) + " pass, " + std::to_string(miss) + " miss"), std::string::npos);
  // the checks the issue names are in the table with their sources
  for (const char* s : {"Dunning et al. 2013", "Reggars 1996", "Edmondston et al. 1999", "McGill & Brown 1992",
                        "Liebsch et al. 2017", "Gardner-Morse & Stokes 2004", "Brodeur 1995", "Jaumard et al. 2011",
                        "Christophy et al. 2012", "Unsworth, Dowson & Wright 1971", "gym_rack_twist_jerk: pops"})
    EXPECT_NE(csv.find(s), std::string::npos) << s;
  // the same number as rom --report for one level (one home for the ROM)
  const auto rom = Exec("rom --report");
  ASSERT_EQ(rom.exit_code, 0);
  EXPECT_NE(rom.output.find("33 of 33"), std::string::npos) << "update this test with rom --report's count";
  for (const char* png : {"rom.png", "crack.png", "pop.png", "creep.png", "pa_stiffness.png", "pops.png"}) {
    const std::string bytes = Slurp(out + "/" + png);
    ASSERT_GT(bytes.size(), 1000u) << png;
    EXPECT_EQ(bytes.substr(1, 3), "PNG") << png;
    EXPECT_NE(md.find(std::string("(") + png + ")"), std::string::npos) << png << " not in the report";
  }
  // nothing half-written left behind
  EXPECT_TRUE(Slurp(out + "/report.md.tmp").empty());
}

TEST(ValidateCommand, BadArgumentsSayWhatIsWrongAndRunNothing) {
  const std::string file = ::testing::TempDir() + "/validate_not_a_folder";
  FILE* f = std::fopen(file.c_str(), "w");
  std::fclose(f);
  auto r = Exec("validate --quick --out " + file + "/sub");  // under a file: no folder can be made
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot make the folder"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("validate: range of motion"), std::string::npos) << "nothing ran";
  r = Exec("validate --quick --out " + file);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not a folder"), std::string::npos) << r.output;
  r = Exec("validate --quick --python /nonexistent/python --out " + ::testing::TempDir() + "/v2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--python /nonexistent/python: not an executable"), std::string::npos) << r.output;
  r = Exec("validate --bogus");
  EXPECT_NE(r.exit_code, 0);
}

// a plot that cannot be made is a part that did not run: exit 3, the table is still written
TEST(ValidateCommand, APlotScriptThatFailsIsReportedAndTheTableKept) {
  const std::string out = ::testing::TempDir() + "/validation_noplot";
  const auto r = Exec("validate --quick --python /bin/false --out " + out);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("did not run: plots"), std::string::npos) << r.output;
  EXPECT_FALSE(Slurp(out + "/validation.csv").empty());
  EXPECT_FALSE(Slurp(out + "/report.md").empty());
}

}  // namespace

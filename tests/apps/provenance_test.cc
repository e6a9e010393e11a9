// Provenance: a run stores the whole model it ran with (model_text, model_file). `spinelab rerun`
// reruns it from the stored scenario text, overrides and model text, bit for bit in every numeric
// dataset, even after the model file on disk changed; a run on the changed file differs.
// `--model FILE.h5:RUN` takes the model from a run. Bad input: a clear error, non-zero exit, no output.
#include <gtest/gtest.h>

#include "apps/cli_util.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "spinelab/io/results.h"

namespace {

using namespace spinelab;

using spinelab::testing::CmdResult;
using spinelab::testing::Exec;

using spinelab::testing::Slurp;

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

const std::string kTwist = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml --set run.duration_s=0.3";

// the numeric datasets of the table that differ bit for bit between two stored runs
std::vector<std::string> DifferingNumbers(const io::StoredRun& a, const io::StoredRun& b) {
  std::vector<std::string> out;
  for (const io::RunDataset& d : io::RunDatasets()) {
    if (d.kind == io::RunDataset::Kind::kString) continue;
    const auto ia = a.columns.find(d.name), ib = b.columns.find(d.name);
    if (ia == a.columns.end() || ib == b.columns.end()) {
      if ((ia == a.columns.end()) != (ib == b.columns.end())) out.push_back(d.name);
      continue;
    }
    const io::RunColumn &x = ia->second, &y = ib->second;
    const bool same = x.dims == y.dims && x.i == y.i && x.d.size() == y.d.size() &&
                      (x.d.empty() || std::memcmp(x.d.data(), y.d.data(), x.d.size() * sizeof(double)) == 0);  // (no memcmp of an empty vector's null data: UBSan)
    if (!same) out.push_back(d.name);
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string o;
  for (const auto& s : v) o += (o.empty() ? "" : ", ") + s;
  return o;
}

TEST(Provenance, RerunReproducesEveryNumericDatasetAfterTheModelFileChanged) {
  const std::string dir = ::testing::TempDir() + "/provenance";
  std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
  const std::string model = dir + "/model.toml", a = dir + "/a.h5", b = dir + "/b.h5", c = dir + "/c.h5", d = dir + "/d.h5";
  const std::string original = Slurp(std::string(SPINELAB_SOURCE_DIR) + "/models/spine_adult.toml");
  ASSERT_FALSE(original.empty());
  std::ofstream(model, std::ios::binary) << original;

  CmdResult r = Exec("--model " + model + " run " + kTwist + " -o " + a);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // the model file changes on disk: a stiffer axial muscle tone (3000 -> 3300 N m/rad in the thorax)
  std::string edited = original;
  const std::string from = "stiffness_Nm_per_rad = { value = [150.0, 3000.0, 4000.0]";
  const size_t at = edited.find(from);
  ASSERT_NE(at, std::string::npos) << "the muscle tone row moved: update this test";
  edited.replace(at, from.size(), "stiffness_Nm_per_rad = { value = [150.0, 3300.0, 4000.0]");
  std::ofstream(model, std::ios::binary | std::ios::trunc) << edited;

  r = Exec("rerun " + a + " -o " + b);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Exec("--model " + model + " run " + kTwist + " -o " + c);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Exec("--model " + a + ":seated_twist run " + kTwist + " -o " + d);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  auto A = io::ReadRun(a, "seated_twist"), B = io::ReadRun(b, "seated_twist"), C = io::ReadRun(c, "seated_twist"),
       D = io::ReadRun(d, "seated_twist");
  ASSERT_TRUE(A.ok() && B.ok() && C.ok() && D.ok()) << A.ErrorText() << B.ErrorText() << C.ErrorText() << D.ErrorText();
  // what ran is stored: the model's whole text as loaded, and where it came from
  EXPECT_EQ(A.value().model_text, original);
  EXPECT_EQ(A.value().model_file, model);
  EXPECT_EQ(C.value().model_text, edited);
  EXPECT_EQ(B.value().model_text, original);
  EXPECT_EQ(B.value().model_file, a + ":seated_twist");
  EXPECT_EQ(B.value().scenario_text, A.value().scenario_text);
  EXPECT_EQ(B.value().overrides, A.value().overrides);
  // bit for bit from the stored attributes, whatever the model file says today
  EXPECT_EQ(Join(DifferingNumbers(A.value(), B.value())), "") << "rerun differs";
  EXPECT_EQ(Join(DifferingNumbers(A.value(), D.value())), "") << "--model FILE.h5:RUN differs";
  // the changed model file gives another run
  const auto changed = DifferingNumbers(A.value(), C.value());
  EXPECT_NE(std::find(changed.begin(), changed.end(), "levels/rotation"), changed.end()) << Join(changed);
}

TEST(Provenance, ARunWithTheRibCageAsBodiesStoresItsRibCageFileAndRerunsBitForBit) {
  const std::string dir = ::testing::TempDir() + "/provenance_ribs";
  std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
  const std::string model = dir + "/model.toml", a = dir + "/a.h5", b = dir + "/b.h5";
  std::string text = Slurp(std::string(SPINELAB_SOURCE_DIR) + "/models/spine_adult.toml");
  const size_t at = text.find("\nmodel = \"lumped\"", text.find("[rib_cage]"));
  ASSERT_NE(at, std::string::npos) << "rib_cage.model moved: update this test";
  text.replace(at, 17, "\nmodel = \"bodies\"");
  std::ofstream(model, std::ios::binary) << text;
  CmdResult r = Exec("--model " + model + " run " + kTwist + " -o " + a);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("closest rib joint to a pop (of 44)"), std::string::npos) << r.output;
  r = Exec("rerun " + a + " -o " + b);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto A = io::ReadRun(a, "seated_twist"), B = io::ReadRun(b, "seated_twist");
  ASSERT_TRUE(A.ok() && B.ok()) << A.ErrorText() << B.ErrorText();
  EXPECT_EQ(A.value().rib_cage_text, Slurp(std::string(SPINELAB_SOURCE_DIR) + "/models/ribcage_adult.toml"));
  EXPECT_EQ(B.value().rib_cage_text, A.value().rib_cage_text);
  EXPECT_EQ(B.value().rib_cage_file, a + ":seated_twist@rib_cage_text");
  EXPECT_EQ(Join(DifferingNumbers(A.value(), B.value())), "") << "rerun differs";
}

TEST(Provenance, BadInputNamesFileAndRunAndWritesNothing) {
  const std::string dir = ::testing::TempDir() + "/provenance_bad";
  std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
  const std::string a = dir + "/a.h5", old = dir + "/old.h5", out = dir + "/out.h5";
  ASSERT_EQ(Exec("run " + kTwist + " -o " + a).exit_code, 0);

  // a run that is not in the file
  CmdResult r = Exec("rerun " + a + " --run nosuch -o " + out);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(a), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("'nosuch' is not a run of this file; runs: seated_twist"), std::string::npos) << r.output;
  EXPECT_FALSE(FileExists(out));
  r = Exec("--model " + a + ":nosuch run " + kTwist + " -o " + out);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("'nosuch' is not a run of this file"), std::string::npos) << r.output;
  EXPECT_FALSE(FileExists(out));

  // a file written before runs stored their model (no model_text)
  {
    auto sc = sim::LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml", {"run.duration_s=0.05"}).value();
    auto res = sim::RunScenario(sc, sim::LoadSpineParams(sim::DefaultSpineModelPath()).value()).value();
    res.model_text.clear();
    res.model_file.clear();
    auto f = io::CreateFile(old, true);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(io::WriteRun(f.value(), "seated_twist", sc, res).ok());
  }
  for (const std::string& args : {"rerun " + old + " -o " + out, "--model " + old + ":seated_twist run " + kTwist + " -o " + out}) {
    r = Exec(args);
    EXPECT_NE(r.exit_code, 0) << args << "\n" << r.output;
    for (const std::string& part : {old, std::string("runs/seated_twist@model_text"), std::string("run 'seated_twist' has no model_text")})
      EXPECT_NE(r.output.find(part), std::string::npos) << args << ": " << part << " missing in\n" << r.output;
    EXPECT_FALSE(FileExists(out)) << args;
  }
  // not a results file
  r = Exec("rerun " + std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml -o " + out);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("seated_twist.toml"), std::string::npos) << r.output;
  EXPECT_FALSE(FileExists(out));
}

}  // namespace

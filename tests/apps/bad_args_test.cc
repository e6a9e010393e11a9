// Every command's bad arguments: a missing file, a folder instead of a file, an output that
// cannot be written, an unknown level, a bad --set. Each exits non-zero with a message that
// names what was wrong, before anything runs.
#include <gtest/gtest.h>

#include "apps/cli_util.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using spinelab::testing::CmdResult;
using spinelab::testing::Exec;

struct Case {
  std::string args;
  std::vector<std::string> expect;  // each in the output
};

TEST(BadArguments, EveryCommandSaysWhatIsWrongAndExitsNonZero) {
  const std::string dir = testing::TempDir() + "spinelab_badargs";
  std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
  const std::string src = SPINELAB_SOURCE_DIR, sc = src + "/scenarios/seated_twist.toml", sc2 = src + "/scenarios/dead_hang.toml";
  const std::string missing = dir + "/missing.toml", toml_not_h5 = sc, nodir = dir + "/no/such/out.h5";
  const std::vector<Case> cases = {
      // run
      {"run " + missing, {"missing.toml", "does not exist"}},
      {"run " + dir, {dir, "directory"}},
      {"run " + sc + " -o " + dir + " --overwrite", {dir, "is a folder"}},
      {"run " + sc + " -o " + nodir, {"folder " + dir + "/no/such does not exist"}},
      {"run " + sc + " --set subject.body_mass_kg", {"--set", "must be key.path=value"}},
      {"run " + sc + " --set subject.body_mass_kg=500", {"--set subject.body_mass_kg=500 (on " + sc + ")", "allowed: [30, 200] kg"}},
      {"run " + sc + " --set nosuch.key=1", {"--set", "'nosuch' does not exist"}},
      {"run " + sc + " --set load.0.body=T13", {"load.0.body", "'T13' is not a body of the model"}},
      {"run " + src + "/scenarios/repeated_popping.toml --set protocol.level=L6-S1", {"protocol.level", "'L6-S1' is not a level"}},
      // compare
      {"compare " + sc + " " + missing, {"missing.toml", "does not exist"}},
      {"compare " + sc + " " + dir, {"directory"}},
      {"compare " + sc + " " + sc2 + " -o " + dir, {dir, "is a folder"}},
      {"compare " + sc + " " + sc2 + " --set run.dt_s=1", {"run.dt_s", "allowed: [1e-05, 0.005] s"}},
      // rerun
      {"rerun " + dir + "/missing.h5 -o " + dir + "/o.h5", {"missing.h5", "does not exist"}},
      {"rerun " + dir + " -o " + dir + "/o.h5", {"directory"}},
      {"rerun " + toml_not_h5 + " -o " + dir + "/o.h5", {sc, "cannot open as an HDF5 results file"}},
      // batch
      {"batch " + missing + " -o " + dir + "/s.h5", {"missing.toml", "does not exist"}},
      {"batch " + dir + " -o " + dir + "/s.h5", {"directory"}},
      {"batch " + sc + " -o " + nodir, {"folder " + dir + "/no/such does not exist"}},
      {"batch " + sc + " -o " + dir + "/s.h5 --sweep subject.body_mass_kg", {"--sweep"}},
      {"batch " + sc + " -o " + dir + "/s.h5 --set =5", {"--set"}},
      // the lab commands
      {"rom --level T7-T9", {"'T7-T9' is not a level"}},
      {"rom --targets " + missing, {"missing.toml", "does not exist"}},
      {"distract --level L9-L10", {"L9-L10"}},
      {"distract --level L4-L5 --side X", {"--side", "X"}},
      {"distract --level L4-L5 --wav " + dir, {dir, "is a folder"}},
      {"distract --level L4-L5 --wav " + nodir, {"folder " + dir + "/no/such does not exist"}},
      {"creep --level T7-T9", {"T7-T9"}},
      {"settle --duration-s -1", {"--duration-s"}},
      {"--model " + missing + " pa-stiffness", {"model not found", "missing.toml"}},
      {"--model " + dir + " pa-stiffness", {dir}},
      {"--model " + sc + " pa-stiffness", {sc, "invalid model file"}},
      {"nosuchcommand", {"subcommand"}},
  };
  for (const Case& c : cases) {
    const CmdResult r = Exec(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args << "\n" << r.output;
    for (const std::string& e : c.expect) EXPECT_NE(r.output.find(e), std::string::npos) << c.args << ": want '" << e << "' in\n" << r.output;
  }
}

}  // namespace

namespace {

// `rom --model FILE.h5:RUN` reads the run's stored model through io::LoadModelSpec, as run and
// rerun do; its bad forms exit 2 with a message naming the file or run; --calibrate refuses it
// (a stored model is no file to rewrite) and leaves the results file as it was.
TEST(BadArguments, RomTakesTheModelOfARunAndSaysWhatIsWrong) {
  const std::string dir = testing::TempDir() + "spinelab_badargs_rom";
  std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
  const std::string sc = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml", a = dir + "/a.h5";
  ASSERT_EQ(Exec("run " + sc + " --set run.duration_s=0.05 -o " + a).exit_code, 0);
  const std::string before = spinelab::testing::Slurp(a);

  // the stored model is the default model: the same range of motion
  const CmdResult ref = Exec("rom --level T7-T8 --json");
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  const CmdResult stored = Exec("--model " + a + ":seated_twist rom --level T7-T8 --json");
  EXPECT_EQ(stored.exit_code, 0) << stored.output;
  EXPECT_EQ(stored.output, ref.output);

  const std::vector<Case> cases = {
      {"--model " + dir + "/missing.h5:seated_twist rom --level T7-T8", {"model not found", dir + "/missing.h5:seated_twist"}},
      {"--model " + a + ": rom --level T7-T8", {a, "names no run: use FILE.h5:RUN"}},
      {"--model " + a + ":nosuch rom --level T7-T8", {a, "'nosuch' is not a run of this file; runs: seated_twist"}},
      {"--model " + a + ":seated_twist rom --calibrate", {"--calibrate", a + ":seated_twist", "cannot be rewritten"}},
      {"--model " + sc + " rom --level T7-T8", {sc, "invalid model file"}},
  };
  for (const Case& c : cases) {
    const CmdResult r = Exec(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    for (const std::string& e : c.expect) EXPECT_NE(r.output.find(e), std::string::npos) << c.args << ": want '" << e << "' in\n" << r.output;
  }
  EXPECT_EQ(spinelab::testing::Slurp(a), before) << "the results file was changed";
}

}  // namespace

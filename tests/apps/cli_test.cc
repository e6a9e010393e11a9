// The `spinelab` command: JSON output of `rom`, and bad input gives a message and non-zero exit.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct CmdResult {
  int exit_code;
  std::string output;  // stdout + stderr
};

CmdResult Exec(const std::string& args) {
  const std::string cmd = std::string(SPINELAB_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

TEST(Cli, RomJsonHasTheDocumentedFields) {
  const CmdResult r = Exec("rom --level T7-T8 --moment 7.5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* key : {"\"level\": \"T7-T8\"", "\"moment_Nm\": 7.5", "\"flexion_extension_deg\"",
                          "\"lateral_bending_deg\"", "\"axial_rotation_deg\"", "\"one_sided_deg\"",
                          "\"neutral_zone_deg\"", "\"facet_force_N\"", "\"axial_left\": {\"L\"", "\"status\": \"ok\""})
    EXPECT_NE(r.output.find(key), std::string::npos) << key << " missing in " << r.output;
}

TEST(Cli, UnknownLevelFailsWithTheAllowedList) {
  const CmdResult r = Exec("rom --level T7-T9 --json");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("'T7-T9' is not a level"), std::string::npos) << r.output;
}

TEST(Cli, OutOfRangeOptionFails) {
  const CmdResult r = Exec("rom --level T7-T8 --moment -3");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--moment"), std::string::npos) << r.output;
}

TEST(Cli, MissingModelFileFails) {
  const CmdResult r = Exec("--model /nonexistent.toml rom --level T7-T8");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent.toml"), std::string::npos) << r.output;
}

}  // namespace

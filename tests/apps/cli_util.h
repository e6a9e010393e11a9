#pragma once
// Helpers of the command-line tests: run `spinelab ARGS` and read files whole.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace spinelab::testing {

struct CmdResult {
  int exit_code;
  std::string output;  // stdout + stderr
};

/// Runs `spinelab ARGS` through the shell (ARGS are shell words).
inline CmdResult Exec(const std::string& args) {
  const std::string cmd = std::string(SPINELAB_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

/// The bytes of a file ("" when it cannot be read).
inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace spinelab::testing

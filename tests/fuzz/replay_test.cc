// Every input the fuzzers found a problem with (tests/fuzz/regressions/<target>/), replayed
// through the same entry points with the normal compiler; under `make test-sanitize` with ASan
// and UBSan as when it was found.
#include <dirent.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_entry.h"

namespace {

std::vector<std::string> Inputs(const std::string& target) {
  const std::string dir = std::string(SPINELAB_SOURCE_DIR) + "/tests/fuzz/regressions/" + target;
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void Replay(const std::string& target, int (*entry)(const uint8_t*, size_t)) {
  const std::vector<std::string> inputs = Inputs(target);
  ASSERT_FALSE(inputs.empty()) << "no regression inputs for " << target;
  for (const std::string& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    SCOPED_TRACE(path);
    EXPECT_NO_THROW(entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
}

TEST(Fuzz, ScenarioRegressions) { Replay("scenario", spinelab::fuzz::Scenario); }
TEST(Fuzz, ModelRegressions) { Replay("model", spinelab::fuzz::Model); }
TEST(Fuzz, RunFileRegressions) { Replay("run_file", spinelab::fuzz::RunFile); }

}  // namespace

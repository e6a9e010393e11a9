// Every input the fuzzers found a problem with (tests/fuzz/regressions/<target>/), replayed
// through the same entry points with the normal compiler; under `make test-sanitize` with ASan
// and UBSan as when it was found. The results files that crash libhdf5 itself
// (regressions/hdf5_library/: no fix of spinelab's code can make the library read them) are
// replayed through what spinelab reads a file with, io::ListRuns and io::ReadRun by path (in a
// child process): an error naming the file, and this process goes on.
#include <dirent.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_entry.h"
#include "spinelab/io/results.h"

namespace {

std::vector<std::string> Inputs(const std::string& target) {
  const std::string dir = std::string(SPINELAB_SOURCE_DIR) + "/tests/fuzz/regressions/" + target;
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.' && std::string(e->d_name) != "README.md") out.push_back(dir + "/" + e->d_name);
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
TEST(Fuzz, RunFileRegressions) {
  Replay("run_file", spinelab::fuzz::RunFile);
  // and through the reader by path: the same files, and those libhdf5 crashes on
  std::vector<std::string> files = Inputs("run_file"), library = Inputs("hdf5_library");
  ASSERT_FALSE(library.empty());
  files.insert(files.end(), library.begin(), library.end());
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
#if defined(__SANITIZE_ADDRESS__)
    // under ASan the reader's child has no address-space limit and reads the 4 GB header whole
    // (tests/io/damaged_file_test.cc, kUnderAsan)
    if (path.find("4GB") != std::string::npos) continue;
#endif
    auto runs = spinelab::io::ListRuns(path);
    std::string text = runs ? "" : runs.ErrorText();
    for (const std::string& run : runs ? runs.value() : std::vector<std::string>{"seated_twist"}) {
      auto r = spinelab::io::ReadRun(path, run);
      if (!r) text += r.ErrorText();
    }
    EXPECT_NE(text.find(path + ": "), std::string::npos) << "a damaged file read as whole: " << text;
    if (path.find("/hdf5_library/h5hg_") != std::string::npos) { EXPECT_NE(text.find("damaged HDF5 file"), std::string::npos) << text; }
  }
}

}  // namespace

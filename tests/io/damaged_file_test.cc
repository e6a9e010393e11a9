// Damaged and hostile results files (docs/reliability.md "Damaged results files"): io::ListRuns
// and io::ReadRun by path read the file in a child process, so the inputs that crash libhdf5
// itself (tests/fuzz/regressions/hdf5_library/) and corrupt variants of a good file are an error
// naming the file, never a crash of the reader; the copy the child sends back is the run as the
// in-process reader reads it. `spinelab rerun`, `--model FILE.h5:RUN` and the viewer's
// ReadResults go through the same reader (the Python module: tests/python, DamagedFiles).
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "spinelab/io/h5.h"
#include "spinelab/io/results.h"

namespace {

using namespace spinelab;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
void Put(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

const std::string kLibraryCrashes = std::string(SPINELAB_SOURCE_DIR) + "/tests/fuzz/regressions/hdf5_library/";

std::vector<std::string> CrashFiles() {
  std::vector<std::string> out;
  if (DIR* d = opendir(kLibraryCrashes.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 3 && name.substr(name.size() - 3) == ".h5") out.push_back(kLibraryCrashes + name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// a folder of this test process's own
std::string Folder(const std::string& name) {
  const std::string d = ::testing::TempDir() + "spinelab_damaged_" + name + "_" + std::to_string(::getpid());
  std::system(("rm -rf '" + d + "' && mkdir -p '" + d + "'").c_str());
  return d;
}

// `spinelab args...`: exit code (128 + signal when killed) and stdout + stderr
int Cli(const std::vector<std::string>& args, std::string* output, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<std::string> copy = args;
    std::string bin = SPINELAB_BIN;
    std::vector<char*> argv{bin.data()};
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  *output = Slurp(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// a short good results file (seated_twist, 0.05 s), made once per test process
const std::string& GoodFile() {
  static const std::string path = [] {
    const std::string dir = Folder("good"), p = dir + "/good.h5";
    std::string out;
    EXPECT_EQ(Cli({"run", std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml", "--set", "run.duration_s=0.05", "--set",
                   "run.settle_s=0", "-o", p},
                  &out, dir + "/log.txt"),
              0)
        << out;
    return p;
  }();
  return path;
}

// whatever the reader says of `path`: ok, or an error that names the file
struct Outcome {
  bool listed = false, read = false, library_crash = false;
  std::string text;
};
Outcome ReadAll(const std::string& path) {
  Outcome o;
  auto runs = io::ListRuns(path);
  std::vector<std::string> names = runs ? runs.value() : std::vector<std::string>{};
  o.listed = runs.ok();
  if (!runs) o.text += runs.ErrorText() + "\n";
  if (names.empty()) names = {"seated_twist", "thoracic_thrust"};  // what the fuzzer's seeds held
  o.read = true;
  for (const std::string& run : names) {
    auto r = io::ReadRun(path, run);
    if (!r) {
      o.read = false;
      o.text += r.ErrorText() + "\n";
    } else {
      (void)io::StoredScenario(r.value());
      (void)io::StoredModel(r.value());
    }
  }
  o.library_crash = o.text.find("the HDF5 library crashed reading it") != std::string::npos;
  return o;
}

// every error line names the file
void ExpectEveryErrorNames(const std::string& text, const std::string& path) {
  std::stringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) { EXPECT_NE(line.find(path), std::string::npos) << line; }
}

// the in-process reader on `path` in a child of this test: the signal it died of, or 0
int InProcessSignal(const std::string& path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(2);  // (ASan or the library may print)
    const std::string bytes = Slurp(path);
    auto f = io::OpenFileImage(bytes.data(), bytes.size());
    if (f)
      for (const std::string& run : io::ListGroups(f.value(), "runs")) (void)io::ReadRun(f.value(), path, run);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

// [SECTION] the inputs that crash libhdf5

// Under ASan (make test-sanitize) the library's bad reads are ASan's reports: the child aborts
// (SIGABRT) where a plain build faults (SIGSEGV), it prints ASan's report on the stderr it shares,
// and the 4 GB header is read whole (no address-space limit under ASan's shadow memory; the heap
// cap of isolated_read.cc does not stop it): never a crash of the reading process.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

// the run each input was fuzzed from (the seeds: seated_twist, thoracic_thrust)
std::string RunOf(const std::string& file) { return file.find("4GB") != std::string::npos ? "thoracic_thrust" : "seated_twist"; }
bool HeapIdCrash(const std::string& file) { return file.find("/h5hg_") != std::string::npos; }

TEST(DamagedFile, InputsThatCrashLibhdf5AreAnErrorNamingTheFile) {
  const std::vector<std::string> files = CrashFiles();
  ASSERT_EQ(files.size(), 7u) << kLibraryCrashes;
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    const Outcome o = ReadAll(f);  // this process survives: the child crashed, if anything
    const bool big = f.find("4GB") != std::string::npos;
    if (kUnderAsan && big) continue;  // (read whole under ASan: see kUnderAsan)
    EXPECT_FALSE(o.read) << "a damaged file read as whole";
    ExpectEveryErrorNames(o.text, f);
    if (HeapIdCrash(f)) {
      // a corrupt global-heap id: the library faults (SIGSEGV) in process, which the test's own
      // child shows; the isolated reader says so
      const int sig = kUnderAsan ? SIGABRT : SIGSEGV;
      EXPECT_NE(o.text.find(f + ": damaged HDF5 file (the HDF5 library crashed reading it: signal " + std::to_string(sig)),
                std::string::npos)
          << o.text;
      EXPECT_EQ(InProcessSignal(f), sig);
    } else if (big) {
      // the 4 GB header size: in process (no limit) libhdf5 allocates and fills ~8 GB for 25 s and
      // then reads the run; the reader's child, with its memory limit, refuses it at once
      EXPECT_NE(o.text.find(f + ": runs/thoracic_thrust/facets/name: unreadable dataset"), std::string::npos) << o.text;
    }
    std::printf("%s: %s", f.c_str(), o.text.c_str());
  }
}

TEST(DamagedFile, RerunAndModelFromAResultsFileSayTheFileIsDamaged) {
  const std::string dir = Folder("cli");
  int k = 0;
  for (const std::string& f : CrashFiles()) {
    SCOPED_TRACE(f);
    if (kUnderAsan && f.find("4GB") != std::string::npos) continue;  // (read whole under ASan: see kUnderAsan)
    std::string out;
    const int rerun = Cli({"rerun", f, "-o", dir + "/out.h5"}, &out, dir + "/log" + std::to_string(k++) + ".txt");
    EXPECT_EQ(rerun, 2) << out;
    EXPECT_NE(out.find(f + ": " + (HeapIdCrash(f) ? "damaged HDF5 file" : "")), std::string::npos) << out;
    if (!kUnderAsan) {  // (ASan reports libhdf5's read)
      EXPECT_EQ(out.find("Sanitizer"), std::string::npos) << out;
    }
    const int model = Cli({"--model", f + ":" + RunOf(f), "settle", "--duration-s", "0.01"}, &out,
                          dir + "/log" + std::to_string(k++) + ".txt");
    EXPECT_EQ(model, 2) << out;
    EXPECT_NE(out.find("invalid model file:\n" + f + ": "), std::string::npos) << out;
  }
  EXPECT_FALSE(std::ifstream(dir + "/out.h5").good()) << "nothing written";
}

// [SECTION] corrupt variants of a good file

TEST(DamagedFile, CorruptVariantsOfAGoodFileAreReadOrRefusedNeverACrash) {
  const std::string good = Slurp(GoodFile());
  ASSERT_GT(good.size(), 10000u);
  const std::string dir = Folder("variants");
  std::vector<std::pair<std::string, std::string>> variants = {
      {"empty", ""}, {"text", "not an HDF5 file\n"}, {"zeros", std::string(good.size(), '\0')}};
  for (size_t cut : {size_t{8}, size_t{512}, good.size() / 3, good.size() / 2, good.size() - 1})
    variants.push_back({"cut_" + std::to_string(cut), good.substr(0, cut)});
  // a byte of every 49th part changed (in the superblock, the object headers, the heaps, the data)
  for (int k = 0; k < 48; ++k) {
    std::string b = good;
    const size_t at = static_cast<size_t>(k) * good.size() / 49 + 13;
    b[at] = static_cast<char>(b[at] ^ 0x5a);
    variants.push_back({"flip_" + std::to_string(at), b});
  }
  int ok = 0, refused = 0, crashed = 0;
  for (const auto& [name, bytes] : variants) {
    const std::string p = dir + "/" + name + ".h5";
    Put(p, bytes);
    SCOPED_TRACE(p);
    const Outcome o = ReadAll(p);
    ExpectEveryErrorNames(o.text, p);
    if (o.read) ++ok;
    else ++refused;
    crashed += o.library_crash;
  }
  std::printf("%zu variants: %d read, %d refused (%d of them a crash of the HDF5 library in the reader's child)\n",
              variants.size(), ok, refused, crashed);
  EXPECT_GE(refused, 8);  // at least the empty, text, zeros and cut files
}

// [SECTION] the copy the child sends back

TEST(DamagedFile, TheIsolatedReaderGivesTheRunTheInProcessReaderReads) {
  const std::string& path = GoodFile();
  auto mine = io::OpenFileReadOnly(path);
  ASSERT_TRUE(mine.ok());
  auto a = io::ReadRun(mine.value(), path, "seated_twist");
  auto b = io::ReadRun(path, "seated_twist");
  ASSERT_TRUE(a.ok()) << a.ErrorText();
  ASSERT_TRUE(b.ok()) << b.ErrorText();
  const io::StoredRun &A = a.value(), &B = b.value();
  EXPECT_EQ(A.file, B.file);
  EXPECT_EQ(A.run, B.run);
  EXPECT_EQ(A.scenario, B.scenario);
  EXPECT_EQ(A.title, B.title);
  EXPECT_EQ(A.scenario_text, B.scenario_text);
  EXPECT_EQ(A.parameters, B.parameters);
  EXPECT_EQ(A.status, B.status);
  EXPECT_EQ(A.error, B.error);
  EXPECT_EQ(A.spinelab_version, B.spinelab_version);
  EXPECT_EQ(A.overrides, B.overrides);
  EXPECT_EQ(A.overrides.size(), 2u);
  EXPECT_EQ(A.has_model_text, B.has_model_text);
  EXPECT_TRUE(B.has_model_text);
  EXPECT_EQ(A.model_text, B.model_text);
  EXPECT_EQ(A.model_file, B.model_file);
  EXPECT_EQ(A.rib_cage_text, B.rib_cage_text);
  EXPECT_EQ(A.rib_cage_file, B.rib_cage_file);
  EXPECT_EQ(A.seed, B.seed);
  EXPECT_EQ(A.steps, B.steps);
  EXPECT_EQ(std::memcmp(&A.dt_s, &B.dt_s, sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(&A.wall_time_s, &B.wall_time_s, sizeof(double)), 0);
  ASSERT_EQ(A.columns.size(), B.columns.size());
  for (const auto& [name, col] : A.columns) {
    auto it = B.columns.find(name);
    ASSERT_NE(it, B.columns.end()) << name;
    EXPECT_EQ(col.dims, it->second.dims) << name;
    EXPECT_EQ(col.s, it->second.s) << name;
    EXPECT_EQ(col.i, it->second.i) << name;
    ASSERT_EQ(col.d.size(), it->second.d.size()) << name;
    if (!col.d.empty()) { EXPECT_EQ(std::memcmp(col.d.data(), it->second.d.data(), col.d.size() * sizeof(double)), 0) << name; }
  }
  EXPECT_EQ(io::ListRuns(path).value(), std::vector<std::string>{"seated_twist"});
  // errors the child's reader gives come back as they are
  auto missing = io::ReadRun(path, "nosuch");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.ErrorText().find("'nosuch' is not a run of this file; runs: seated_twist"), std::string::npos) << missing.ErrorText();
  EXPECT_NE(missing.ErrorText().find(path), std::string::npos);
  auto none = io::ListRuns(path + ".none");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.ErrorText().find(path + ".none: cannot open as an HDF5 results file"), std::string::npos) << none.ErrorText();
}

}  // namespace

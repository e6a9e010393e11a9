// A failing or killed command never costs a results file: io::AtomicFile, and `spinelab run -o`
// / `compare -o` / `rerun -o` / `distract --wav` end to end (bad input after the output was
// named, a run that fails to settle, SIGKILL mid-write, an unwritable folder, a full disk).
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "apps/cli_util.h"
#include "spinelab/io/atomic_file.h"
#include "spinelab/io/results.h"

namespace {

using spinelab::io::AtomicFile;

using spinelab::testing::Slurp;

void Put(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// a fresh folder of the test's own (the process id in its name: two checkouts testing at once
// on one machine shared /tmp/spinelab_rel_kill, and one read the other's log)
// what this test process made under TempDir(), removed when it exits (ctest runs each test in
// a process of its own; a forked child leaves with _exit and removes nothing)
std::vector<std::string>& Made() {
  static std::vector<std::string> made;
  return made;
}
const pid_t kOwner = ::getpid();
void RemoveMade() {
  if (::getpid() != kOwner) return;
  for (const std::string& p : Made()) std::system(("chmod -R u+w '" + p + "' 2>/dev/null; rm -rf '" + p + "'").c_str());
}
const std::string& Remember(const std::string& path) {
  if (Made().empty()) std::atexit(RemoveMade);
  Made().push_back(path);
  return path;
}

std::string Folder(const std::string& name) {
  const std::string d = testing::TempDir() + "spinelab_rel_" + name + "_" + std::to_string(::getpid());
  std::system(("rm -rf '" + d + "' && mkdir -p '" + d + "'").c_str());
  return Remember(d);
}

// runs `spinelab args...` in a child; `setup` runs in the child before exec (limits, user)
struct Child {
  pid_t pid = -1;
  std::string log;
  int Wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Output() const { return Slurp(log); }
};

Child Start(const std::vector<std::string>& args, const std::string& log, const std::function<void()>& setup = {}) {
  Child c;
  c.log = log;
  c.pid = ::fork();
  if (c.pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (setup) setup();
    std::vector<char*> argv;
    std::string bin = SPINELAB_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return c;
}

int RunCli(const std::vector<std::string>& args, std::string* output, const std::function<void()>& setup = {}) {
  static int count = 0;  // (ctest runs the tests in parallel processes: one log each)
  Child c = Start(args, Remember(testing::TempDir() + "spinelab_rel_log_" + std::to_string(::getpid()) + "_" + std::to_string(count++) + ".txt"), setup);
  const int code = c.Wait();
  *output = c.Output();
  return code;
}

const std::string kScenarios = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/";

// an old results file with one short run, to be kept
std::string OldResults(const std::string& dir) {
  const std::string old = dir + "/demo.h5";
  std::string out;
  EXPECT_EQ(RunCli({"run", kScenarios + "seated_twist.toml", "--set", "run.duration_s=0.05", "--set", "run.settle_s=0", "-o", old},
                &out),
            0)
      << out;
  return old;
}

// [SECTION] AtomicFile

TEST(AtomicFile, CommitReplacesTheFileWhole) {
  const std::string dir = Folder("commit"), path = dir + "/a.txt";
  Put(path, "old");
  AtomicFile f(path);
  ASSERT_TRUE(f.Open().ok());
  EXPECT_TRUE(Exists(f.temp_path()));
  EXPECT_EQ(f.temp_path().rfind(dir + "/", 0), 0u);  // the same folder: the rename is atomic
  ASSERT_TRUE(f.Write({'n', 'e', 'w'}).ok());
  EXPECT_EQ(Slurp(path), "old");                  // nothing changes before Commit
  ASSERT_TRUE(f.Commit().ok());
  EXPECT_EQ(Slurp(path), "new");
  EXPECT_FALSE(Exists(f.temp_path()));
  EXPECT_FALSE(f.Commit().ok());                  // once only
}

TEST(AtomicFile, WithoutCommitTheOldFileStaysAndTheTemporaryGoes) {
  const std::string dir = Folder("abandon"), path = dir + "/a.txt";
  Put(path, "old");
  std::string temp;
  {
    AtomicFile f(path);
    ASSERT_TRUE(f.Open().ok());
    ASSERT_TRUE(f.Write({'h', 'a', 'l', 'f'}).ok());
    temp = f.temp_path();
  }
  EXPECT_EQ(Slurp(path), "old");
  EXPECT_FALSE(Exists(temp));
}

TEST(AtomicFile, AFolderOrAMissingFolderIsSaidWithThePath) {
  const std::string dir = Folder("bad");
  AtomicFile on_folder(dir);
  auto a = on_folder.Open();
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.ErrorText().find(dir), std::string::npos) << a.ErrorText();
  EXPECT_NE(a.ErrorText().find("is a folder"), std::string::npos) << a.ErrorText();
  AtomicFile missing(dir + "/no/such/x.h5", "-o");
  auto b = missing.Open();
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.ErrorText().find("folder " + dir + "/no/such does not exist"), std::string::npos) << b.ErrorText();
  EXPECT_NE(b.ErrorText().find("-o"), std::string::npos) << b.ErrorText();
}

TEST(AtomicFile, ACommitWhoseContentIsGoneFailsAndKeepsTheOldFile) {
  const std::string dir = Folder("gone"), path = dir + "/a.txt";
  Put(path, "old");
  AtomicFile f(path);
  ASSERT_TRUE(f.Write({'x'}).ok());
  std::remove(f.temp_path().c_str());
  EXPECT_FALSE(f.Commit().ok());
  EXPECT_EQ(Slurp(path), "old");
}

// [SECTION] the commands

// bad input found only with the model (a body the model lacks) after -o was named: the old file
// byte for byte, nothing left beside it
TEST(Reliability, ABadBodyWithOverwriteLeavesTheOldFileByteForByte) {
  const std::string dir = Folder("badbody");
  const std::string old = OldResults(dir), before = Slurp(old);
  ASSERT_GT(before.size(), 1000u);
  for (const char* bad : {"load.0.body=\"T13\"", "object.0.touch=\"T99\""}) {
    std::string out;
    const std::string scenario = std::string(bad).rfind("object", 0) == 0 ? "chair_twist.toml" : "seated_twist.toml";
    EXPECT_EQ(RunCli({"run", kScenarios + scenario, "--set", bad, "-o", old, "--overwrite"}, &out), 2) << out;
    EXPECT_NE(out.find("is not a body of the model; allowed: head, C1"), std::string::npos) << out;
    EXPECT_EQ(Slurp(old), before) << bad;
    EXPECT_FALSE(Exists(old + ".tmp"));
  }
}

// a failure that only running finds (the body finds no resting pose: an error after the output
// was opened) leaves the old file too
TEST(Reliability, ARunThatFailsAfterTheOutputWasOpenedLeavesTheOldFile) {
  const std::string dir = Folder("settle");
  const std::string old = OldResults(dir), before = Slurp(old);
  // the first run is written (to the temporary file), the second finds no resting pose
  std::string out;
  const int code = RunCli({"run", kScenarios + "seated_twist.toml", std::string(SPINELAB_TESTDATA) + "/scenarios/no_resting_pose.toml",
                        "--set", "run.duration_s=0.05", "-o", old, "--overwrite"},
                       &out);
  ASSERT_EQ(code, 2) << out;
  EXPECT_NE(out.find("no resting pose"), std::string::npos) << out;
  EXPECT_NE(out.find("seated_twist —"), std::string::npos) << "the first run should have run: " << out;
  EXPECT_EQ(Slurp(old), before);
  EXPECT_FALSE(Exists(old + ".tmp"));
}

// [SECTION] SIGKILL at every moment of an overwrite

#if defined(__x86_64__)
// `spinelab args...` under ptrace: stopped at the entry of its `kill_at`-th system call (counted
// from exec) and SIGKILLed there, that call not made; kill_at < 0 runs it to the end. Gives the
// exit code (128 + signal) and the system calls it entered, in order.
struct Traced {
  int code = -1;
  std::vector<long> calls;
};
Traced RunTraced(const std::vector<std::string>& args, const std::string& log, long kill_at) {
  Traced t;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    // (LeakSanitizer's exit check ptraces the process itself, which a traced one cannot allow)
    const char* asan = std::getenv("ASAN_OPTIONS");
    ::setenv("ASAN_OPTIONS", (std::string(asan ? asan : "") + ":detect_leaks=0").c_str(), 1);
    ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    std::vector<char*> argv;
    std::string bin = SPINELAB_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);  // stopped at exec
  if (!WIFSTOPPED(status)) return t;
  // one thread is traced: `spinelab run` starts none (a clone would show in `calls`)
  ::ptrace(PTRACE_SETOPTIONS, pid, nullptr, reinterpret_cast<void*>(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
  bool entry = true;
  int deliver = 0;
  while (true) {
    ::ptrace(PTRACE_SYSCALL, pid, nullptr, reinterpret_cast<void*>(static_cast<intptr_t>(deliver)));
    deliver = 0;
    if (::waitpid(pid, &status, 0) < 0) break;
    if (WIFEXITED(status) || WIFSIGNALED(status)) break;
    if (!WIFSTOPPED(status)) continue;
    if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
      deliver = WSTOPSIG(status);  // a real signal: passed on
      continue;
    }
    if (entry) {
      user_regs_struct regs;
      ::ptrace(PTRACE_GETREGS, pid, nullptr, &regs);
      if (static_cast<long>(t.calls.size()) == kill_at) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      t.calls.push_back(static_cast<long>(regs.orig_rax));
    }
    entry = !entry;
  }
  t.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return t;
}
#endif

// SIGKILL at moments spread over a whole overwrite, and at every system call of its end (the
// write of the new content, its fsync, the rename, the folder's fsync): each time the file is
// the old one byte for byte, or the new one whole (io::ReadRun reads its run) — the old one up
// to the rename, the new one from it on; never anything else
TEST(Reliability, ASigkillAtAnyMomentOfAnOverwriteLeavesTheOldFileOrTheNewOne) {
#if !defined(__x86_64__)
  GTEST_SKIP() << "the system-call tracer reads x86-64 registers";
#else
  const std::string dir = Folder("kill");
  const std::string old = OldResults(dir), before = Slurp(old);  // one run: seated_twist
  ASSERT_EQ(spinelab::io::ListRuns(old).value(), std::vector<std::string>{"seated_twist"});
  const std::vector<std::string> args = {"run", kScenarios + "dead_hang.toml", "--set", "run.duration_s=0.05", "--set", "run.settle_s=0",
                                         "-o", old, "--overwrite"};
  auto renamed = [](const std::vector<long>& calls) {
    for (long c : calls)
      if (c == SYS_rename || c == SYS_renameat || c == SYS_renameat2) return true;
    return false;
  };
  // the whole overwrite once, traced to its end: where its rename is
  const Traced full = RunTraced(args, dir + "/log_full.txt", -1);
  ASSERT_EQ(full.code, 0) << Slurp(dir + "/log_full.txt");
  const size_t new_size = Slurp(old).size();
  const long n = static_cast<long>(full.calls.size());
  long rename_at = -1;
  for (long k = 0; k < n; ++k)
    if (renamed({full.calls[k]})) rename_at = k;
  ASSERT_GT(rename_at, 20) << "no rename among " << n << " system calls";
  for (long c : full.calls) ASSERT_TRUE(c != SYS_clone && c != SYS_clone3) << "a thread the tracer does not follow";
  // the moments: 10 spread over the run, then each call from the new content's write to the exit
  std::vector<long> moments;
  for (int k = 0; k < 10; ++k) moments.push_back(k * (rename_at - 12) / 10);
  for (long k = rename_at - 12; k < n; ++k) moments.push_back(k);
  int kept = 0, replaced = 0;
  bool just_before = false, just_after = false;  // killed at the rename's entry, and at the next call's
  for (long at : moments) {
    SCOPED_TRACE("killed at system call " + std::to_string(at) + " of " + std::to_string(n) + " (the rename: " +
                 std::to_string(rename_at) + ")");
    Put(old, before);
    const Traced t = RunTraced(args, dir + "/log.txt", at);
    ASSERT_EQ(t.code, 128 + SIGKILL) << Slurp(dir + "/log.txt");
    ASSERT_EQ(static_cast<long>(t.calls.size()), at);
    const std::string now = Slurp(old);
    if (!renamed(t.calls)) {  // killed before its rename: the old file, byte for byte
      ++kept;
      EXPECT_EQ(now, before);
      just_before |= at == rename_at;
      continue;
    }
    ++replaced;  // after it: the new file, whole
    just_after |= at == rename_at + 1;
    auto runs = spinelab::io::ListRuns(old);
    ASSERT_TRUE(runs.ok()) << runs.ErrorText();
    EXPECT_EQ(runs.value(), std::vector<std::string>{"dead_hang"});
    auto r = spinelab::io::ReadRun(old, "dead_hang");
    EXPECT_TRUE(r.ok()) << r.ErrorText();
    EXPECT_EQ(now.size(), new_size);
  }
  std::printf("%zu kills (%ld system calls, the rename the %ld-th): %d left the old file, %d the new one\n", moments.size(), n,
              rename_at, kept, replaced);
  EXPECT_TRUE(just_before && just_after) << "the kills missed the rename";
  EXPECT_GE(kept, 20);
  EXPECT_GE(replaced, 2);
  // the next run replaces the stale temporary file and the old file, whole
  std::string out;
  EXPECT_EQ(RunCli(args, &out), 0) << out;
  EXPECT_FALSE(Exists(old + ".tmp"));
  EXPECT_EQ(spinelab::io::ListRuns(old).value(), std::vector<std::string>{"dead_hang"});
#endif
}

// the unprivileged user of the child (root writes anywhere: the test drops to `nobody`)
void AsNobody() {
  if (::geteuid() == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(126);
  }
}

TEST(Reliability, AnUnwritableFolderIsSaidWithThePathAndLeavesTheOldFile) {
  const std::string dir = Folder("unwritable");
  const std::string old = OldResults(dir), before = Slurp(old);
  ::chmod(dir.c_str(), 0555);
  ::chmod(old.c_str(), 0666);  // the file itself could be written: the folder cannot
  std::string out;
  const int code = RunCli({"run", kScenarios + "seated_twist.toml", "-o", old, "--overwrite"}, &out, AsNobody);
  ::chmod(dir.c_str(), 0755);
  ASSERT_NE(code, 126) << "cannot drop to an unprivileged user";
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("cannot write in folder " + dir), std::string::npos) << out;
  EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;
  EXPECT_EQ(out.find("seated_twist —"), std::string::npos) << "it ran before checking the output: " << out;
  EXPECT_EQ(Slurp(old), before);
}

// a full disk (a file size limit stands in): the message names the file, the old one is kept
TEST(Reliability, AFullDiskIsSaidWithThePathAndLeavesTheOldFile) {
  const std::string dir = Folder("full");
  const std::string old = OldResults(dir), before = Slurp(old);
  std::string out;
  const int code = RunCli({"run", kScenarios + "seated_twist.toml", "--set", "run.duration_s=0.5", "-o", old, "--overwrite"}, &out, [] {
    ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim {100000, 100000};
    ::setrlimit(RLIMIT_FSIZE, &lim);
  });
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find(old), std::string::npos) << out;
  EXPECT_NE(out.find("is as it was"), std::string::npos) << out;
  EXPECT_EQ(Slurp(old), before);
  EXPECT_FALSE(Exists(old + ".tmp"));
}

// -o is a folder, or in a folder that does not exist: said before anything runs
TEST(Reliability, AnOutputThatIsAFolderFailsBeforeRunning) {
  const std::string dir = Folder("outdir");
  for (const std::string& o : {dir, dir + "/missing/demo.h5"}) {
    std::string out;
    EXPECT_EQ(RunCli({"run", kScenarios + "seated_twist.toml", "-o", o, "--overwrite"}, &out), 2) << out;
    EXPECT_NE(out.find(o), std::string::npos) << out;
    EXPECT_EQ(out.find("seated_twist —"), std::string::npos) << "it ran before checking the output: " << out;
  }
}

// two files with one name would be one group: found before the output is opened
TEST(Reliability, TwoScenariosWithOneRunNameFailBeforeTheOutput) {
  const std::string dir = Folder("samename");
  const std::string old = OldResults(dir), before = Slurp(old);
  ::mkdir((dir + "/b").c_str(), 0755);
  Put(dir + "/b/seated_twist.toml", Slurp(kScenarios + "seated_twist.toml"));
  std::string out;
  EXPECT_EQ(RunCli({"run", kScenarios + "seated_twist.toml", dir + "/b/seated_twist.toml", "-o", old, "--overwrite"}, &out), 2) << out;
  EXPECT_NE(out.find("the run name 'seated_twist' (the file name) is taken by"), std::string::npos) << out;
  EXPECT_EQ(Slurp(old), before);
}

// compare -o writes both runs; rerun -o replaces its output whole
TEST(Reliability, CompareAndRerunWriteTheirOutputWhole) {
  const std::string dir = Folder("compare");
  const std::string old = OldResults(dir);
  std::string out;
  ASSERT_EQ(RunCli({"compare", kScenarios + "seated_twist.toml", kScenarios + "dead_hang.toml", "--set", "run.duration_s=0.05",
                 "-o", dir + "/cmp.h5"},
                &out),
            0)
      << out;
  EXPECT_EQ(spinelab::io::ListRuns(dir + "/cmp.h5").value(), (std::vector<std::string>{"dead_hang", "seated_twist"}));
  // rerun into its own input: read whole first, replaced whole at the end
  ASSERT_EQ(RunCli({"rerun", dir + "/cmp.h5", "-o", dir + "/cmp.h5", "--overwrite"}, &out), 0) << out;
  EXPECT_EQ(spinelab::io::ListRuns(dir + "/cmp.h5").value(), (std::vector<std::string>{"dead_hang", "seated_twist"}));
  EXPECT_FALSE(Exists(dir + "/cmp.h5.tmp"));
}

TEST(Reliability, DistractWavIntoAFolderFailsBeforeRunning) {
  const std::string dir = Folder("wav");
  std::string out;
  EXPECT_EQ(RunCli({"distract", "--level", "L4-L5", "--wav", dir}, &out), 2) << out;
  EXPECT_NE(out.find(dir + ": --wav: is a folder"), std::string::npos) << out;
}

}  // namespace

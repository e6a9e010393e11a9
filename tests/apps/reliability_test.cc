// A failing or killed command never costs a results file: io::AtomicFile, and `spinelab run -o`
// / `compare -o` / `rerun -o` / `distract --wav` end to end (bad input after the output was
// named, a run that fails to settle, SIGKILL mid-write, an unwritable folder, a full disk).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
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

// SIGKILL while the new file is half written: the old file is still there, readable, identical
TEST(Reliability, ASigkillDuringAnOverwriteLeavesTheOldFile) {
  const std::string dir = Folder("kill");
  const std::string old = OldResults(dir), before = Slurp(old);
  Child c = Start({"run", kScenarios + "seated_twist.toml", kScenarios + "dead_hang.toml", kScenarios + "chair_twist.toml",
                   "-o", old, "--overwrite"},
                  dir + "/log.txt");
  // kill once the first run is done (its summary printed) and the output is open: the new file
  // is half built
  for (int i = 0; i < 60000 && !(Exists(old + ".tmp") && c.Output().find("seated_twist —") != std::string::npos); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_NE(c.Output().find("seated_twist —"), std::string::npos) << c.Output();
  ::kill(c.pid, SIGKILL);
  EXPECT_EQ(c.Wait(), 128 + SIGKILL);
  EXPECT_EQ(Slurp(old), before);
  auto runs = spinelab::io::ListRuns(old);
  ASSERT_TRUE(runs.ok()) << runs.ErrorText();
  ASSERT_EQ(runs.value().size(), 1u);
  EXPECT_TRUE(spinelab::io::ReadRun(old, runs.value()[0]).ok());
  // the next run replaces the stale temporary file and the old file, whole
  std::string out;
  EXPECT_EQ(RunCli({"run", kScenarios + "dead_hang.toml", "--set", "run.duration_s=0.05", "-o", old, "--overwrite"}, &out), 0) << out;
  EXPECT_FALSE(Exists(old + ".tmp"));
  EXPECT_EQ(spinelab::io::ListRuns(old).value(), std::vector<std::string>{"dead_hang"});
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

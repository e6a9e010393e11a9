// Reading a results file that may be damaged or hostile (results.h: ListRuns, ReadRun by path,
// and ReadIsolated for a few strings, e.g. the batch's shard rows; docs/reliability.md "Damaged
// results files").
//
// libhdf5 (Debian's 1.10.8) crashes on some damaged files: a corrupt global-heap id of a
// variable-length string makes H5Dread/H5Aread read wild memory (tests/fuzz/regressions/
// run_file/h5hg_*), and it has no switch to check them. So the file is read in a forked child:
// the child reads it with the ordinary reader (ReadRun on the open file) and writes what it read
// back with spinelab's own writer (WriteStoredRun) into an HDF5 file in memory, whose bytes it
// sends through a pipe; the parent reads that image, which spinelab's writer made and so is
// well formed. A child that dies by a signal, stops with an exit code or sends less than it said
// is a damaged file: "FILE: damaged HDF5 file (the HDF5 library crashed reading it: signal 11,
// Segmentation fault)". The parent never hands the untrusted bytes to libhdf5.
//
// Fork safety: the child runs only the reader (malloc, which glibc keeps usable after fork, and
// HDF5) and leaves by _exit, so no atexit handler, stdio buffer or Python state of the parent
// runs twice. HDF5 (thread-safe build) takes a global lock: a caller with other threads that use
// HDF5 holds io::H5Mutex (batch.h) while it reads, as the Python module and the batch do, so no
// thread is inside HDF5 when the child is forked.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "spinelab/io/h5.h"
#include "spinelab/io/results.h"

#if defined(__SANITIZE_ADDRESS__)
#define SPINELAB_ASAN_HOOKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPINELAB_ASAN_HOOKS 1
#endif
#endif
#ifndef SPINELAB_ASAN_HOOKS
#define SPINELAB_ASAN_HOOKS 0
#endif
#if SPINELAB_ASAN_HOOKS
#if __has_include(<sanitizer/allocator_interface.h>)
#include <sanitizer/allocator_interface.h>
#else
// GCC 12's libasan exports the hook but GCC ships no allocator_interface.h (clang's compiler-rt
// does): its declaration, as in compiler-rt's header
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, size_t),
                                                         void (*free_hook)(const volatile void*));
extern "C" size_t __sanitizer_get_current_allocated_bytes(void);
#endif
#endif

namespace spinelab::io {

namespace {

// [SECTION] what the child sends: a kind byte, then either an HDF5 image ('I'), a list of
// names ('L') or the reader's diagnostics ('E'), strings as a u64 length and the bytes

void PutU64(std::vector<char>* out, uint64_t v) {
  for (int k = 0; k < 8; ++k) out->push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}
void PutStrings(std::vector<char>* out, const std::vector<std::string>& v) {
  PutU64(out, v.size());
  for (const std::string& s : v) {
    PutU64(out, s.size());
    out->insert(out->end(), s.begin(), s.end());
  }
}
// false when the bytes end early (a child that died half-way)
bool GetU64(const std::vector<char>& in, size_t* at, uint64_t* v) {
  if (in.size() - *at < 8) return false;
  *v = 0;
  for (int k = 0; k < 8; ++k) *v |= static_cast<uint64_t>(static_cast<unsigned char>(in[*at + k])) << (8 * k);
  *at += 8;
  return true;
}
bool GetStrings(const std::vector<char>& in, size_t* at, std::vector<std::string>* v) {
  uint64_t n = 0;
  if (!GetU64(in, at, &n) || n > in.size()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len = 0;
    if (!GetU64(in, at, &len) || len > in.size() - *at) return false;
    v->emplace_back(in.data() + *at, len);
    *at += len;
  }
  return *at == in.size();
}

std::vector<char> Errors(const std::vector<Diagnostic>& errors) {
  std::vector<std::string> parts;
  for (const Diagnostic& d : errors) parts.insert(parts.end(), {d.where, d.path, d.message});
  std::vector<char> out{'E'};
  PutStrings(&out, parts);
  return out;
}

bool WriteAll(int fd, const std::vector<char>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

// [SECTION] the child

constexpr int kOutOfMemory = 5;  // the child's exit code when an allocation failed

constexpr bool kAsan = SPINELAB_ASAN_HOOKS;

// What the child may use: CPU time 60 s + 1 s per MB of the file (reading the 317 MB file of the
// 26 scenarios takes ~2 s), and address space beyond what the process maps already 1 GB + 4x the
// file (the run as read, and its copy). Under ASan, which maps terabytes of shadow memory, no
// address-space limit: an allocation hook ends the child when its live heap grows past what it
// held at the fork + 1 GB + 4x the file instead. (Measured under make test-sanitize: this does
// not stop tests/fuzz/regressions/hdf5_library/h5fl_blk_malloc_4GB.h5, which the ASan child reads
// whole in ~70 s where the plain build's address-space limit refuses it at once; not diagnosed.)
struct ChildLimits {
  rlim_t cpu_s = 0, address_space_bytes = 0;
  uint64_t allocation_cap_bytes = 0;  // under ASan, instead: the live heap's growth beyond 1 GB + 4x the file
};

#if SPINELAB_ASAN_HOOKS
uint64_t g_heap_cap = 0;  // live heap bytes at which the child ends (0: no cap)
void CapAllocation(const volatile void*, size_t size) {
  if (g_heap_cap > 0 && (size > g_heap_cap || __sanitizer_get_current_allocated_bytes() > g_heap_cap)) ::_exit(kOutOfMemory);
}
#endif
ChildLimits Limits(const std::string& path) {
  struct stat st;
  const uint64_t file = ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  ChildLimits l;
  l.cpu_s = 60 + file / (1 << 20);
  l.allocation_cap_bytes = (uint64_t{1} << 30) + 4 * file;
  if (kAsan) return l;
  uint64_t mapped_pages = 0;  // /proc/self/statm: the size in pages first
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[64] = {};
    if (::read(fd, buf, sizeof buf - 1) > 0) mapped_pages = std::strtoull(buf, nullptr, 10);
    ::close(fd);
  }
  if (mapped_pages == 0) return l;  // (no /proc: no limit)
  l.address_space_bytes = mapped_pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)) + (uint64_t{1} << 30) + 4 * file;
  return l;
}

// Runs `work` in a forked child and gives back what it sent: the payload (without its length),
// or a diagnostic naming `path` when the child crashed, failed or sent less than it said.
Expected<std::vector<char>> InChild(const std::string& path, const std::function<std::vector<char>()>& work) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return std::vector<Diagnostic>{{path, "", std::string("cannot start its reader (pipe: ") + std::strerror(errno) + ")"}};
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return std::vector<Diagnostic>{{path, "", std::string("cannot start its reader (fork: ") + std::strerror(e) + ")"}};
  }
  if (pid == 0) {
    ::close(fds[0]);
    const rlimit no_core{0, 0};  // a crash on a damaged file is expected: no core dump of the parent's memory
    ::setrlimit(RLIMIT_CORE, &no_core);
    const ChildLimits lim = Limits(path);
    const rlimit cpu{lim.cpu_s, lim.cpu_s + 5};  // a loop in a damaged file's structure ends
    ::setrlimit(RLIMIT_CPU, &cpu);
    if (lim.address_space_bytes > 0) {  // a size in a damaged header fails its allocation
      const rlimit as{lim.address_space_bytes, lim.address_space_bytes};
      ::setrlimit(RLIMIT_AS, &as);
    }
#if SPINELAB_ASAN_HOOKS
    g_heap_cap = __sanitizer_get_current_allocated_bytes() + lim.allocation_cap_bytes;  // (ASan: see ChildLimits)
    __sanitizer_install_malloc_and_free_hooks(CapAllocation, nullptr);
#endif
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGXCPU, SIG_DFL);
    std::vector<char> payload;
    try {
      payload = work();
    } catch (const std::bad_alloc&) {
      ::_exit(kOutOfMemory);
    } catch (...) {
      ::_exit(3);
    }
    std::vector<char> framed;
    PutU64(&framed, payload.size());
    const bool sent = WriteAll(fds[1], framed) && WriteAll(fds[1], payload);
    ::_exit(sent ? 0 : 4);
  }
  ::close(fds[1]);
  // the payload's length, then the payload
  std::vector<char> got;
  auto take = [&](size_t want) {  // reads up to `want` more bytes; false at the end of the pipe
    const size_t start = got.size();
    got.resize(start + want);
    size_t have = 0;
    while (have < want) {
      const ssize_t r = ::read(fds[0], got.data() + start + have, want - have);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      have += static_cast<size_t>(r);
    }
    got.resize(start + have);
    return have == want;
  };
  uint64_t n = 0;
  size_t at = 0;
  bool complete = take(8) && GetU64(got, &at, &n);
  if (complete) {
    got.clear();
    for (uint64_t left = n; complete && left > 0;) {  // in pieces: a length that lies costs no huge allocation
      const size_t piece = static_cast<size_t>(std::min<uint64_t>(left, uint64_t{1} << 26));
      complete = take(piece);
      left -= piece;
    }
    char extra;
    while (complete && ::read(fds[0], &extra, 1) > 0) complete = false;  // more than it said
  }
  ::close(fds[0]);
  int status = 0;
  pid_t w;
  do w = ::waitpid(pid, &status, 0);
  while (w < 0 && errno == EINTR);
  const std::string damaged = "damaged HDF5 file";
  if (w == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
    return std::vector<Diagnostic>{{path, "", damaged + " (reading it took more than " + std::to_string(Limits(path).cpu_s) +
                                                  " s of CPU time, its reader's limit for a file this size)"}};
  if (w == pid && WIFEXITED(status) && WEXITSTATUS(status) == kOutOfMemory)
    return std::vector<Diagnostic>{{path, "", damaged + " (its sizes ask for more memory than its reader allows for a file this size)"}};
  if (w == pid && WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return std::vector<Diagnostic>{{path, "", damaged + " (the HDF5 library crashed reading it: signal " + std::to_string(sig) + ", " +
                                                  ::strsignal(sig) + ")"}};
  }
  if (w == pid && WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return std::vector<Diagnostic>{{path, "", damaged + " (its reader stopped with exit code " + std::to_string(WEXITSTATUS(status)) + ")"}};
  // (w < 0: a host that ignores SIGCHLD reaps the child itself; the length still says whether
  // everything came)
  if (!complete) return std::vector<Diagnostic>{{path, "", damaged + " (its reader stopped half-way)"}};
  return got;
}

// the child's answer as the diagnostics it carries, or 'kind's payload
Expected<std::vector<char>> Answer(const std::string& path, Expected<std::vector<char>> got, char kind) {
  if (!got) return got.errors();
  std::vector<char>& b = got.value();
  if (!b.empty() && b[0] == 'E') {
    size_t at = 1;
    std::vector<std::string> parts;
    if (GetStrings(b, &at, &parts) && parts.size() % 3 == 0 && !parts.empty()) {
      std::vector<Diagnostic> errors;
      for (size_t k = 0; k < parts.size(); k += 3) errors.push_back({parts[k], parts[k + 1], parts[k + 2]});
      return errors;
    }
  }
  if (b.empty() || b[0] != kind) return std::vector<Diagnostic>{{path, "", "damaged HDF5 file (its reader sent nothing readable)"}};
  return std::move(b);  // (the kind byte first)
}

}  // namespace

Expected<std::vector<std::string>> ReadIsolated(
    const std::string& path, const std::function<Expected<std::vector<std::string>>(const H5Handle& file)>& read) {
  auto got = Answer(path, InChild(path, [&] {
    auto f = OpenFileReadOnly(path);
    if (!f) return Errors({{path, "", "cannot open as an HDF5 results file"}});
    auto strings = read(f.value());
    if (!strings) return Errors(strings.errors());
    std::vector<char> out{'L'};
    PutStrings(&out, strings.value());
    return out;
  }), 'L');
  if (!got) return got.errors();
  std::vector<std::string> strings;
  size_t at = 1;
  if (!GetStrings(got.value(), &at, &strings)) return std::vector<Diagnostic>{{path, "", "damaged HDF5 file (its reader sent a bad list)"}};
  return strings;
}

Expected<std::vector<std::string>> ListRuns(const std::string& path) {
  return ReadIsolated(path, [](const H5Handle& f) -> Expected<std::vector<std::string>> { return ListGroups(f, "runs"); });
}

Expected<StoredRun> ReadRun(const std::string& path, const std::string& run) {
  auto image = Answer(path, InChild(path, [&] {
    auto f = OpenFileReadOnly(path);
    if (!f) return Errors({{path, "", "cannot open as an HDF5 results file"}});
    auto stored = ReadRun(f.value(), path, run);
    if (!stored) return Errors(stored.errors());
    auto copy = CreateMemoryFile();
    if (!copy) return Errors(copy.errors());
    auto w = WriteStoredRun(copy.value(), stored.value());
    if (!w) return Errors(w.errors());
    auto bytes = FileImage(copy.value());
    if (!bytes) return Errors(bytes.errors());
    std::vector<char> out{'I'};
    out.insert(out.end(), bytes.value().begin(), bytes.value().end());
    return out;
  }), 'I');
  if (!image) return image.errors();
  // spinelab's own writer made these bytes: the ordinary reader, in this process
  auto f = OpenFileImage(image.value().data() + 1, image.value().size() - 1);
  if (!f) return std::vector<Diagnostic>{{path, "", "damaged HDF5 file (its reader sent an unreadable copy)"}};
  std::vector<char>().swap(image.value());  // (HDF5 holds its own copy)
  return ReadRun(f.value(), path, run);
}

}  // namespace spinelab::io

// AtomicFile: the new content in <path>.tmp, synced, renamed over the target, folder synced.
#include "spinelab/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace spinelab::io {

std::string FolderOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool IsFolder(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool SyncFolder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

Expected<bool> WriteFileSynced(const std::string& path, const std::vector<char>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return std::vector<Diagnostic>{{path, "", std::string("cannot create: ") + std::strerror(errno)}};
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int e = w < 0 ? errno : ENOSPC;
      ::close(fd);
      return std::vector<Diagnostic>{{path, "", "write failed after " + std::to_string(done) + " of " +
                                                    std::to_string(bytes.size()) + " bytes: " + std::strerror(e)}};
    }
    done += static_cast<size_t>(w);
  }
  const bool synced = ::fsync(fd) == 0;
  const int e = errno;
  if (::close(fd) != 0 || !synced)
    return std::vector<Diagnostic>{{path, "", std::string("cannot sync to disk: ") + std::strerror(e)}};
  return true;
}

AtomicFile::AtomicFile(std::string path, std::string key)
    : path_(std::move(path)), temp_(path_ + ".tmp"), key_(std::move(key)) {}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : path_(std::move(o.path_)), temp_(std::move(o.temp_)), key_(std::move(o.key_)), committed_(o.committed_) {
  o.committed_ = true;  // the moved-from object owns no temporary file
}

AtomicFile::~AtomicFile() {
  if (!committed_) Abandon();
}

void AtomicFile::Abandon() {
  if (!temp_.empty()) std::remove(temp_.c_str());
}

Expected<bool> AtomicFile::Fail(const std::string& path, const std::string& why) const {
  return std::vector<Diagnostic>{{path, key_, why}};
}

Expected<bool> AtomicFile::Open() {
  if (IsFolder(path_)) return Fail(path_, "is a folder; give a file name (e.g. " + path_ + "/results.h5)");
  const std::string folder = FolderOf(path_);
  if (!IsFolder(folder))
    return Fail(path_, "folder " + folder + " does not exist (create it first)");
  const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    const int e = errno;
    return Fail(path_, "cannot write in folder " + folder + " (" + temp_ + ": " + std::strerror(e) + ")");
  }
  ::close(fd);
  return true;
}

Expected<bool> AtomicFile::Write(const std::vector<char>& bytes) {
  auto w = WriteFileSynced(temp_, bytes);
  if (!w) return Fail(path_, w.errors().front().message + " (writing " + temp_ + "; disk full, file size limit or no permission?)");
  return true;
}

Expected<bool> AtomicFile::Replace(const std::vector<char>& bytes) {
  auto w = Write(bytes);
  return w ? Commit() : w;
}

Expected<bool> AtomicFile::Commit() {
  if (committed_) return Fail(path_, "committed twice (a bug: one AtomicFile per write)");
  // the content first, then the name: a crash between them leaves the old file
  const int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0) {
    const int e = errno;
    return Fail(path_, "the new content (" + temp_ + ") is gone: " + std::strerror(e));
  }
  const bool synced = ::fsync(fd) == 0;
  const int e = errno;
  ::close(fd);
  if (!synced) {
    Abandon();
    return Fail(path_, "cannot sync " + temp_ + " to disk: " + std::strerror(e) + "; the old file is kept");
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int re = errno;
    Abandon();
    return Fail(path_, "cannot replace it with " + temp_ + ": " + std::strerror(re) + "; the old file is kept");
  }
  committed_ = true;
  SyncFolder(FolderOf(path_));
  return true;
}

}  // namespace spinelab::io

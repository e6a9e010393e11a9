#pragma once
/// @file atomic_file.h
/// Replacing a file all at once: write the new content to a temporary file in the same folder,
/// then Commit() syncs it, renames it over the target and syncs the folder. A crash, a SIGKILL or
/// a failed write at any moment leaves either the old file, untouched, or the new one, complete;
/// never a truncated or half-written one. Used by every writer of a user's output (results files,
/// WAV, the viewer's PNGs); the batch's shards and study file go through it too.
///
///   io::AtomicFile f(path);                       // nothing on disk changes yet
///   if (auto ok = f.Open(); !ok) return ok.errors(); // the folder is writable (a temp file made)
///   ... write the whole new content to f.temp_path() ...
///   if (auto ok = f.Commit(); !ok) return ok.errors();  // the target is the new file
///   // destroyed without Commit(): the temporary file is removed, the target is as it was
///
/// The temporary file is `<path>.tmp` (one per target: a stale one left by a killed process is
/// replaced by the next writer of the same target). Errors name the path and the system's reason.

#include <string>
#include <vector>

#include "spinelab/sim/status.h"

namespace spinelab::io {

class AtomicFile {
 public:
  /// `path`: the file to replace (or create). `key` names the option in messages (e.g. "-o").
  explicit AtomicFile(std::string path, std::string key = "");
  AtomicFile(AtomicFile&& o) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  /// Not committed: removes the temporary file; the target is untouched.
  ~AtomicFile();

  const std::string& path() const { return path_; }
  /// Where to write the new content: `<path>.tmp`, in the target's folder (a rename within one
  /// file system is atomic).
  const std::string& temp_path() const { return temp_; }

  /// Checks that the target can be replaced: it is not a folder, its folder exists and a file
  /// can be made there (the temporary file is created, empty). Call it before any work that the
  /// output would hold, so an unwritable output fails first.
  Expected<bool> Open();
  /// Writes `bytes` as the whole new content of the temporary file (created or truncated).
  Expected<bool> Write(const std::vector<char>& bytes);
  /// Syncs the temporary file to disk, renames it over the target and syncs the folder.
  Expected<bool> Commit();
  /// Write(bytes), then Commit(): the whole new file in one call (the first error stops it).
  Expected<bool> Replace(const std::vector<char>& bytes);
  /// Removes the temporary file now (the target is untouched).
  void Abandon();
  bool committed() const { return committed_; }

 private:
  Expected<bool> Fail(const std::string& path, const std::string& why) const;
  std::string path_, temp_, key_;
  bool committed_ = false;
};

/// Writes bytes to `path` (created or truncated) and syncs them to disk; no HDF5 call, so it
/// needs no lock. The error names the path and the system's reason (e.g. no space left).
Expected<bool> WriteFileSynced(const std::string& path, const std::vector<char>& bytes);
/// Something (a file or a folder) is at `path`.
bool PathExists(const std::string& path);
/// A folder is at `path`.
bool IsFolder(const std::string& path);
/// The folder of a path ("." for a bare file name).
std::string FolderOf(const std::string& path);
/// fsync of a folder: makes a rename in it durable. False when it cannot be opened or synced.
bool SyncFolder(const std::string& folder);

}  // namespace spinelab::io

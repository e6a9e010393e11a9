#pragma once
/// @file h5.h
/// A small RAII layer over the HDF5 C API for spinelab's results files: files, groups, datasets
/// of doubles/ints/strings with a `units` attribute, and attributes. Errors come back as
/// Expected/bool with the path named; the HDF5 library's own error printing is silenced.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spinelab/sim/status.h"

namespace spinelab::io {

/// An open HDF5 object id, closed on destruction.
class H5Handle {
 public:
  enum class Kind { kFile, kGroup, kDataset };
  H5Handle() = default;
  H5Handle(int64_t id, Kind kind) : id_(id), kind_(kind) {}
  H5Handle(H5Handle&& o) noexcept : id_(o.id_), kind_(o.kind_) { o.id_ = -1; }
  H5Handle& operator=(H5Handle&& o) noexcept;
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle();
  int64_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  int64_t id_ = -1;
  Kind kind_ = Kind::kGroup;
};

/// Creates (truncates when `overwrite`) or opens for appending a results file.
Expected<H5Handle> CreateFile(const std::string& path, bool overwrite);
Expected<H5Handle> OpenFileReadOnly(const std::string& path);
/// Opens the bytes of an HDF5 file (a file image, e.g. FileImage's) read-only, in memory.
Expected<H5Handle> OpenFileImage(const void* data, size_t size);
/// A file built in memory (HDF5's core driver), put on disk whole by FileImage and WriteFileSynced
/// (atomic_file.h): a full disk or a size limit then fails one plain write, never HDF5 half-way
/// through its own bookkeeping.
Expected<H5Handle> CreateMemoryFile();
/// The memory file's bytes (flushed): what the file on disk would hold.
Expected<std::vector<char>> FileImage(const H5Handle& file);
/// Opens the group at `path` below `loc`, creating it (and its parents) if needed.
Expected<H5Handle> Group(const H5Handle& loc, const std::string& path);
bool Exists(const H5Handle& loc, const std::string& path);

/// Dataset of doubles with shape `dims` (row-major) and attributes units and shape text.
bool WriteDoubles(const H5Handle& loc, const std::string& name, const std::vector<double>& data,
                  const std::vector<uint64_t>& dims, const std::string& units, const std::string& shape);
/// Dataset of integers with shape `dims` (row-major; empty: 1-D) and its units attribute.
bool WriteInts(const H5Handle& loc, const std::string& name, const std::vector<int64_t>& data,
               const std::string& units, const std::vector<uint64_t>& dims = {});
/// 1-D dataset of variable-length UTF-8 strings (units "-").
bool WriteStrings(const H5Handle& loc, const std::string& name, const std::vector<std::string>& data);

bool WriteAttr(const H5Handle& loc, const std::string& name, const std::string& value);
bool WriteAttr(const H5Handle& loc, const std::string& name, double value);
bool WriteAttr(const H5Handle& loc, const std::string& name, int64_t value);

/// Readers (tests, resume): whole dataset as doubles; dims returned.
Expected<std::vector<double>> ReadDoubles(const H5Handle& loc, const std::string& name, std::vector<uint64_t>* dims);
Expected<std::string> ReadStringAttr(const H5Handle& loc, const std::string& obj, const std::string& name);
Expected<std::vector<std::string>> ReadStrings(const H5Handle& loc, const std::string& name);
/// A dataset of integers, whole; its dims returned when asked.
Expected<std::vector<int64_t>> ReadInts(const H5Handle& loc, const std::string& name, std::vector<uint64_t>* dims = nullptr);

Expected<double> ReadDoubleAttr(const H5Handle& loc, const std::string& obj, const std::string& name);
Expected<int64_t> ReadIntAttr(const H5Handle& loc, const std::string& obj, const std::string& name);

/// A soft pointer at `object` in another file: h5py, h5dump, MATLAB follow it. A relative
/// `target_file` is found beside the file holding the link.
bool WriteExternalLink(const H5Handle& loc, const std::string& name, const std::string& target_file,
                       const std::string& object);

/// One column of a table (a 1-D compound dataset: `pandas.DataFrame(f[name][()])`).
struct TableColumn {
  enum class Kind { kDouble, kInt, kString };
  std::string name, units;
  Kind kind = Kind::kDouble;
  std::vector<double> d;
  std::vector<int64_t> i;
  std::vector<std::string> s;
};
/// Writes `rows` rows; attributes: units (one "column: unit" line each), column_units [columns],
/// description.
bool WriteTable(const H5Handle& loc, const std::string& name, const std::vector<TableColumn>& columns, size_t rows,
                const std::string& description);

/// Flushes the file to disk.
bool Flush(const H5Handle& file);
/// Names of the groups directly under `path` (e.g. the runs under "runs"), in name order.
std::vector<std::string> ListGroups(const H5Handle& loc, const std::string& path);

}  // namespace spinelab::io

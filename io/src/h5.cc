// RAII wrapper over the HDF5 C API (see h5.h).
#include "spinelab/io/h5.h"

#include <hdf5.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace spinelab::io {

namespace {
struct Silence {
  Silence() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
const Silence kSilence;

struct Id {  // scoped hid_t for dataspaces/types/datasets/attributes
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

// the string type of every string spinelab writes: variable-length UTF-8 (h5py reads str)
Id VarUtf8() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Id{t, H5Tclose};  // a prvalue: no copy, so one close
}

// the number of values of a dataset; false when its header claims more than its file could hold
// (a damaged file would otherwise have us allocate whatever it claims) or its shape is malformed
bool DatasetPoints(hid_t ds, hid_t space, size_t* n) {
  const int rank = H5Sget_simple_extent_ndims(space);
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (rank < 0 || rank > H5S_MAX_RANK || points < 0) return false;
  const Id type{H5Dget_type(ds), H5Tclose};
  const size_t each = type.id < 0 || H5Tis_variable_str(type.id) > 0 ? 1 : std::max<size_t>(H5Tget_size(type.id), 1);
  const Id file{H5Iget_file_id(ds), H5Fclose};
  hsize_t file_bytes = 0;
  if (file.id < 0 || H5Fget_filesize(file.id, &file_bytes) < 0) return false;
  if (static_cast<hsize_t>(points) > file_bytes / each) return false;
  *n = static_cast<size_t>(points);
  return true;
}

// an attribute holds one value (a scalar, or an array of one): what the readers read into one variable
bool OneValue(hid_t attr) {
  const Id space{H5Aget_space(attr), H5Sclose};
  return space.id >= 0 && H5Sget_simple_extent_npoints(space.id) == 1;
}

bool WriteUnitsAndShape(hid_t ds, const std::string& units, const std::string& shape) {
  auto put = [&](const char* name, const std::string& v) {  // variable length, as WriteAttr
    const Id type = VarUtf8();
    Id space{H5Screate(H5S_SCALAR), H5Sclose};
    Id attr{H5Acreate2(ds, name, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    const char* p = v.c_str();
    return attr.id >= 0 && H5Awrite(attr.id, type.id, &p) >= 0;
  };
  return put("units", units) && (shape.empty() || put("shape", shape));
}
}  // namespace

H5Handle& H5Handle::operator=(H5Handle&& o) noexcept {
  if (this != &o) {
    this->~H5Handle();
    id_ = o.id_;
    kind_ = o.kind_;
    o.id_ = -1;
  }
  return *this;
}

H5Handle::~H5Handle() {
  if (id_ < 0) return;
  if (kind_ == Kind::kFile) H5Fclose(id_); else if (kind_ == Kind::kDataset) H5Dclose(id_); else H5Gclose(id_);
  id_ = -1;
}

void SilenceThisThread() {
  // a thread-safe HDF5 build keeps the error printing per thread
  thread_local const bool silenced = (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), true);
  (void)silenced;
}

Expected<H5Handle> CreateMemoryFile() {
  SilenceThisThread();
  static std::atomic<int> counter{0};
  Id fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  H5Pset_fapl_core(fapl.id, 1 << 20, 0);
  const std::string name = "spinelab-memory-" + std::to_string(counter++);
  const hid_t f = H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id);
  if (f < 0) return std::vector<Diagnostic>{{"", "", "cannot create an HDF5 file in memory"}};
  return H5Handle(f, H5Handle::Kind::kFile);
}

Expected<H5Handle> OpenFileImage(const void* data, size_t size) {
  SilenceThisThread();
  static std::atomic<int> counter{0};
  Id fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  // the core driver reads the image (HDF5 copies it), nothing touches the disk
  if (H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0 || H5Pset_file_image(fapl.id, const_cast<void*>(data), size) < 0)
    return std::vector<Diagnostic>{{"", "", "cannot open an HDF5 file image"}};
  const std::string name = "spinelab-image-" + std::to_string(counter++);
  const hid_t f = H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.id);
  if (f < 0) return std::vector<Diagnostic>{{"", "", "cannot open as HDF5"}};
  return H5Handle(f, H5Handle::Kind::kFile);
}

Expected<std::vector<char>> FileImage(const H5Handle& file) {
  if (H5Fflush(file.id(), H5F_SCOPE_GLOBAL) < 0) return std::vector<Diagnostic>{{"", "", "HDF5 flush failed"}};
  const ssize_t n = H5Fget_file_image(file.id(), nullptr, 0);
  if (n < 0) return std::vector<Diagnostic>{{"", "", "cannot take the HDF5 file image"}};
  std::vector<char> image(static_cast<size_t>(n));
  if (H5Fget_file_image(file.id(), image.data(), image.size()) != n)
    return std::vector<Diagnostic>{{"", "", "cannot take the HDF5 file image"}};
  return image;
}

Expected<H5Handle> CreateFile(const std::string& path, bool overwrite) {
  SilenceThisThread();
  hid_t f = overwrite ? H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)
                      : H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0 && !overwrite) f = H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) return std::vector<Diagnostic>{{path, "-o", "cannot create the HDF5 file (check the folder exists and is writable)"}};
  return H5Handle(f, H5Handle::Kind::kFile);
}

Expected<H5Handle> OpenFileReadOnly(const std::string& path) {
  SilenceThisThread();
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return std::vector<Diagnostic>{{path, "", "cannot open as HDF5"}};
  return H5Handle(f, H5Handle::Kind::kFile);
}

bool Exists(const H5Handle& loc, const std::string& path) {
  // check each component so a missing parent is not an error
  size_t at = 0;
  while (true) {
    const size_t next = path.find('/', at + 1);
    const std::string part = path.substr(0, next);
    if (H5Lexists(loc.id(), part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) return true;
    at = next;
  }
}

Expected<H5Handle> Group(const H5Handle& loc, const std::string& path) {
  hid_t g = -1;
  if (Exists(loc, path)) {
    g = H5Gopen2(loc.id(), path.c_str(), H5P_DEFAULT);
  } else {
    Id lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
    H5Pset_create_intermediate_group(lcpl.id, 1);
    g = H5Gcreate2(loc.id(), path.c_str(), lcpl.id, H5P_DEFAULT, H5P_DEFAULT);
  }
  if (g < 0) return std::vector<Diagnostic>{{"", path, "cannot create or open HDF5 group"}};
  return H5Handle(g, H5Handle::Kind::kGroup);
}

bool WriteDoubles(const H5Handle& loc, const std::string& name, const std::vector<double>& data,
                  const std::vector<uint64_t>& dims, const std::string& units, const std::string& shape) {
  std::vector<hsize_t> d(dims.begin(), dims.end());
  Id space{H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose};
  // contiguous and uncompressed: deflate (even level 1 with shuffle) made writing a run 25x slower
  // (135 ms vs 5.7 ms for seated_twist, BM_WriteResults) for files only a third smaller
  Id ds{H5Dcreate2(loc.id(), name.c_str(), H5T_IEEE_F64LE, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return false;
  if (!data.empty() && H5Dwrite(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0) return false;
  return WriteUnitsAndShape(ds.id, units, shape);
}

bool WriteInts(const H5Handle& loc, const std::string& name, const std::vector<int64_t>& data, const std::string& units,
               const std::vector<uint64_t>& dims) {
  const hsize_t n = data.size();
  std::vector<hsize_t> d(dims.begin(), dims.end());
  if (d.empty()) d = {n};
  Id space{H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose};
  Id ds{H5Dcreate2(loc.id(), name.c_str(), H5T_STD_I64LE, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return false;
  if (n && H5Dwrite(ds.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0) return false;
  return WriteUnitsAndShape(ds.id, units, "");
}

bool WriteStrings(const H5Handle& loc, const std::string& name, const std::vector<std::string>& data) {
  std::vector<const char*> ptrs;
  for (const auto& s : data) ptrs.push_back(s.c_str());
  hsize_t n = data.size();
  const Id type = VarUtf8();
  Id space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  Id ds{H5Dcreate2(loc.id(), name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return false;
  if (n && H5Dwrite(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) return false;
  return WriteUnitsAndShape(ds.id, "-", "");
}

bool WriteAttr(const H5Handle& loc, const std::string& name, const std::string& value) {
  // variable length: h5py gives str (a fixed-length string comes back as bytes), MATLAB a char array
  const Id type = VarUtf8();
  Id space{H5Screate(H5S_SCALAR), H5Sclose};
  if (H5Aexists(loc.id(), name.c_str()) > 0) H5Adelete(loc.id(), name.c_str());
  Id attr{H5Acreate2(loc.id(), name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  const char* p = value.c_str();
  return attr.id >= 0 && H5Awrite(attr.id, type.id, &p) >= 0;
}

bool WriteAttr(const H5Handle& loc, const std::string& name, double value) {
  Id space{H5Screate(H5S_SCALAR), H5Sclose};
  if (H5Aexists(loc.id(), name.c_str()) > 0) H5Adelete(loc.id(), name.c_str());
  Id attr{H5Acreate2(loc.id(), name.c_str(), H5T_IEEE_F64LE, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  return attr.id >= 0 && H5Awrite(attr.id, H5T_NATIVE_DOUBLE, &value) >= 0;
}

bool WriteAttr(const H5Handle& loc, const std::string& name, int64_t value) {
  Id space{H5Screate(H5S_SCALAR), H5Sclose};
  if (H5Aexists(loc.id(), name.c_str()) > 0) H5Adelete(loc.id(), name.c_str());
  Id attr{H5Acreate2(loc.id(), name.c_str(), H5T_STD_I64LE, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  return attr.id >= 0 && H5Awrite(attr.id, H5T_NATIVE_INT64, &value) >= 0;
}

Expected<std::vector<double>> ReadDoubles(const H5Handle& loc, const std::string& name, std::vector<uint64_t>* dims) {
  Id ds{H5Dopen2(loc.id(), name.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return std::vector<Diagnostic>{{"", name, "no such dataset"}};
  Id space{H5Dget_space(ds.id), H5Sclose};
  size_t n = 0;
  if (!DatasetPoints(ds.id, space.id, &n)) return std::vector<Diagnostic>{{"", name, "malformed dataset (its shape claims more than the file holds)"}};
  std::vector<hsize_t> d(static_cast<size_t>(H5Sget_simple_extent_ndims(space.id)));
  H5Sget_simple_extent_dims(space.id, d.data(), nullptr);
  std::vector<double> out(n);
  if (n && H5Dread(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    return std::vector<Diagnostic>{{"", name, "read failed"}};
  if (dims) dims->assign(d.begin(), d.end());
  return out;
}

Expected<std::string> ReadStringAttr(const H5Handle& loc, const std::string& obj, const std::string& name) {
  // the object is opened first and held while reading: through an external link (a batch
  // study's runs) H5Aopen_by_name lets the target file close again, and a variable-length
  // string is then read from the wrong file's heap
  Id object{H5Oopen(loc.id(), obj.c_str(), H5P_DEFAULT), H5Oclose};
  if (object.id < 0) return std::vector<Diagnostic>{{"", obj, "no such object"}};
  Id attr{H5Aopen(object.id, name.c_str(), H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return std::vector<Diagnostic>{{"", obj + "@" + name, "no such attribute"}};
  if (!OneValue(attr.id)) return std::vector<Diagnostic>{{"", obj + "@" + name, "is not a single value"}};
  Id type{H5Aget_type(attr.id), H5Tclose};
  if (H5Tget_class(type.id) != H5T_STRING) return std::vector<Diagnostic>{{"", obj + "@" + name, "is not a string"}};
  if (H5Tis_variable_str(type.id) > 0) {
    char* s = nullptr;
    Id mem{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(mem.id, H5T_VARIABLE);
    H5Tset_cset(mem.id, H5Tget_cset(type.id));
    if (H5Aread(attr.id, mem.id, &s) < 0) return std::vector<Diagnostic>{{"", obj + "@" + name, "read failed"}};
    std::string out(s ? s : "");
    H5free_memory(s);
    return out;
  }
  std::string out(H5Tget_size(type.id), '\0');
  if (H5Aread(attr.id, type.id, out.data()) < 0) return std::vector<Diagnostic>{{"", obj + "@" + name, "read failed"}};
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

Expected<std::vector<std::string>> ReadStrings(const H5Handle& loc, const std::string& name) {
  Id ds{H5Dopen2(loc.id(), name.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return std::vector<Diagnostic>{{"", name, "no such dataset"}};
  Id space{H5Dget_space(ds.id), H5Sclose};
  size_t n = 0;
  if (!DatasetPoints(ds.id, space.id, &n) || H5Sget_simple_extent_ndims(space.id) != 1)
    return std::vector<Diagnostic>{{"", name, "malformed dataset (not a 1-D list of strings the file can hold)"}};
  std::vector<char*> ptrs(n, nullptr);
  const Id type = VarUtf8();
  if (n && H5Dread(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    return std::vector<Diagnostic>{{"", name, "read failed"}};
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (n) H5Dvlen_reclaim(type.id, space.id, H5P_DEFAULT, ptrs.data());
  return out;
}

Expected<std::vector<int64_t>> ReadInts(const H5Handle& loc, const std::string& name, std::vector<uint64_t>* dims) {
  Id ds{H5Dopen2(loc.id(), name.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return std::vector<Diagnostic>{{"", name, "no such dataset"}};
  Id space{H5Dget_space(ds.id), H5Sclose};
  size_t n = 0;
  if (!DatasetPoints(ds.id, space.id, &n)) return std::vector<Diagnostic>{{"", name, "malformed dataset (its shape claims more than the file holds)"}};
  std::vector<hsize_t> d(static_cast<size_t>(H5Sget_simple_extent_ndims(space.id)));
  H5Sget_simple_extent_dims(space.id, d.data(), nullptr);
  std::vector<int64_t> out(n);
  if (n > 0 && H5Dread(ds.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    return std::vector<Diagnostic>{{"", name, "read failed"}};
  if (dims) dims->assign(d.begin(), d.end());
  return out;
}

bool Flush(const H5Handle& file) { return H5Fflush(file.id(), H5F_SCOPE_GLOBAL) >= 0; }

std::vector<std::string> ListGroups(const H5Handle& loc, const std::string& path) {
  std::vector<std::string> out;
  if (!Exists(loc, path)) return out;
  Id g{H5Gopen2(loc.id(), path.c_str(), H5P_DEFAULT), H5Gclose};
  if (g.id < 0) return out;
  H5Literate(g.id, H5_INDEX_NAME, H5_ITER_INC, nullptr,
              [](hid_t group, const char* name, const H5L_info_t*, void* data) -> herr_t {
                H5O_info_t info;
                if (H5Oget_info_by_name2(group, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 && info.type == H5O_TYPE_GROUP)
                  static_cast<std::vector<std::string>*>(data)->push_back(name);
                return 0;
              },
              &out);
  return out;
}

}  // namespace spinelab::io

namespace spinelab::io {

namespace {
template <typename T>
Expected<T> ReadScalarAttr(const H5Handle& loc, const std::string& obj, const std::string& name, hid_t mem_type) {
  Id object{H5Oopen(loc.id(), obj.c_str(), H5P_DEFAULT), H5Oclose};  // held, as in ReadStringAttr
  if (object.id < 0) return std::vector<Diagnostic>{{"", obj, "no such object"}};
  Id attr{H5Aopen(object.id, name.c_str(), H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return std::vector<Diagnostic>{{"", obj + "@" + name, "no such attribute"}};
  if (!OneValue(attr.id)) return std::vector<Diagnostic>{{"", obj + "@" + name, "is not a single value"}};
  T v{};
  if (H5Aread(attr.id, mem_type, &v) < 0) return std::vector<Diagnostic>{{"", obj + "@" + name, "read failed"}};
  return v;
}
bool WriteStringsAttr(const H5Handle& loc, const std::string& name, const std::vector<std::string>& values) {
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  hsize_t n = values.size();
  const Id type = VarUtf8();
  Id space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  Id attr{H5Acreate2(loc.id(), name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  return attr.id >= 0 && (n == 0 || H5Awrite(attr.id, type.id, ptrs.data()) >= 0);
}
}  // namespace

Expected<double> ReadDoubleAttr(const H5Handle& loc, const std::string& obj, const std::string& name) {
  return ReadScalarAttr<double>(loc, obj, name, H5T_NATIVE_DOUBLE);
}
Expected<int64_t> ReadIntAttr(const H5Handle& loc, const std::string& obj, const std::string& name) {
  return ReadScalarAttr<int64_t>(loc, obj, name, H5T_NATIVE_INT64);
}

bool WriteExternalLink(const H5Handle& loc, const std::string& name, const std::string& target_file,
                       const std::string& object) {
  Id lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id, 1);
  return H5Lcreate_external(target_file.c_str(), object.c_str(), loc.id(), name.c_str(), lcpl.id, H5P_DEFAULT) >= 0;
}

bool WriteTable(const H5Handle& loc, const std::string& name, const std::vector<TableColumn>& columns, size_t rows,
                const std::string& description) {
  // row layout: each member at its offset, strings as char* (variable length)
  std::vector<size_t> offset;
  size_t size = 0;
  for (const TableColumn& c : columns) {
    offset.push_back(size);
    size += c.kind == TableColumn::Kind::kString ? sizeof(const char*) : 8;
  }
  const Id str = VarUtf8();
  Id mem{H5Tcreate(H5T_COMPOUND, size), H5Tclose};
  for (size_t k = 0; k < columns.size(); ++k) {
    const TableColumn& c = columns[k];
    const hid_t t = c.kind == TableColumn::Kind::kString ? str.id
                    : c.kind == TableColumn::Kind::kInt  ? H5T_NATIVE_INT64
                                                         : H5T_NATIVE_DOUBLE;
    if (H5Tinsert(mem.id, c.name.c_str(), offset[k], t) < 0) return false;
  }
  std::vector<unsigned char> buf(rows * size);
  for (size_t r = 0; r < rows; ++r)
    for (size_t k = 0; k < columns.size(); ++k) {
      unsigned char* at = buf.data() + r * size + offset[k];
      const TableColumn& c = columns[k];
      if (c.kind == TableColumn::Kind::kString) {
        const char* p = c.s[r].c_str();
        std::memcpy(at, &p, sizeof p);
      } else if (c.kind == TableColumn::Kind::kInt) {
        std::memcpy(at, &c.i[r], 8);
      } else {
        std::memcpy(at, &c.d[r], 8);
      }
    }
  hsize_t n = rows;
  Id space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  Id ds{H5Dcreate2(loc.id(), name.c_str(), mem.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return false;
  if (n && H5Dwrite(ds.id, mem.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) return false;
  std::string units;
  std::vector<std::string> column_units;
  for (const TableColumn& c : columns) {
    units += c.name + ": " + c.units + "\n";
    column_units.push_back(c.units);
  }
  if (!WriteUnitsAndShape(ds.id, units, "rows (one per run) x named columns")) return false;
  const H5Handle view(H5Dopen2(loc.id(), name.c_str(), H5P_DEFAULT), H5Handle::Kind::kDataset);
  return WriteAttr(view, "description", description) && WriteStringsAttr(view, "column_units", column_units);
}

}  // namespace spinelab::io

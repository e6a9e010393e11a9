#pragma once
/// @file run_layout.h
/// The one table of a run's datasets (/runs/<run>/..., docs/hdf5.md): per dataset its name, kind,
/// unit, axes and shape text, and where its value comes from in sim::ScenarioResult. io::WriteRun
/// writes through it and io::ReadRun reads through it; a new output dataset is one entry here
/// (plus its ScenarioResult field, its recording and its docs/hdf5.md row).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "spinelab/scenario/scenario.h"

namespace spinelab::io {

/// A dataset's values as stored: doubles, ints or strings (one of them), row-major, with its dims.
struct RunColumn {
  std::vector<double> d;
  std::vector<int64_t> i;
  std::vector<std::string> s;
  std::vector<uint64_t> dims;
  bool operator==(const RunColumn& o) const { return d == o.d && i == o.i && s == o.s && dims == o.dims; }
};

struct RunDataset {
  enum class Kind { kDouble, kInt, kString };
  const char* name;   ///< path below /runs/<run>/, e.g. "levels/disc_shear"
  Kind kind;
  const char* units;  ///< the `units` attribute (strings: "-")
  /// the dims, comma separated: T samples, B bodies, L levels, F facets, A arteries, N cracks,
  /// S sound samples (the longest pop), K protocol attempts, E scene objects, D drives, or a number
  const char* axes;
  const char* shape;  ///< the `shape` attribute (doubles; "" none)
  bool optional;      ///< written only when its axes other than T are non-empty (the vertebral arteries, the drives); may be absent
  /// the value, from a result (values only: dims come from `axes`)
  std::function<RunColumn(const sim::ScenarioResult&)> get;
  /// puts a read value back into a result; empty for a dataset derived from others
  /// (events/cavitation/facet_name is facet_names[facet_index])
  std::function<void(const RunColumn&, sim::ScenarioResult*)> set;
};

/// Every dataset of a run, in the order they are written.
const std::vector<RunDataset>& RunDatasets();
/// The dims of `d` for result `r` (its axes resolved).
std::vector<uint64_t> RunDims(const RunDataset& d, const sim::ScenarioResult& r);
/// An optional dataset with nothing to hold (RunDataset::optional): not written, absent when read.
bool RunAbsent(const RunDataset& d, const std::vector<uint64_t>& dims);
/// `d`'s value in `r` with its dims: what the file holds.
RunColumn RunValue(const RunDataset& d, const sim::ScenarioResult& r);

/// The run group's attributes (shared by writer and reader).
namespace run_attr {
inline constexpr const char* kScenario = "scenario";
inline constexpr const char* kTitle = "title";
inline constexpr const char* kScenarioText = "scenario_text";
inline constexpr const char* kParameters = "parameters";
inline constexpr const char* kOverrides = "overrides";
inline constexpr const char* kModelText = "model_text";
inline constexpr const char* kRibCageText = "rib_cage_text";  // the rib cage file (only with rib_cage.model = bodies)
inline constexpr const char* kRibCageFile = "rib_cage_file";
inline constexpr const char* kModelFile = "model_file";
inline constexpr const char* kStatus = "status";
inline constexpr const char* kError = "error";
inline constexpr const char* kSeed = "seed";
inline constexpr const char* kVersion = "spinelab_version";
inline constexpr const char* kWallTime = "wall_time_s";
inline constexpr const char* kDt = "dt_s";
inline constexpr const char* kSteps = "steps";
}  // namespace run_attr

}  // namespace spinelab::io

#pragma once
/// @file results.h
/// Writes a scenario run into a results file under /runs/<run>/ and reads it back (layout in
/// docs/hdf5.md). The datasets go through the one table in run_layout.h; the attributes describe
/// the run: scenario, scenario_text, overrides, parameters (JSON of the overrides), model_text and
/// model_file (the model it ran on), status, error, seed, spinelab_version, wall_time_s, dt_s, steps.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "spinelab/io/atomic_file.h"
#include "spinelab/io/h5.h"
#include "spinelab/io/run_layout.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/scenario/scenario.h"

namespace spinelab::io {

/// One attribute of a run group: text, an integer or a real number.
struct RunAttribute {
  std::string name;
  std::variant<std::string, int64_t, double> value;
};
/// The attributes WriteRun gives the run's group (docs/hdf5.md), in the order it writes them:
/// what the run ran (scenario, its text, overrides and their JSON, the model) and how it went.
std::vector<RunAttribute> RunAttributes(const sim::Scenario& scenario, const sim::ScenarioResult& result);

/// Writes one run. An existing group of the same name is an error (choose another run name).
Expected<bool> WriteRun(const H5Handle& file, const std::string& run, const sim::Scenario& scenario,
                        const sim::ScenarioResult& result);

/// A run as stored: what it ran (scenario text, overrides, the model's text) and what it recorded.
struct StoredRun {
  std::string file, run;                   ///< where it was read from
  std::string scenario, title, scenario_text, parameters, status, error, spinelab_version;
  std::vector<std::string> overrides;      ///< key=value, as given to --set
  bool has_model_text = false;             ///< files written before the model was stored have none
  std::string model_text, model_file;
  std::string rib_cage_text, rib_cage_file;  ///< the rib cage file's text (rib_cage.model = bodies), else empty
  int64_t seed = 0, steps = 0;
  double dt_s = 0, wall_time_s = 0;
  sim::ScenarioResult result;              ///< every table dataset back in its field (and status, error, model)
  std::map<std::string, RunColumn> columns;  ///< every table dataset as stored (an absent optional one: none)
};

/// The runs of a results file, in name order (an error names the file).
///
/// This and ReadRun(path, run) read a file that may be damaged or hostile: libhdf5 crashes on
/// some damaged files, so the file is read in a forked child, which sends back a copy written by
/// spinelab's own writer (isolated_read.cc, docs/reliability.md). A child that crashes is the
/// error "FILE: damaged HDF5 file (the HDF5 library crashed reading it: signal 11, ...)". A caller
/// with other threads that use HDF5 holds io::H5Mutex (batch.h) while it calls them.
Expected<std::vector<std::string>> ListRuns(const std::string& path);
/// Runs `read` on the file at `path`, opened read-only, in a forked child, as ListRuns and
/// ReadRun(path, run) do (the same limits and messages: a child that crashes is "FILE: damaged
/// HDF5 file (...)"; a file HDF5 cannot open is "FILE: cannot open as an HDF5 results file"), and
/// gives back the strings `read` returned, or its errors. For small answers (attributes, names);
/// a run's datasets come through ReadRun. The same H5Mutex rule holds.
Expected<std::vector<std::string>> ReadIsolated(
    const std::string& path, const std::function<Expected<std::vector<std::string>>(const H5Handle& file)>& read);
/// Reads run `run` of the file at `path` through the dataset table. Errors name the file, the
/// run and the dataset or attribute (a run not in the file lists the runs there).
Expected<StoredRun> ReadRun(const std::string& path, const std::string& run);
/// The same from an open file, in this process: for files spinelab itself made (a library crash
/// on a damaged one would crash the caller); `path` names it in messages (and becomes
/// StoredRun::file).
Expected<StoredRun> ReadRun(const H5Handle& file, const std::string& path, const std::string& run);
/// Writes a run as ReadRun gave it (its attributes and every dataset as stored) under
/// /runs/<run.run>: ReadRun reads back the same StoredRun.
Expected<bool> WriteStoredRun(const H5Handle& file, const StoredRun& run);
/// The run's scenario: its scenario_text with its overrides applied.
Expected<sim::Scenario> StoredScenario(const StoredRun& run);
/// The model the run ran on, parsed from its model_text (named "<file>:<run>"); an error naming
/// the file and run when the run has no model_text.
Expected<sim::SpineParams> StoredModel(const StoredRun& run);
/// A model from `spec`: a model file (TOML), or "FILE.h5:RUN" for the model_text stored with a run.
Expected<sim::SpineParams> LoadModelSpec(const std::string& spec);
/// Whether LoadModelSpec reads `spec` as "FILE.h5:RUN" (no file of that name, and a colon) rather
/// than as a model file.
bool IsStoredModelSpec(const std::string& spec);

/// Writes the file-level description (schema version, layout text) once.
bool WriteFileHeader(const H5Handle& file);

/// A results file being written: `spinelab run -o`, `compare -o`, `rerun -o` and Python's
/// `Result.save` all go through it, so they write the same bytes the same way. Create() checks
/// the target (docs/reliability.md: before anything runs), the runs are added to an HDF5 file
/// built in memory, and Commit() puts it on disk whole through the target's io::AtomicFile
/// (temporary file, sync, rename): a failed or killed writer, or a full disk, leaves the old file.
///
///   auto out = io::ResultsFile::Create(path, overwrite);   // the folder writable, no clash
///   out.value().Add(run, scenario, result);                 // as many runs as wanted
///   out.value().Commit();                                   // path is the new file
class ResultsFile {
 public:
  /// Starts the file (its header written). An existing file is an error unless `overwrite`;
  /// `key` and `overwrite_flag` name the option and the flag in messages ("-o", "--overwrite").
  static Expected<ResultsFile> Create(const std::string& path, bool overwrite, const std::string& key = "-o",
                                      const std::string& overwrite_flag = "--overwrite");
  /// Writes one run under /runs/<run> (io::WriteRun). The error names the file and says it is
  /// unchanged.
  Expected<bool> Add(const std::string& run, const sim::Scenario& scenario, const sim::ScenarioResult& result);
  /// Puts the file on disk, replacing `path` at once. The error says why and that the old file
  /// is as it was. Nothing can be added after.
  Expected<bool> Commit();
  const std::string& path() const { return atomic_->path(); }

 private:
  ResultsFile(std::unique_ptr<AtomicFile> atomic, std::unique_ptr<H5Handle> h5)
      : atomic_(std::move(atomic)), h5_(std::move(h5)) {}
  std::unique_ptr<AtomicFile> atomic_;
  std::unique_ptr<H5Handle> h5_;
};

}  // namespace spinelab::io

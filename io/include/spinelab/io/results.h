#pragma once
/// @file results.h
/// Writes a scenario run into a results file under /runs/<run>/ and reads it back (layout in
/// docs/hdf5.md). The datasets go through the one table in run_layout.h; the attributes describe
/// the run: scenario, scenario_text, overrides, parameters (JSON of the overrides), model_text and
/// model_file (the model it ran on), status, error, seed, spinelab_version, wall_time_s, dt_s, steps.

#include <map>
#include <string>
#include <vector>

#include "spinelab/io/h5.h"
#include "spinelab/io/run_layout.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/scenario/scenario.h"

namespace spinelab::io {

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
Expected<std::vector<std::string>> ListRuns(const std::string& path);
/// Reads run `run` of the file at `path` through the dataset table. Errors name the file, the
/// run and the dataset or attribute (a run not in the file lists the runs there).
Expected<StoredRun> ReadRun(const std::string& path, const std::string& run);
/// The same from an open file; `path` names it in messages (and becomes StoredRun::file).
Expected<StoredRun> ReadRun(const H5Handle& file, const std::string& path, const std::string& run);
/// The run's scenario: its scenario_text with its overrides applied.
Expected<sim::Scenario> StoredScenario(const StoredRun& run);
/// The model the run ran on, parsed from its model_text (named "<file>:<run>"); an error naming
/// the file and run when the run has no model_text.
Expected<sim::SpineParams> StoredModel(const StoredRun& run);
/// A model from `spec`: a model file (TOML), or "FILE.h5:RUN" for the model_text stored with a run.
Expected<sim::SpineParams> LoadModelSpec(const std::string& spec);

/// Writes the file-level description (schema version, layout text) once.
bool WriteFileHeader(const H5Handle& file);

}  // namespace spinelab::io

#pragma once
/// @file results.h
/// Writes a scenario run into a results file under /runs/<run>/ (layout in docs/hdf5.md):
/// attributes scenario, scenario_text, parameters (JSON of the overrides), status, error, seed,
/// spinelab_version, wall_time_s; datasets time, bodies/*, levels/*, facets/*,
/// events/cavitation/*, safety/* — every dataset with a `units` attribute.

#include <string>

#include "spinelab/io/h5.h"
#include "spinelab/scenario/scenario.h"

namespace spinelab::io {

/// Writes one run. An existing group of the same name is an error (choose another run name).
Expected<bool> WriteRun(const H5Handle& file, const std::string& run, const sim::Scenario& scenario,
                        const sim::ScenarioResult& result);

/// Writes the file-level description (schema version, layout text) once.
bool WriteFileHeader(const H5Handle& file);

}  // namespace spinelab::io

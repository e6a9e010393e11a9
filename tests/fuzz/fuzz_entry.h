#pragma once
// The fuzzers' entry points (docs/reliability.md): each takes arbitrary bytes and must neither
// crash, leak, hang nor trip a sanitizer, whatever they are. The libFuzzer targets
// (`make fuzz`) and the regression test that replays every crashing input found so far
// (`Fuzz.Regressions`, part of `make test`) call the same functions.
#include <cstddef>
#include <cstdint>

namespace spinelab::fuzz {

/// A scenario file's text, then optional --set overrides: the bytes before the first NUL are the
/// TOML text, each NUL-separated part after it one `key=value`. Read, validated, and checked
/// against the default model (Validate(scenario, params)).
int Scenario(const uint8_t* data, size_t size);
/// A model file's text (LoadSpineParamsText); a model that loads is built (BuildSpineModel).
int Model(const uint8_t* data, size_t size);
/// The bytes of an HDF5 file, opened in memory: every run read with io::ReadRun, and its stored
/// scenario and model parsed.
int RunFile(const uint8_t* data, size_t size);

}  // namespace spinelab::fuzz

#pragma once
/// @file wav.h
/// WAV files of the pop: mono, 32-bit IEEE float samples holding the acoustic pressure in
/// pascals (so the file's peak is the reported peak in Pa; most players show it as full scale
/// = 1 Pa = 94 dB SPL).

#include <string>
#include <vector>

#include "spinelab/sim/status.h"

namespace spinelab::io {

/// Writes `samples_Pa` at `sample_rate_Hz`. Writes to a temporary file and renames it, so an
/// existing file is never left half-written. Returns an error naming the path on failure.
Expected<bool> WriteWav(const std::string& path, const std::vector<float>& samples_Pa, int sample_rate_Hz);

struct WavData {
  int sample_rate_Hz = 0;
  std::vector<float> samples;
};

/// Reads a mono 32-bit float WAV written by WriteWav (or any such file).
Expected<WavData> ReadWav(const std::string& path);

}  // namespace spinelab::io

#pragma once
/// @file wav.h
/// WAV files of the pop: mono, 16-bit PCM, 44.1 kHz (what every player, browser and Python's
/// `wave` opens). Samples hold the acoustic pressure at the listener with a fixed full scale,
/// kWavFullScale_Pa = 1 Pa = 94 dB SPL (the acoustic calibrator's level), so pops keep their
/// loudness relative to each other and across files. A LIST/INFO comment after the data says so.

#include <cstdint>
#include <string>
#include <vector>

#include "spinelab/sim/status.h"

namespace spinelab::io {

constexpr double kWavFullScale_Pa = 1.0;  ///< [Pa] the pressure of a full-scale sample (94 dB SPL)

/// 16-bit samples of `pressure_Pa` at `full_scale_Pa` (clipped beyond ±full scale): the one
/// conversion the WAV writer and the viewer's player share.
std::vector<int16_t> PcmFromPressure(const std::vector<float>& pressure_Pa, double full_scale_Pa = kWavFullScale_Pa);

/// A sound placed on a time line: its first sample plays at start_s.
struct WavClip {
  double start_s = 0;                          ///< [s] >= 0
  const std::vector<float>* samples = nullptr; ///< [Pa]
};

/// The clips mixed (added) on one time line of max(duration_s, the last clip's end) at
/// sample_rate_Hz, e.g. every pop of a run at its time (`spinelab run --wav`).
std::vector<float> MixOnTimeline(const std::vector<WavClip>& clips, double duration_s, int sample_rate_Hz);

struct WavOptions {
  double lead_s = 0.01;          ///< [s] silence before the first sample
  double min_duration_s = 0.1;   ///< [s] padded with silence to at least this long
  double full_scale_Pa = kWavFullScale_Pa;  ///< [Pa] > 0
};

/// Writes `samples_Pa` at `sample_rate_Hz` through io::AtomicFile (an existing file is never left
/// half-written). Returns an error naming the path on failure or for bad options.
Expected<bool> WriteWav(const std::string& path, const std::vector<float>& samples_Pa, int sample_rate_Hz,
                        const WavOptions& options = {});

struct WavData {
  int sample_rate_Hz = 0;
  int bits_per_sample = 0;
  double full_scale_Pa = kWavFullScale_Pa;  ///< from the file's comment when it has one
  std::vector<float> samples;               ///< [Pa] (16-bit: sample / 32767 × full scale)
};

/// Reads a mono 16-bit PCM (or 32-bit float) WAV such as WriteWav writes.
Expected<WavData> ReadWav(const std::string& path);

}  // namespace spinelab::io

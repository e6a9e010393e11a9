#pragma once
/// @file sound.h
/// Analysis of a recorded pop: acoustic pressure samples [Pa] at kSoundSampleRate_Hz.

#include <cstddef>
#include <vector>

namespace spinelab::sim {

struct SoundSummary {
  double peak_Pa = 0;            ///< [Pa] largest |p|
  double peak_dB_SPL = 0;        ///< [dB re 20 µPa] of the peak
  double duration_s = 0;         ///< [s] from the first to the last sample above 10 % of the peak
  double dominant_freq_Hz = 0;   ///< [Hz] largest spectral peak (FFT of the audible window)
  size_t first_sample = 0, last_sample = 0;  ///< the audible window [first, last]
};

/// Peak, SPL, audible duration and dominant frequency; all zero for silence.
SoundSummary AnalyzeSound(const std::vector<float>& samples_Pa, double sample_rate_Hz);

}  // namespace spinelab::sim

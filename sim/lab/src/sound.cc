// Pop sound analysis: peak, SPL, audible window, dominant frequency (Eigen's FFT).
#include "spinelab/lab/sound.h"

#include <cmath>
#include <complex>

#include <unsupported/Eigen/FFT>

namespace spinelab::sim {

SoundSummary AnalyzeSound(const std::vector<float>& x, double fs) {
  SoundSummary s;
  for (size_t i = 0; i < x.size(); ++i) {
    const double a = std::abs(static_cast<double>(x[i]));
    if (a > s.peak_Pa) s.peak_Pa = a;
  }
  if (s.peak_Pa <= 0) return s;
  s.peak_dB_SPL = 20.0 * std::log10(s.peak_Pa / 20e-6);
  const double thr = 0.1 * s.peak_Pa;
  size_t first = x.size(), last = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::abs(static_cast<double>(x[i])) >= thr) {
      first = std::min(first, i);
      last = i;
    }
  }
  s.first_sample = first;
  s.last_sample = last;
  s.duration_s = static_cast<double>(last - first + 1) / fs;
  // spectrum of the audible window, zero-padded to a power of two, DC removed
  size_t n = 1;
  while (n < last - first + 1) n <<= 1;
  n = std::max<size_t>(n * 4, 8192);  // ≤ 5.4 Hz bins at 44.1 kHz
  std::vector<float> w(n, 0.0f);
  double mean = 0;
  for (size_t i = first; i <= last; ++i) mean += x[i];
  mean /= static_cast<double>(last - first + 1);
  for (size_t i = first; i <= last; ++i) w[i - first] = static_cast<float>(x[i] - mean);
  Eigen::FFT<float> fft;
  std::vector<std::complex<float>> spec;
  fft.fwd(spec, w);
  size_t best = 1;
  for (size_t k = 1; k < n / 2; ++k)
    if (std::abs(spec[k]) > std::abs(spec[best])) best = k;
  s.dominant_freq_Hz = static_cast<double>(best) * fs / static_cast<double>(n);
  return s;
}

}  // namespace spinelab::sim

// The tissue ring: the bubble's radiated pressure through a base-excited damped resonator
// (spinelab/sim/tissue_ring.h). A post-process of the capsule's sound: it feeds nothing back
// into the joint (the bubble does not feel the skin's motion), so the dynamics do not change.
#include "spinelab/sim/tissue_ring.h"

#include <algorithm>
#include <cmath>

namespace spinelab::sim {

std::vector<float> RadiateThroughTissue(const CapsuleParams& c, const std::vector<float>& x, double fs,
                                        size_t min_samples) {
  const size_t n = std::max(x.size(), min_samples);
  std::vector<float> y(n, 0.0f);
  if (x.empty() || !(fs > 0)) return y;
  const double w0 = 2 * kPi * c.tissue_ring_Hz, z = c.tissue_ring_damping_ratio;
  // bilinear transform s = K (1 − z⁻¹)/(1 + z⁻¹), prewarped so the resonance stays at w0
  const double K = w0 / std::tan(w0 / (2 * fs));
  const double a0 = K * K + 2 * z * w0 * K + w0 * w0;
  const double b0 = (2 * z * w0 * K + w0 * w0) / a0;
  const double b1 = (2 * w0 * w0) / a0;
  const double b2 = (w0 * w0 - 2 * z * w0 * K) / a0;
  const double a1 = (2 * w0 * w0 - 2 * K * K) / a0;
  const double a2 = (K * K - 2 * z * w0 * K + w0 * w0) / a0;
  double w1 = 0, w2 = 0;  // direct form II
  for (size_t i = 0; i < n; ++i) {
    const double in = i < x.size() ? static_cast<double>(x[i]) : 0.0;
    const double w = in - a1 * w1 - a2 * w2;
    y[i] = static_cast<float>(b0 * w + b1 * w1 + b2 * w2);
    w2 = w1;
    w1 = w;
  }
  return y;
}

double TissueRingDecayTime(const CapsuleParams& c) {
  return 1.0 / (c.tissue_ring_damping_ratio * 2 * kPi * c.tissue_ring_Hz);
}

}  // namespace spinelab::sim

#pragma once
/// @file tissue_ring.h
/// The pop as it is heard: the bubble's radiated pressure (the capsule's `sound_Pa`, the
/// incompressible-tissue limit ρ_air·V̈/(4π r)) carried to the skin by the tissue around the
/// joint, which rings (docs/capsule.md, Sound).
///
/// Model (a base-excited damped resonator): the skin over the joint is a mass on the tissue's
/// spring and damper, driven through them by the cavity's volume displacement. Its volume
/// acceleration, hence the radiated pressure, is the source filtered by the transmissibility
///   H(s) = (2ζω s + ω²) / (s² + 2ζω s + ω²),   ω = 2π f_ring,
/// which is 1 far below the ring (the tissue moves with the cavity: the incompressible limit),
/// peaks near 1/(2ζ) at the ring and falls as 2ζω/s above it. f_ring and ζ are
/// CapsuleParams::tissue_ring_Hz and tissue_ring_damping_ratio.

#include <vector>

#include "spinelab/sim/model.h"

namespace spinelab::sim {

/// [s] the stored sound of one pop, from its nucleation (events/cavitation/sound, the distraction's
/// pop): the ring has fallen below 1e-3 of its peak long before (ζ = 0.2 at 333 Hz: ~17 ms).
constexpr double kPopWindow_s = 0.02;

/// One home of the radiated pop: `source_Pa` (the capsule's sound at `sample_rate_Hz`, starting
/// at the nucleation) through the tissue ring of `capsule`. The result has
/// max(source length, min_samples) samples: the ring goes on after the source has stopped.
/// A bilinear transform prewarped at the ring frequency keeps the ring's frequency and decay exact.
std::vector<float> RadiateThroughTissue(const CapsuleParams& capsule, const std::vector<float>& source_Pa,
                                        double sample_rate_Hz, size_t min_samples = 0);

/// [s] the ring's envelope time constant 1/(ζω): the pop falls to 10 % of its peak about
/// ln(10) of these after it.
double TissueRingDecayTime(const CapsuleParams& capsule);

}  // namespace spinelab::sim

#pragma once
/// @file distraction.h
/// Distraction test of one facet joint: the upper vertebra may only translate along the facet
/// normal (a stiff fixture holds the other five degrees of freedom, the rest of the unit is
/// held), only that joint's cartilage, capsule fluid and capsular ligament act, and a pulling
/// device (a spring whose far end moves at constant speed) opens the joint. After a crack the
/// pull continues briefly, then the device returns and the joint relaxes. Optional repeat pulls
/// at given times after the first crack test the refractory period.

#include <string>
#include <vector>

#include "spinelab/sim/model.h"
#include "spinelab/lab/sound.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

struct DistractionOptions {
  double speed_m_per_s = 0.01;        ///< [m/s] pulling speed of the device's far end, > 0
  double device_stiffness_N_per_m = 1e5;  ///< [N/m] pulling device plus the tissue between it and
                                          ///< the joint; sets the post-crack jump (~F_crack/k)
  double max_travel_m = 0.006;        ///< [m] device travel at which a pull without crack stops
  double stop_at_travel_m = 0;        ///< [m] if > 0, stop pulling at this travel (no matter what)
  double closing_force_N = 10;        ///< [N] the rest of the unit pressing the surfaces together
                                      ///< (facet share of the segment's resting load), always on
  double pull_on_after_crack_s = 0.1; ///< [s] keep pulling this long after a crack
  double hold_s = 0.2;                ///< [s] hold the device still before returning
  double dt_s = 1e-3;                 ///< [s] rigid-body step
  double bubble_rel_tol = 1e-7;       ///< [-] bubble ODE tolerance
  std::vector<double> again_after_s;  ///< [s] repeat pulls this long after the first crack
};

/// One pull (the first, or a repeat).
struct PullResult {
  double after_s = 0;                 ///< [s] start of this pull after the first crack (0: first)
  bool cavitated = false;
  double peak_force_N = 0;            ///< [N] largest device force during the pull
  double gap_at_crack_m = 0;          ///< [m] articular gap g at the crack
  double gap_jump_m = 0;              ///< [m] sudden opening beyond the device's own travel
  double time_of_crack_s = 0;         ///< [s] from the start of this pull
  double gas_volume_fraction = 0;     ///< [-] gas volume / (fluid + gas) once the joint has relaxed
                                      ///< after the pull (the radiographic state, Brodeur 1995)
  double cavity_fraction_open = 0;    ///< [-] the same 0.1 s after the crack, joint still pulled open
  double rest_gap_after_m = 0;        ///< [m] gap after release and relaxation
  double peak_capsule_strain = 0;     ///< [-] largest capsular fibre strain (incl. pre-strain)
  SoundSummary sound;
  std::vector<float> sound_Pa;        ///< [Pa] the pop as heard at 10 cm (RadiateThroughTissue), from the
                                      ///< nucleation on, at least kPopWindow_s (empty: no pop)
  std::vector<double> t_s, force_N, gap_m;  ///< force–gap curve of the pull (every step)
};

struct DistractionResult {
  std::string level;
  char side = 'L';
  std::vector<PullResult> pulls;      ///< [0] the first pull, then one per again_after_s
  double fluid_volume_m3 = 0;
  double max_volume_error_m3 = 0;     ///< largest |fluid-volume balance residual| seen
  CapsuleParams capsule;              ///< the joint's capsule parameters (thresholds, volumes)
  std::string status = "ok";
};

/// Runs the test on the facet `side` ('L'/'R') of `level`, or, when `level` names a synovial
/// joint that is not a level's facet (a rib joint, "CV rib 6 L"), on that joint (side unused). Fails for an unknown level/side, a
/// facet without capsule or bad options.
Expected<DistractionResult> RunDistraction(const ModelDesc& spine, const std::string& level, char side,
                                           const DistractionOptions& options);

}  // namespace spinelab::sim

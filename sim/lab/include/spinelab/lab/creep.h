#pragma once
/// @file creep.h
/// The creep-and-recovery calibration against McGill & Brown 1992 that `spinelab creep` prints
/// (docs/repeated_loading.md).

#include <string>
#include <vector>

#include "spinelab/sim/math.h"
#include "spinelab/sim/model.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/state.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

/// Options of the creep calibration (McGill & Brown 1992: 20 min of sustained full flexion,
/// then standing; stiffness recovery at 2 and 30 min).
struct CreepOptions {
  std::string level = "L4-L5";
  double moment_Nm = 10;          ///< [N·m] sustained flexion moment (full flexion of the segment)
  double test_moment_Nm = 5;      ///< [N·m] flexion moment at which "stiffness" (angle) is measured
  double hold_s = 1200;           ///< [s] sustained flexion
  double recovery_s = 1800;       ///< [s] unloaded recovery
  double dt_s = 5;                ///< [s] slow-state step of the quasi-static run
  double relaxation_strain = 0.10;  ///< [-] capsular fibre strain held for the relaxation test
  double relaxation_s = 300;      ///< [s]
};

struct CreepReport {
  std::string level;
  std::vector<double> t_s, flexion_rad;   ///< the creep curve under the sustained moment
  double creep_rad = 0;           ///< [rad] flexion gained over the hold
  double tau_fit_s = 0;           ///< [s] time constant of θ(t) = θ0 + Δ(1 − e^(−t/τ)) fitted to the curve
  double fit_rms_rad = 0;         ///< [rad] rms residual of the fit
  double recovery_2min = 0;       ///< [-] fraction of the lost stiffness (angle at the test moment) back after 2 min
  double recovery_30min = 0;      ///< [-] after 30 min
  double capsule_relaxation_ratio = 0;  ///< [-] capsular fibre force after relaxation_s / at once
};

/// Runs the calibration protocol on the passive segment `options.level` of the spine built from
/// `params` (quasi-static: at each slow step the segment's flexion balances the moment, then the
/// fibres creep at that pose with the same laws World uses). Laxity is switched off: the
/// protocol calibrates the viscoelastic creep and recovery alone.
Expected<CreepReport> RunCreepCalibration(const SpineParams& params, const CreepOptions& options = {});

/// One comparison of the creep report with the literature (`spinelab creep`, `spinelab validate`).
struct CreepCheck {
  std::string quantity, unit;
  double model = 0;
  std::string literature;        ///< the value or band as the source gives it
  double low = 0, high = 0;      ///< the band that passes (low > high: not a target)
  std::string source;
  bool target = true;            ///< false: reported, not compared
  bool pass = true;
};
/// McGill & Brown 1992 (time constant 9.4 min ± 10 %, ~half the stiffness back after 2 min,
/// incomplete after 30 min) and the capsule's relaxation ratio 0.6-0.8 (J Biomech Eng 2005 127:15).
std::vector<CreepCheck> CreepChecks(const CreepReport& report);

}  // namespace spinelab::sim

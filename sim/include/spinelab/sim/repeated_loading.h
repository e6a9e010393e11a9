#pragma once
/// @file repeated_loading.h
/// Repeated loading (docs/repeated_loading.md): the neutral-zone probe behind the hypermobility
/// index, and the creep-and-recovery calibration against McGill & Brown 1992 that
/// `spinelab creep` prints.

#include <string>
#include <vector>

#include "spinelab/sim/math.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/scenario.h"
#include "spinelab/sim/spine.h"
#include "spinelab/sim/state.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

/// Quasi-static neutral-zone probe of level `level`: the upper body turned about the disc
/// mid-frame's x, y, z axes (rest poses of the model; translation held) until the level's passive
/// elements — disc, ligaments with the slow state's slack from `state`, facet cartilage; no
/// muscles, no capsule fluid — balance ±`moment_Nm`. Returns θ(+M) − θ(−M) per axis [rad]
/// (lateral bending, flexion-extension, axial rotation in the disc frame's x, y, z order).
/// `state.ligaments` may be empty (no slack).
Vec3 LevelNeutralZone(const ModelDesc& model, const State& state, int level, double moment_Nm);

/// The three neutral-zone ranges of every level [rad] (LevelNeutralZone).
std::vector<Vec3> NeutralZones(const ModelDesc& model, const State& state, double moment_Nm);

/// Hypermobility index of each level: the largest ratio, over the three axes, of its neutral
/// zone now to the same at baseline (1: as the subject was; 1.1: a tenth more play).
std::vector<double> HypermobilityIndex(const std::vector<Vec3>& now, const std::vector<Vec3>& baseline);

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

/// What a protocol run shows, as text lines: attempts and pops (per day, the refractory limit),
/// the target level's capsule laxity and hypermobility, its neighbours' protective tone, and the
/// trunk's creep at the end.
std::string ProtocolReport(const Scenario& scenario, const ScenarioResult& result);

}  // namespace spinelab::sim

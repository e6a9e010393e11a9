#pragma once
/// @file calibration.h
/// Calibration of the spine model against literature ranges of motion
/// (models/calibration_targets.toml): loading the targets, comparing the model, fitting the disc
/// stiffening parameters k2 per level and direction, and the preload-stiffening fit.

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "spinelab/lab/flexibility.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {

/// Full-range targets for one level [deg]: {low, centre, high} per axis.
struct RomTarget {
  std::string level;
  std::array<double, 3> fe_deg{}, lb_deg{}, ar_deg{};
  double moment_Nm = 7.5;       ///< [N·m] test moment for this level
  std::string source;
};

struct CalibrationTargets {
  std::vector<RomTarget> levels;                  ///< in file order
  std::array<std::array<double, 5>, 3> lumbar_shares{};  ///< [fe, lb, ar][L1-L2..L5-S1]
  double share_tolerance = 0.07;
  double ratio_250N = 1.71, ratio_500N = 2.11, ratio_tolerance = 0.1;
  /// Liebsch et al. 2017: T1-T12 range of motion increase when the anterior rib cage is removed,
  /// [fe, lb, ar] relative to intact, at ±rib_cage_moment_Nm
  std::array<double, 3> rib_cage_rom_increase{};
  double rib_cage_moment_Nm = 2, rib_cage_tolerance = 0.1;
  const RomTarget* Find(const std::string& level) const;
};

Expected<CalibrationTargets> LoadCalibrationTargets(const std::string& path);
std::string DefaultTargetsPath();

/// Standard flexibility options for a level: its target moment, no preload.
FlexibilityOptions RomOptionsFor(const RomTarget& target);

/// Fits k2 (flexion, extension, lateral bending, axial rotation) of every level so the model's
/// one-sided rotations hit the target centres (flexion share from the parameters). `log` gets a
/// line per level. Returns the calibrated parameters.
SpineParams CalibrateRom(const SpineParams& params, const CalibrationTargets& targets,
                         const std::function<void(const std::string&)>& log);

/// Secant rotational stiffness of a level at a small moment (1 N·m; flexion, extension, lateral
/// bending, axial rotation averaged) with and without a follower preload; returns the ratio.
double PreloadStiffnessRatio(const ModelDesc& spine, const std::string& level, double preload_N);

/// Fits preload_gain and preload_exponent so L2-L3 and L4-L5 reproduce the target ratios.
SpineParams CalibratePreload(const SpineParams& params, const CalibrationTargets& targets,
                             const std::function<void(const std::string&)>& log);

/// T1-T12 full ranges of motion [rad] at ±moment_Nm, [fe, lb, ar], with the rib cage (whole-body
/// models) and with rib stumps only (specimens; PassiveSpineOptions): under a pure moment every
/// level carries the same moment, so the T1-T12 range is the sum of the eleven levels' ranges.
struct RibCageRom {
  std::array<double, 3> intact_rad{}, stumps_rad{};
  double increase(int axis) const { return stumps_rad[axis] / intact_rad[axis] - 1.0; }
};
RibCageRom MeasureRibCageRom(const SpineParams& params, double moment_Nm);

/// The calibration report (`spinelab rom --report`, `spinelab validate`): every level with a
/// target at its target moment (lower vertebra fixed, no preload), the lumbar level shares, the
/// preload stiffening and the rib cage, each with its pass flag (inside the band / tolerance).
struct RomLevelCheck {
  RomTarget target;
  FlexibilityResult result;
  std::array<double, 3> rom_deg{};    ///< [deg] full ranges [fe, lb, ar]
  std::array<bool, 3> inside{};       ///< each inside its target band
  bool ok = false;                    ///< all three inside and the test ran
};
struct RomReport {
  std::vector<RomLevelCheck> levels;                 ///< in the model's level order
  std::array<std::array<double, 5>, 3> lumbar_share{};  ///< [fe, lb, ar][L1-L2..L5-S1] model
  std::array<bool, 3> share_ok{};
  std::array<double, 2> preload_N{250, 500}, preload_ratio{}, preload_target{};
  std::array<bool, 2> preload_ok{};
  RibCageRom rib_cage;
  std::array<bool, 3> rib_cage_ok{};
};
RomReport MeasureRomReport(const ModelDesc& passive_spine, const SpineParams& params,
                           const CalibrationTargets& targets, double dt_s = 1e-3);

/// Rewrites the calibrated keys (k2_*, preload_*) of a model file in place, keeping everything
/// else byte for byte. Returns false (with `error`) when a key is not found or the file cannot be
/// written.
bool WriteCalibratedParams(const std::string& path, const SpineParams& params, std::string* error);

}  // namespace spinelab::sim

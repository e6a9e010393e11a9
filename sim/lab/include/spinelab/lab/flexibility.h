#pragma once
/// @file flexibility.h
/// In vitro flexibility test of one functional spinal unit (FSU): lower vertebra fixed, a pure
/// moment ramped quasi-statically onto the upper one about each anatomical axis of the disc
/// frame D, optionally with a compressive follower preload through the disc centre. No gravity,
/// no muscles. Reports one-sided and full ranges of motion, neutral zones and facet forces.

#include <array>
#include <string>
#include <vector>

#include "spinelab/sim/model.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

/// The six load directions, in output order.
enum class LoadDirection { kFlexion, kExtension, kLateralLeft, kLateralRight, kAxialLeft, kAxialRight };
extern const std::array<const char*, 6> kLoadDirectionNames;  ///< "flexion", ..., "axial_right"

struct FlexibilityOptions {
  double moment_Nm = 7.5;     ///< [N·m] peak pure moment, > 0
  double preload_N = 0;       ///< [N] compressive follower load through the disc centre, >= 0
  double settle_s = 0.5;      ///< [s] unloaded settling before the ramp (reference pose)
  double ramp_s = 2.0;        ///< [s] linear moment ramp 0 → peak
  double hold_s = 0.5;        ///< [s] hold at peak; the rotation is read at the end
  double dt_s = 1e-3;         ///< [s] step
};

struct DirectionResult {
  double rotation_rad = 0;            ///< [rad] rotation in the loaded direction (>= 0 normally)
  double peak_facet_force_N[2] = {0, 0};  ///< [N] peak contact force, [0] left, [1] right
  double nz_rad = 0;                  ///< [rad] neutral-zone extent on this side (bilinear)
  double stiffness_start_Nm_per_rad = 0;  ///< [N·m/rad] tangent at the start of the ramp
  std::vector<double> curve_moment_Nm, curve_rotation_rad;  ///< ramp samples (50)
};

struct FlexibilityResult {
  std::string level;
  double moment_Nm = 0, preload_N = 0;
  std::array<DirectionResult, 6> dir;   ///< indexed by LoadDirection
  double fe_rom_rad = 0, lb_rom_rad = 0, ar_rom_rad = 0;  ///< full ranges (both sides)
  double fe_nz_rad = 0, lb_nz_rad = 0, ar_nz_rad = 0;     ///< full neutral zones
  std::string status = "ok";            ///< "ok" or the step failure
};

/// Runs the test on `level` of a spine model (see ExtractSegment). Only the directions in
/// `directions` are run (all six when empty). Fails for an unknown level or bad options.
Expected<FlexibilityResult> RunFlexibilityTest(const ModelDesc& spine, const std::string& level,
                                               const FlexibilityOptions& options,
                                               const std::vector<LoadDirection>& directions = {});

}  // namespace spinelab::sim

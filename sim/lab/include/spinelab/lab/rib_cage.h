#pragma once
/// @file rib_cage.h
/// Calibration checks of the rib cage as bodies (issue 20; docs/ribcage.md), each against its
/// literature value in models/ribcage_adult.toml [calibration_targets] or calibration.md §7:
/// - the costovertebral articulation of one rib (rib 6 L; every other body held, only that
///   rib's joints, capsules and ligaments acting): translation under 28 N pulling along the neck
///   axis at the neck's middle (1.41 mm), rotation range under ±0.1 N·m about the horizontal
///   axis square to the neck (a cranial-caudal load at the segment's end; 13.2°) (J Biomech 2024
///   163:111923); quasi-static (2 s ramps, 0.5 s holds; fluid at its rest pressure);
/// - the chest's stiffness under a sternal push (every vertebra held, the sternum pushed
///   posteriorly, 0 → 300 N in 0.3 s, the downstroke of a CPR compression; secant between 100 and
///   300 N) against 100.7 N/cm (Circulation 2020 142:A13048);
/// - the T1–T12 range of motion at ±2 N·m (T12 and below held, a pure moment on T1, no gravity,
///   no muscles; static solve) with the cage as bodies, with the lumped cage and without any
///   cage (stumps), and the increase on removal against Liebsch et al. 2017 (+52.2 / +42.0 /
///   +94.4 % FE / LB / AR);
/// - the mass the cage's bodies carry and the model's total mass with and without them.

#include <array>

#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

struct RibCageChecks {
  double cage_mass_kg = 0;               ///< [kg] ribs + cartilages + sternum (the bodies)
  double total_mass_lumped_kg = 0;       ///< [kg] the whole model, lumped cage
  double total_mass_bodies_kg = 0;       ///< [kg] the whole model, cage as bodies
  int rib_joints = 0;                    ///< synovial joints of the cage
  double cv_translation_at_28N_m = 0;    ///< [m] rib 6 L, along the neck axis
  double cv_rotation_range_rad = 0;      ///< [rad] rib 6 L, about the horizontal axis square to the neck, ±0.1 N·m
  double chest_stiffness_N_per_m = 0;    ///< [N/m] sternum, 100 → 300 N
  std::array<double, 3> rom_bodies_rad{}, rom_lumped_rad{}, rom_stumps_rad{};  ///< [rad] FE, LB, AR, T1–T12 at ±2 N·m
};

/// Runs every check for the subject. Fails if the model cannot be built.
Expected<RibCageChecks> MeasureRibCage(const SpineParams& spine, const RibCageParams& ribs, const Subject& subject);

}  // namespace spinelab::sim

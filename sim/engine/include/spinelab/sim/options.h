#pragma once
/// @file options.h
/// SimOptions: how a World steps (not what it simulates). Every field has a default and a unit.
/// The force elements' own switches sit in one struct per element family.

#include "spinelab/sim/math.h"

namespace spinelab::sim {

/// Synovial joints (capsule fluid and cavitation).
struct SynovialOptions {
  /// capsules may cavitate (false: the fluid pressure still acts, no bubble nucleates)
  bool cavitation = true;
  /// a posture held for minutes: each joint's synovial fluid follows its gap at the resting
  /// pressure (trans-synovial exchange), so neither suction nor pressure carries load
  bool fluid_at_rest = false;
  /// [-] relative tolerance of the adaptive bubble (Rayleigh–Plesset) integration
  double bubble_rel_tol = 1e-7;
};

/// Reflexes (protective tone).
struct ReflexOptions {
  /// the current posture is the baseline: no tone builds, and the capsule strains it holds count
  /// as already felt (as World::AcceptPostureAsBaseline), e.g. settling into a habitual posture
  bool accept_posture = false;
};

/// Compliant contact.
struct ContactOptions {
  /// contacts carry no friction, so a body settling onto its supports comes to the equilibrium
  /// they give. The friction law is a damper (regularised Coulomb): a shear picked up on the way
  /// down would otherwise stay in and creep out over tens of seconds
  bool frictionless = false;
};

struct SimOptions {
  /// [s] fixed step. The stiff, damped elements are integrated linearly implicitly, so steps of
  /// 1–2 ms stay stable; see docs/integration.md.
  double dt_s = 1e-3;
  /// [-] Bullet contact solver iterations (environment contact only).
  int contact_iterations = 20;
  /// [m/s] post-step check: any body faster than this marks the run unstable.
  double max_speed_m_per_s = 50.0;
  /// [rad/s] post-step check on angular speed.
  double max_angular_speed_rad_per_s = 500.0;
  /// [m/s²] gravity in W (the one home of its value; lab tests of specimens set it to zero)
  Vec3 gravity_W = Vec3(0, 0, -9.81);
  SynovialOptions synovial;
  ReflexOptions reflex;
  ContactOptions contact;
};

}  // namespace spinelab::sim

#pragma once
/// @file options.h
/// SimOptions: how a World steps (not what it simulates). Every field has a default and a unit.

namespace spinelab::sim {

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
  /// Facet capsules may cavitate (false: the fluid pressure still acts, no bubble nucleates).
  bool cavitation = true;
  /// Settling into a posture held for minutes: each joint's synovial fluid follows its gap at the
  /// resting pressure (trans-synovial exchange), so neither suction nor pressure carries load.
  bool joint_fluid_at_rest = false;
  /// Settling into the subject's habitual posture: it raises no protective tone (the capsule
  /// strains it holds count as already felt, as World::AcceptPostureAsBaseline).
  bool habitual_posture = false;
  /// Settling onto the supports: contacts carry no friction, so the body comes to the equilibrium
  /// its supports give. The friction law is a damper (regularised Coulomb): a shear the body picked
  /// up on the way down would otherwise stay in and creep out over tens of seconds.
  bool frictionless_supports = false;
  /// [-] relative tolerance of the adaptive bubble (Rayleigh–Plesset) integration.
  double bubble_rel_tol = 1e-7;
};

}  // namespace spinelab::sim

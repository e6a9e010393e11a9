#pragma once
/// @file world.h
/// World: a Model plus its State, advanced by Step() with a fixed dt (STYLE.md §3).
///
/// Integration (docs/integration.md): every force element returns its force and its tangent
/// stiffness K and damping C; the step solves the linearly implicit Euler system
///   (M + h·C + h²·K) Δv = h·(f − h·K·v)
/// for all free bodies at once (block-tridiagonal for a spine chain, block-banded in general), hands the new velocities to
/// Bullet, which adds environment contact and integrates the poses. Bullet's own gravity and
/// spring constraints are not used. Stable and accurate at millisecond steps where explicit
/// forces need < 0.25 ms (shared/reference/bushing_chain.md).

#include <cstdint>
#include <memory>
#include <string>

#include "spinelab/sim/model.h"
#include "spinelab/sim/options.h"
#include "spinelab/sim/state.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

/// Bit flags returned by Step(); kOk when zero. Each says what to change.
enum StepStatus : uint32_t {
  kStepOk = 0,
  kStepNonFiniteForce = 1u << 0,  ///< an element produced NaN/inf: check its parameters
  kStepSolveFailed = 1u << 1,     ///< implicit system not positive definite: check masses
  kStepNonFiniteState = 1u << 2,  ///< pose/velocity NaN (unstable)
  kStepTooFast = 1u << 3,         ///< speed above SimOptions limits (unstable)
};

/// Step-status flags as text, e.g. "non-finite force | too fast".
std::string StepStatusText(uint32_t status);

/// An external load on one body, held until changed. Force acts at point P.
struct AppliedLoad {
  Vec3 force_N = Vec3::Zero();        ///< [N] in W, or in B if in_body_frame
  Vec3 torque_Nm = Vec3::Zero();      ///< [N·m] in W, or in B if in_body_frame
  Vec3 p_BoP_B = Vec3::Zero();        ///< [m] application point in B (from the COM)
  bool in_body_frame = false;         ///< true: follower load turning with the body
};

/// A rotational servo between two bodies about one axis: an actuator (e.g. the muscles that turn
/// one body against another) that moves body B's rotation relative to reference body A towards a
/// target angle, with a torque saturated at a maximum (the actuator's strength):
///   θ = a_A · RotationVector(R_AB · R_AB0ᵀ)      [rad] B's rotation relative to A since R_AB0
///   τ = clamp(k·(θ_target − θ) − c·a·(ω_B − ω_A), −τ_max, τ_max)       [N·m]
/// τ·a acts on B and −τ·a on A (a = R_WA·a_A in W). Below saturation its tangent (k, c along a)
/// enters the implicit step, so a stiff servo is stable at any step; saturated, the torque is
/// constant. Against a rotational spring k_s alone the servo settles at
/// min(k·θ_target/(k + k_s), τ_max/k_s). The reference must be held (fixed) or the ground: a
/// servo between two free bodies would couple them outside the band of the implicit system.
struct Servo {
  bool active = false;                ///< false: no torque
  BodyId body = -1;                   ///< B: the driven body (free)
  BodyId reference = -1;              ///< A: a held body, or -1 for the ground
  Vec3 axis_A = Vec3::UnitZ();        ///< [-] unit axis, in A
  Mat3 R_AB0 = Mat3::Identity();      ///< [-] the orientation of B in A at which θ = 0
  double target_rad = 0;              ///< [rad] θ_target
  double stiffness_Nm_per_rad = 0;    ///< [N·m/rad] k >= 0
  double damping_Nms_per_rad = 0;     ///< [N·m·s/rad] c >= 0
  double max_torque_Nm = 0;           ///< [N·m] τ_max >= 0
};

/// A servo's state at the last force evaluation (World::servo_output).
/// An inactive servo applies nothing; its angle is still B's rotation since R_AB0 once its body
/// is set (a drive let go: how far the tissues turn the body back).
struct ServoOutput {
  double angle_rad = 0;               ///< [rad] θ
  double torque_Nm = 0;               ///< [N·m] τ on B about a
  Vec3 torque_W = Vec3::Zero();       ///< [N·m] τ·a, the torque on B in W (−τ·a on A)
  bool saturated = false;             ///< |τ| = τ_max
};

/// Wall time per step phase, accumulated over all steps (StepProfile, like Box2D's profile).
struct StepProfile {
  double forces_s = 0;                ///< [s] element forces and tangents
  double solve_s = 0;                 ///< [s] implicit solve
  double bullet_s = 0;                ///< [s] Bullet step (contact + pose integration)
  int64_t steps = 0;
};

class World {
 public:
  /// Builds the Bullet world from the model. Fails (with diagnostics) for invalid options.
  static Expected<World> Create(std::shared_ptr<const Model> model, const SimOptions& options);

  World(World&&) noexcept;
  World& operator=(World&&) noexcept;
  ~World();

  /// Advances one dt. Never throws; returns kStepOk or flags (the state is then not advanced
  /// further by callers; record the status).
  uint32_t Step();
  /// Advances one implicit step of `ticks` × dt (ticks >= 1; Step() is StepTicks(1), bit for bit):
  /// an adaptive stepper (the scenario runner's `run.step = "adaptive"`) sets dt to its time grid
  /// and takes steps of whole ticks, so time stays step_index × dt (derived, never accumulated).
  /// Throws for ticks < 1 or a step above 0.02 s.
  uint32_t StepTicks(int64_t ticks);
  /// Compliant contact points the last step was taken with (detected at its start).
  int num_contacts() const;
  /// After a Step() that returned kStepNonFiniteForce: where the non-finite force came from, e.g.
  /// "the ligament elements on bodies 'L4', 'L5' (check their parameters in the model)"; empty
  /// after a good step.
  const std::string& failure_detail() const;

  const Model& model() const;
  const SimOptions& options() const;
  const State& state() const;
  /// Element outputs from the force evaluation of the last Step() (or Create()).
  /// The synovial joints' step events as the last step left them, without re-evaluating the
  /// element outputs: `cracked` and `sound_Pa` are current; the other fields may be from before
  /// the step.
  const std::vector<SynovialJointOutput>& last_step_synovial_joints() const;
  const StepOutputs& outputs() const;
  const StepProfile& profile() const;

  /// Sets the external load on `body` (replaces any previous one).
  void SetAppliedLoad(BodyId body, const AppliedLoad& load);
  void ClearAppliedLoads();
  /// Sets servo `index` (a new index adds servos; an inactive one does nothing). Throws for a
  /// body that is not free, a reference that is not held (or -1), a non-unit axis or a negative
  /// or non-finite gain, damping, limit or target.
  void SetServo(int index, const Servo& servo);
  /// Servo `index` at the last force evaluation (zero for an index never set).
  ServoOutput servo_output(int index) const;
  /// Moves a fixed (held) body along a prescribed path: its pose and twist for the next step.
  /// The elements attached to it see the motion; nothing pushes it back (it is driven).
  void SetHeldBodyMotion(BodyId body, const Pose& X_WB, const Vec3& v_WB, const Vec3& w_WB);

  /// Advances time by `duration_s` (rounded to whole steps) with every body held at rest in
  /// its current pose: only slow internal states evolve (capsule gas dissolving, capsule
  /// draw-in), each with its own adaptive step. For the minutes between loadings.
  /// Fails (returns false) while a bubble is still in its violent phase: Step() until it settles.
  bool Rest(double duration_s);

  /// The current posture is the baseline: reflexes hold no tone, and the capsule strains it holds
  /// count as already felt (only fresh loadings past the nociceptor strain add tone). Scenario
  /// runs call it at their start, after settling (the subject's habitual posture).
  void AcceptPostureAsBaseline();

  /// Scales every body's velocity by `factor` in [0, 1] (kinetic damping: settling a posture
  /// quasi-statically, without the swing of a drop).
  void DampVelocities(double factor);

  /// Moves the free bodies to the static equilibrium of the current loads, supports and tissue
  /// state, at rest: Newton iterations with the implicit step's tangent (A = K + C/h + M/h² at
  /// h = 10 s, the mass and damping terms a small regularisation), contacts found again each
  /// iteration, each move capped (0.5 mm, 0.5°) so a contact set that changes is approached, not
  /// jumped through. Time and the slow state do not advance. Returns the iterations taken; -1
  /// when the largest move is still above `tol_m` after `max_iterations`; -2 when the system is
  /// not positive definite or not finite. On failure the poses are those of the last iteration.
  /// `damped`: each move that reverses the one before (their dot product over all bodies < 0) halves
  /// the share of the Newton move taken (it grows back 1.25x per move that does not, up to 1), and
  /// convergence is judged on the move taken: a bisection of the pose where the force changes sign.
  /// The plain iteration can swing between two poses for ever: its tangent has no load stiffness
  /// (a limb hanging from joints softer than its weight's pendulum stiffness m·g·l overshoots by
  /// more than it corrects), and a flat face on a curved support makes its one contact point jump
  /// between the ends of their line of contact. Without a reversal both follow the same path
  /// (a converging plain iteration may also alternate: the settle uses `damped` only after it fails).
  int SolveStatic(int max_iterations = 2000, double tol_m = 1e-7, bool damped = false);

  /// Copies out / restores the complete state. Restore also resets Bullet's contact caches.
  State SaveState() const;
  void RestoreState(const State& state);

  /// Potential energy of all conservative elements plus gravity [J] (for energy tests).
  double PotentialEnergy() const;
  /// Kinetic energy [J].
  double KineticEnergy() const;

  /// FNV-1a hash of the bit patterns of every number in the state: step index, bodies, and each
  /// element type's state (determinism tests).
  uint64_t HashState() const;

 private:
  struct Impl;
  explicit World(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace spinelab::sim

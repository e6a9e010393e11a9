#pragma once
/// @file state.h
/// State: everything needed to continue a run bit for bit (step index, body poses and twists).
/// Derived per-step quantities (element forces, facet gaps) live in StepOutputs.

#include <cstdint>
#include <string>
#include <vector>

#include "spinelab/sim/math.h"

namespace spinelab::sim {

/// Pose and twist of one body's COM frame B. Written by step/pull.
struct BodyState {
  Vec3 p_WB = Vec3::Zero();           ///< [m] COM position in W
  Quat q_WB = Quat::Identity();       ///< [-] orientation of B in W (unit quaternion)
  Vec3 v_WB = Vec3::Zero();           ///< [m/s] COM velocity in W
  Vec3 w_WB = Vec3::Zero();           ///< [rad/s] angular velocity in W
};

/// Internal state of one synovial joint's capsule (written by step/capsules).
struct CapsuleState {
  enum Mode : int32_t { kNoBubble = 0, kDynamic = 1, kQuasiStatic = 2 };
  int32_t mode = kNoBubble;           ///< bubble regime
  double radius_m = 0;                ///< [m] equivalent-sphere bubble radius
  double radius_rate_m_per_s = 0;     ///< [m/s] dR/dt (dynamic mode)
  double gas_mol = 0;                 ///< [mol] gas in the bubble
  double drawn_in_m3 = 0;             ///< [m³] slow capsule draw-in volume
  double fluid_m3 = 0;                ///< [m³] synovial fluid beyond (> 0) or short of (< 0) the rest content
  double dynamic_since_s = 0;         ///< [s] time of the last nucleation
  int64_t cavitations = 0;            ///< number of nucleations so far
  double sound_filter[2] = {0, 0};    ///< [Pa] state of the tissue low-pass (biquad, DF-II)
};

/// Slow state of a ligament or capsule fibre (LigamentSlowParams): extra slack, as strains.
struct LigamentState {
  double creep_fast = 0;              ///< [-] fast-recovering creep strain
  double creep_slow = 0;              ///< [-] slow-recovering creep strain
  double laxity = 0;                  ///< [-] recoverable lasting slack (after overstretch)
  double laxity_permanent = 0;        ///< [-] lasting slack that never recovers
  double slack() const { return creep_fast + creep_slow + laxity + laxity_permanent; }
};

/// Internal state of a viscoelastic bushing (ViscoelasticBushingDesc): the Maxwell branch's rest
/// configuration, as the deflection of M in F it is at rest at.
struct ViscoelasticState {
  Vec3 p_rest_F = Vec3::Zero();       ///< [m] rest position of Mo in F
  Vec3 theta_rest_F = Vec3::Zero();   ///< [rad] rest rotation vector of M in F
};

/// Slow state of a reflex (ReflexDesc).
struct ReflexState {
  double tone = 0;                    ///< [-] protective muscle tone: muscle stiffness × (1 + tone)
  double noci_peak = 0;               ///< [-] remembered peak of the sensed capsule strain past the nociceptor strain
};

struct State {
  int64_t step_index = 0;             ///< steps taken; time_s = step_index * dt_s
  double time_s = 0;                  ///< [s] derived from step_index (never accumulated)
  std::vector<BodyState> bodies;      ///< (n_bodies), creation order
  std::vector<CapsuleState> capsules; ///< (n_synovial_joints), zero-initialised when no capsule
  std::vector<LigamentState> ligaments; ///< (n_ligaments) creep and laxity
  std::vector<ReflexState> reflexes;  ///< (n_reflexes) protective tone
  std::vector<ViscoelasticState> viscoelastic;  ///< (n_viscoelastic_bushings) Maxwell rest configurations
};

/// Per-bushing outputs of the last force evaluation (written by step/forces).
struct BushingOutput {
  Vec3 deflection_m = Vec3::Zero();   ///< [m] p, in F
  Vec3 rotation_rad = Vec3::Zero();   ///< [rad] θ (rotation vector of R_FM), in F
  Vec3 force_N = Vec3::Zero();        ///< [N] force on B, in F
  Vec3 moment_Nm = Vec3::Zero();      ///< [N·m] moment on B, in F
  double compression_N = 0;           ///< [N] axial compressive force (>= 0)
  double shear_N = 0;                 ///< [N] |shear force| in F's x-y plane
  double pressure_Pa = 0;             ///< [Pa] intradiscal pressure (discs only)
};

struct LigamentOutput {
  double length_m = 0;                ///< [m]
  double strain = 0;                  ///< [-] (L − L0)/L0, negative when slack
  double fibre_strain = 0;            ///< [-] strain − the slow state's slack (what the force law sees)
  double force_N = 0;                 ///< [N] tension (>= 0)
};

struct SynovialJointOutput {
  double gap_m = 0;                   ///< [m] articular gap g (negative: cartilage compressed)
  double gap_rate_m_per_s = 0;        ///< [m/s] ġ
  double contact_force_N = 0;         ///< [N] cartilage contact force (>= 0)
  Vec3 p_WP = Vec3::Zero();           ///< [m] surface point P on the lower body, in W
  Vec3 n_W = Vec3::UnitZ();           ///< [-] opening normal in W
  double pressure_Pa = 0;             ///< [Pa] synovial fluid pressure (gauge)
  double fluid_force_N = 0;           ///< [N] pressure force along n (negative: suction)
  double bubble_volume_m3 = 0;        ///< [m³] gas/vapour cavity
  double capsule_strain = 0;          ///< [-] capsular fibre strain incl. the in-situ pre-strain
  /// [-] the strain the joint's opening adds to its capsular fibre, max(0, g − g_rest)/ℓ
  /// (LigamentSlowParams::opening_length_m): what the fibre's slow laws and nociceptors see on top
  double capsule_opening_strain = 0;
  bool cracked = false;               ///< a nucleation happened in the last step
  std::vector<float> sound_Pa;        ///< acoustic pressure at the listener during the last
                                      ///< step, at kSoundSampleRate_Hz (empty when quiet)
};

constexpr double kSoundSampleRate_Hz = 44100.0;

/// One compliant contact point (soft tissue against the environment or a hand pad).
struct ContactOutput {
  int a = -1, b = -1;                 ///< body ids (>= 0) or environment object -1-e
  Vec3 p_W = Vec3::Zero();            ///< [m] contact point
  Vec3 n_W = Vec3::UnitZ();           ///< [-] normal from b towards a
  double normal_N = 0;                ///< [N] normal force (>= 0)
  Vec3 force_on_a_N = Vec3::Zero();   ///< [N] normal + friction force on a (b gets minus it)
};

struct StepOutputs {
  std::vector<BushingOutput> bushings;
  std::vector<BushingOutput> viscoelastic_bushings;  ///< both branches together
  std::vector<LigamentOutput> ligaments;
  std::vector<SynovialJointOutput> synovial_joints;
  std::vector<ContactOutput> contacts;  ///< compliant contact points at the current state
};

}  // namespace spinelab::sim

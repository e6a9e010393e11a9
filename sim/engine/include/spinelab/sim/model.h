#pragma once
/// @file model.h
/// ModelDesc (editable plain description) and Model (compiled, validated, immutable).
///
/// Conventions (docs/conventions.md): world frame W has z up (superior), x anterior, y to the
/// subject's left. Each body frame B sits at the body's centre of mass with its axes along the
/// vertebra's anatomical axes (x anterior, y left, z along the local spine axis). Rotations about
/// +y are flexion, about +x right lateral bending, about +z axial rotation to the left.
/// Everything is SI (m, kg, s, N, N·m, rad, Pa).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spinelab/sim/math.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

class ElementType;  // a type of force element the engine does not ship (engine/src/forces/element_type.h)

/// Index of a body in creation order; kGround (-1) is the fixed world.
using BodyId = int;
constexpr BodyId kGround = -1;

/// Collision shape fixed to a body (for contact with environment objects through Bullet): a box
/// along B's axes, or a sphere when radius_m > 0 (a rounded surface: the soft tissue over a rib
/// or the sternum, centred on the bone).
struct BoxShapeDesc {
  Vec3 center_B = Vec3::Zero();       ///< [m] box (sphere) centre in B
  Vec3 half_extents_m = Vec3::Zero(); ///< [m] half sizes along B's axes (a sphere: its bounding box, radius_m each)
  double radius_m = 0;                ///< [m] > 0: a sphere of this radius; 0: the box
};

/// Shape of one part of a body's drawable geometry (frame G).
enum class PrimitiveKind {
  kBox,        ///< size = half extents along G's axes
  kCylinder,   ///< elliptic cylinder: size = (semi-axis x, semi-axis y, half length along z)
  kEllipsoid,  ///< size = semi-axes
};

/// One named part of a body's procedural geometry (vertebral body, pedicle, lamina, spinous or
/// transverse process, articular facet), for drawing and for placing contact shapes.
struct GeometryPrimitive {
  std::string part;                   ///< "body", "pedicle L", "facet superior R", ...
  PrimitiveKind kind = PrimitiveKind::kBox;
  Pose X_BG;                          ///< pose of the part's frame G in B
  Vec3 size_m = Vec3::Zero();         ///< [m] see PrimitiveKind
};

/// A rigid body. Its frame B is at the centre of mass, axes principal.
struct BodyDesc {
  std::string name;                     ///< unique, e.g. "T7"
  double mass_kg = 0;                   ///< [kg] > 0 unless fixed
  Vec3 inertia_kgm2 = Vec3::Zero();     ///< [kg·m²] principal moments about the COM, in B
  Pose X_WB;                            ///< initial pose of B in W
  bool fixed = false;                   ///< welded to the world (no degrees of freedom)
  std::vector<BoxShapeDesc> shapes;     ///< collision shapes (may be empty)
  std::vector<GeometryPrimitive> geometry;  ///< drawable parts (may be empty)
  Vec3 p_BoV_B = Vec3::Zero();          ///< [m] vertebral-body centroid V in B (for drawing/reports)
  /// compliant contact of this body's shapes (soft tissue): normal stiffness per contact point
  /// [N/m] and damping [N·s/m]; 0 = rigid (Bullet's impulse contact)
  double contact_stiffness_N_per_m = 0;
  double contact_damping_Ns_per_m = 0;
  /// stiffness [N/m] per contact point on the front half of the body's first shape (x above its
  /// centre): the chest's rib cage, softer than the back; 0 = contact_stiffness_N_per_m
  double anterior_contact_stiffness_N_per_m = 0;
  /// damping [N·s/m] per contact point where anterior_contact_stiffness_N_per_m applies (the
  /// chest's own viscosity); 0 = contact_damping_Ns_per_m
  double anterior_contact_damping_Ns_per_m = 0;
  /// [-] unit vector in B: the body's anterior direction, along which "the front half of its
  /// first shape" and "facing forwards" are measured for anterior_contact_stiffness_N_per_m (a
  /// trunk slice: B's x; a rib, whose frame is its principal axes: its vertebra's anterior axis)
  Vec3 anterior_axis_B = Vec3::UnitX();
  /// a prop (a practitioner's hand pad): collides with the other bodies, not with the environment
  bool prop = false;
  /// couples to bodies far apart in the solve order (e.g. a body joined to many of a chain's
  /// bodies): solved, like the props, as a border body of the banded implicit system. Border
  /// bodies (props and these) must come after every other free body in the solve order
  bool border = false;
};

/// Nonlinear moment law about one axis of a bushing (N·m, rad):
///   M(θ) = k0·θ + sign(θ)·k2·max(0, |θ| − θ_nz)²,
/// with separate θ_nz, k2 for θ > 0 and θ < 0 (flexion/extension asymmetry). The moment is a
/// stiffness k0 in the neutral zone |θ| < θ_nz and stiffens linearly beyond it (C¹ at the edge).
struct AxisLaw {
  double k0 = 0;       ///< [N·m/rad] neutral-zone stiffness, >= 0
  double nz_pos = 0;   ///< [rad] neutral-zone half-width for θ > 0, >= 0
  double nz_neg = 0;   ///< [rad] neutral-zone half-width for θ < 0, >= 0
  double k2_pos = 0;   ///< [N·m/rad²] stiffening beyond the neutral zone, θ > 0, >= 0
  double k2_neg = 0;   ///< [N·m/rad²] stiffening beyond the neutral zone, θ < 0, >= 0
};

/// A 6-DOF bushing between frame F on body A and frame M on body B (in the human model: a disc,
/// an upper-cervical joint, the rib cage's stiffness, active muscle tone, a support). Deflection: p = R_WFᵀ(p_WMo − p_WFo)
/// [m], θ = rotation vector of R_FM [rad], rates in F. Law per axis, on B at Mo, in F:
///   f_i = −k_i p_i − c_i ṗ_i   (z uses k_axial_compression when p_z < 0),
///   m_i = −s·M_i(θ_i) − c_r,i ω_i,   s = 1 + preload_gain·(F_c / 1000 N)^preload_exponent,
/// with F_c >= 0 the axial compressive force; equal and opposite on A at the same point. The
/// preload multiplier s also scales the shear stiffness (Gardner-Morse & Stokes 2004). A constant
/// bias force and moment (in F, on B) model active muscle (postural gravity compensation).
struct BushingParams {
  Vec3 k_trans = Vec3::Zero();        ///< [N/m] x, y shear and z tension stiffness
  double k_axial_compression = 0;     ///< [N/m] z stiffness in compression (p_z < 0)
  Vec3 c_trans = Vec3::Zero();        ///< [N·s/m] translational damping per axis
  AxisLaw rot[3];                     ///< moment laws about F's x, y, z
  Vec3 c_rot = Vec3::Zero();          ///< [N·m·s/rad] rotational damping per axis
  double preload_gain = 0;            ///< [-] stiffening per (F_c/1000 N)^exponent
  double preload_exponent = 1;        ///< [-] > 0
  double area_m2 = 0;                 ///< [m²] cross-section carrying the pressure (a disc's; 0: none, no IDP)
  double idp_factor = 1.5;            ///< [-] IDP = factor·F_c/area (Nachemson; calibrated)
  Vec3 bias_force = Vec3::Zero();     ///< [N] constant force on B, in F (active muscle)
  Vec3 bias_moment = Vec3::Zero();    ///< [N·m] constant moment on B, in F (active muscle)
};

struct BushingDesc {
  std::string name;                   ///< e.g. "disc T7-T8"
  BodyId body_a = kGround;            ///< lower body A (or kGround)
  BodyId body_b = kGround;            ///< upper body B
  Pose X_AF;                          ///< frame F on A
  Pose X_BM;                          ///< frame M on B (coincides with F at rest)
  BushingParams params;
  /// active (muscle): left out of passive probes and specimen extracts (ExtractSegment)
  bool active = false;
  /// the reflex (ReflexDesc index) whose tone scales the moment laws by 1 + tone, or -1
  int reflex = -1;
};

/// A viscoelastic 6-DOF bushing (standard linear solid): the bushing law of BushingParams in two
/// branches in parallel, an elastic one scaled by the relaxed fraction r and a Maxwell branch
/// scaled by 1 − r whose rest configuration X_FR (internal state, State::viscoelastic) relaxes
/// towards the current relative pose of M in F with time constant τ:
///   F = r·B(X_FM) + (1 − r)·B(X_RM),   X_FR → X_FM:  (x_R − x) ← (x_R − x)·e^(−h/τ)
/// per component of (position, rotation vector), exactly over each step. So a sudden deflection
/// meets the full stiffness, a held one relaxes to r of it. A static solve (long times) sees
/// the elastic branch only. Damping (c_trans, c_rot) acts once, in the elastic branch.
/// In the human model: the costal cartilages (an Euler–Bernoulli beam referred to its midpoint).
struct ViscoelasticBushingDesc {
  std::string name;                   ///< e.g. "costal cartilage 6 L"
  BodyId body_a = kGround;
  BodyId body_b = kGround;
  Pose X_AF;                          ///< frame F on A
  Pose X_BM;                          ///< frame M on B (coincides with F at rest)
  BushingParams params;               ///< instantaneous law (both branches together); no preload, no bias
  double relaxed_fraction = 1;        ///< [-] r: long-time / instantaneous stiffness, in (0, 1]
  double relaxation_time_s = 1;       ///< [s] τ, > 0
};

/// Slow behaviour of a ligament or capsule fibre (docs/repeated_loading.md): creep and recovery
/// (viscoelasticity) and lasting laxity after overstretch. Both act as extra slack: the fibre
/// strain is ε_f = ε − c_fast − c_slow − x − x_perm (ε the geometric strain).
///   creep target c* = φ·max(0, ε_f − ε_ref), split f : (1 − f) into the fast and slow parts,
///   dc_i/dt = (c*_i − c_i)/τ,  τ = creep_time_s while c_i < c*_i (loading), else
///   recovery_fast_s / recovery_slow_s (recovery: fast then slow, incomplete after 30 min);
///   laxity: dx/dt = (1 − p)·r·max(0, ε_f − ε_d) − x/τ_x,  dx_perm/dt = p·r·max(0, ε_f − ε_d).
/// Protective tone (ReflexDesc) is driven by the same capsular strain past the nociceptor strain.
struct LigamentSlowParams {
  double creep_fraction = 0;          ///< [-] φ: equilibrium creep per unit fibre strain above ε_ref (0: elastic)
  double creep_time_s = 564;          ///< [s] τ under load, > 0
  double fast_fraction = 0.5;         ///< [-] f, share of the fast-recovering creep, 0..1
  double recovery_fast_s = 60;        ///< [s] > 0
  double recovery_slow_s = 10800;     ///< [s] > 0
  double reference_strain = 0;        ///< [-] ε_ref: the in-situ strain at the rest pose (no creep below it)
  double laxity_threshold = 1e9;      ///< [-] ε_d, fibre strain beyond which lasting slack accrues
  double laxity_rate_per_s = 0;       ///< [1/s] r, >= 0
  double laxity_permanent_fraction = 0;  ///< [-] p, share that never recovers, 0..1
  double laxity_recovery_s = 1e7;     ///< [s] τ_x, > 0
  /// [m] capsular fibres only (SynovialJointDesc::capsule_ligament): the fibre length across the
  /// joint space that takes up the joint's opening; the slow laws see ε_f + max(0, g − g_rest)/ℓ
  /// (a pop's cavity holds the capsule stretched until the gas dissolves); 0: not a capsule
  double opening_length_m = 0;
};

/// Tension-only ligament between a point on A and a point on B. Strain ε = (L − L0)/L0 with L0
/// the slack length. Force (N), toe region then linear (C¹ at ε_toe):
///   F = k·L0·ε²/(2 ε_toe) for 0 < ε < ε_toe;  F = k·L0·(ε − ε_toe/2) beyond;  0 when slack;
/// plus damping c·L̇ while taut, the total clamped at >= 0. k is the linear-region stiffness.
struct LigamentDesc {
  std::string name;                   ///< e.g. "ALL T7-T8"
  std::string type;                   ///< what it is, for reports (the spine: ALL, PLL, LF, ISL, SSL, ITL, CL)
  BodyId body_a = kGround;
  Vec3 p_AoPa_A = Vec3::Zero();       ///< [m] attachment on A, in A (from A's COM)
  BodyId body_b = kGround;
  Vec3 p_BoPb_B = Vec3::Zero();       ///< [m] attachment on B, in B
  double stiffness_N_per_m = 0;       ///< [N/m] linear-region stiffness, > 0
  double slack_length_m = 0;          ///< [m] L0, > 0
  double toe_strain = 0;              ///< [-] end of the toe region, >= 0
  double damping_Ns_per_m = 0;        ///< [N·s/m] >= 0
  LigamentSlowParams slow;            ///< creep, recovery, laxity (State::ligaments)
};

/// The capsule of a synovial joint: synovial fluid, capsule compliance, cavitation and gas
/// (docs/capsule.md). All SI; pressures are gauge (relative to atmospheric) unless "abs".
///   volume balance:  V_c = V_bubble − A·(g − g_rest) + V_drawn is taken up by the capsule,
///   a Kelvin–Voigt wall:  P − P_rest = (V_c + τ_recoil·dV_c/dt) / C(P),
///   C = C_suction for P < P_rest, C_positive above;  the pressure force P·A pushes the surfaces
///   apart along n (suction, P < 0, holds them together);
///   slow capsule draw-in:  dV_drawn/dt = (−C_slow·(P − P_rest) − V_drawn)/τ_draw;
///   nucleation when P_abs <= nucleation pressure; Rayleigh–Plesset bubble (equivalent sphere):
///   ρ(R R̈ + 1.5 Ṙ²) = p_gas + p_vap − P_abs − 2σ/R − 4μṘ/R,  p_gas = n·R_g·T/V;
///   sound at distance r in air: p = ρ_air·V̈/(4π r) (tissue carries the volume velocity to the skin),
///   low-passed by the soft-tissue path (2nd-order Butterworth at tissue_lowpass_Hz); what is
///   heard is that through the tissue ring (RadiateThroughTissue, spinelab/sim/tissue_ring.h);
///   gas: fills toward the fluid gas tension with time constant τ_fill while the bubble is
///   violent, then dn/dt = G·(p_tissue − p_gas) with G = D·S·A_exchange/L_capsule.
struct CapsuleParams {
  double fluid_volume_m3 = 1e-6;          ///< [m³] synovial fluid
  double rest_pressure_Pa = -235;         ///< [Pa] gauge, at rest
  double compliance_suction_m3_per_Pa = 1e-13;   ///< [m³/Pa] under suction (fast)
  double compliance_positive_m3_per_Pa = 1e-11;  ///< [m³/Pa] under positive pressure
  double compliance_slow_m3_per_Pa = 1e-11;      ///< [m³/Pa] slow draw-in path under suction
  double draw_in_time_s = 1.0;            ///< [s] time constant of the slow draw-in
  double recoil_time_s = 1e-3;            ///< [s] viscous recoil time of the capsule wall
  double nucleation_pressure_abs_Pa = -4e5;  ///< [Pa] absolute liquid pressure at nucleation
  double nucleus_radius_m = 1e-5;         ///< [m] initial bubble radius
  double density_kg_per_m3 = 1000;        ///< [kg/m³] synovial fluid
  double viscosity_Pa_s = 0.01;           ///< [Pa·s] synovial fluid at high shear rate
  double surface_tension_N_per_m = 0.06;  ///< [N/m]
  double vapour_pressure_Pa = 6280;       ///< [Pa] water at 37 °C
  double temperature_K = 310;             ///< [K]
  double atmospheric_pressure_Pa = 101325;///< [Pa]
  double tissue_gas_tension_Pa = 94000;   ///< [Pa] total dissolved gas tension of fluid/tissue
  double fill_time_s = 0.05;              ///< [s] gas release into a fresh cavity
  double stirring_time_s = 0.5;           ///< [s] after nucleation, fast fill still acts
  double gas_conductance_mol_per_s_Pa = 5e-13;  ///< [mol/(s·Pa)] G = D·S·A_exchange/L_capsule
  double nociceptor_strain = 0.11;        ///< [-] capsule strain activating nociceptors
  double pain_strain = 0.34;              ///< [-] strain giving pain behaviour (animal models)
  double yield_strain = 0.80;             ///< [-] capsule yield (maximum principal strain)
  double listener_distance_m = 0.1;       ///< [m] where the sound pressure is reported
  double air_density_kg_per_m3 = 1.2;     ///< [kg/m³] medium the listener hears through
  double tissue_lowpass_Hz = 2000;        ///< [Hz] corner of the tissue path (2nd-order Butterworth)
  double tissue_ring_Hz = 333;            ///< [Hz] natural frequency of the tissue ring (spinelab/sim/tissue_ring.h)
  double tissue_ring_damping_ratio = 0.2; ///< [-] its damping ratio ζ, in (0, 1)
};

/// Synovial joint: a planar articular surface through point P on body A with unit normal n (in
/// A, pointing from A's surface towards B's, i.e. the opening direction), and the matching point
/// Q on body B, with (optionally) its capsule of synovial fluid (CapsuleParams). In the human
/// model: the facet (zygapophyseal) joints, later the rib joints. Gap g = g_rest + n_W·(p_WQ −
/// p_WP) [m]. When g < 0 the cartilage layers are compressed by δ = −g and push the bodies apart
/// along n:
///   F = A_c·E_c·(δ/h_c)^1.5·(1 + α·δ̇)   (elastic foundation, Hunt–Crossley damping), F >= 0.
struct SynovialJointDesc {
  std::string name;                   ///< e.g. "T7-T8 L"
  BodyId body_a = kGround;            ///< A (the spine: the lower vertebra)
  BodyId body_b = kGround;            ///< B (the spine: the upper vertebra)
  Vec3 p_AoP_A = Vec3::Zero();        ///< [m] surface point on A
  Vec3 n_A = Vec3::UnitZ();           ///< [-] unit opening normal in A
  Vec3 p_BoQ_B = Vec3::Zero();        ///< [m] surface point on B
  double rest_gap_m = 0;              ///< [m] articular clearance at the rest pose
  double area_m2 = 0;                 ///< [m²] articular contact area
  double cartilage_modulus_Pa = 0;    ///< [Pa] effective modulus of both cartilage layers
  double cartilage_thickness_m = 0;   ///< [m] combined thickness of both layers
  double damping_s_per_m = 0;         ///< [s/m] Hunt–Crossley α
  bool has_capsule = false;           ///< fluid, pressure and cavitation (CapsuleParams)
  int capsule_ligament = -1;          ///< index of the capsular-ligament fibre (strain), or -1
  CapsuleParams capsule;
};

/// A static environment object that bodies touch through Bullet contact.
enum class EnvShape { kPlane, kBox, kCylinder };
struct EnvironmentDesc {
  std::string name;
  EnvShape shape = EnvShape::kPlane;
  Pose X_WE;                          ///< pose; plane normal is E's +z; cylinder axis E's +y
  Vec3 half_extents_m = Vec3::Zero(); ///< [m] box half sizes; cylinder (r, half-length, r)
  double friction = 0.6;              ///< [-] Coulomb coefficient
  bool contact = true;                ///< false: part of the scene, touched by nothing (drawn only)
};

/// A measured path (no force): via points fixed to bodies, e.g. a vertebral artery through the
/// transverse foramina. Its strain is length / rest length − 1.
struct PathDesc {
  std::string name;
  std::vector<std::pair<BodyId, Vec3>> points;  ///< (body, point in the body's frame B [m])
};

/// Length [m] of a path for the given body poses (indexed by BodyId).
double PathLength(const PathDesc& path, const std::vector<Pose>& X_WB);

/// A joint between two bodies as a whole (the spine: an intervertebral level) and the elements
/// that act across it, for reports and probes. The engine only carries it: it adds no force.
struct JointDesc {
  std::string name;                   ///< "T7-T8"
  BodyId upper = kGround;             ///< B, the body the joint's outputs act on
  BodyId lower = kGround;             ///< A
  int bushing = -1;                   ///< the primary bushing (a disc or joint), or -1
  std::vector<int> synovial;          ///< its synovial joints (the spine: [left facet, right facet])
  int reflex = -1;                    ///< the reflex guarding it (ReflexDesc index), or -1
  Pose X_WD0;                         ///< joint mid-frame D at rest in W (the disc's; for reports)
  Pose X_LD;                          ///< D in the lower body's frame
};

/// Protective muscle tone, a reflex (State::reflexes): the bushings that name it scale their
/// moment laws by 1 + tone. Its drive x is how far the capsule strain of the synovial joints it
/// senses is past each one's own nociceptor strain (>= 0; capsule fibre strain plus the joint's
/// opening, LigamentSlowParams::opening_length_m); m is its remembered peak, fading with
/// memory_s once x falls, m ← max(x, m·e^(−h/τ_m)); x beyond the faded peak adds
/// gain·(x − m·e^(−h/τ_m)): each fresh loading past the threshold adds tone, a held strain or a
/// quick vibration does not; tone decays as −tone/decay_s; tone <= max_tone.
struct ReflexDesc {
  std::string name;
  std::vector<int> sensors;           ///< synovial joints whose capsular fibres it senses
  double gain = 0;                    ///< [-] per unit of strain past the threshold, >= 0
  double memory_s = 300;              ///< [s] τ_m, > 0
  double decay_s = 3600;              ///< [s] > 0
  double max_tone = 0;                ///< [-] >= 0
};

/// Editable description of a mechanical model: bodies, force elements, environment. Gravity is
/// the run's (SimOptions::gravity_W), not the model's.
struct ModelDesc {
  std::string name;
  std::vector<BodyDesc> bodies;
  std::vector<BushingDesc> bushings;
  std::vector<ViscoelasticBushingDesc> viscoelastic_bushings;
  std::vector<LigamentDesc> ligaments;
  std::vector<SynovialJointDesc> synovial_joints;
  std::vector<ReflexDesc> reflexes;
  std::vector<EnvironmentDesc> environment;
  std::vector<JointDesc> joints;
  std::vector<PathDesc> paths;
  /// order of the free bodies in the implicit solve: these bodies first, in this order, then
  /// every other free body in creation order (empty: creation order). Bodies appended to a
  /// chain (ribs after a spine) are listed between the chain bodies they couple, so the system
  /// stays banded; border bodies (BodyDesc::border, props) must come last
  std::vector<BodyId> solve_order;
  /// element types beyond the engine's own, evaluated after them (each holds its elements)
  std::vector<std::shared_ptr<const ElementType>> extra_element_types;

  BodyId FindBody(const std::string& name) const;   ///< kGround-1 (-2) when absent
  int FindJoint(const std::string& name) const;     ///< -1 when absent
};

/// Compiled, validated, immutable model. Build with Compile().
class Model {
 public:
  /// Validates every field (finite, ranges, indices, unit normals) and freezes the description.
  /// All problems are returned at once, each naming the element, field, value and allowed range.
  static Expected<Model> Compile(ModelDesc desc);

  const ModelDesc& desc() const { return desc_; }
  int num_bodies() const { return static_cast<int>(desc_.bodies.size()); }
  /// Free (non-fixed) bodies in creation order; dof index of body b is 6*free_index(b).
  int num_free_bodies() const { return num_free_; }
  int free_index(BodyId b) const { return b < 0 ? -1 : free_index_[b]; }

 private:
  ModelDesc desc_;
  std::vector<int> free_index_;
  int num_free_ = 0;
};

/// The ligaments that span joint `joint` of `model` (those between its two bodies), in model order.
std::vector<int> LigamentsAcross(const ModelDesc& model, int joint);

/// A two-body model of one joint (the spine: a functional spinal unit): the joint's upper and
/// lower bodies (lower fixed) and only the passive elements between them, poses as in the source.
/// `source_ligaments` (may be null) receives, per ligament of the segment, its index in `model`.
Expected<ModelDesc> ExtractSegment(const ModelDesc& model, const std::string& joint,
                                   std::vector<int>* source_ligaments = nullptr);

}  // namespace spinelab::sim

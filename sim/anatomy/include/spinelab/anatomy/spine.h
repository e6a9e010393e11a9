#pragma once
/// @file spine.h
/// The whole-spine model: parameters (models/*.toml, loaded and validated), a subject, and the
/// builder that turns them into a ModelDesc of 26 bodies (head, C1–C7, T1–T12, L1–L5, sacrum)
/// with, per level, a disc (or upper-cervical joint) bushing, seven ligament types (ALL, PLL, LF,
/// ISL, SSL, ITL×2, CL×2), left/right facet joints and (optionally) muscle tone.

#include <array>
#include <string>
#include <vector>

#include "spinelab/sim/model.h"
#include "spinelab/sim/options.h"
#include "spinelab/sim/status.h"

#include <memory>

namespace spinelab::sim {

struct RibCageParams;  // rib_cage.h

constexpr int kSpineBodies = 26;
constexpr int kSpineLevels = 25;

/// Where a parameter came from in its file (for diagnostics and for rewriting calibrated values).
struct ParamOrigin {
  std::string key;      ///< "disc.k2_flexion_Nm_per_rad2"
  int line = 0;         ///< 1-based line in the file
  std::string source;   ///< the value's source text
};

/// Ligament values for one type, per region (0 cervical, 1 thoracic, 2 lumbar), in SI.
struct LigamentTypeParams {
  std::array<double, 3> stiffness_N_per_m{};
  std::array<double, 3> toe_strain{};
  std::array<double, 3> prestrain{};
};

/// The shoulder girdle and the limbs as bodies ([limbs] of the model file, docs/limbs.md). Segment
/// arrays run [upper arm, forearm, hand, thigh, shank, foot]; ranges of motion [abduction,
/// adduction, y+, y-, external, internal] [rad] about the joint frame's x, y, z (left side;
/// mirrored for the right). Muscles run trapezius, rhomboids, levator scapulae, serratus
/// anterior, pectoralis minor, pectoralis major, latissimus dorsi.
struct LimbParams {
  static constexpr int kSegments = 6;
  enum Joint { kSternoclavicular, kAcromioclavicular, kGlenohumeral, kElbow, kHip, kKnee, kAnkle, kJoints };
  static constexpr int kMuscles = 7;
  std::string model = "lumped";           ///< "lumped" ([arms], [legs]) or "bodies"
  std::array<double, kSegments> mass_fraction{}, length_m{}, com_fraction{}, r_sagittal{}, r_transverse{}, r_longitudinal{};
  double reference_stature_m = 1.741;     ///< [m] the table's stature (lengths scale by height / this)
  double clavicle_mass_fraction = 0, scapula_mass_fraction = 0;
  double clavicle_length_m = 0, clavicle_retraction_rad = 0, clavicle_elevation_rad = 0;
  Vec3 sc_from_T2_m = Vec3::Zero(), gh_from_ac_m = Vec3::Zero();   ///< [m] y lateral (+: away from the midline)
  Vec3 superior_angle_from_T2_m = Vec3::Zero(), spine_root_from_T3_m = Vec3::Zero(), inferior_angle_from_T7_m = Vec3::Zero();
  double hip_lateral_m = 0;
  Vec3 ankle_to_foot_com_m = Vec3::Zero();
  double hang_clavicle_elevation_rad = 0, hang_scapula_upward_rotation_rad = 0, hang_glenohumeral_elevation_rad = 0;
  /// sagittal joint angles of a pose [rad]: [glenohumeral flexion, elbow flexion, hip flexion,
  /// knee flexion, ankle plantarflexion] for the left side, then the same for the right (side
  /// lying: the lower side, then the upper); kneeling: the leading (forward) leg first
  using PoseAngles = std::array<double, 10>;
  PoseAngles pose_seated{}, pose_supine{}, pose_prone{}, pose_side_lying{}, pose_kneeling{}, pose_quadruped{};
  std::array<std::array<double, 6>, kJoints> rom_rad{};
  double joint_k0 = 0, upper_k2 = 0, lower_k2 = 0, joint_k_trans = 0, joint_c_trans = 0, joint_c_rot = 0;
  std::array<double, kMuscles> muscle_max_force_N{};
  std::array<std::string, kMuscles> muscle_names{};
  double muscle_passive_strain = 0.6, muscle_toe_strain = 0.5, muscle_tone_fraction = 0, muscle_damping_time_s = 0;
  double grip_k_trans = 0, grip_c_trans = 0, grip_k_rot = 0, grip_c_rot = 0;
};

/// All spine parameters, in SI and radians (converted once by LoadSpineParams).
struct SpineParams {
  std::string file;                       ///< path it was loaded from
  std::string text;                       ///< the whole TOML text it was parsed from (stored with results)
  std::string name;
  double ref_body_mass_kg = 75, ref_height_m = 1.75;
  double sacral_slope_rad = 0;
  // per body (26)
  std::vector<std::string> body_names;
  std::vector<double> mass_fraction, com_anterior_m, com_superior_m, vb_height_m, vb_width_m,
      vb_depth_m, lamina_posterior_m, spinous_tip_posterior_m, transverse_tip_lateral_m,
      inertia_ap_semiaxis_m, inertia_ml_semiaxis_m;
  // per level (25)
  std::vector<std::string> level_names;
  std::vector<int> level_region;          ///< 0 C, 1 T, 2 L
  std::vector<double> disc_height_m, rest_flexion_rad, flexion_share;
  std::vector<double> facet_posterior_m, facet_lateral_m, facet_transverse_rad, facet_sagittal_rad,
      facet_area_m2;
  double facet_rest_gap_m = 0, cartilage_thickness_m = 0, cartilage_modulus_Pa = 0,
         contact_damping_s_per_m = 0;
  std::vector<double> disc_k_compression, disc_k_tension, disc_k_shear;   // [N/m]
  std::vector<double> k0_fe, k0_lb, k0_ar;                                 // [N·m/rad]
  std::vector<double> nz_flex, nz_ext, nz_lb, nz_ar;                       // [rad]
  std::vector<double> k2_flex, k2_ext, k2_lb, k2_ar;                       // [N·m/rad²]
  double nucleus_area_fraction = 0.4;  ///< [-] nucleus share of the disc cross-section (annulus stress)
  double disc_c_rot = 0, disc_c_trans = 0, preload_gain = 0, preload_exponent = 1, idp_factor = 1.5;
  // ligaments: ALL, PLL, LF, ISL, SSL, ITL, CL
  std::array<LigamentTypeParams, 7> ligaments{};
  std::array<double, 3> capsule_span_m{};
  double ligament_damping_time_s = 0;
  std::vector<double> ligament_level_scale;   ///< (25) [-] calibrated multiplier per level
  double attachment_inset_m = 0.002;          ///< [m] ALL/PLL inside the endplate rims
  double transverse_root_fraction = -0.3;     ///< [-] ITL line, x as a fraction of body depth
  std::array<double, 3> muscle_stiffness_Nm_per_rad{}, muscle_damping_Nms_per_rad{},
      extensor_moment_arm_m{};
  double muscle_axial_fraction = 1.0;  ///< [-] axial-rotation tone relative to bending tone
  double arms_mass_fraction = 0, arms_lateral_offset_m = 0, legs_mass_fraction = 0, legs_inertia_radius_m = 0;
  Vec3 hip_from_S1_m = Vec3::Zero();  ///< [m] hip joint centres from the S1 endplate centre, standing frame
  double shoulder_above_T2_m = 0.12, shoulder_damping_Nms_per_rad = 0;  ///< hanging
  // pelvis supported by the legs on a table or floor (posture.pelvis = "supported")
  double pelvis_support_k_trans = 0;               ///< [N/m]
  Vec3 pelvis_support_k_rot = Vec3::Zero();        ///< [N·m/rad] about the pelvis' x (roll), y (tilt), z (axial)
  double pelvis_support_c_trans = 0;               ///< [N·s/m]
  double pelvis_support_c_rot = 0;                 ///< [N·m·s/rad]
  // trunk soft tissue: the contact surface of each body (per region 0 C, 1 T, 2 L)
  std::array<double, 3> tissue_posterior_m{};   ///< [m] skin to spinous-process tip
  std::array<double, 3> tissue_anterior_m{};    ///< [m] VB centroid to the front of the trunk/neck
  std::array<double, 3> tissue_half_width_m{};  ///< [m] trunk/neck half breadth
  double tissue_contact_stiffness_N_per_m = 0;  ///< [N/m] per contact point
  double tissue_contact_damping_Ns_per_m = 0;   ///< [N·s/m] per contact point
  double chest_contact_stiffness_N_per_m = 0;   ///< [N/m] per contact point on the chest (rib cage)
  double chest_damping_time_s = 0;              ///< [s] the chest's viscous time constant c/k
  double hand_contact_stiffness_N_per_m = 0;    ///< [N/m] a hand pad's own tissue, per contact point
  double head_contact_stiffness_N_per_m = 0;    ///< [N/m] scalp/face over the skull, per contact point
  // vertebral artery path (C6 -> C1 transverse foramina -> foramen magnum)
  double va_foramen_lateral_m = 0;      ///< [m] C2-C6 foramen from the midline
  double va_atlas_foramen_lateral_m = 0;///< [m] C1 foramen from the midline
  double va_foramen_anterior_m = 0;     ///< [m] foramen x relative to the VB centroid
  Vec3 va_skull_entry_from_atlas_m = Vec3::Zero();  ///< [m] dura entry relative to the C1 foramen (medial +y)
  // bone: vertebral compressive strength
  double bone_strength_Pa = 0;          ///< [Pa] failure load per endplate area, young adult (T = 0)
  double bone_bmd_sd_fraction = 0;      ///< [-] one T-score SD as a fraction of the young-adult mean BMD
  double bone_strength_exponent = 2;    ///< [-] strength ∝ BMD^n
  // anterior rib cage (sternum, costal cartilages, intercostal muscles), lumped per level as a
  // rotational stiffness in parallel with the disc (whole-body models; SpineBuildOptions::rib_cage)
  std::vector<double> rib_cage_bridged;        ///< (25) [-] share of the stiffness at each level (0: not bridged)
  Vec3 rib_cage_k_Nm_per_rad = Vec3::Zero();   ///< [N·m/rad] about the disc frame's x (lateral bending), y (flexion), z (axial)
  /// how whole-body models carry the rib cage (rib_cage.model): "lumped" (the rotational
  /// stiffness above) or "bodies" (ribs, sternum and their joints from models/ribcage_adult.toml)
  std::string rib_cage_model = "lumped";
  /// the rib cage file's text when the cage is bodies (a run's stored rib_cage_text; empty: the
  /// default file, DefaultRibCageModelPath) and where it came from
  std::string rib_cage_text, rib_cage_file;
  std::array<CapsuleParams, 3> capsule{};  ///< per region (0 C, 1 T, 2 L); area comes from the facet
  // repeated loading (docs/repeated_loading.md): creep, recovery and laxity of the ligaments and
  // of the capsular fibres (reference_strain is set per fibre by the builder)
  LigamentSlowParams ligament_slow, capsule_slow;
  double tone_gain = 0;                 ///< [-] protective tone per unit of a neighbour's strain past its nociceptor strain
  double tone_decay_s = 3600;           ///< [s]
  double tone_memory_s = 300;           ///< [s] how long a loading past the threshold is remembered
  double tone_max = 0;                  ///< [-]
  double cold_stiffness_factor = 1;     ///< [-] ligament and capsule stiffness of cold (not warmed-up) tissue
  double hypermobility_probe_moment_Nm = 1;  ///< [N·m] moment of the neutral-zone probe
  std::vector<std::string> arms_carried_by;
  LimbParams limbs;                       ///< [limbs]: the girdle and limbs as bodies
  std::vector<ParamOrigin> origins;       ///< every parameter read, with its line and source
};

/// Ligament type names in SpineParams::ligaments order.
extern const std::array<const char*, 7> kLigamentTypes;

/// Loads and validates a spine parameter file. Every problem (unknown key, missing source, wrong
/// array length, out-of-range value) is reported with file:line, key, value and allowed range.
Expected<SpineParams> LoadSpineParams(const std::string& path);
/// The same from a model file's text (e.g. the model_text stored with a result); `path` names it
/// in messages and becomes SpineParams::file.
Expected<SpineParams> LoadSpineParamsText(const std::string& text, const std::string& path);

/// The subject the model is scaled to: masses ∝ body mass, lengths ∝ height.
struct Subject {
  double body_mass_kg = 75.0;  ///< [kg] in [30, 200]
  double height_m = 1.75;      ///< [m] in [1.2, 2.2]
};

struct SpineBuildOptions {
  /// add active muscle tone (whole-body runs): per level a rotational stiffness about the
  /// standing posture plus the feed-forward moment that balances the weight above the level in
  /// that posture and the compression of the extensor muscles producing it
  bool muscle_tone = true;
  bool arms = true;            ///< lump the arms' mass on the upper thorax
  bool fix_sacrum = true;      ///< weld the sacrum/pelvis to the world
  /// body held by the world instead of the sacrum ("" = none besides the sacrum rule above):
  /// e.g. "T2" for hanging from a bar (the arms carry the upper thorax)
  std::string held_body;
  bool legs_on_pelvis = false; ///< lump the legs' mass on the pelvis (hanging: traction)
  /// the girdle and limbs as bodies (params.limbs) in this pose: "" (none: lumped, `arms` and
  /// `legs_on_pelvis` decide), "standing" (arms at the sides, legs straight) or "hanging" (arms
  /// overhead, the hands held by the world at their grip: BuildSpineModel turns the whole model
  /// about the grip line so that it hangs plumb), "seated", "supine", "prone", "side_lying_left",
  /// "side_lying_right" (the lower side named), "kneeling", "quadruped" (the angles of
  /// [limbs] pose_*_deg). Replaces the lumped arms and legs
  std::string limbs_pose;
  /// [rad] added to both hips' flexion in the pose: the trunk's tilt taken up at the hips, so that
  /// the legs keep their attitude to the floor when the scenario tilts the trunk (BuildScene)
  double limbs_hip_flexion_rad = 0;
  /// body hung from the world by a pin (free to rotate), straight above the body's centre of
  /// mass at the shoulder line (params.shoulder_above_T2_m above it): hanging from a bar
  std::string pinned_body;
  double muscle_tone_scale = 1.0;  ///< [-] multiplier on muscle-tone stiffness and damping
  /// [-] baseline ligamentous laxity: every ligament's slack length is this fraction longer
  /// (hypermobility: a larger neutral zone); 0 = the model's ligaments
  double ligament_laxity = 0;
  double neck_muscle_tone_scale = -1;  ///< [-] the same for the cervical levels; < 0: muscle_tone_scale
  /// muscle tone carries the weight above each level (upright postures); off when the body
  /// lies supported (supine, prone, side-lying, on hands and knees): tone only
  bool muscle_feedforward = true;
  /// tissue not warmed up (scenario subject.tissue = "cold"): ligaments and capsules stiffer by
  /// params.cold_stiffness_factor
  bool cold_tissue = false;
  /// the anterior rib cage as a rotational stiffness at the thoracic levels it bridges
  /// (params.rib_cage_*): on for whole-body runs, off for specimen tests, whose thoracic
  /// segments (Wilke et al. 2017) kept only the rib stumps
  bool rib_cage = true;
  /// with rib_cage: the rib cage as bodies (AddRibCageBodies, rib_geometry.h) instead of the
  /// lumped stiffness; null: lumped
  std::shared_ptr<const RibCageParams> rib_cage_bodies;
  /// the whole model is built in its own (spine) frame, then placed by this pose: lying,
  /// kneeling and leaning postures. Gravity stays as it is in W; the feed-forward sees it rotated.
  Pose X_W_spine;
  /// [m/s²] the run's gravity in W, which the muscles' feed-forward balances: pass the run's
  /// SimOptions::gravity_W (the default is the same)
  Vec3 gravity_W = SimOptions{}.gravity_W;
};

/// Options for specimen-like runs (flexibility, calibration): no muscle tone, no rib cage (rib
/// stumps only), arms lumped.
inline SpineBuildOptions PassiveSpineOptions() {
  SpineBuildOptions o;
  o.muscle_tone = false;
  o.rib_cage = false;
  return o;
}

/// Vertebral compressive strength [N] of body `i` (0 head ... 25 sacrum) for a bone-density
/// T-score: endplate area × strength per area × (BMD/BMD_young)^n (see models/spine_adult.toml).
double VertebralStrength(const SpineParams& params, const Subject& subject, int i, double t_score);

/// Builds the spine model in the standing posture. Fails for an out-of-range subject.
Expected<ModelDesc> BuildSpineModel(const SpineParams& params, const Subject& subject,
                                    const SpineBuildOptions& options = {});

/// The girdle and limbs added to a model (AddLimbBodies).
struct LimbBuild {
  int first_body = -1;   ///< index of the first limb body (clavicle L, scapula L, upper arm L, forearm and hand L, thigh L, shank L, foot L, then R)
  int num_bodies = 0;    ///< 14
  Pose X_plumb;          ///< hanging: the turn about the grip line that hangs the body plumb (else identity)
};

/// Adds the shoulder girdle and limbs as bodies (params.limbs) to a spine model built in the
/// spine frame (BuildSpineModel calls it when options.limbs_pose is set): 14 bodies, their joint
/// bushings, the scapulothoracic muscles and latissimus dorsi as tension-only lines (LigamentDesc,
/// type = the muscle's name) and, hanging, the hands' grip on the world. docs/limbs.md.
/// Unknown pose words are refused (naming the allowed ones); hip_flexion_rad is added to both hips.
Expected<LimbBuild> AddLimbBodies(const SpineParams& params, const Subject& subject, const std::string& pose,
                                  ModelDesc* model, double hip_flexion_rad = 0);

/// The limb poses AddLimbBodies knows, comma separated (for messages).
const char* LimbPoseNames();

/// Default model file: $SPINELAB_MODELS/spine_adult.toml, else the source tree's models/.
std::string DefaultSpineModelPath();

}  // namespace spinelab::sim

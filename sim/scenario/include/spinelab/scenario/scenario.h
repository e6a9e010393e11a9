#pragma once
/// @file scenario.h
/// Technique scenarios (scenarios/*.toml, documented in docs/scenarios.md): who, in which
/// posture, under which loads with which time profiles, for how long. LoadScenario reads and
/// validates a file (with --set overrides); RunScenario simulates it on the spine model and
/// records the time series and events that the HDF5 writer stores.

#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "spinelab/sim/math.h"
#include "spinelab/sim/model.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

/// Time profile of a load: a factor f(t) in [-1, 1] multiplying its force/torque.
struct LoadProfile {
  enum class Kind { kConstant, kRampHoldRelease, kThrust, kOscillation };
  Kind kind = Kind::kConstant;
  double start_s = 0;          ///< [s] when the load begins
  double ramp_s = 0;           ///< [s] rise to full (or to the preload for a thrust)
  double hold_s = 0;           ///< [s] hold
  double release_s = 0;        ///< [s] fall back to zero
  double preload_fraction = 0; ///< [-] thrust: preload as a fraction of the peak
  double dip_fraction = 0;     ///< [-] thrust: the preload's dip just before the thrust, as a fraction of the preload
  double dip_s = 0;            ///< [s] thrust: duration of that dip (the last part of the hold, ending as the thrust starts)
  double thrust_s = 0.1;       ///< [s] thrust: duration of the half-sine impulse
  double frequency_Hz = 1;     ///< [Hz] oscillation
  int repetitions = 1;         ///< [-] oscillation cycles

  /// f(t) at time t [s].
  double Factor(double t) const;
  /// Appends the times [s] where f(t) has a corner or a jump (a ramp's ends, a thrust's start and
  /// end, an oscillation's start and end): an adaptive step ends exactly on them.
  void Kinks(std::vector<double>* t) const;
};

struct ScenarioLoad {
  /// when it acts in a protocol: during each attempt (profile times from the attempt's start),
  /// between attempts (a held posture, e.g. slumped sitting; factor 1, off during attempts), or
  /// always (factor 1). Outside protocols every load is an attempt load timed from t = 0.
  enum class Phase { kAttempt, kBetween, kAlways };
  std::string name;
  Phase phase = Phase::kAttempt;
  std::string body;                   ///< body name, e.g. "T1"
  Vec3 force_N = Vec3::Zero();        ///< [N] at `point`, in W (or B if body frame)
  Vec3 torque_Nm = Vec3::Zero();      ///< [N·m]
  Vec3 point_m = Vec3::Zero();        ///< [m] from the vertebral-body centroid, in the body's axes
  bool body_frame = false;            ///< turns with the body (follower load)
  LoadProfile profile;
  /// A drive (docs/scenarios.md, "Drives"): `target_rotation_deg` given instead of a force or a
  /// torque. The muscles turn `body` relative to the held `reference_body` towards the target
  /// (World's Servo), with a torque limited to effort_fraction × max_torque_Nm; the tissues and
  /// that limit decide how far the body turns.
  bool drive = false;
  Vec3 target_rotation_rad = Vec3::Zero();  ///< [rad] rotation vector in W at the drive's start (axis × angle), at factor 1
  std::string reference_body = "sacrum";    ///< held body the rotation is measured against
  double max_torque_Nm = 0;                 ///< [N·m] the muscles' maximal voluntary torque about the axis
  double effort_fraction = 1;               ///< [-] (0, 1] of it the subject uses
  double drive_stiffness_Nm_per_rad = 50 * kRadToDeg;  ///< [N·m/rad] servo gain (file: 50 N·m/deg)
  double drive_damping_Nms_per_rad = 1.5 * kRadToDeg;  ///< [N·m·s/rad] servo damping (file: 1.5 N·m·s/deg)
  /// A drive's factors at time t [s]: the target's (the profile up to its peak, then held at 1:
  /// letting go is the effort falling, not a turn back) and the effort's (1 until a
  /// ramp_hold_release profile's release, then the profile falling to 0; 0 before the start).
  void DriveFactors(double t, double* target, double* effort) const;
  /// The force and the applied torque in W at profile factor f, on a body turned by R_WB.
  Vec3 Force_W(const Mat3& R_WB, double f) const { return f * (body_frame ? Vec3(R_WB * force_N) : force_N); }
  Vec3 Torque_W(const Mat3& R_WB, double f) const { return f * (body_frame ? Vec3(R_WB * torque_Nm) : torque_Nm); }
};

/// An object of the scene. floor/box/cylinder are static environment objects (Bullet contact);
/// a pad is a practitioner's or partner's hand: a small body pressed against the trunk by a force
/// with a time profile, guided along its push direction, touching through Bullet contact.
struct ScenarioObject {
  enum class Kind { kFloor, kBox, kCylinder, kPad };
  std::string name;
  Kind kind = Kind::kFloor;
  Vec3 position_m = Vec3::Zero();     ///< [m] centre (floor: a point on it), W; used when `touch` is empty
  bool has_position = false;
  std::string touch;                  ///< body whose trunk surface the object is placed against
  std::string under;                  ///< floor: under this (earlier) object, e.g. a roller resting on it
  Vec3 side = Vec3(0, 0, -1);         ///< [-] direction from that body to the object (unit), W or body axes
  Vec3 offset_m = Vec3::Zero();       ///< [m] contact point moved from the surface point, touched body's axes
  bool side_in_body = false;          ///< `side` is in the touched body's axes (x anterior, y left, z up)
  Vec3 size_m = Vec3::Zero();         ///< [m] box/pad full size along W's axes (pad: along its own, z = push)
  double radius_m = 0.075, length_m = 0.9;  ///< [m] cylinder
  char axis = 'y';                    ///< cylinder axis in W: 'x' or 'y'
  double friction = 0.6;              ///< [-]
  // pad
  double force_N = 0;                 ///< [N] peak push, along -side
  double mass_kg = 0.5;               ///< [kg] hand
  LoadProfile profile;
  /// [N] a pad's push at time t [s]: its profile's force, never less than a hand resting on the
  /// skin (kPadTouch_N, 2 N: assumed)
  double PushForce(double t) const;
  static constexpr double kPadTouch_N = 2.0;
};

/// Prescribed motion of the held pelvis (sacrum): rotation about W's axes through its centre of
/// mass and translation, each times the profile factor.
struct ScenarioMotion {
  std::string name;
  std::string body;                   ///< must be the held body ("sacrum")
  Vec3 rotation_rad = Vec3::Zero();   ///< [rad] rotation vector in W at factor 1
  Vec3 translation_m = Vec3::Zero();  ///< [m] in W at factor 1
  LoadProfile profile;
};

/// A long protocol (docs/scenarios.md "Protocols"): the technique's loads repeated on a schedule
/// over hours or days, with a held posture in between. The fast dynamics run only during the
/// attempts; in between the slow state (gas, creep, laxity, tone) advances with World::Rest, the
/// posture re-balanced every `rebalance_min` when between-loads act.
struct ScenarioProtocol {
  bool enabled = false;               ///< a [protocol] table is present
  double duration_s = 0;              ///< [s] total length (days × 24 h, or duration_h)
  int every_days = 1;                 ///< attempts on every Nth day (day 0, N, 2N, ...)
  int per_day = 0;                    ///< attempts per active day (0: a held posture only)
  double first_at_s = 0;              ///< [s] time of day of the first attempt
  double interval_s = 0;              ///< [s] between the attempts of a day
  double attempt_s = 1;               ///< [s] fast dynamics per attempt (longer while a bubble is violent)
  double hold_s = 0;                  ///< [s] the attempt's end pose held (slow state only) before the between-loads return
  double window_s = 1;                ///< [s] recorded at run.output_rate_Hz from each attempt's start
  double sample_s = 3600;             ///< [s] long-series sample interval
  double rebalance_s = 600;           ///< [s] held posture re-balanced (0.25 s of dynamics) this often when between-loads act or a joint holds gas
  double settle_s = 1;                ///< [s] dynamics at the start and after each attempt (and hold): the posture returns, between-loads ramped in over its first half
  std::string level;                  ///< the level the technique targets (per-attempt rows); "" = every level
  /// attempt start times [s], in order
  std::vector<double> AttemptTimes() const;
};

struct Scenario {
  std::string file;                   ///< path it was read from
  std::string text;                   ///< the file's full text (stored in results)
  std::string name;                   ///< file stem, e.g. "seated_twist"
  std::string title, article, technique, notice;
  /// what the seeds and clinical studies report about pops for this technique, with sources (the
  /// "where it pops" table, `spinelab where-it-pops`; its one home)
  std::string pops_reported;
  Subject subject;
  double bone_density_t_score = 0;    ///< [-] T-score (osteoporosis below -2.5)
  double ligament_laxity = 0;         ///< [-] baseline laxity: ligament slack lengths this fraction longer
  bool cold_tissue = false;           ///< subject.tissue = "cold": not warmed up (stiffer ligaments and capsules)
  /// standing | seated | kneeling | hanging | supine | prone | side_lying | quadruped
  std::string posture = "standing";
  std::string lying_side = "left";    ///< side_lying: the side that lies on the floor
  double trunk_tilt_rad = 0;          ///< [rad] whole spine about the left-right axis (see docs)
  /// fixed (held, may be driven) | supported (free, tied to the ground through the legs) |
  /// free (lying: the pelvis, carrying the legs, rests on the floor through contact only)
  std::string pelvis = "fixed";
  double muscle_tone = 1.0;           ///< [-] multiplier on the model's muscle tone
  double neck_muscle_tone = -1;       ///< [-] the same for the neck (< 0: muscle_tone; files default to 1)
  double feet_off_s = 1.0;            ///< [s] hanging: the feet leave the floor over 2 s from here
  /// the girdle and limbs: "model" (the model file's limbs.model), "lumped" or "bodies"
  /// (posture hanging, or standing with the pelvis fixed; docs/limbs.md)
  std::string limbs = "model";
  double duration_s = 5;              ///< [s]
  double settle_s = 0;                ///< [s] unrecorded settling into the supports before t = 0 (no cavitation)
  double dt_s = 1e-3;                 ///< [s]
  double output_rate_Hz = 200;        ///< [Hz] recording rate
  /// run.step = "adaptive": error-controlled steps of min_step_s..max_step_s instead of dt_s
  /// throughout (docs/integration.md, "The adaptive step"); the record is interpolated to the
  /// output rate. Not in protocols.
  bool adaptive = false;
  double tolerance_m = 2e-7;          ///< [m] adaptive: a body's local position error per step (file: tolerance_mm)
  double min_step_s = 2.5e-4;         ///< [s] adaptive: the smallest step, and the step of events (pops, contact changes)
  double max_step_s = 0.01;           ///< [s] adaptive: the largest step
  uint64_t seed = 1;
  std::vector<ScenarioLoad> loads;
  std::vector<ScenarioObject> objects;
  std::vector<ScenarioMotion> motions;
  ScenarioProtocol protocol;
  std::vector<std::pair<std::string, std::string>> overrides;  ///< applied --set key=value
  /// where each key read from the file was given ("file:line", or the --set that gave it); a
  /// scenario built in code has none and its messages name the key alone
  std::map<std::string, std::string> where;
};

/// Every value of the scenario in its allowed range and every rule between values (an object
/// under an earlier one, a pad's body, a protocol's day...), whether it was read from a file or
/// built in code. Called by the reader; one Diagnostic per problem. Body names need the model:
/// the overload below.
std::vector<Diagnostic> Validate(const Scenario& scenario);
/// Validate(scenario) and every check that needs the model: each load's `body` and object's
/// `touch` is a body of `params` (not T13), no pad is named like a body. ScenarioRunner::Create
/// and BuildScenarioModel call it; the commands call it for every scenario before they touch
/// any output, so a bad file never costs a results file.
std::vector<Diagnostic> Validate(const Scenario& scenario, const SpineParams& params);

/// Postures in which the body lies supported (supine, prone, side_lying, quadruped): the muscles
/// keep tone without carrying the weight, and the run settles into its supports first.
bool IsLyingPosture(const std::string& posture);
/// whether the scenario runs with the girdle and limbs as bodies (posture.limbs, else the model's limbs.model)
bool LimbsAsBodies(const Scenario& s, const SpineParams& params);

/// Reads and validates a scenario; `overrides` are "key.path=value" (TOML value syntax), applied
/// before validation. Every problem names file:line, key, value and what is allowed; unknown keys
/// are errors.
Expected<Scenario> LoadScenario(const std::string& path, const std::vector<std::string>& overrides = {});
/// The same from the file's text (e.g. the scenario_text stored with a result); `path` names it
/// in messages and gives the scenario its name.
Expected<Scenario> LoadScenarioText(const std::string& text, const std::string& path,
                                    const std::vector<std::string>& overrides = {});

/// The model a scenario runs on: the spine in its posture with the scene's supports, objects and
/// hand pads (what RunScenario simulates; viewers draw it).
Expected<ModelDesc> BuildScenarioModel(const Scenario& scenario, const SpineParams& params);

/// Recorded run (SI; arrays row-major: [T][n] or [T][n][3]).
/// A drive's servo at one instant (ScenarioRunner::drives; the drives/ datasets, docs/hdf5.md).
/// The axis is target_rotation_deg's direction carried by the reference body; + about it turns
/// the body towards the target.
struct DriveSample {
  Vec3 torque_W = Vec3::Zero();  ///< [N·m] the torque the muscles apply on the driven body, W (the reference takes −it)
  double torque_Nm = 0;          ///< [N·m] its component about the drive's axis
  double limit_Nm = 0;           ///< [N·m] the cap now: effort × effort_fraction × max_torque_Nm (0: let go, or not started)
  bool saturated = false;        ///< the torque is at the cap
  double rotation_rad = 0;       ///< [rad] the body's rotation about the axis since the drive started (0 before)
  double target_rad = 0;         ///< [rad] the target now
};

struct ScenarioResult {
  std::vector<double> time_s;                       ///< [T]
  std::vector<std::string> body_names, level_names, facet_names;
  std::vector<double> body_position_m;              ///< [T][B][3] in W
  std::vector<double> body_orientation;             ///< [T][B][4] w,x,y,z
  std::vector<double> level_rotation_rad;           ///< [T][L][3] flexion, lateral bending (right), axial rotation (left)
  std::vector<double> disc_compression_N, disc_shear_N, disc_pressure_Pa;  ///< [T][L]
  std::vector<double> disc_torsion_Nm;              ///< [T][L] axial moment the disc carries (+ turns the upper body left)
  std::vector<double> annulus_shear_Pa;             ///< [T][L] peak shear stress in the annulus wall: torsion (Bredt) + transverse shear
  std::vector<double> disc_shear_xy_N;              ///< [T][L][2] shear on the upper body in the disc frame (x anterior, y left)
  std::vector<double> facet_gap_m, facet_pressure_Pa, facet_contact_N, facet_capsule_strain,
      facet_bubble_radius_m;                        ///< [T][F]
  std::vector<double> facet_nucleation_Pa;          ///< [F] gauge fluid pressure at which the joint cracks (0: no capsule)
  std::vector<double> facet_nociceptor_strain, facet_pain_strain;  ///< [F] [-] its capsule's thresholds (model; 0: no capsule)
  struct Cavitation {
    double time_s;
    int facet;
    double gap_jump_m;
    double sound_peak_Pa;
    std::vector<float> sound_Pa;  ///< [Pa] the pop at 10 cm, kSoundSampleRate_Hz, its first 20 ms
  };
  std::vector<Cavitation> cavitations;
  std::vector<std::string> artery_names;            ///< vertebral arteries (neck scenarios), [2] or empty
  std::vector<double> artery_strain;                ///< [T][2] [-] length / rest length − 1
  std::vector<double> fracture_risk;                ///< [T][L] [-] vertebral load / strength
  // repeated loading (slow state); in protocols the rows are the long series (sample_kind 0)
  // and the full-rate windows of the attempts (sample_kind 1), in time order
  std::vector<int64_t> sample_kind;                 ///< [T] 0 long-series sample, 1 full rate
  std::vector<double> level_hypermobility;          ///< [T][L] [-] neutral zone / the subject's at t = 0 (probed at long samples and after attempts; carried in between)
  std::vector<double> level_tone;                   ///< [T][L] [-] protective muscle tone (stiffness × (1 + tone))
  std::vector<double> level_creep;                  ///< [T][L] [-] mean creep strain of the level's ligaments
  std::vector<double> facet_laxity;                 ///< [T][F] [-] lasting slack of the capsule (recoverable + permanent), fraction of its slack length
  /// one row per protocol attempt
  struct Attempt {
    double time_s = 0;
    bool cavitated = false;           ///< the target level (or any level) cavitated
    int cavitations = 0;              ///< cracks anywhere during the attempt
    double gap_jump_m = 0;            ///< largest jump of the attempt's cracks
    double peak_capsule_strain = 0;   ///< target level, over the recorded window
    double laxity_after = 0;          ///< target level's capsules, mean, after the attempt
    double hypermobility_after = 1;   ///< target level, after the attempt
  };
  std::vector<Attempt> attempts;
  // the drives (loads with a target rotation, docs/scenarios.md "Drives"), in load order:
  // per sample what their servos did (DriveSample)
  std::vector<std::string> drive_names;             ///< [D] the drive loads' names
  std::vector<double> drive_torque_W_Nm;            ///< [T][D][3] [N·m] torque on the driven body, W
  std::vector<double> drive_torque_Nm;              ///< [T][D] [N·m] its component about the drive's axis
  std::vector<double> drive_limit_Nm;               ///< [T][D] [N·m] the cap then (effort × effort_fraction × max_torque_Nm)
  std::vector<int64_t> drive_saturated;             ///< [T][D] 1: at the cap
  std::vector<double> drive_rotation_rad;           ///< [T][D] [rad] the driven body's rotation about the axis since the drive started
  std::vector<double> drive_target_rad;             ///< [T][D] [rad] the target then
  std::vector<EnvironmentDesc> environment;         ///< the scene's static objects
  std::string model_file, model_text;               ///< the model it ran on: SpineParams::file and ::text
  std::string rib_cage_file, rib_cage_text;         ///< the rib cage file it ran on (rib_cage.model = bodies), else empty
  std::string status = "ok", error;
  double wall_time_s = 0;
  int64_t steps = 0;
};

/// Per-level peaks of a run, relative to its baseline (the state when the first load begins).
struct LevelSummary {
  std::string level;
  double peak_rotation_deg[3] = {0, 0, 0};  ///< [deg] max |flexion|, |lateral bending|, |axial rotation| change
  double peak_shear_N = 0;                  ///< [N] disc shear
  double peak_annulus_shear_Pa = 0;         ///< [Pa] largest annulus shear stress change from baseline
  double peak_shear_change_N = 0;           ///< [N] largest |shear vector − baseline shear vector|: what the technique adds
  double peak_facet_contact_N = 0;          ///< [N] larger of the two facets
  double peak_capsule_strain = 0;           ///< [-] larger of the two capsules
  double baseline_capsule_strain = 0;       ///< [-] larger of the two at the baseline (the posture alone)
  double idp_baseline_Pa = 0, idp_change_Pa = 0;  ///< [Pa] at baseline; extreme change from it (signed)
  double facet_opening_m[2] = {0, 0};       ///< [m] largest gap increase from baseline, [0] left, [1] right
  double peak_fracture_risk = 0;            ///< [-] vertebral load over strength
  double nociceptor_strain = 0, pain_strain = 0;  ///< [-] the lower of its capsules' thresholds (model; 0: none known)
};
struct ScenarioSummary {
  double baseline_time_s = 0;
  std::vector<LevelSummary> levels;
  int cavitations = 0;
  /// the joint that came closest to a pop: the largest fraction of its cracking suction its fluid
  /// reached after the baseline (-1: no joint under suction)
  int closest_pop_facet = -1;
  double closest_pop_pressure_Pa = 0;      ///< [Pa] its lowest fluid pressure (gauge)
  double closest_pop_threshold_Pa = 0;     ///< [Pa] the gauge pressure at which it cracks
  /// [-] how near: its lowest pressure over its cracking pressure (1: it popped; 0: no joint)
  double closest_pop_fraction() const {
    return closest_pop_facet >= 0 ? closest_pop_pressure_Pa / closest_pop_threshold_Pa : 0.0;
  }
  /// the same among the synovial joints that belong to no level (the rib joints when the rib
  /// cage is bodies): their number, the nearest one (-1: none under suction), its pressures
  int other_joints = 0;
  int closest_other_pop = -1;
  double closest_other_pressure_Pa = 0;    ///< [Pa] gauge
  double closest_other_threshold_Pa = 0;   ///< [Pa] gauge
  double peak_artery_strain[2] = {0, 0};   ///< [-] left, right (change from baseline); neck scenarios
  bool has_arteries = false;
  /// per drive (load order): what its servo did over the run
  struct Drive {
    std::string name;
    double peak_torque_Nm = 0;         ///< [N·m] the largest |torque| about its axis
    double limit_Nm = 0;               ///< [N·m] the largest cap (effort_fraction × max_torque_Nm at full effort)
    double saturated_s = 0;            ///< [s] time spent at the cap (each sample at it counts the time since the one before)
    double peak_rotation_rad = 0;      ///< [rad] the largest rotation about its axis towards the target
    double target_rad = 0;             ///< [rad] the largest target
  };
  std::vector<Drive> drives;
};

/// The whole run in one line (the CLI's table, the batch index): the peaks over all levels.
struct ScenarioHeadline {
  double peak_annulus_shear_Pa = 0;   ///< [Pa] the largest over the levels
  std::string worst_level;            ///< the level where it is largest ("" if no level has any)
  double peak_shear_N = 0;            ///< [N] disc shear
  double peak_shear_change_N = 0;     ///< [N] what the technique adds to the disc shear
  double peak_capsule_strain = 0;     ///< [-]
  double peak_fracture_risk = 0;      ///< [-]
  double peak_artery_strain = 0;      ///< [-] the larger of left and right
};
ScenarioHeadline Headline(const ScenarioSummary& summary);

/// Risk thresholds the summary flags that are not in the model (docs/scenarios.md gives the
/// sources). The capsules' nociceptor and pain strains are the model's own (CapsuleParams, per
/// joint: LevelSummary::nociceptor_strain, pain_strain).
struct RiskThresholds {
  double artery_strain = 0.062;             ///< [-] mean strain in a neck manipulation (Symons et al. 2002)
  double artery_failure_strain = 0.39;      ///< [-] lowest failure strain (Symons et al. 2002: 39-62 %)
  double fracture_risk = 1.0;               ///< [-] load = strength
};
ScenarioSummary Summarize(const Scenario& scenario, const ScenarioResult& result);

class World;

/// A scenario run one step at a time (viewers simulate live; RunScenario loops it to the end).
class ScenarioRunner {
 public:
  /// Builds the scene, settles it into its supports and records the first frame. `cancelled`,
  /// when given, is asked before every settling step (and before each static solve of a lying
  /// posture): true stops, and Create fails with "cancelled while settling" (Ctrl-C in Python).
  static Expected<ScenarioRunner> Create(const Scenario& scenario, const SpineParams& params,
                                         const std::function<bool()>& cancelled = {});
  ScenarioRunner(ScenarioRunner&&) noexcept;
  ScenarioRunner& operator=(ScenarioRunner&&) noexcept;
  ~ScenarioRunner();

  /// One step of the scenario (loads, pads, prescribed motion, events, recording at the output
  /// rate). False once the run is over: duration reached, or unstable (result().status).
  bool Step();
  bool done() const;
  const World& world() const;
  const ModelDesc& model() const;
  const ScenarioResult& result() const;  ///< recorded so far
  /// The drives' servos now (at the world's current state), one per drive load, in load order
  /// (ScenarioResult::drive_names): what the recorder stores and a live viewer draws.
  std::vector<DriveSample> drives() const;
  /// An extra force and moment about the body's COM [N, N·m, world axes] on top of the
  /// scenario's loads, until changed (interactive exploration).
  void SetExtraLoad(BodyId body, const Vec3& force_W, const Vec3& torque_W);
  /// Runs the rest of the scenario: Step() to the end, or a protocol's whole schedule (attempts
  /// at full rate, the slow state advanced in between; Step() alone runs one attempt's loads).
  /// `cancelled`, when given, is asked before every step: true stops the run as failed, with
  /// error "cancelled at t = ... s" and the record up to then (Ctrl-C in Python).
  void RunToEnd(const std::function<bool()>& cancelled = {});
  /// Stamps the wall time and hands the record over.
  ScenarioResult Finish();

 private:
  struct Impl;
  explicit ScenarioRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Runs a scenario on the spine model. Never throws for a run that goes unstable: the status
/// and error say what happened and the record up to then is kept. `cancelled`: as in
/// ScenarioRunner::Create (while settling) and RunToEnd (while running).
Expected<ScenarioResult> RunScenario(const Scenario& scenario, const SpineParams& params,
                                     const std::function<bool()>& cancelled = {});

}  // namespace spinelab::sim

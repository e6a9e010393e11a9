// Scenario runs: the scene (posture, supports, objects, pads, prescribed pelvis motion) on the
// spine model, the run loop that records what the HDF5 writer stores, and the summary.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "spinelab/anatomy/spine_probe.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {

// [SECTION] running

namespace {

// pose of the spine frame (standing: x anterior, y left, z up) in W for a posture
Pose PostureFrame(const Scenario& sc) {
  const double a = sc.trunk_tilt_rad;
  Pose X;
  if (sc.posture == "supine") {
    X.R = RotY(-0.5 * kPi + a);  // anterior up, head towards -x; tilt raises the head
  } else if (sc.posture == "prone" || sc.posture == "quadruped") {
    X.R = RotY(0.5 * kPi - a);   // anterior down, head towards +x; tilt raises the head
  } else if (sc.posture == "side_lying") {
    // supine, then rolled onto the lying side (left side down: +y of the spine points down)
    X.R = RotX(sc.lying_side == "left" ? -0.5 * kPi : 0.5 * kPi) * RotY(-0.5 * kPi + a);
  } else if (sc.posture != "hanging") {
    X.R = RotY(a);               // upright; tilt leans forward
  }
  return X;
}

// the body's contact slice (its first shape) in W: centre, axes (columns), half extents
struct WorldBox {
  Vec3 c;
  Mat3 R;
  Vec3 h;
};
WorldBox BodyBox(const BodyDesc& b) {
  const BoxShapeDesc& s = b.shapes.front();
  return {b.X_WB * s.center_B, b.X_WB.R, s.half_extents_m};
}
// point where the ray from the box centre along u meets the plane of the face that looks most
// along u (the back of a tilted trunk slice, not its thin top or bottom)
Vec3 SurfacePoint(const WorldBox& B, const Vec3& u) {
  int k = 0;
  for (int i = 1; i < 3; ++i)
    if (std::abs(u.dot(B.R.col(i))) > std::abs(u.dot(B.R.col(k)))) k = i;
  return B.c + B.h[k] / std::abs(u.dot(B.R.col(k))) * u;
}
// extreme extent of a box along u (support function)
double Support(const WorldBox& B, const Vec3& u) {
  double s = B.c.dot(u);
  for (int i = 0; i < 3; ++i) s += B.h[i] * std::abs(u.dot(B.R.col(i)));
  return s;
}

// smallest move along u [m] (1 mm steps, up to 0.3 m) after which no sample point of any body's
// contact box lies inside the object (`inside(p)` for the object at its placed pose)
template <class Inside>
double ClearanceShift(const ModelDesc& d, int n_bodies, const Vec3& u, Inside inside) {
  std::vector<Vec3> pts;
  for (int b = 0; b < n_bodies; ++b) {
    const WorldBox B = BodyBox(d.bodies[b]);
    for (int i = 0; i <= 4; ++i)
      for (int j = 0; j <= 4; ++j)
        for (int k = 0; k <= 4; ++k)
          pts.push_back(B.c + B.R * Vec3((i / 2.0 - 1) * B.h.x(), (j / 2.0 - 1) * B.h.y(), (k / 2.0 - 1) * B.h.z()));
  }
  for (int step = 0; step <= 300; ++step) {
    const Vec3 shift = 1e-3 * step * u;
    bool clear = true;
    for (size_t ip = 0; ip < pts.size(); ++ip)
      if (inside(pts[ip] - shift)) {
        clear = false;
        break;
      }
    if (clear) return 1e-3 * step;
  }
  return 0.3;
}

constexpr double kHandsAboveShoulders_m = 0.55;  // [m] assumed: arms overhead, hands on the bar
constexpr double kBarRadius_m = 0.016;           // [m] a pull-up bar (32 mm)
constexpr double kBarHalfLength_m = 0.6;         // [m]

// the engine options a scenario runs with (gravity and everything else at the engine defaults)
SimOptions ScenarioOptions(const Scenario& sc) {
  SimOptions so;
  so.dt_s = sc.dt_s;
  return so;
}

struct Scene {
  Vec3 gravity_W = Vec3::Zero();      // [m/s²] the run's (ScenarioOptions)
  std::vector<BodyId> load_body;
  std::vector<BodyId> pad_body;       // per object (-1 unless a pad)
  std::vector<Vec3> pad_push_W;       // per object: unit push direction
  BodyId pelvis = -1;
  Pose X_W_pelvis0;                   // held pelvis at the start (motions)
  double below_T2_N = 0;              // hanging: weight the feet carry until they leave the floor
  std::vector<double> artery_rest_m;  // per path
  std::vector<double> strength_N;     // per level: the weaker of its two vertebrae
  std::vector<double> annulus_Am_m2, annulus_t_m, annulus_wall_m2;  // per level: Bredt area, wall, wall area
};

// builds the model desc for the scenario: posture, supports, objects, pads
Expected<ModelDesc> BuildScene(const Scenario& sc, const SpineParams& params, Scene* scene) {
  SpineBuildOptions bo;
  bo.muscle_tone_scale = sc.muscle_tone;
  bo.neck_muscle_tone_scale = sc.neck_muscle_tone;
  bo.ligament_laxity = sc.ligament_laxity;
  bo.cold_tissue = sc.cold_tissue;
  bo.X_W_spine = PostureFrame(sc);
  scene->gravity_W = ScenarioOptions(sc).gravity_W;
  bo.gravity_W = scene->gravity_W;
  bo.muscle_feedforward = !IsLyingPosture(sc.posture);
  if (sc.posture == "hanging") {
    bo.fix_sacrum = false;
    bo.pinned_body = "T2";
    bo.legs_on_pelvis = true;
  } else if (sc.posture == "quadruped") {
    bo.pinned_body = "T2";  // the arms hold the shoulders up
  }
  if (sc.pelvis != "fixed") {
    bo.fix_sacrum = false;
    bo.legs_on_pelvis = true;
  }
  auto built = BuildSpineModel(params, sc.subject, bo);
  if (!built) return built.errors();
  ModelDesc d = std::move(built).value();
  std::vector<Diagnostic> errors;
  const int n_spine = static_cast<int>(d.bodies.size());
  const std::string allowed = "head, C1..C7, T1..T12, L1..L5, sacrum";
  auto find = [&](const std::string& name, const std::string& key, int line) {
    const BodyId b = d.FindBody(name);
    if (b < 0 || b >= n_spine)
      errors.push_back({sc.file + (line > 0 ? ":" + std::to_string(line) : ""), key,
                        "value '" + name + "' is not a body; allowed: " + allowed});
    return b;
  };
  for (size_t i = 0; i < sc.loads.size(); ++i)
    scene->load_body.push_back(find(sc.loads[i].body, "load." + std::to_string(i) + ".body", sc.loads[i].body_line));
  for (size_t i = 0; i < sc.objects.size(); ++i)
    if (!sc.objects[i].touch.empty())
      find(sc.objects[i].touch, "object." + std::to_string(i) + ".touch", sc.objects[i].touch_line);
  if (!errors.empty()) return errors;
  scene->pelvis = d.FindBody("sacrum");

  // the pelvis on its legs: a support from the ground carrying its weight
  if (sc.pelvis == "supported") {
    const BodyDesc& pb = d.bodies[scene->pelvis];
    BushingDesc sup;
    sup.name = "pelvis support";
    sup.body_a = kGround;
    sup.body_b = scene->pelvis;
    sup.X_AF = pb.X_WB;
    sup.params.k_trans = Vec3::Constant(params.pelvis_support_k_trans);
    sup.params.k_axial_compression = params.pelvis_support_k_trans;
    for (int ax = 0; ax < 3; ++ax) sup.params.rot[ax].k0 = params.pelvis_support_k_rot[ax];
    sup.params.c_trans = Vec3::Constant(params.pelvis_support_c_trans);
    sup.params.c_rot = Vec3::Constant(params.pelvis_support_c_rot);
    sup.params.bias_force = -(pb.X_WB.R.transpose() * (pb.mass_kg * scene->gravity_W));
    d.bushings.push_back(sup);
  }

  // environment objects and pads, placed against the trunk surface where `touch` says
  scene->pad_body.assign(sc.objects.size(), -1);
  scene->pad_push_W.assign(sc.objects.size(), Vec3::Zero());
  for (size_t k = 0; k < sc.objects.size(); ++k) {
    const ScenarioObject& o = sc.objects[k];
    const BodyId tb = o.touch.empty() ? kGround : d.FindBody(o.touch);
    const Vec3 u = o.side_in_body ? Vec3(d.bodies[tb].X_WB.R * o.side) : o.side;  // from the body to the object
    Vec3 contact = o.position_m;
    if (tb >= 0) contact = SurfacePoint(BodyBox(d.bodies[tb]), u) + d.bodies[tb].X_WB.R * o.offset_m;
    EnvironmentDesc e;
    e.name = o.name;
    e.friction = o.friction;
    switch (o.kind) {
      case ScenarioObject::Kind::kFloor: {
        // a plane whose normal is -u (up for the default side); without touch/position it
        // touches the lowest point of the body
        e.shape = EnvShape::kPlane;
        const Vec3 n = -u;
        if (!o.under.empty()) {
          // under another object (a roller resting on the floor): through its extreme point along u
          const EnvironmentDesc* other = nullptr;
          for (const EnvironmentDesc& x : d.environment)
            if (x.name == o.under) other = &x;
          if (!other) {
            errors.push_back({sc.file, "object '" + o.name + "'.under", "'" + o.under + "' is not an object listed before it"});
            break;
          }
          const double ext = other->shape == EnvShape::kCylinder
                                 ? other->half_extents_m.x() + std::abs(u.dot(other->X_WE.R.col(1))) * other->half_extents_m.y()
                                 : (other->X_WE.R.transpose() * u).cwiseAbs().dot(other->half_extents_m);
          contact = other->X_WE.p + ext * u;
        } else if (o.touch.empty() && !o.has_position) {
          double far = -1e9;
          // the held pelvis' box (tilted with the sacrum) is no contact surface: the free bodies decide
          for (int b = 0; b < n_spine; ++b)
            if (!d.bodies[b].fixed) far = std::max(far, Support(BodyBox(d.bodies[b]), u));
          contact = far * u;  // plane through the body's extreme point along u
        }
        e.X_WE.R = Eigen::Quaterniond::FromTwoVectors(Vec3::UnitZ(), n).toRotationMatrix();
        e.X_WE.p = contact;
        d.environment.push_back(e);
        break;
      }
      case ScenarioObject::Kind::kBox: {
        e.shape = EnvShape::kBox;
        e.half_extents_m = 0.5 * o.size_m;
        e.X_WE.p = o.touch.empty() ? contact : Vec3(contact + u * e.half_extents_m.cwiseProduct(u.cwiseAbs()).sum());
        if (!o.touch.empty()) {  // clear of every body (a neighbour may stick out further)
          const Vec3 c = e.X_WE.p, h = e.half_extents_m;
          e.X_WE.p += u * ClearanceShift(d, n_spine, u, [&](const Vec3& p) { return ((p - c).cwiseAbs() - h).maxCoeff() < 0; });
        }
        d.environment.push_back(e);
        break;
      }
      case ScenarioObject::Kind::kCylinder: {
        e.shape = EnvShape::kCylinder;
        e.half_extents_m = Vec3(o.radius_m, 0.5 * o.length_m, o.radius_m);
        if (o.axis == 'x') e.X_WE.R = RotZ(0.5 * kPi);
        e.X_WE.p = o.touch.empty() ? contact : Vec3(contact + u * o.radius_m);
        if (!o.touch.empty()) {
          const Vec3 c = e.X_WE.p, a = e.X_WE.R.col(1);
          const double r = o.radius_m, hl = 0.5 * o.length_m;
          e.X_WE.p += u * ClearanceShift(d, n_spine, u, [&](const Vec3& p) {
            const Vec3 q = p - c;
            return std::abs(q.dot(a)) < hl && (q - q.dot(a) * a).norm() < r;
          });
        }
        d.environment.push_back(e);
        break;
      }
      case ScenarioObject::Kind::kPad: {
        // the hand: a box whose z axis is the push direction -u, 0.5 mm off the skin, guided by
        // the practitioner's arm (stiff sideways and in rotation, free along the push)
        BodyDesc pad;
        pad.name = o.name;
        pad.prop = true;
        pad.mass_kg = o.mass_kg;
        const Vec3 hs = 0.5 * o.size_m;
        pad.inertia_kgm2 = o.mass_kg / 3.0 * Vec3(hs.y() * hs.y() + hs.z() * hs.z(), hs.x() * hs.x() + hs.z() * hs.z(),
                                                   hs.x() * hs.x() + hs.y() * hs.y());
        pad.X_WB.R = Eigen::Quaterniond::FromTwoVectors(Vec3::UnitZ(), -u).toRotationMatrix();
        pad.X_WB.p = contact + u * (hs.z() + 0.0005);
        pad.shapes.push_back({Vec3::Zero(), hs});
        pad.geometry.push_back({"hand", PrimitiveKind::kBox, Pose{}, hs});
        pad.contact_stiffness_N_per_m = params.hand_contact_stiffness_N_per_m;
        pad.contact_damping_Ns_per_m = params.tissue_contact_damping_Ns_per_m;
        d.bodies.push_back(pad);
        const BodyId pb = static_cast<BodyId>(d.bodies.size()) - 1;
        BushingDesc guide;
        guide.name = "guide " + o.name;
        guide.body_a = kGround;
        guide.body_b = pb;
        guide.X_AF = pad.X_WB;
        guide.params.k_trans = Vec3(2e4, 2e4, 0);      // [N/m] assumed: the arm holds the hand in place sideways
        guide.params.c_trans = Vec3(200, 200, 50);     // [N·s/m] assumed: the arm's damping along the push
        for (int ax = 0; ax < 3; ++ax) guide.params.rot[ax].k0 = 50;  // [N·m/rad] assumed: a flat, steady hand
        guide.params.c_rot = Vec3::Constant(1.0);
        d.bushings.push_back(guide);
        scene->pad_body[k] = pb;
        scene->pad_push_W[k] = -u;
        break;
      }
    }
  }
  // hanging: the bar the hands hold, above the shoulders' pin (drawn; the shoulders carry the body)
  if (!bo.pinned_body.empty()) {
    const BodyId pinned = d.FindBody(bo.pinned_body);
    for (const BushingDesc& b : d.bushings) {
      if (b.body_a != kGround || b.body_b != pinned) continue;
      EnvironmentDesc bar;
      bar.name = "bar";
      bar.shape = EnvShape::kCylinder;  // axis along E's y: left-right
      bar.X_WE.p = b.X_AF.p + Vec3(0, 0, kHandsAboveShoulders_m);
      bar.half_extents_m = Vec3(kBarRadius_m, kBarHalfLength_m, kBarRadius_m);
      bar.contact = false;
      d.environment.push_back(bar);
    }
  }
  if (!errors.empty()) return errors;
  return d;
}

}  // namespace

bool IsLyingPosture(const std::string& p) {
  return p == "supine" || p == "prone" || p == "side_lying" || p == "quadruped";
}

Expected<ModelDesc> BuildScenarioModel(const Scenario& sc, const SpineParams& params) {
  Scene scene;
  return BuildScene(sc, params, &scene);
}

struct ScenarioRunner::Impl {
  Scenario sc;
  SpineParams params;
  Scene scene;
  std::shared_ptr<const Model> model;
  std::unique_ptr<World> world;
  ScenarioResult res;
  std::vector<Pose> X_WB;
  std::vector<double> gap_at_crack;
  std::vector<int> open_event;  // cavitation rows still collecting sound/jump
  std::vector<Vec3> sum_F, sum_T, extra_F, extra_T;
  std::vector<BodyId> loaded_bodies;
  int64_t n_steps = 0, every = 1, step = 0;
  std::chrono::steady_clock::time_point t0;
  // repeated loading: baseline neutral zones, the last probed hypermobility, per-level ligaments
  std::vector<Vec3> nz0;
  std::vector<double> hyper;
  std::vector<std::vector<int>> level_ligaments;
  // protocols: loads are timed from the current attempt's start; between-loads have a factor
  double attempt_start = 0;
  bool attempt_on = true;
  double between_factor = 0;
  double between_ramp = -1;    // [s] between-loads return over this long (-1: at once)
  double between_from = 0;     // [s] from this time
  int64_t sample_kind = 1;
  int target_level = -1;
  double window_peak_strain = 0;

  const ModelDesc& d() const { return model->desc(); }
  // why a step failed, for status/error: the time, the check that tripped and the fastest body
  std::string UnstableText(uint32_t st) const {
    const State& state = world->state();
    size_t fast = 0;
    for (size_t i = 1; i < state.bodies.size(); ++i)
      if (state.bodies[i].v_WB.squaredNorm() > state.bodies[fast].v_WB.squaredNorm()) fast = i;
    std::string text = "unstable at t = " + FormatNumber(state.time_s) + " s: " + StepStatusText(st);
    if (fast < state.bodies.size() && fast < d().bodies.size() && std::isfinite(state.bodies[fast].v_WB.norm()))
      text += "; fastest body '" + d().bodies[fast].name + "' at " + FormatNumber(state.bodies[fast].v_WB.norm()) +
              " m/s, " + FormatNumber(state.bodies[fast].w_WB.norm()) + " rad/s";
    return text + ". Check the loads (one the body cannot bear throws it), or try a smaller run.dt_s";
  }
  void SetPadLoads(World& w, double t) {
    // the practitioner carries the pad's weight; the profile's push comes on top of the touch
    for (size_t k = 0; k < sc.objects.size(); ++k) {
      if (scene.pad_body[k] < 0) continue;
      const BodyId pb = scene.pad_body[k];
      AppliedLoad a;
      const double F = sc.objects[k].PushForce(t);
      a.force_N = F * scene.pad_push_W[k] - d().bodies[pb].mass_kg * scene.gravity_W;
      w.SetAppliedLoad(pb, a);
    }
  }
  void Record();
  void ApplyLoads(double t);
  void CollectEvents();
  void Probe();
  bool StepOnce(bool window);
  bool RunProtocol();
  bool AttemptFacet(int f) const {
    const ModelDesc& md = d();
    if (target_level < 0) return true;
    const std::vector<int>& joints = md.joints[target_level].synovial;
    return std::find(joints.begin(), joints.end(), f) != joints.end();
  }
};

void ScenarioRunner::Impl::Probe() {
  const std::vector<Vec3> nz = NeutralZones(d(), world->state(), params.hypermobility_probe_moment_Nm);
  if (nz0.empty()) nz0 = nz;
  hyper = HypermobilityIndex(nz, nz0);
}

void ScenarioRunner::Impl::Record() {
  const ModelDesc& md = d();
  World& w = *world;
  const StepOutputs& out = w.outputs();
  res.time_s.push_back(w.state().time_s);
  for (size_t b = 0; b < md.bodies.size(); ++b) {
    const BodyState& s = w.state().bodies[b];
    res.body_position_m.insert(res.body_position_m.end(), {s.p_WB.x(), s.p_WB.y(), s.p_WB.z()});
    res.body_orientation.insert(res.body_orientation.end(), {s.q_WB.w(), s.q_WB.x(), s.q_WB.y(), s.q_WB.z()});
    X_WB[b] = Pose{s.q_WB.toRotationMatrix(), s.p_WB};
  }
  for (size_t l = 0; l < md.joints.size(); ++l) {
    const BushingOutput& b = out.bushings[md.joints[l].bushing];
    // flexion (about y), lateral bending to the right (about x), axial rotation to the left (about z)
    res.level_rotation_rad.insert(res.level_rotation_rad.end(), {b.rotation_rad.y(), b.rotation_rad.x(), b.rotation_rad.z()});
    res.disc_compression_N.push_back(b.compression_N);
    res.disc_shear_N.push_back(b.shear_N);
    res.disc_shear_xy_N.insert(res.disc_shear_xy_N.end(), {b.force_N.x(), b.force_N.y()});
    res.disc_torsion_Nm.push_back(b.moment_Nm.z());
    // torsion: Bredt-Batho τ = T / (2 A_m t); transverse shear on a thin ring: τ = 2 V / A_wall
    const bool disc = md.bushings[md.joints[l].bushing].params.area_m2 > 0;  // C0-C1, C1-C2: no disc
    res.annulus_shear_Pa.push_back(!disc ? 0.0 : std::abs(b.moment_Nm.z()) / (2 * scene.annulus_Am_m2[l] * scene.annulus_t_m[l]) +
                                   2 * b.shear_N / scene.annulus_wall_m2[l]);
    res.disc_pressure_Pa.push_back(b.pressure_Pa);
    // factor of risk for a vertebral compression fracture: the compressive force the disc puts
    // on the vertebral bodies over their compressive strength (Myers & Wilson 1997; Bouxsein 2006)
    res.fracture_risk.push_back(b.compression_N / scene.strength_N[l]);
  }
  for (size_t i = 0; i < md.synovial_joints.size(); ++i) {
    const SynovialJointOutput& f = out.synovial_joints[i];
    res.facet_gap_m.push_back(f.gap_m);
    res.facet_pressure_Pa.push_back(f.pressure_Pa);
    res.facet_contact_N.push_back(f.contact_force_N);
    res.facet_capsule_strain.push_back(f.capsule_strain);
    res.facet_bubble_radius_m.push_back(w.state().capsules[i].radius_m);
  }
  for (size_t p = 0; p < scene.artery_rest_m.size(); ++p)
    res.artery_strain.push_back(PathLength(md.paths[p], X_WB) / scene.artery_rest_m[p] - 1.0);
  // slow state
  const State& st = w.state();
  res.sample_kind.push_back(sample_kind);
  for (size_t l = 0; l < md.joints.size(); ++l) {
    res.level_hypermobility.push_back(hyper[l]);
    res.level_tone.push_back(md.joints[l].reflex >= 0 ? st.reflexes[md.joints[l].reflex].tone : 0.0);
    double c = 0;
    for (int i : level_ligaments[l]) c += st.ligaments[i].creep_fast + st.ligaments[i].creep_slow;
    res.level_creep.push_back(level_ligaments[l].empty() ? 0.0 : c / level_ligaments[l].size());
  }
  for (size_t i = 0; i < md.synovial_joints.size(); ++i) {
    const int cl = md.synovial_joints[i].capsule_ligament;
    res.facet_laxity.push_back(cl < 0 ? 0.0 : st.ligaments[cl].laxity + st.ligaments[cl].laxity_permanent);
    if (sample_kind == 1 && cl >= 0 && AttemptFacet(static_cast<int>(i)) && md.synovial_joints[i].has_capsule) {
      // the capsule's strain as its nociceptors and slow laws see it: in-plane plus the opening
      window_peak_strain = std::max(window_peak_strain, out.synovial_joints[i].capsule_strain + out.synovial_joints[i].capsule_opening_strain);
    }
  }
}

void ScenarioRunner::Impl::ApplyLoads(double t) {
  const ModelDesc& md = d();
  World& w = *world;
  const BodyId pelvis = scene.pelvis;
  // loads on the same body add up: each as a force and a moment about the COM, in W
  sum_F = extra_F;
  sum_T = extra_T;
  for (size_t k = 0; k < sc.loads.size(); ++k) {
    const ScenarioLoad& L = sc.loads[k];
    const double f = L.phase == ScenarioLoad::Phase::kBetween ? between_factor
                     : L.phase == ScenarioLoad::Phase::kAlways ? 1.0
                     : attempt_on                              ? L.profile.Factor(t - attempt_start)
                                                               : 0.0;
    const BodyId b = scene.load_body[k];
    const BodyState& bs = w.state().bodies[b];
    const Mat3 R = bs.q_WB.toRotationMatrix();
    const Vec3 F_W = f * (L.body_frame ? Vec3(R * L.force_N) : L.force_N);
    const Vec3 T_W = f * (L.body_frame ? Vec3(R * L.torque_Nm) : L.torque_Nm);
    const Vec3 r_W = R * (md.bodies[b].p_BoV_B + L.point_m);
    sum_F[b] += F_W;
    sum_T[b] += T_W + r_W.cross(F_W);
  }
  if (scene.below_T2_N > 0) {
    // the legs stand on the floor until the feet leave it: they carry the weight below the
    // shoulders and hold the pelvis where it stood (the pelvis-support law, explicit), fading
    // to nothing over 2 s from feet_off_s
    const double f = 1.0 - std::clamp((t - sc.feet_off_s) / 2.0, 0.0, 1.0);
    const BodyState& ps = w.state().bodies[pelvis];
    const Mat3 R0 = scene.X_W_pelvis0.R;
    const Vec3 dth = RotationVector(ps.q_WB.toRotationMatrix() * R0.transpose());
    sum_F[pelvis] += f * (Vec3(0, 0, scene.below_T2_N) + params.pelvis_support_k_trans * (scene.X_W_pelvis0.p - ps.p_WB) -
                          params.pelvis_support_c_trans * ps.v_WB);
    const Vec3 k_rot_W = (R0 * params.pelvis_support_k_rot.asDiagonal() * R0.transpose()) * dth;
    sum_T[pelvis] += f * (-k_rot_W - params.pelvis_support_c_rot * ps.w_WB);
  }
  for (BodyId b : loaded_bodies) {
    AppliedLoad a;
    a.force_N = sum_F[b];
    a.torque_Nm = sum_T[b];
    w.SetAppliedLoad(b, a);
  }
  const double ta = attempt_on ? t - attempt_start : -1.0;  // profiles are 0 before they start
  SetPadLoads(w, ta);
  if (!sc.motions.empty()) {
    // the held pelvis follows the prescribed motions (rotations composed in file order)
    auto pose_at = [&](double tt) {
      Pose X = scene.X_W_pelvis0;
      for (const ScenarioMotion& m : sc.motions) {
        const double f = m.profile.Factor(tt);
        X.R = RotationFromVector(f * m.rotation_rad) * X.R;
        X.p += f * m.translation_m;
      }
      return X;
    };
    const Pose X1 = pose_at(ta < 0 ? ta : ta + sc.dt_s), X0 = pose_at(ta);
    const Vec3 v = (X1.p - X0.p) / sc.dt_s;
    const Vec3 w_W = RotationVector(X1.R * X0.R.transpose()) / sc.dt_s;
    w.SetHeldBodyMotion(pelvis, X0, v, w_W);
  }
}

void ScenarioRunner::Impl::CollectEvents() {
  const ModelDesc& md = d();
  World& w = *world;
  // the element outputs are evaluated only when a joint cracked or an event collects its jump
  bool busy = false;
  const std::vector<SynovialJointOutput>& ev = w.last_step_synovial_joints();
  for (size_t k = 0; k < md.synovial_joints.size() && !busy; ++k) busy = ev[k].cracked || open_event[k] >= 0;
  if (!busy) return;
  const StepOutputs& out = w.outputs();
  for (size_t k = 0; k < md.synovial_joints.size(); ++k) {
    const SynovialJointOutput& f = out.synovial_joints[k];
    if (f.cracked) {
      open_event[k] = static_cast<int>(res.cavitations.size());
      res.cavitations.push_back({w.state().capsules[k].dynamic_since_s, static_cast<int>(k), 0.0, 0.0, {}});
      gap_at_crack[k] = f.gap_m;
    }
    if (open_event[k] >= 0) {
      // the event collects its sound and the joint's opening for 50 ms
      auto& ev = res.cavitations[open_event[k]];
      for (float p : f.sound_Pa) {
        ev.sound_peak_Pa = std::max(ev.sound_peak_Pa, std::abs(static_cast<double>(p)));
        if (ev.sound_Pa.size() < static_cast<size_t>(0.02 * kSoundSampleRate_Hz)) ev.sound_Pa.push_back(p);
      }
      ev.gap_jump_m = std::max(ev.gap_jump_m, f.gap_m - gap_at_crack[k]);
      if (w.state().time_s - ev.time_s > 0.05) open_event[k] = -1;
    }
  }
}

Expected<ScenarioRunner> ScenarioRunner::Create(const Scenario& sc, const SpineParams& params) {
  // the same checks and messages as a scenario read from a file
  if (std::vector<Diagnostic> bad = Validate(sc); !bad.empty()) return bad;
  auto impl = std::make_unique<Impl>();
  impl->sc = sc;
  impl->params = params;
  Scene& scene = impl->scene;
  auto desc = BuildScene(sc, params, &scene);
  if (!desc) return desc.errors();
  auto compiled = Model::Compile(std::move(desc).value());
  if (!compiled) return compiled.errors();
  impl->model = std::make_shared<const Model>(std::move(compiled).value());
  const SimOptions so = ScenarioOptions(sc);
  auto w = World::Create(impl->model, so);
  if (!w) return w.errors();
  impl->world = std::make_unique<World>(std::move(w).value());
  World& world = *impl->world;
  const ModelDesc& d = impl->model->desc();
  const BodyId pelvis = scene.pelvis;
  if (sc.settle_s > 0) {
    // settle into the posture and supports (no cavitation, nothing recorded), then start the
    // clock at 0. The person has held the starting posture for minutes: the joints' fluid has
    // come to its resting pressure (synovial fluid is continually absorbed and
    // replenished, Levick & McDonald 1995 Ann Rheum Dis 54:417; the resting pressure,
    // calibration.md §3, is that of a joint at rest), so neither suction nor pressure carries the
    // posture
    SimOptions quiet = so;
    quiet.synovial.cavitation = false;
    quiet.synovial.fluid_at_rest = true;
    // the posture is the subject's habitual one: settling into it raises no protective tone
    // (tone built here and reset at t = 0 would let the body sag then)
    quiet.reflex.accept_posture = true;
    // and into the equilibrium its supports give: without friction while settling (skin and
    // clothing have shifted until the supports hold no shear). With it, the shear picked up on the
    // way down stayed in and crept out during the record (supine L5-S1 facet gap 0.92 mm after
    // 1.5 s of settling, 0.73 mm after 8 s; frictionless 0.64 mm after either)
    quiet.contact.frictionless = true;
    auto pre = World::Create(impl->model, quiet);
    if (!pre) return pre.errors();
    impl->SetPadLoads(pre.value(), -1.0);
    const int64_t n = std::llround(sc.settle_s / sc.dt_s);
    // quasi-static: velocities decay with a 0.1 s time constant, so the body comes to rest in
    // the posture instead of swinging through it (an upright trunk of low tone sways for seconds)
    const double damping = std::exp(-sc.dt_s / 0.1);
    const bool lying = IsLyingPosture(sc.posture);
    constexpr int kStaticSettleIterations = 2000;
    constexpr uint32_t kNoRestingPose = 1u << 31;  // the settle's own outcome, beside StepStatus
    const auto settle = [&]() -> uint32_t {
      // lying: the static equilibrium on the supports, solved (a damped settle leaves the soft
      // modes - the neutral zone, the chest on the table - wherever its path left them: the
      // prone T7 moved 0.5-0.9 mm per halving of the step and the head swung 1-4 mm sideways).
      // Every lying contact is compliant (the head has its own tissue), so the record starts at
      // rest where the solve left it (docs/calibration.md, known weaknesses)
      if (lying && n > 0) {
        const int it = pre.value().SolveStatic(kStaticSettleIterations);
        return it > 0 ? kStepOk : it == -1 ? kNoRestingPose : kStepSolveFailed;
      }
      for (int64_t i = 0; i < n; ++i) {
        if (const uint32_t st = pre.value().Step(); st != kStepOk) return st;
        pre.value().DampVelocities(damping);
      }
      return kStepOk;
    };
    uint32_t st = settle();
    if (st == kStepOk && lying) {
      // the person has lain there a while: the tissues creep (quiescent advance, no motion),
      // then the body settles into the crept tissues
      pre.value().Rest(120.0);
      st = settle();
    }
    if (st == kNoRestingPose)
      return std::vector<Diagnostic>{{sc.file, "run.settle_s", "the body found no resting pose on its supports in " +
                                                                   std::to_string(kStaticSettleIterations) +
                                                                   " Newton iterations (it still moves: does something roll or slide off?); check the posture and objects"}};
    if (st != kStepOk)
      return std::vector<Diagnostic>{{sc.file, "run.settle_s", "the body did not settle into its supports (" + StepStatusText(st) +
                                                                   "); check the posture and objects"}};
    pre.value().DampVelocities(0.0);  // settled: the record starts from rest
    State s0 = pre.value().SaveState();
    s0.step_index = 0;
    s0.time_s = 0;
    world.RestoreState(s0);
  }
  scene.X_W_pelvis0 = d.bodies[pelvis].X_WB;

  ScenarioResult& res = impl->res;
  for (const auto& b : d.bodies) res.body_names.push_back(b.name);
  for (const auto& l : d.joints) res.level_names.push_back(l.name);
  for (const auto& f : d.synovial_joints) {
    res.facet_names.push_back(f.name);
    res.facet_nucleation_Pa.push_back(
        f.has_capsule ? f.capsule.nucleation_pressure_abs_Pa - f.capsule.atmospheric_pressure_Pa : 0.0);
    res.facet_nociceptor_strain.push_back(f.has_capsule ? f.capsule.nociceptor_strain : 0.0);
    res.facet_pain_strain.push_back(f.has_capsule ? f.capsule.pain_strain : 0.0);
  }
  res.environment = d.environment;
  res.model_file = params.file;
  res.model_text = params.text;
  // safety: artery rest lengths (every model has the neck); per level the weaker vertebra's strength
  impl->X_WB.resize(d.bodies.size());
  for (size_t b = 0; b < d.bodies.size(); ++b) impl->X_WB[b] = d.bodies[b].X_WB;
  for (const PathDesc& p : d.paths) {
    res.artery_names.push_back(p.name);
    scene.artery_rest_m.push_back(PathLength(p, impl->X_WB));
  }
  const double sL = sc.subject.height_m / params.ref_height_m;
  for (const JointDesc& L : d.joints) {
    scene.strength_N.push_back(std::min(VertebralStrength(params, sc.subject, L.upper, sc.bone_density_t_score),
                                        VertebralStrength(params, sc.subject, L.lower, sc.bone_density_t_score)));
    // the annulus as a thin elliptic ring around the nucleus: outer semi-axes from the smaller
    // endplate, inner from the nucleus' share of the area
    const double a = 0.5 * sL * std::min(params.vb_depth_m[L.upper], params.vb_depth_m[L.lower]);
    const double b = 0.5 * sL * std::min(params.vb_width_m[L.upper], params.vb_width_m[L.lower]);
    const double k_in = std::sqrt(params.nucleus_area_fraction);
    const double t_w = std::sqrt(a * b) * (1 - k_in);
    const double am = 0.5 * (1 + k_in);
    scene.annulus_t_m.push_back(t_w);
    scene.annulus_Am_m2.push_back(kPi * am * a * am * b);
    scene.annulus_wall_m2.push_back(kPi * a * b * (1 - params.nucleus_area_fraction));
  }
  // hanging: the feet carry everything below the shoulders until they leave the floor
  if (sc.posture == "hanging")
    for (BodyId b = d.FindBody("T3"); b <= pelvis; ++b) scene.below_T2_N += d.bodies[b].mass_kg * -scene.gravity_W.z();
  impl->n_steps = std::llround(sc.duration_s / sc.dt_s);
  impl->every = std::max<int64_t>(1, std::llround(1.0 / (sc.output_rate_Hz * sc.dt_s)));
  impl->gap_at_crack.assign(d.synovial_joints.size(), 0.0);
  impl->open_event.assign(d.synovial_joints.size(), -1);
  impl->sum_F.assign(d.bodies.size(), Vec3::Zero());
  impl->sum_T.assign(d.bodies.size(), Vec3::Zero());
  impl->extra_F.assign(d.bodies.size(), Vec3::Zero());
  impl->extra_T.assign(d.bodies.size(), Vec3::Zero());
  for (BodyId b : scene.load_body)
    if (std::find(impl->loaded_bodies.begin(), impl->loaded_bodies.end(), b) == impl->loaded_bodies.end()) impl->loaded_bodies.push_back(b);
  if (scene.below_T2_N > 0 && std::find(impl->loaded_bodies.begin(), impl->loaded_bodies.end(), pelvis) == impl->loaded_bodies.end())
    impl->loaded_bodies.push_back(pelvis);
  // per level the ligaments across it (between its two bodies)
  impl->level_ligaments.resize(d.joints.size());
  for (size_t l = 0; l < d.joints.size(); ++l) impl->level_ligaments[l] = LigamentsAcross(d, static_cast<int>(l));
  impl->target_level = sc.protocol.level.empty() ? -1 : d.FindJoint(sc.protocol.level);
  impl->t0 = std::chrono::steady_clock::now();
  world.AcceptPostureAsBaseline();
  impl->Probe();  // the subject's baseline neutral zones: hypermobility 1
  impl->sample_kind = sc.protocol.enabled ? 0 : 1;
  impl->Record();
  return ScenarioRunner(std::move(impl));
}

ScenarioRunner::ScenarioRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScenarioRunner::ScenarioRunner(ScenarioRunner&&) noexcept = default;
ScenarioRunner& ScenarioRunner::operator=(ScenarioRunner&&) noexcept = default;
ScenarioRunner::~ScenarioRunner() = default;

bool ScenarioRunner::done() const { return impl_->step >= impl_->n_steps || impl_->res.status != "ok"; }
const World& ScenarioRunner::world() const { return *impl_->world; }
const ModelDesc& ScenarioRunner::model() const { return impl_->d(); }
const ScenarioResult& ScenarioRunner::result() const { return impl_->res; }

void ScenarioRunner::SetExtraLoad(BodyId body, const Vec3& force_W, const Vec3& torque_W) {
  SPINELAB_THROW_UNLESS(body >= 0 && body < static_cast<BodyId>(impl_->extra_F.size()), "body id out of range");
  impl_->extra_F[body] = force_W;
  impl_->extra_T[body] = torque_W;
  if (std::find(impl_->loaded_bodies.begin(), impl_->loaded_bodies.end(), body) == impl_->loaded_bodies.end())
    impl_->loaded_bodies.push_back(body);
}

bool ScenarioRunner::Step() {
  Impl& m = *impl_;
  if (done()) return false;
  m.ApplyLoads(m.world->state().time_s);
  const uint32_t st = m.world->Step();
  ++m.res.steps;
  ++m.step;
  if (st != kStepOk) {
    m.res.status = "failed";
    m.res.error = m.UnstableText(st);
    return false;
  }
  m.CollectEvents();
  if (m.step % m.every == 0) m.Record();
  return !done();
}

bool ScenarioRunner::Impl::StepOnce(bool window) {
  if (between_factor > 0 && attempt_on)  // the held posture gives way to the attempt over 0.3 s
    between_factor = std::max(0.0, 1.0 - (world->state().time_s - attempt_start) / 0.3);
  if (!attempt_on && between_ramp > 0)    // and returns after it
    between_factor = std::clamp((world->state().time_s - between_from) / between_ramp, 0.0, 1.0);
  ApplyLoads(world->state().time_s);
  const uint32_t st = world->Step();
  ++res.steps;
  if (st != kStepOk) {
    res.status = "failed";
    res.error = UnstableText(st);
    return false;
  }
  CollectEvents();
  const int64_t k = std::llround((world->state().time_s - attempt_start) / sc.dt_s);
  if (window && k % every == 0) {
    sample_kind = 1;
    Record();
  }
  return true;
}

bool ScenarioRunner::Impl::RunProtocol() {
  const ScenarioProtocol& P = sc.protocol;
  World& w = *world;
  const double eps = 0.5 * sc.dt_s;
  bool has_between = false;
  for (const ScenarioLoad& L : sc.loads) has_between = has_between || L.phase != ScenarioLoad::Phase::kAttempt;
  between_factor = 1.0;
  attempt_on = false;
  double next_sample = P.sample_s, last_balance = 0;
  auto long_sample = [&] {
    Probe();
    sample_kind = 0;
    Record();
  };
  // the held posture re-balanced (under the between-loads): a short spell of dynamics, so that a
  // joint held open by the last attempt closes as its gas dissolves and the creep shows in the pose
  auto rebalance = [&](double duration_s) {
    const int64_t n = std::llround(duration_s / sc.dt_s);
    for (int64_t i = 0; i < n; ++i)
      if (!StepOnce(false)) return false;
    last_balance = w.state().time_s;
    return true;
  };
  // rest (slow state only) until t_end, with long-series samples and re-balancing on their grids
  auto any_bubble = [&] {
    for (const CapsuleState& c : w.state().capsules)
      if (c.mode != CapsuleState::kNoBubble) return true;
    return false;
  };
  auto advance_to = [&](double t_end) {
    while (w.state().time_s < t_end - eps) {
      // re-balance on its grid while the posture is loaded or a joint holds gas
      const bool balance = has_between || any_bubble();
      double next = std::min(t_end, next_sample);
      if (balance) next = std::min(next, last_balance + P.rebalance_s);
      const double dt = next - w.state().time_s;
      if (dt > eps) {
        while (!w.Rest(dt))  // a bubble still violent: let it settle first
          if (!StepOnce(false)) return false;
      }
      const double t = w.state().time_s;
      if (balance && t >= last_balance + P.rebalance_s - eps) {
        if (t + 0.25 >= t_end)
          last_balance = t;  // due within a quarter second of what comes next: skipped (it re-balances itself)
        else if (!rebalance(0.25))
          return false;
      }
      if (w.state().time_s >= next_sample - eps) {
        long_sample();
        next_sample += P.sample_s;
      }
    }
    return true;
  };
  auto settle = [&] {  // the posture (back) into balance, the between-loads ramped in
    between_from = w.state().time_s;
    between_ramp = 0.5 * P.settle_s;
    const bool ok = rebalance(P.settle_s);
    between_ramp = -1;
    between_factor = 1.0;
    return ok;
  };
  if (!settle()) return false;  // into the posture first
  w.AcceptPostureAsBaseline();
  for (const double t_attempt : P.AttemptTimes()) {
    if (!advance_to(t_attempt)) return false;
    // the attempt: the technique's loads at full rate, recorded in a window
    attempt_start = w.state().time_s;
    attempt_on = true;
    window_peak_strain = 0;
    const size_t cav0 = res.cavitations.size();
    sample_kind = 1;
    Record();
    const int64_t n = std::llround(P.attempt_s / sc.dt_s);
    for (int64_t i = 0; i < n; ++i)
      if (!StepOnce(w.state().time_s - attempt_start < P.window_s - eps)) return false;
    // until every bubble has settled (a pop lasts milliseconds; at most 2 s more)
    auto violent = [&] {
      for (const CapsuleState& c : w.state().capsules)
        if (c.mode == CapsuleState::kDynamic) return true;
      return false;
    };
    for (int64_t i = 0; violent() && i < std::llround(2.0 / sc.dt_s); ++i)
      if (!StepOnce(false)) return false;
    ScenarioResult::Attempt a;
    a.time_s = attempt_start;
    for (size_t c = cav0; c < res.cavitations.size(); ++c) {
      ++a.cavitations;
      a.gap_jump_m = std::max(a.gap_jump_m, res.cavitations[c].gap_jump_m);
      a.cavitated = a.cavitated || AttemptFacet(res.cavitations[c].facet);
    }
    a.peak_capsule_strain = window_peak_strain;
    long_sample();  // probes the hypermobility after the attempt
    if (target_level >= 0) {
      const JointDesc& L = d().joints[target_level];
      double lax = 0;
      int n_caps = 0;
      for (int f : L.synovial)
        if (d().synovial_joints[f].capsule_ligament >= 0) {
          const LigamentState& ls = w.state().ligaments[d().synovial_joints[f].capsule_ligament];
          lax += ls.laxity + ls.laxity_permanent;
          ++n_caps;
        }
      a.laxity_after = n_caps ? lax / n_caps : 0.0;
      a.hypermobility_after = hyper[target_level];
    }
    res.attempts.push_back(a);
    // the attempt's end pose held, then the posture between attempts returns
    if (P.hold_s > 0) {
      while (!w.Rest(P.hold_s))
        if (!StepOnce(false)) return false;
    }
    attempt_on = false;
    if (!settle()) return false;
  }
  if (!advance_to(P.duration_s)) return false;
  long_sample();
  return true;
}

void ScenarioRunner::RunToEnd() {
  if (impl_->sc.protocol.enabled) {
    impl_->RunProtocol();
    return;
  }
  while (Step()) {
  }
}

ScenarioResult ScenarioRunner::Finish() {
  impl_->res.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->t0).count();
  return std::move(impl_->res);
}

Expected<ScenarioResult> RunScenario(const Scenario& sc, const SpineParams& params) {
  auto runner = ScenarioRunner::Create(sc, params);
  if (!runner) return runner.errors();
  runner.value().RunToEnd();
  return runner.value().Finish();
}

ScenarioSummary Summarize(const Scenario& sc, const ScenarioResult& r) {
  ScenarioSummary out;
  // baseline: when the first load begins (hanging: when the feet start to leave the floor)
  double start = sc.posture == "hanging" ? sc.feet_off_s : sc.duration_s;
  bool any = false;
  for (const ScenarioLoad& L : sc.loads) start = std::min(start, L.profile.start_s), any = true;
  for (const ScenarioMotion& m : sc.motions) start = std::min(start, m.profile.start_s), any = true;
  for (const ScenarioObject& o : sc.objects)
    if (o.kind == ScenarioObject::Kind::kPad) start = std::min(start, o.profile.start_s), any = true;
  if (!any && sc.posture != "hanging") start = 0;
  out.baseline_time_s = start;
  const size_t T = r.time_s.size(), L = r.level_names.size(), F = r.facet_names.size();
  size_t t0 = 0;
  while (t0 + 1 < T && r.time_s[t0 + 1] <= start + 1e-9) ++t0;
  out.cavitations = static_cast<int>(r.cavitations.size());
  for (size_t l = 0; l < L; ++l) {
    LevelSummary s;
    s.level = r.level_names[l];
    s.idp_baseline_Pa = r.disc_pressure_Pa[t0 * L + l];
    for (size_t t = t0; t < T; ++t) {
      for (int a = 0; a < 3; ++a)
        s.peak_rotation_deg[a] = std::max(s.peak_rotation_deg[a],
            std::abs(r.level_rotation_rad[(t * L + l) * 3 + a] - r.level_rotation_rad[(t0 * L + l) * 3 + a]) * kRadToDeg);
      s.peak_shear_N = std::max(s.peak_shear_N, r.disc_shear_N[t * L + l]);
      s.peak_annulus_shear_Pa = std::max(s.peak_annulus_shear_Pa,
          std::abs(r.annulus_shear_Pa[t * L + l] - r.annulus_shear_Pa[t0 * L + l]));
      s.peak_shear_change_N = std::max(s.peak_shear_change_N,
          std::hypot(r.disc_shear_xy_N[(t * L + l) * 2] - r.disc_shear_xy_N[(t0 * L + l) * 2],
                     r.disc_shear_xy_N[(t * L + l) * 2 + 1] - r.disc_shear_xy_N[(t0 * L + l) * 2 + 1]));
      const double d = r.disc_pressure_Pa[t * L + l] - s.idp_baseline_Pa;
      if (std::abs(d) > std::abs(s.idp_change_Pa)) s.idp_change_Pa = d;
    }
    // the level's two facets, by name "<level> L" / "<level> R"
    for (size_t f = 0; f < F; ++f) {
      const std::string& n = r.facet_names[f];
      if (n.compare(0, s.level.size() + 1, s.level + " ") != 0) continue;
      const int side = n.back() == 'L' ? 0 : 1;
      s.baseline_capsule_strain = std::max(s.baseline_capsule_strain, r.facet_capsule_strain[t0 * F + f]);
      auto lower = [](double have, double x) { return x > 0 && (have <= 0 || x < have) ? x : have; };
      if (f < r.facet_nociceptor_strain.size()) s.nociceptor_strain = lower(s.nociceptor_strain, r.facet_nociceptor_strain[f]);
      if (f < r.facet_pain_strain.size()) s.pain_strain = lower(s.pain_strain, r.facet_pain_strain[f]);
      for (size_t t = t0; t < T; ++t) {
        s.peak_facet_contact_N = std::max(s.peak_facet_contact_N, r.facet_contact_N[t * F + f]);
        s.peak_capsule_strain = std::max(s.peak_capsule_strain, r.facet_capsule_strain[t * F + f]);
        s.facet_opening_m[side] = std::max(s.facet_opening_m[side], r.facet_gap_m[t * F + f] - r.facet_gap_m[t0 * F + f]);
      }
    }
    for (size_t t = t0; t < T; ++t) s.peak_fracture_risk = std::max(s.peak_fracture_risk, r.fracture_risk[t * L + l]);
    out.levels.push_back(s);
  }
  // the joint whose fluid came nearest its cracking suction; one that cracked got there (the
  // records, at the output rate, may miss the instant)
  double nearest = 0;
  for (size_t f = 0; f < F && f < r.facet_nucleation_Pa.size(); ++f) {
    const double crack = r.facet_nucleation_Pa[f];
    if (!(crack < 0)) continue;
    double lowest = 0;
    for (size_t t = t0; t < T; ++t) lowest = std::min(lowest, r.facet_pressure_Pa[t * F + f]);
    for (const auto& c : r.cavitations)
      if (c.facet == static_cast<int>(f) && c.time_s >= start - 1e-9) lowest = std::min(lowest, crack);
    if (lowest / crack > nearest) {
      nearest = lowest / crack;
      out.closest_pop_facet = static_cast<int>(f);
      out.closest_pop_pressure_Pa = lowest;
      out.closest_pop_threshold_Pa = crack;
    }
  }
  const size_t A = r.artery_names.size();
  out.has_arteries = A == 2;
  for (size_t a = 0; a < A && a < 2; ++a)
    for (size_t t = t0; t < T; ++t)
      out.peak_artery_strain[a] = std::max(out.peak_artery_strain[a], r.artery_strain[t * A + a] - r.artery_strain[t0 * A + a]);
  return out;
}

}  // namespace spinelab::sim

// The scene: posture frame, pelvis support, objects and pads placed against the trunk surface,
// the hanging bar.
#include "scene.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/scenario/limb_pose.h"

namespace spinelab::sim {

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
WorldBox BodyBox(const BodyDesc& b) { return {b.X_WB * b.shapes.front().center_B, b.X_WB.R, b.shapes.front().half_extents_m}; }
// any of the body's shapes in W (a sphere as its bounding box)
WorldBox ShapeBox(const BodyDesc& b, const BoxShapeDesc& s) { return {b.X_WB * s.center_B, b.X_WB.R, s.half_extents_m}; }
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
// extreme extent along u of all of a body's shapes (a sphere: its centre plus the radius)
double BodySupport(const BodyDesc& b, const Vec3& u) {
  double far = -1e9;
  for (const BoxShapeDesc& s : b.shapes)
    far = std::max(far, s.radius_m > 0 ? (b.X_WB * s.center_B).dot(u) + s.radius_m : Support(ShapeBox(b, s), u));
  return far;
}

// smallest move along u [m] (1 mm steps, up to 0.3 m) after which no sample point of any body's
// contact box lies inside the object (`inside(p)` for the object at its placed pose)
template <class Inside>
double ClearanceShift(const ModelDesc& d, int n_bodies, const Vec3& u, Inside inside) {
  std::vector<Vec3> pts;
  for (int b = 0; b < n_bodies; ++b) {
    for (const BoxShapeDesc& s : d.bodies[b].shapes) {
      const WorldBox B = ShapeBox(d.bodies[b], s);
      if (s.radius_m > 0) {  // a sphere: its surface, every 7.5° (a cap must not slip between the points)
        for (int i = 0; i <= 24; ++i)
          for (int j = 0; j < 48; ++j) {
            const double th = kPi * i / 24, ph = 2 * kPi * j / 48;
            pts.push_back(B.c + s.radius_m * Vec3(std::sin(th) * std::cos(ph), std::sin(th) * std::sin(ph), std::cos(th)));
          }
        continue;
      }
      for (int i = 0; i <= 4; ++i)
        for (int j = 0; j <= 4; ++j)
          for (int k = 0; k <= 4; ++k)
            pts.push_back(B.c + B.R * Vec3((i / 2.0 - 1) * B.h.x(), (j / 2.0 - 1) * B.h.y(), (k / 2.0 - 1) * B.h.z()));
    }
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


}  // namespace

ScenarioLimbPose LimbPoseOf(const Scenario& sc) {
  ScenarioLimbPose p;
  p.pose = sc.posture == "side_lying" ? "side_lying_" + sc.lying_side : sc.posture;
  const bool face_down = sc.posture == "prone" || sc.posture == "quadruped";
  p.hip_flexion_rad = face_down ? -sc.trunk_tilt_rad : sc.trunk_tilt_rad;
  return p;
}

// the engine options a scenario runs with (gravity and everything else at the engine defaults)
SimOptions ScenarioOptions(const Scenario& sc) {
  SimOptions so;
  so.dt_s = sc.dt_s;
  return so;
}

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
  const bool limbs = LimbsAsBodies(sc, params);
  if (limbs) {
    // the girdle and limbs as bodies: hanging from the hands (no vertebra pinned), or in the
    // posture's pose on the fixed pelvis (the trunk's tilt taken up at the hips: the legs keep
    // their attitude to the floor; the frames lying face down turn the other way)
    bo.arms = false;
    const ScenarioLimbPose lp = LimbPoseOf(sc);
    bo.limbs_pose = lp.pose;
    bo.limbs_hip_flexion_rad = lp.hip_flexion_rad;
    if (sc.posture == "hanging") bo.fix_sacrum = false;
    // on hands and knees the shoulders stay held as with the lumped limbs (the arms as a column
    // on the mat, without their muscles, would fold at the elbows)
    if (sc.posture == "quadruped") bo.pinned_body = "T2";
  } else if (sc.posture == "hanging") {
    bo.fix_sacrum = false;
    bo.pinned_body = "T2";
    bo.legs_on_pelvis = true;
  } else if (sc.posture == "quadruped") {
    bo.pinned_body = "T2";  // the arms hold the shoulders up
  }
  if (sc.pelvis != "fixed") {
    bo.fix_sacrum = false;
    bo.legs_on_pelvis = !limbs;
  }
  if (params.rib_cage_model == "bodies") {
    auto ribs = params.rib_cage_text.empty() ? LoadRibCageParams(DefaultRibCageModelPath(), params)
                                             : LoadRibCageParamsText(params.rib_cage_text, params.rib_cage_file, params);
    if (!ribs) return ribs.errors();
    scene->rib_cage_text = ribs.value().text;
    scene->rib_cage_file = ribs.value().file;
    bo.rib_cage_bodies = std::make_shared<const RibCageParams>(std::move(ribs).value());
  }
  auto built = BuildSpineModel(params, sc.subject, bo);
  if (!built) return built.errors();
  ModelDesc d = std::move(built).value();
  std::vector<Diagnostic> errors;
  // the trunk's bodies (the limbs as bodies come last): objects are placed against the trunk, as
  // with the lumped limbs, and the limbs come to rest on them
  const int n_spine = d.FindBody("clavicle L") >= 0 ? d.FindBody("clavicle L") : static_cast<int>(d.bodies.size());
  // (every body name was checked by Validate(sc, params), before anything was built)
  for (const ScenarioLoad& L : sc.loads) scene->load_body.push_back(d.FindBody(L.body));
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
            if (!d.bodies[b].fixed && !d.bodies[b].shapes.empty()) far = std::max(far, BodySupport(d.bodies[b], u));
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
        if (params.rib_cage_model == "bodies") {
          // clear of the ribs' rounded surface too (a neighbouring rib's sphere may stand out of
          // the touched vertebra's strip); the lumped cage's pads stay where they were (results unchanged)
          const Vec3 c = pad.X_WB.p;
          const Mat3 R = pad.X_WB.R;
          pad.X_WB.p += u * ClearanceShift(d, n_spine, u, [&](const Vec3& p) {
            return ((R.transpose() * (p - c)).cwiseAbs() - hs).maxCoeff() < 0;
          });
        }
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
  // the limbs as bodies sitting, kneeling or on hands and knees: the floor or mat under the feet,
  // shins and knees, through the lowest point of the legs' contact boxes (no scenario lists it)
  if (limbs && (sc.posture == "seated" || sc.posture == "kneeling" || sc.posture == "quadruped")) {
    double low = -1e9;
    for (int b = n_spine; b < static_cast<int>(d.bodies.size()); ++b) {
      const std::string& n = d.bodies[b].name;
      if (n.rfind("foot", 0) == 0 || n.rfind("shank", 0) == 0)
        if (!d.bodies[b].shapes.empty()) low = std::max(low, BodySupport(d.bodies[b], -Vec3::UnitZ()));
    }
    EnvironmentDesc e;
    e.name = sc.posture == "seated" ? "floor under the feet" : "mat under the knees";
    e.shape = EnvShape::kPlane;
    e.X_WE.p = -low * Vec3::UnitZ();
    d.environment.push_back(e);
  }
  // hanging: the bar the hands hold, above the shoulders' pin (drawn; the shoulders carry the body;
  // a quadruped's pin stands for its arms on the floor: no bar)
  if (!bo.pinned_body.empty() && !limbs && sc.posture == "hanging") {
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
  // hanging from the hands: the bar through the two grips
  if (limbs && sc.posture == "hanging") {
    Vec3 mid = Vec3::Zero();
    for (const BushingDesc& b : d.bushings)
      if (b.body_a == kGround && b.name.rfind("grip", 0) == 0) mid += 0.5 * b.X_AF.p;
    EnvironmentDesc bar;
    bar.name = "bar";
    bar.shape = EnvShape::kCylinder;  // axis along E's y: left-right
    bar.X_WE.p = mid;
    bar.half_extents_m = Vec3(kBarRadius_m, kBarHalfLength_m, kBarRadius_m);
    bar.contact = false;
    d.environment.push_back(bar);
  }
  if (!errors.empty()) return errors;
  return d;
}

bool IsLyingPosture(const std::string& p) {
  return p == "supine" || p == "prone" || p == "side_lying" || p == "quadruped";
}

Expected<ModelDesc> BuildScenarioModel(const Scenario& sc, const SpineParams& params) {
  if (std::vector<Diagnostic> bad = Validate(sc, params); !bad.empty()) return bad;
  Scene scene;
  return BuildScene(sc, params, &scene);
}
}  // namespace spinelab::sim

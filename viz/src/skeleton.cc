// The figure as bones (see skeleton.h).
//
// [SECTION] pieces: helpers that place a unit mesh between two points or on a frame
// [SECTION] parts: a body's procedural parts as bone shapes (vertebrae, skull, ribs, limbs)
// [SECTION] lumped: the rib cage from the rib geometry, the arms and legs in the posture's pose
// [SECTION] pelvis, skin, objects
// [SECTION] BuildSkeleton
#include "spinelab/viz/skeleton.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/anatomy/rib_geometry.h"
#include "spinelab/scenario/limb_pose.h"

namespace spinelab::viz {

namespace {

const Rgba kBoneColor{0.90f, 0.86f, 0.76f, 1.0f};
const Rgba kCartilage{0.80f, 0.82f, 0.78f, 1.0f};
const Rgba kHandColor{0.85f, 0.62f, 0.50f, 1.0f};   // a practitioner's or partner's hands (props)
const Rgba kWood{0.55f, 0.40f, 0.28f, 1.0f};
const Rgba kMetal{0.62f, 0.64f, 0.68f, 1.0f};
const Rgba kSkin{0.96f, 0.76f, 0.63f, 0.35f};

// [SECTION] pieces

// rotation whose z is `z` and whose y is as close to `y_hint` as z allows
Mat3 FrameZY(const Vec3& z_in, const Vec3& y_hint) {
  const Vec3 z = z_in.normalized();
  Vec3 y = y_hint - y_hint.dot(z) * z;
  if (y.norm() < 1e-6) y = FrameAlongZ(z).col(1);
  y.normalize();
  Mat3 R;
  R.col(0) = y.cross(z);
  R.col(1) = y;
  R.col(2) = z;
  return R;
}

// a unit mesh from a to b (its z), radii rx, ry about x and y (y towards y_hint), in `body`
Bone Segment(int body, Mesh mesh, const Vec3& a, const Vec3& b, double rx, double ry, const Vec3& y_hint,
             const Rgba& color, const std::string& part) {
  Bone p;
  p.body = body;
  p.mesh = mesh;
  p.X_BG = Pose{FrameZY(b - a, y_hint), 0.5 * (a + b)};
  p.size_m = Vec3(rx, ry, 0.5 * (b - a).norm());
  p.color = color;
  p.part = part;
  return p;
}

Bone Piece(int body, Mesh mesh, const Pose& X_BG, const Vec3& size, const Rgba& color, const std::string& part) {
  Bone p;
  p.body = body;
  p.mesh = mesh;
  p.X_BG = X_BG;
  p.size_m = size;
  p.color = color;
  p.part = part;
  return p;
}

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
int SideOf(const std::string& name) { return name.size() > 2 && name.substr(name.size() - 2) == " R" ? -1 : +1; }

// a cylinder part's ends (proximal = -z of its frame) in B
void Ends(const sim::GeometryPrimitive& g, Vec3* a, Vec3* b) {
  *a = g.X_BG * Vec3(0, 0, -g.size_m.z());
  *b = g.X_BG * Vec3(0, 0, g.size_m.z());
}

// [SECTION] parts

// a hand from the wrist w along the unit direction d (palm length L, the thumb towards
// `thumb`): palm, four fingers, the thumb
void AddHand(int body, const Vec3& w, const Vec3& d, const Vec3& thumb, double L, const Rgba& c, std::vector<Bone>* out) {
  const Vec3 across = (thumb - thumb.dot(d) * d).normalized();
  const Vec3 normal = d.cross(across);  // palm-to-back (either sign: the palm is symmetric)
  const double w_half = 0.45 * L;       // [m] half the palm's breadth
  const Vec3 c_palm = w + d * (0.5 * L);
  out->push_back(Piece(body, Mesh::kRoundBox, Pose{FrameZY(d, across), c_palm}, Vec3(0.14 * L, w_half, 0.5 * L), c, "palm"));
  for (int k = 0; k < 4; ++k) {  // fingers: index (thumb side) to little finger
    const double off = w_half * (0.75 - 0.5 * k), len = L * (0.85 - 0.1 * std::abs(k - 1.2));
    const Vec3 base = w + d * L + across * off;
    out->push_back(Segment(body, Mesh::kCapsule, base - d * 0.05 * L, base + d * len, 0.1 * L, 0.1 * L, normal, c, "finger"));
  }
  const Vec3 t0 = w + d * 0.25 * L + across * w_half, t1 = t0 + (0.6 * d + 0.8 * across).normalized() * 0.65 * L;
  out->push_back(Segment(body, Mesh::kCapsule, t0, t1, 0.11 * L, 0.11 * L, normal, c, "thumb"));
}

// the pieces of one body part (bone shapes); none for the facets (drawn as joints)
void PartPieces(int body, const std::string& body_name, const sim::GeometryPrimitive& g, std::vector<Bone>* out) {
  const std::string& n = g.part;
  if (StartsWith(n, "facet")) return;
  const int s = SideOf(body_name);
  Vec3 a, b;
  Ends(g, &a, &b);
  const Vec3 axis = (b - a).normalized(), lat = Vec3(0, s, 0);
  const double r = g.size_m.x();
  if (n == "skull") {
    out->push_back(Piece(body, Mesh::kSkull, g.X_BG, g.size_m, kBoneColor, n));
  } else if (n == "body" && g.kind == sim::PrimitiveKind::kCylinder) {  // the vertebral body
    out->push_back(Piece(body, Mesh::kCylinder, g.X_BG, g.size_m, kBoneColor, "vertebral body"));
  } else if (n == "humerus" || n == "femur") {
    out->push_back(Segment(body, Mesh::kLongBone, a, b, 2.1 * r, 2.1 * r, lat, kBoneColor, n));
    if (n == "femur") {  // the femoral neck and head, medial of the shaft's top
      const Vec3 head = a - lat * 0.9 * 2.1 * r * 1.6 + axis * 0.02;
      out->push_back(Segment(body, Mesh::kCapsule, a + axis * 0.02, head, 0.9 * r, 0.9 * r, Vec3::UnitX(), kBoneColor, "femoral neck"));
      out->push_back(Piece(body, Mesh::kSphere, Pose{Mat3::Identity(), head}, Vec3::Constant(1.5 * r), kBoneColor, "femoral head"));
    }
  } else if (n == "tibia") {  // tibia and, lateral of it, the fibula
    out->push_back(Segment(body, Mesh::kLongBone, a, b, 2.0 * r, 1.8 * r, lat, kBoneColor, n));
    out->push_back(Segment(body, Mesh::kLongBone, a + lat * 2.0 * r + axis * 0.02, b + lat * 1.6 * r - axis * 0.01, 0.9 * r,
                           0.9 * r, lat, kBoneColor, "fibula"));
  } else if (n == "forearm") {  // radius (lateral in the anatomical pose) and ulna
    const Vec3 side = (lat - lat.dot(axis) * axis).normalized();
    out->push_back(Segment(body, Mesh::kLongBone, a + side * 1.1 * r, b + side * 1.1 * r, 1.1 * r, 1.1 * r, side, kBoneColor, "radius"));
    out->push_back(Segment(body, Mesh::kLongBone, a - side * 0.9 * r - axis * 0.012, b - side * 0.9 * r, 1.1 * r, 1.1 * r, side,
                           kBoneColor, "ulna"));
  } else if (n == "hand") {  // palm forwards, thumb lateral (anatomical pose)
    AddHand(body, a, axis, lat, (b - a).norm(), kBoneColor, out);
  } else if (n == "foot") {  // heel behind, toes in front, the arch above the sole
    const double L = (b - a).norm();
    const Vec3 up = Vec3::UnitZ();
    out->push_back(Segment(body, Mesh::kRoundBox, a + up * 0.2 * r, b - axis * 0.25 * L, 0.55 * r, 1.4 * r, lat, kBoneColor, "tarsals and metatarsals"));
    out->push_back(Piece(body, Mesh::kSphere, Pose{Mat3::Identity(), a + axis * 0.06 * L}, Vec3::Constant(0.9 * r), kBoneColor, "heel"));
    for (int k = 0; k < 5; ++k) {
      const Vec3 base = b - axis * 0.28 * L - lat * (1.1 * r * (0.5 - 0.25 * k));  // the big toe medial
      out->push_back(Segment(body, Mesh::kCapsule, base, base + axis * (0.22 - 0.025 * k) * L, 0.28 * r, 0.28 * r, up, kBoneColor, "toe"));
    }
  } else if (n == "clavicle") {
    out->push_back(Segment(body, Mesh::kCapsule, a, b, 1.1 * r, 0.9 * r, Vec3::UnitZ(), kBoneColor, n));
  } else if (StartsWith(n, "scapula")) {
    out->push_back(Segment(body, Mesh::kCapsule, a, b, 1.1 * r, 1.1 * r, Vec3::UnitZ(), kBoneColor, n));
  } else if (n == "rib shaft") {
    out->push_back(Piece(body, Mesh::kCapsule, g.X_BG, Vec3(g.size_m.x(), g.size_m.y(), 1.15 * g.size_m.z()), kBoneColor, n));
  } else if (n == "costal cartilage") {
    out->push_back(Piece(body, Mesh::kCapsule, g.X_BG, Vec3(g.size_m.x(), g.size_m.y(), 1.1 * g.size_m.z()), kCartilage, n));
  } else if (g.kind == sim::PrimitiveKind::kBox) {  // processes, laminae, pedicles, sternum
    out->push_back(Piece(body, Mesh::kRoundBox, g.X_BG, g.size_m, kBoneColor, n));
  } else {
    const Mesh m = g.kind == sim::PrimitiveKind::kCylinder ? Mesh::kCylinder : Mesh::kSphere;
    out->push_back(Piece(body, m, g.X_BG, g.size_m, kBoneColor, n));
  }
}

// the scapular blade: a thin plate over the triangle of its three borders (sup, inf, glenoid)
void AddScapulaBlade(int body, const std::vector<sim::GeometryPrimitive>& parts, std::vector<Bone>* out) {
  const sim::GeometryPrimitive *medial = nullptr, *lateral = nullptr;
  for (const auto& g : parts) {
    if (g.part == "scapula medial border") medial = &g;
    if (g.part == "scapula lateral border") lateral = &g;
  }
  if (!medial || !lateral) return;
  Vec3 sup, inf, l0, glen;
  Ends(*medial, &sup, &inf);
  Ends(*lateral, &l0, &glen);
  const Vec3 c = (sup + inf + glen) / 3.0, down = (inf - sup).normalized();
  const Vec3 across = ((glen - sup) - (glen - sup).dot(down) * down);
  out->push_back(Piece(body, Mesh::kSphere, Pose{FrameZY(down, across.normalized()), c + 0.1 * across},
                       Vec3(0.003, 0.45 * across.norm(), 0.5 * (inf - sup).norm()), kBoneColor, "scapular blade"));
}

std::vector<Bone> BodyPieces(int body, const sim::BodyDesc& b) {
  std::vector<Bone> out;
  for (const sim::GeometryPrimitive& g : b.geometry) PartPieces(body, b.name, g, &out);
  if (StartsWith(b.name, "scapula")) AddScapulaBlade(body, b.geometry, &out);
  return out;
}

// the pieces re-expressed in another body: X_CB is B's pose in the carrier C
std::vector<Bone> CarriedBy(int carrier, const Pose& X_CB, std::vector<Bone> pieces) {
  for (Bone& p : pieces) p.body = carrier, p.X_BG = X_CB * p.X_BG;
  return pieces;
}

// [SECTION] lumped

// the spine body's V frame in its own B (V has B's axes)
Pose VInB(const sim::BodyDesc& b) { return Pose{Mat3::Identity(), b.p_BoV_B}; }

// the lumped rib cage: each rib (and its cartilage) on its vertebra, the sternum on T4
bool AddLumpedRibs(const sim::ModelDesc& model, const sim::ModelDesc& ref, const sim::SpineParams& P,
                   const sim::Subject& subject, std::vector<Bone>* out) {
  const auto X_SV = sim::ThoracicVertebraFrames(ref);
  auto rp = P.rib_cage_text.empty() ? sim::LoadRibCageParams(sim::DefaultRibCageModelPath(), P)
                                    : sim::LoadRibCageParamsText(P.rib_cage_text, P.rib_cage_file, P);
  if (!rp) return false;
  auto geo = sim::ComputeRibCageGeometry(rp.value(), P, subject, X_SV);
  if (!geo) return false;
  auto body_of = [&](int vertebra) {
    return vertebra >= 0 && vertebra < static_cast<int>(model.bodies.size()) &&
                   vertebra < static_cast<int>(ref.bodies.size()) && model.bodies[vertebra].name == ref.bodies[vertebra].name
               ? vertebra
               : -1;
  };
  const int t1 = ref.FindBody("T1");
  for (size_t k = 0; k < geo.value().ribs.size(); ++k) {
    const sim::RibGeometry& r = geo.value().ribs[k];
    const int b = body_of(r.vertebra);
    if (b < 0 || t1 < 0) continue;
    const Pose X_BV = VInB(model.bodies[b]);
    const std::string name = "rib " + std::to_string(r.rib) + (r.side > 0 ? " L" : " R");
    constexpr int kStep = sim::kRibSegments / 8;  // 8 pieces a rib
    for (int i = 0; i + kStep <= static_cast<int>(r.centreline_V.size()) - 1; i += kStep)
      out->push_back(Segment(b, Mesh::kCapsule, X_BV * r.centreline_V[i], X_BV * r.centreline_V[i + kStep], 0.5 * r.section.thickness_m,
                             0.5 * r.section.height_m, r.n_plane_V, kBoneColor, name));
    if (k < geo.value().cartilages.size()) {
      const sim::CartilageGeometry& c = geo.value().cartilages[k];
      const Pose X_BS = X_BV * X_SV[r.rib - 1].Inverse();  // S (the reference's W) into B
      const double rc = std::sqrt(std::max(c.area_m2, 1e-6) / kPi);
      out->push_back(Segment(b, Mesh::kCapsule, X_BS * c.p_start_S, X_BS * c.p_end_S, rc, rc, Vec3::UnitZ(), kCartilage,
                             "costal cartilage " + std::to_string(r.rib)));
    }
  }
  const int t4 = body_of(ref.FindBody("T4"));
  if (t4 >= 0)
    for (const sim::SternumPart& s : geo.value().sternum) {
      const Pose X_BS = VInB(model.bodies[t4]) * X_SV[3].Inverse();
      out->push_back(Piece(t4, Mesh::kRoundBox, X_BS * s.X_SP, s.half_extents_m, kBoneColor, s.name));
    }
  return true;
}

// the lumped arms (on T2) and legs (on the pelvis): the reference model's limb bodies (the
// anatomy's one home for their lengths, joints and the posture's pose: [limbs] pose_*_deg),
// carried rigidly by the reference's T2 and pelvis
void AddLumpedLimbs(const sim::ModelDesc& model, const sim::ModelDesc& ref, std::vector<Bone>* out) {
  const int t2 = model.FindBody("T2"), pelvis = model.FindBody("sacrum");
  const int rt2 = ref.FindBody("T2"), rpelvis = ref.FindBody("sacrum");
  if (t2 < 0 || pelvis < 0 || rt2 < 0 || rpelvis < 0) return;
  for (const char* side : {" L", " R"}) {
    const struct {
      const char* name;
      int carrier, ref_carrier;
    } limbs[] = {{"clavicle", t2, rt2},         {"scapula", t2, rt2},       {"upper arm", t2, rt2},
                 {"forearm and hand", t2, rt2}, {"thigh", pelvis, rpelvis}, {"shank", pelvis, rpelvis},
                 {"foot", pelvis, rpelvis}};
    for (const auto& l : limbs) {
      const int rb = ref.FindBody(std::string(l.name) + side);
      if (rb < 0) continue;
      const Pose X_CB = ref.bodies[l.ref_carrier].X_WB.Inverse() * ref.bodies[rb].X_WB;
      const std::vector<Bone> p = CarriedBy(l.carrier, X_CB, BodyPieces(l.carrier, ref.bodies[rb]));
      out->insert(out->end(), p.begin(), p.end());
    }
  }
}

// [SECTION] pelvis, skin, objects

// the pelvis on the sacrum: the sacrum's wedge, the iliac wings flaring out and forwards, the
// pubic and ischial rami to the symphysis, the acetabula; from the hip joint centres (in B)
void AddPelvis(int body, const sim::BodyDesc& sacrum, const Vec3& hip_L, const Vec3& hip_R, std::vector<Bone>* out) {
  const Vec3 V = sacrum.p_BoV_B;
  const double w = std::abs(hip_L.y() - hip_R.y());  // [m] between the hip centres
  // the sacrum: a wedge below S1, tilted backwards down
  out->push_back(Segment(body, Mesh::kRoundBox, V + Vec3(-0.005, 0, -0.01), V + Vec3(-0.045, 0, -0.10), 0.012, 0.045, Vec3::UnitY(),
                         kBoneColor, "sacrum"));
  out->push_back(Segment(body, Mesh::kCapsule, V + Vec3(-0.045, 0, -0.09), V + Vec3(-0.03, 0, -0.135), 0.008, 0.01, Vec3::UnitY(),
                         kBoneColor, "coccyx"));
  const Vec3 symphysis(0.5 * (hip_L.x() + hip_R.x()) + 0.045, 0.5 * (hip_L.y() + hip_R.y()), 0.5 * (hip_L.z() + hip_R.z()) - 0.015);
  for (const Vec3& h : {hip_L, hip_R}) {
    const double s = h.y() > 0.5 * (hip_L.y() + hip_R.y()) ? 1 : -1;
    // the iliac wing: a curved plate from the sacroiliac joint to the crest above the hip
    const Vec3 si = V + Vec3(-0.03, s * 0.045, -0.03), crest = h + Vec3(-0.01, s * 0.35 * w, 0.12);
    const Vec3 c = 0.45 * si + 0.55 * crest + Vec3(0.01, 0, -0.02);
    const Mat3 R = FrameZY(Vec3(0, 0, 1), Vec3(0.55, s * 0.85, 0));  // its face turned out and forwards
    out->push_back(Piece(body, Mesh::kSphere, Pose{R * RotX(s * 0.35), c}, Vec3(0.008, 0.075, 0.07), kBoneColor, "ilium"));
    out->push_back(Segment(body, Mesh::kCapsule, si, h + Vec3(-0.01, 0, 0.03), 0.012, 0.016, Vec3::UnitX(), kBoneColor, "ilium body"));
    // the acetabulum's rim around the femoral head, the rami
    out->push_back(Piece(body, Mesh::kSphere, Pose{Mat3::Identity(), h + Vec3(0, -s * 0.004, 0.002)}, Vec3::Constant(0.028), kBoneColor,
                         "acetabulum"));
    const Vec3 tuber = h + Vec3(-0.02, -s * 0.2 * w, -0.065);
    out->push_back(Segment(body, Mesh::kCapsule, h, symphysis + Vec3(0, s * 0.015, 0.01), 0.009, 0.009, Vec3::UnitZ(), kBoneColor, "pubic ramus"));
    out->push_back(Segment(body, Mesh::kCapsule, h, tuber, 0.012, 0.012, Vec3::UnitX(), kBoneColor, "ischium"));
    out->push_back(Segment(body, Mesh::kCapsule, tuber, symphysis + Vec3(0, s * 0.012, -0.02), 0.008, 0.008, Vec3::UnitZ(), kBoneColor,
                           "ischiopubic ramus"));
  }
}

// the skin around a piece of a limb (a tapered look from overlapping capsules)
void LimbSkin(const Bone& bone, double r0, double r1, std::vector<Bone>* skin) {
  const Vec3 a = bone.X_BG * Vec3(0, 0, -bone.size_m.z()), b = bone.X_BG * Vec3(0, 0, bone.size_m.z());
  const Vec3 m = 0.5 * (a + b);
  skin->push_back(Segment(bone.body, Mesh::kCapsule, a - 0.08 * (b - a), m + 0.1 * (b - a), r0, r0, bone.X_BG.R.col(1), kSkin, "skin"));
  skin->push_back(Segment(bone.body, Mesh::kCapsule, m - 0.1 * (b - a), b + 0.08 * (b - a), r1, r1, bone.X_BG.R.col(1), kSkin, "skin"));
}

// the body surface: an ellipsoid per trunk slice (its contact box, rounded and overlapping the
// next), the head a little larger than the skull, the hips, and capsules around the limbs' bones
void AddSkin(const sim::ModelDesc& model, const std::vector<Bone>& bones, std::vector<Bone>* skin) {
  const int n_spine = std::min<int>(model.bodies.size(), 26);
  for (int b = 0; b < n_spine; ++b) {
    const sim::BodyDesc& body = model.bodies[b];
    if (body.prop || body.shapes.empty()) continue;
    if (b == 0) {
      for (const auto& g : body.geometry)
        if (g.part == "skull") skin->push_back(Piece(0, Mesh::kSkull, g.X_BG, 1.1 * g.size_m, kSkin, "skin"));
      continue;
    }
    // every other slice, each twice as tall (half the overdraw llvmpipe pays for twice: the
    // skin's depth and its colour), the neck one piece on C4, the sacrum's for the lowest slice
    const bool neck = StartsWith(body.name, "C");
    if (neck ? body.name != "C4" : (b % 2 == 0 && body.name != "sacrum")) continue;
    const sim::BoxShapeDesc& sh = body.shapes.front();
    const Vec3 half = neck ? Vec3(0.055, 0.06, 0.075) : Vec3(sh.half_extents_m.x() * 1.05, sh.half_extents_m.y() * 1.05,
                                                             sh.half_extents_m.z() * 3.4);
    const Vec3 c = neck ? Vec3(body.p_BoV_B + Vec3(-0.01, 0, 0)) : sh.center_B;
    skin->push_back(Piece(b, Mesh::kSphere, Pose{Mat3::Identity(), c}, half, kSkin, "skin"));
  }
  for (const Bone& bone : bones) {
    if (bone.part == "humerus") LimbSkin(bone, 0.05, 0.04, skin);
    else if (bone.part == "radius") LimbSkin(bone, 0.038, 0.028, skin);
    else if (bone.part == "femur") LimbSkin(bone, 0.085, 0.06, skin);
    else if (bone.part == "tibia") LimbSkin(bone, 0.058, 0.038, skin);
    else if (bone.part == "palm") skin->push_back(Piece(bone.body, Mesh::kRoundBox, bone.X_BG, 1.35 * bone.size_m, kSkin, "skin"));
    else if (bone.part == "tarsals and metatarsals")
      skin->push_back(Piece(bone.body, Mesh::kRoundBox, bone.X_BG, Vec3(2.2, 1.35, 1.3).cwiseProduct(bone.size_m), kSkin, "skin"));
    else if (bone.part == "acetabulum" && bone.X_BG.p.y() > 0) {  // the hips, once
      Vec3 c = bone.X_BG.p;
      c.y() = 0;
      skin->push_back(Piece(bone.body, Mesh::kSphere, Pose{Mat3::Identity(), c + Vec3(-0.03, 0, 0.04)},
                            Vec3(0.12, bone.X_BG.p.y() + 0.07, 0.12), kSkin, "skin"));
    }
  }
}

// a practitioner's or partner's hand pad as hands and forearms: the palm over the pad, the
// fingers along its length, the forearm away from the patient (the pad's z is its push)
void AddPadHands(const sim::ModelDesc& model, int b, std::vector<Bone>* out) {
  const sim::BodyDesc& body = model.bodies[b];
  for (const sim::BoxShapeDesc& sh : body.shapes) {
    const Vec3 h = sh.half_extents_m;
    // the palm square to the pad's z (its push direction), the fingers along its longer side
    const int thin = 2, along = h.y() >= h.x() ? 1 : 0, across = 1 - along;
    // away from the patient: from the nearest spine body towards the pad
    const Vec3 c_W = body.X_WB * sh.center_B;
    double best = 1e9;
    Vec3 out_W = Vec3::UnitZ();
    for (int i = 0; i < std::min<int>(model.bodies.size(), 26); ++i) {
      if (model.bodies[i].prop) continue;
      const Vec3 d = c_W - model.bodies[i].X_WB.p;
      if (d.norm() < best) best = d.norm(), out_W = d.normalized();
    }
    Vec3 normal_B = Vec3::Zero();
    normal_B[thin] = 1;
    if ((body.X_WB.R * normal_B).dot(out_W) < 0) normal_B = -normal_B;
    Vec3 along_B = Vec3::Zero(), across_B = Vec3::Zero();
    along_B[along] = 1, across_B[across] = 1;
    // two hands side by side when the pad is wider than one hand
    const int hands = 2 * h[across] > 0.14 ? 2 : 1;
    for (int k = 0; k < hands; ++k) {
      const double off = hands == 2 ? (k == 0 ? -0.5 : 0.5) * h[across] : 0.0;
      const double L = std::clamp(1.2 * h[along], 0.08, 0.11);  // [m] the palm
      const Vec3 wrist = sh.center_B + across_B * off - along_B * 0.6 * L + normal_B * 0.3 * h[thin];
      AddHand(b, wrist, along_B, across_B * (k == 0 ? -1 : 1), L, kHandColor, out);
      // the forearm: from the wrist up and back, away from the patient
      const Vec3 elbow = wrist + (normal_B * 0.85 - along_B * 0.5).normalized() * 0.26;
      out->push_back(Segment(b, Mesh::kCapsule, wrist - along_B * 0.01, elbow, 0.028, 0.024, across_B, kHandColor, "forearm (practitioner)"));
    }
  }
}

// a four-legged seat: legs from the seat's corners down to the floor (or 0.45 m)
void AddSeatLegs(const Pose& X_W_seat, const Vec3& half, double floor_z, std::vector<Bone>* out) {
  for (int i : {-1, 1})
    for (int j : {-1, 1}) {
      const Vec3 top = X_W_seat * Vec3(i * 0.85 * half.x(), j * 0.85 * half.y(), -half.z());
      const Vec3 bottom(top.x(), top.y(), std::min(top.z() - 0.05, floor_z));
      out->push_back(Segment(-1, Mesh::kCylinder, top, bottom, 0.018, 0.018, Vec3::UnitY(), kWood, "chair leg"));
    }
}

}  // namespace

Pose PieceInWorld(const Bone& bone, const std::vector<Pose>& X_WB) {
  if (bone.body < 0 || static_cast<size_t>(bone.body) >= X_WB.size()) return bone.X_BG;
  return X_WB[bone.body] * bone.X_BG;
}

// [SECTION] BuildSkeleton

Skeleton BuildSkeleton(const sim::ModelDesc& model, const sim::Scenario& scenario, const sim::SpineParams* params) {
  Skeleton sk;
  const std::string& posture = scenario.posture;
  const sim::Subject& subject = scenario.subject;
  const int nb = static_cast<int>(model.bodies.size());
  // every body's parts
  for (int b = 0; b < nb; ++b) {
    if (model.bodies[b].prop) {
      AddPadHands(model, b, &sk.bones);
      continue;
    }
    const std::vector<Bone> p = BodyPieces(b, model.bodies[b]);
    sk.bones.insert(sk.bones.end(), p.begin(), p.end());
  }
  // the reference with the limbs as bodies in the scenario's pose (as the scene would build
  // them): where the lumped parts are
  std::optional<sim::ModelDesc> ref;
  if (params) {
    const sim::ScenarioLimbPose lp = sim::LimbPoseOf(scenario);
    sim::SpineBuildOptions o;
    o.limbs_pose = lp.pose;
    o.limbs_hip_flexion_rad = lp.hip_flexion_rad;
    o.arms = false;  // (the limbs as bodies replace the lumped arms)
    o.muscle_tone = false;
    if (lp.pose == "hanging") o.fix_sacrum = false;  // (held by the hands)
    auto built = sim::BuildSpineModel(*params, subject, o);
    if (built) ref = std::move(built).value();
  }
  const bool cage_bodies = model.FindBody("rib 1 L") >= 0, limb_bodies = model.FindBody("thigh L") >= 0;
  if (ref && !cage_bodies) sk.lumped_ribs = AddLumpedRibs(model, *ref, *params, subject, &sk.bones);
  if (ref && !limb_bodies) {
    AddLumpedLimbs(model, *ref, &sk.bones);
    sk.lumped_limbs = true;
  }
  // the pelvis around the hip joint centres (the model's, else the reference's)
  const int sacrum = model.FindBody("sacrum");
  if (sacrum >= 0) {
    Vec3 hip[2] = {Vec3(0.04, 0.09, -0.09), Vec3(0.04, -0.09, -0.09)};  // assumed without either (S1 frame ~ V)
    hip[0] += model.bodies[sacrum].p_BoV_B, hip[1] += model.bodies[sacrum].p_BoV_B;
    const sim::ModelDesc* src = limb_bodies ? &model : ref ? &*ref : nullptr;
    if (src)
      for (const sim::BushingDesc& e : src->bushings)
        if (e.name == "hip L" || e.name == "hip R") hip[e.name == "hip L" ? 0 : 1] = e.X_AF.p;  // in the sacrum's B
    AddPelvis(sacrum, model.bodies[sacrum], hip[0], hip[1], &sk.bones);
  }
  // the objects: a chair under a seated pelvis, legs under a chair's seat, the bar in the hands
  double floor_z = -1e9;
  for (const sim::EnvironmentDesc& e : model.environment)
    if (e.shape == sim::EnvShape::kPlane) floor_z = std::max(floor_z, e.X_WE.p.z());
  bool seat = false;
  for (const sim::EnvironmentDesc& e : model.environment)
    if (e.shape == sim::EnvShape::kBox && e.name.find("seat") != std::string::npos) {
      AddSeatLegs(e.X_WE, e.half_extents_m, floor_z > -1e8 ? floor_z : e.X_WE.p.z() - 0.45, &sk.bones);
      seat = true;
    }
  if (posture == "seated" && !seat && sacrum >= 0) {  // a stool under the ischia
    const Pose& X = model.bodies[sacrum].X_WB;
    const Vec3 top = X * (model.bodies[sacrum].p_BoV_B + Vec3(0.06, 0, -0.17));
    const Pose X_seat{Mat3::Identity(), Vec3(top.x() + 0.12, top.y(), top.z() - 0.025)};
    const Vec3 half(0.24, 0.23, 0.025);
    sk.bones.push_back(Piece(-1, Mesh::kRoundBox, X_seat, half, kWood, "chair seat"));
    AddSeatLegs(X_seat, half, floor_z > -1e8 ? floor_z : top.z() - 0.45, &sk.bones);
  }
  if (posture == "hanging") {  // the bar through both hands (their palms at the first frame)
    std::vector<Pose> X_WB;
    for (const auto& body : model.bodies) X_WB.push_back(body.X_WB);
    std::vector<Vec3> palms;
    for (const Bone& b : sk.bones)
      if (b.part == "palm") palms.push_back(PieceInWorld(b, X_WB).p);
    if (palms.size() >= 2) {
      Vec3 c = Vec3::Zero();
      for (const Vec3& p : palms) c += p;
      c /= static_cast<double>(palms.size());
      const Vec3 a = c - Vec3(0, 0.6, 0), b = c + Vec3(0, 0.6, 0);
      sk.bones.push_back(Segment(-1, Mesh::kCylinder, a, b, 0.016, 0.016, Vec3::UnitZ(), kMetal, "bar"));
    }
  }
  AddSkin(model, sk.bones, &sk.skin);
  return sk;
}

}  // namespace spinelab::viz

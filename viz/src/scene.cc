// Model + frame -> draw list (see scene.h).
#include "spinelab/viz/scene.h"

#include "spinelab/viz/skeleton.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace spinelab::viz {

namespace {
Eigen::Matrix4f Transform(const Pose& X, const Vec3& scale) {
  Eigen::Matrix4f M = Eigen::Matrix4f::Identity();
  M.block<3, 3>(0, 0) = (X.R * scale.asDiagonal()).cast<float>();
  M.block<3, 1>(0, 3) = X.p.cast<float>();
  return M;
}
// rotation taking z to the unit vector n
Mat3 AlignZ(const Vec3& n) { return Eigen::Quaterniond::FromTwoVectors(Vec3::UnitZ(), n).toRotationMatrix(); }

const Rgba kBone{0.90f, 0.86f, 0.76f, 1.0f};
const Rgba kBoneSelected{1.0f, 0.78f, 0.30f, 1.0f};
const Rgba kProp{0.85f, 0.62f, 0.50f, 1.0f};
const Rgba kObject{0.45f, 0.50f, 0.58f, 1.0f};
const Rgba kFloor{0.30f, 0.32f, 0.36f, 1.0f};
const Rgba kBubble{0.55f, 0.85f, 1.0f, 0.9f};
const Rgba kAppliedForce{0.9f, 0.25f, 0.25f, 1.f};
const Rgba kAppliedTorque{0.75f, 0.3f, 0.9f, 1.f};
constexpr double kShortestArrow_m = 1e-3;  // loads whose arrow would be shorter are not drawn

// a torque arrow: the axis (right-hand rule, length ∝ torque) from `at`, and a 3/4 turn of beads
// around it ending in a larger bead, so the sense of rotation shows
double TorqueAxisLength(const Vec3& M, const SceneOptions& opt) { return M.norm() * opt.arrow_m_per_Nm; }
Vec3 TorqueAxisTip(const Vec3& at, const Vec3& M, const SceneOptions& opt) {
  return at + M.normalized() * TorqueAxisLength(M, opt);
}
std::string Magnitude(double v, const char* unit) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), v >= 10 ? "%.0f %s" : "%.1f %s", v, unit);
  return buf;
}
}  // namespace

const char* QuantityName(FacetQuantity q) {
  switch (q) {
    case FacetQuantity::kGap: return "facet gap [mm]";
    case FacetQuantity::kFluidPressure: return "fluid pressure [kPa]";
    case FacetQuantity::kCapsuleStrain: return "capsule strain [-]";
    case FacetQuantity::kContactForce: return "contact force [N]";
  }
  return "";
}

Range QuantityRange(FacetQuantity q, const sim::ModelDesc& model) {
  switch (q) {
    case FacetQuantity::kGap: return {-0.2, 1.5};
    case FacetQuantity::kFluidPressure: return {-100, 50};
    case FacetQuantity::kCapsuleStrain: {  // up to the pain-behaviour strain
      double pain = 0;
      for (const sim::SynovialJointDesc& f : model.synovial_joints)
        if (f.has_capsule) pain = std::max(pain, f.capsule.pain_strain);
      return {0.0, pain > 0 ? pain : 1.0};  // no capsule: strain up to 1
    }
    case FacetQuantity::kContactForce: return {0.0, 150.0};
  }
  return {};
}

double DisplayValue(FacetQuantity q, double v) {
  switch (q) {
    case FacetQuantity::kGap: return v * 1e3;
    case FacetQuantity::kFluidPressure: return v * 1e-3;
    default: return v;
  }
}

double Frame::Value(FacetQuantity q, size_t f) const {
  const std::vector<double>* v = nullptr;
  switch (q) {
    case FacetQuantity::kGap: v = &facet_gap_m; break;
    case FacetQuantity::kFluidPressure: v = &facet_pressure_Pa; break;
    case FacetQuantity::kCapsuleStrain: v = &facet_capsule_strain; break;
    case FacetQuantity::kContactForce: v = &facet_contact_N; break;
  }
  return f < v->size() ? (*v)[f] : 0.0;
}

Range DiscRange(DiscQuantity q) {
  return q == DiscQuantity::kShear ? Range{0.0, 300.0} : Range{0.0, 2.0};
}

int Pick(const std::vector<DrawItem>& items, const Eigen::Vector3f& origin, const Eigen::Vector3f& direction) {
  int best = -1;
  float best_t = 1e30f;
  for (size_t i = 0; i < items.size(); ++i) {
    const DrawItem& it = items[i];
    if (it.mesh == Mesh::kPlane || (it.body < 0 && it.facet < 0)) continue;
    // the ray in the unit mesh's space; slab test against [-1,1]^3 (spheres and cylinders:
    // their bounding cube, good enough to pick)
    const Eigen::Matrix4f inv = it.model.inverse();
    const Eigen::Vector3f o = (inv * origin.homogeneous()).head<3>();
    const Eigen::Vector3f d = inv.block<3, 3>(0, 0) * direction;
    float t0 = 0, t1 = 1e30f;
    bool hit = true;
    for (int a = 0; a < 3 && hit; ++a) {
      if (std::abs(d[a]) < 1e-12f) {
        hit = std::abs(o[a]) <= 1;
        continue;
      }
      float ta = (-1 - o[a]) / d[a], tb = (1 - o[a]) / d[a];
      if (ta > tb) std::swap(ta, tb);
      t0 = std::max(t0, ta), t1 = std::min(t1, tb);
      hit = t0 <= t1;
    }
    // the joints sit inside the bone around them: any joint on the ray wins over bone
    const float t = t0 - (it.facet >= 0 ? 1e3f : 0.0f);
    if (hit && t < best_t) best_t = t, best = static_cast<int>(i);
  }
  return best;
}

Rgba ColorMap(double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  // blue (0.23,0.30,0.75) -> light grey (0.87) -> red (0.71,0.02,0.15): a diverging map
  const float lo[3] = {0.23f, 0.30f, 0.75f}, mid[3] = {0.87f, 0.87f, 0.87f}, hi[3] = {0.71f, 0.02f, 0.15f};
  Rgba c;
  const float s = static_cast<float>(t < 0.5 ? t * 2 : (t - 0.5) * 2);
  const float* a = t < 0.5 ? lo : mid;
  const float* b = t < 0.5 ? mid : hi;
  c.r = a[0] + s * (b[0] - a[0]);
  c.g = a[1] + s * (b[1] - a[1]);
  c.b = a[2] + s * (b[2] - a[2]);
  return c;
}

std::vector<DrawItem> BuildDrawList(const sim::ModelDesc& model, const Frame& frame, const SceneOptions& opt) {
  std::vector<DrawItem> out;
  const size_t nb = std::min(model.bodies.size(), frame.X_WB.size());
  // bodies: the figure's bones (skeleton.h), else each body's procedural parts as they are
  if (opt.skeleton) {
    for (const Bone& bone : opt.skeleton->bones) {
      if (bone.body >= static_cast<int>(nb)) continue;
      DrawItem it;
      it.mesh = bone.mesh;
      it.model = Transform(PieceInWorld(bone, frame.X_WB), bone.size_m);
      it.color = bone.body >= 0 && bone.body == opt.selected_body ? kBoneSelected : bone.color;
      it.body = bone.body;
      out.push_back(it);
    }
  } else {
    for (size_t b = 0; b < nb; ++b) {
      const sim::BodyDesc& body = model.bodies[b];
      const Pose& X = frame.X_WB[b];
      const Rgba base = static_cast<int>(b) == opt.selected_body ? kBoneSelected : body.prop ? kProp : kBone;
      for (const sim::GeometryPrimitive& g : body.geometry) {
        if (g.part.rfind("facet", 0) == 0) continue;  // drawn as joints below
        DrawItem it;
        it.mesh = g.kind == sim::PrimitiveKind::kBox ? Mesh::kBox : g.kind == sim::PrimitiveKind::kCylinder ? Mesh::kCylinder : Mesh::kSphere;
        it.model = Transform(X * g.X_BG, g.size_m);
        it.color = base;
        it.body = static_cast<int>(b);
        out.push_back(it);
      }
    }
  }
  // intervertebral discs coloured by shear or pressure: a flat cylinder at the disc mid-frame
  if (opt.disc_quantity != DiscQuantity::kNone) {
    const Range dr = DiscRange(opt.disc_quantity);
    const std::vector<double>& v = opt.disc_quantity == DiscQuantity::kShear ? frame.disc_shear_N : frame.disc_pressure_Pa;
    for (size_t l = 0; l < model.joints.size() && l < v.size(); ++l) {
      const sim::JointDesc& L = model.joints[l];
      if (L.lower < 0 || static_cast<size_t>(L.lower) >= nb) continue;
      const sim::BodyDesc& lower = model.bodies[L.lower];
      double rx = 0.02, ry = 0.02;
      for (const sim::GeometryPrimitive& g : lower.geometry)
        if (g.part == "body") rx = g.size_m.x(), ry = g.size_m.y();
      DrawItem it;
      it.mesh = Mesh::kCylinder;
      it.model = Transform(frame.X_WB[L.lower] * L.X_LD, Vec3(rx, ry, 0.003));
      const double x = opt.disc_quantity == DiscQuantity::kShear ? v[l] : v[l] * 1e-6;
      it.color = ColorMap((x - dr.lo) / (dr.hi - dr.lo));
      out.push_back(it);
    }
  }
  // facet joints: a disc on the lower body's articular surface, coloured by the quantity; a
  // bubble while the joint holds gas
  const Range r = QuantityRange(opt.facet_quantity, model);
  for (size_t f = 0; f < model.synovial_joints.size(); ++f) {
    const sim::SynovialJointDesc& fd = model.synovial_joints[f];
    if (fd.body_a < 0 || static_cast<size_t>(fd.body_a) >= nb) continue;
    const Pose& XA = frame.X_WB[fd.body_a];
    const Vec3 p = XA * fd.p_AoP_A, n = XA.R * fd.n_A;
    const double radius = std::sqrt(std::max(fd.area_m2, 1e-6) / kPi);
    DrawItem it;
    it.mesh = Mesh::kCylinder;
    it.model = Transform(Pose{AlignZ(n), p}, Vec3(radius, radius, 0.0015));
    const double v = DisplayValue(opt.facet_quantity, frame.Value(opt.facet_quantity, f));
    it.color = ColorMap((v - r.lo) / (r.hi - r.lo));
    if (static_cast<int>(f) == opt.selected_facet) it.color = kBoneSelected;
    it.facet = static_cast<int>(f);
    out.push_back(it);
    const double rb = f < frame.facet_bubble_radius_m.size() ? frame.facet_bubble_radius_m[f] : 0.0;
    if (rb > 1e-5) {
      DrawItem bubble;
      bubble.mesh = Mesh::kSphere;
      const double shown = std::max(rb, 0.0015);  // visible even when small
      bubble.model = Transform(Pose{Mat3::Identity(), p + n * (0.002 + shown)}, Vec3::Constant(shown));
      bubble.color = kBubble;
      bubble.facet = static_cast<int>(f);
      out.push_back(bubble);
    }
  }
  // hand pads (bodies without drawable parts but with a contact box; the skeleton draws them as
  // hands)
  for (size_t b = 0; b < nb && !opt.skeleton; ++b) {
    const sim::BodyDesc& body = model.bodies[b];
    if (!body.prop) continue;
    for (const sim::BoxShapeDesc& s : body.shapes) {
      DrawItem it;
      it.mesh = Mesh::kBox;
      it.model = Transform(frame.X_WB[b] * Pose{Mat3::Identity(), s.center_B}, s.half_extents_m);
      it.color = kProp;
      it.body = static_cast<int>(b);
      out.push_back(it);
    }
  }
  // arrows: contact forces (green) and disc shear on the upper body (orange), length ∝ force
  if (opt.arrows) {
    auto arrow = [&](const Vec3& at, const Vec3& F, const Rgba& c) {
      const double len = F.norm() * opt.arrow_m_per_N;
      if (len < kShortestArrow_m) return;
      const Mat3 R = AlignZ(F.normalized());
      DrawItem shaft;
      shaft.mesh = Mesh::kCylinder;
      shaft.model = Transform(Pose{R, at + R * Vec3(0, 0, 0.5 * len)}, Vec3(0.0015, 0.0015, 0.5 * len));
      shaft.color = c;
      out.push_back(shaft);
      DrawItem head;
      head.mesh = Mesh::kSphere;
      head.model = Transform(Pose{R, at + R * Vec3(0, 0, len)}, Vec3::Constant(0.004));
      head.color = c;
      out.push_back(head);
    };
    for (const Frame::Arrow& a : frame.contact_forces) arrow(a.at_W, a.force_W, Rgba{0.3f, 0.85f, 0.4f, 1.f});
    for (const Frame::Arrow& a : frame.applied_forces) arrow(a.at_W, a.force_W, kAppliedForce);
    for (const Frame::TorqueArrow& a : frame.applied_torques) {
      const double len = TorqueAxisLength(a.torque_W, opt);
      if (len < kShortestArrow_m) continue;
      const Vec3 axis = a.torque_W.normalized();
      const Mat3 R = AlignZ(axis);
      DrawItem shaft;
      shaft.mesh = Mesh::kCylinder;
      shaft.model = Transform(Pose{R, a.at_W + axis * (0.5 * len)}, Vec3(0.0015, 0.0015, 0.5 * len));
      shaft.color = kAppliedTorque;
      out.push_back(shaft);
      // the turn: counter-clockwise seen from the axis tip (the right-hand rule), at 60 % of the axis
      const double ring = std::clamp(0.25 * len, 0.02, 0.06);
      const Vec3 centre = a.at_W + axis * (0.6 * len);
      constexpr int kBeads = 18;
      for (int i = 0; i <= kBeads; ++i) {
        const double phi = 1.5 * kPi * i / kBeads;
        DrawItem bead;
        bead.mesh = Mesh::kSphere;
        const double r = i == kBeads ? 0.005 : 0.0022;
        bead.model = Transform(Pose{Mat3::Identity(), centre + R * Vec3(ring * std::cos(phi), ring * std::sin(phi), 0)}, Vec3::Constant(r));
        bead.color = kAppliedTorque;
        out.push_back(bead);
      }
    }
    for (size_t l = 0; l < frame.disc_shear_W.size() && l < model.joints.size(); ++l) {
      const sim::JointDesc& L = model.joints[l];
      if (L.lower < 0 || static_cast<size_t>(L.lower) >= nb) continue;
      arrow((frame.X_WB[L.lower] * L.X_LD).p, frame.disc_shear_W[l], Rgba{1.f, 0.6f, 0.15f, 1.f});
    }
  }
  // the trunk's soft tissue: each body's contact slice, translucent (drawn after the opaque items)
  if (opt.tissue)
    for (size_t b = 0; b < nb; ++b) {
      const sim::BodyDesc& body = model.bodies[b];
      if (body.prop || body.geometry.empty() || body.shapes.empty() || b == 0) continue;  // not the skull box
      const sim::BoxShapeDesc& sh = body.shapes.front();
      DrawItem it;
      it.mesh = Mesh::kBox;
      it.model = Transform(frame.X_WB[b] * Pose{Mat3::Identity(), sh.center_B}, sh.half_extents_m);
      it.color = Rgba{0.85f, 0.65f, 0.55f, 0.12f};
      it.body = static_cast<int>(b);
      out.push_back(it);
    }
  // the scene's static objects
  for (const sim::EnvironmentDesc& e : model.environment) {
    DrawItem it;
    it.color = kObject;
    switch (e.shape) {
      case sim::EnvShape::kPlane:
        it.mesh = Mesh::kPlane;
        it.model = Transform(e.X_WE, Vec3(1.5, 1.5, 1.0));
        it.color = kFloor;
        break;
      case sim::EnvShape::kBox:
        it.mesh = Mesh::kBox;
        it.model = Transform(e.X_WE, e.half_extents_m);
        break;
      case sim::EnvShape::kCylinder:  // axis = the object's y
        it.mesh = Mesh::kCylinder;
        it.model = Transform(e.X_WE * Pose{RotX(-0.5 * kPi), Vec3::Zero()},
                             Vec3(e.half_extents_m.x(), e.half_extents_m.x(), e.half_extents_m.y()));
        break;
    }
    out.push_back(it);
  }
  // soft shadows on the floor: a dark translucent blob under each bone (the larger pieces), fading
  // with its height above the floor
  double floor_z = -1e9;
  for (const sim::EnvironmentDesc& e : model.environment)
    if (e.shape == sim::EnvShape::kPlane) floor_z = std::max(floor_z, e.X_WE.p.z());
  if (opt.shadows && floor_z > -1e8) {
    auto blob = [&](const Pose& X_WG, const Vec3& size) {
      const double h = X_WG.p.z() - floor_z;
      if (h < -0.05 || h > 1.4) return;
      Vec3 along = X_WG.R.col(2) * size.z();
      along.z() = 0;
      const double width = std::max(size.x(), size.y()) * 1.6 + 0.02 * h;
      const double len = std::max(width, along.norm() + 0.02 * h);
      DrawItem it;
      it.mesh = Mesh::kCylinder;
      const Vec3 dir = along.norm() > 1e-6 ? Vec3(along.normalized()) : Vec3(Vec3::UnitX());
      Mat3 R;
      R.col(0) = dir, R.col(2) = Vec3::UnitZ(), R.col(1) = R.col(2).cross(R.col(0));
      it.model = Transform(Pose{R, Vec3(X_WG.p.x(), X_WG.p.y(), floor_z + 0.002)}, Vec3(len, width, 0.0005));
      it.color = Rgba{0.f, 0.f, 0.f, static_cast<float>(0.22 * std::clamp(1.0 - h / 1.4, 0.0, 1.0))};
      out.push_back(it);
    };
    if (opt.skeleton) {
      for (const Bone& bone : opt.skeleton->bones)
        if (bone.body >= 0 && bone.body < static_cast<int>(nb) &&
            (bone.mesh == Mesh::kLongBone || bone.mesh == Mesh::kSkull || bone.part == "vertebral body" || bone.part == "palm" ||
             bone.part == "tarsals and metatarsals" || bone.part == "ilium"))
          blob(PieceInWorld(bone, frame.X_WB), bone.size_m);
    } else {
      for (size_t b = 0; b < nb; ++b)
        if (!model.bodies[b].prop) blob(frame.X_WB[b], Vec3(0.03, 0.03, 0.0));
    }
  }
  // the body surface (skin), translucent, drawn as one layer after everything else
  if (opt.skin && opt.skeleton)
    for (const Bone& piece : opt.skeleton->skin) {
      if (piece.body >= static_cast<int>(nb)) continue;
      DrawItem it;
      it.mesh = piece.mesh;
      it.model = Transform(PieceInWorld(piece, frame.X_WB), piece.size_m);
      it.color = piece.color;
      it.skin = true;
      out.push_back(it);
    }
  return out;
}

std::vector<Label> ArrowLabels(const Frame& frame, const SceneOptions& opt) {
  std::vector<Label> out;
  if (!opt.arrows) return out;
  for (const Frame::Arrow& a : frame.applied_forces) {
    const double F = a.force_W.norm();
    if (F * opt.arrow_m_per_N < kShortestArrow_m) continue;
    out.push_back({a.at_W + a.force_W * opt.arrow_m_per_N, Magnitude(F, "N"), kAppliedForce});
  }
  for (const Frame::TorqueArrow& a : frame.applied_torques) {
    if (TorqueAxisLength(a.torque_W, opt) < kShortestArrow_m) continue;
    out.push_back({TorqueAxisTip(a.at_W, a.torque_W, opt), Magnitude(a.torque_W.norm(), "N\u00b7m"), kAppliedTorque});
  }
  return out;
}

CloseUp BuildCloseUp(const sim::ModelDesc& model, const Frame& frame, int facet) {
  CloseUp c;
  const size_t nb = std::min(model.bodies.size(), frame.X_WB.size());
  if (facet < 0 || static_cast<size_t>(facet) >= model.synovial_joints.size()) return c;
  const sim::SynovialJointDesc& fd = model.synovial_joints[facet];
  auto pose = [&](sim::BodyId b) { return b >= 0 && static_cast<size_t>(b) < nb ? frame.X_WB[b] : Pose{}; };
  if (fd.body_a >= static_cast<int>(nb) || fd.body_b >= static_cast<int>(nb)) return c;
  const Pose XA = pose(fd.body_a), XB = pose(fd.body_b);
  const Vec3 P = XA * fd.p_AoP_A, Q = XB * fd.p_BoQ_B, n = (XA.R * fd.n_A).normalized();
  // the gap the engine reports (its one home), else the surfaces' distance along the normal
  const double gap = static_cast<size_t>(facet) < frame.facet_gap_m.size() ? frame.facet_gap_m[facet] : n.dot(Q - P);
  const Vec3 slide = (Q - P) - n * n.dot(Q - P);  // tangential offset of B's surface
  const double r = std::sqrt(std::max(fd.area_m2, 1e-6) / kPi);
  c.centre_W = 0.5 * (P + Q);
  c.normal_W = n;
  c.radius_m = r;
  c.gap_m = gap;
  const Mat3 R = AlignZ(n);
  const double half_gap = 0.5 * kCloseUpGapScale * gap;  // drawn, signed
  constexpr double kCartilage_m = 0.001;                 // drawn thickness of each surface
  auto value = [&](const std::vector<double>& v) { return static_cast<size_t>(facet) < v.size() ? v[facet] : 0.0; };
  auto disc = [&](const Vec3& at, double radius, double half_height, const Rgba& col) {
    DrawItem it;
    it.mesh = Mesh::kCylinder;
    it.model = Transform(Pose{R, at}, Vec3(radius, radius, half_height));
    it.color = col;
    it.facet = facet;
    c.items.push_back(it);
  };
  // the two surfaces: A's below the film, B's above it, B moved by its slide
  disc(c.centre_W - n * (half_gap + 0.5 * kCartilage_m) - 0.5 * slide, r, 0.5 * kCartilage_m, kBone);
  disc(c.centre_W + n * (half_gap + 0.5 * kCartilage_m) + 0.5 * slide, r, 0.5 * kCartilage_m, kBone);
  // the fluid film (where the surfaces stand apart), coloured by its pressure
  if (gap > 0) {
    const Range pr = QuantityRange(FacetQuantity::kFluidPressure, model);
    const double p = DisplayValue(FacetQuantity::kFluidPressure, value(frame.facet_pressure_Pa));
    disc(c.centre_W, 0.95 * r, half_gap, ColorMap((p - pr.lo) / (pr.hi - pr.lo)));
  }
  // the gas cavity, at its radius
  const double rb = value(frame.facet_bubble_radius_m);
  if (rb > 1e-6) {
    DrawItem bubble;
    bubble.mesh = Mesh::kSphere;
    bubble.model = Transform(Pose{Mat3::Identity(), c.centre_W}, Vec3::Constant(rb));
    bubble.color = kBubble;
    bubble.facet = facet;
    c.items.push_back(bubble);
  }
  // the capsule around both surfaces, translucent (drawn last), coloured by its strain
  if (fd.has_capsule) {
    const Range sr = QuantityRange(FacetQuantity::kCapsuleStrain, model);
    Rgba col = ColorMap((value(frame.facet_capsule_strain) - sr.lo) / (sr.hi - sr.lo));
    col.a = 0.35f;
    disc(c.centre_W, 1.15 * r, std::abs(half_gap) + 1.5 * kCartilage_m, col);
  }
  return c;
}

std::string CloseUpCaption(const sim::ModelDesc& model, const Frame& frame, int facet) {
  if (facet < 0 || static_cast<size_t>(facet) >= model.synovial_joints.size()) return "";
  const CloseUp c = BuildCloseUp(model, frame, facet);
  if (c.items.empty()) return "";
  auto value = [&](const std::vector<double>& v) { return static_cast<size_t>(facet) < v.size() ? v[facet] : 0.0; };
  char buf[256];
  int n = std::snprintf(buf, sizeof(buf), "%s  gap %.2f mm (drawn x%.0f)\nfluid %.0f kPa", model.synovial_joints[facet].name.c_str(),
                        c.gap_m * 1e3, kCloseUpGapScale, value(frame.facet_pressure_Pa) * 1e-3);
  if (model.synovial_joints[facet].has_capsule && n > 0 && n < static_cast<int>(sizeof(buf)))
    n += std::snprintf(buf + n, sizeof(buf) - n, "  capsule %.2f", value(frame.facet_capsule_strain));
  const double rb = value(frame.facet_bubble_radius_m);
  if (rb > 1e-6 && n > 0 && n < static_cast<int>(sizeof(buf))) std::snprintf(buf + n, sizeof(buf) - n, "\ngas r %.2f mm", rb * 1e3);
  return buf;
}

}  // namespace spinelab::viz

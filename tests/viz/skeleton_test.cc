// The figure as bones without OpenGL: the unit meshes are closed, finite and face outwards; every
// body of a limbs-as-bodies model gets bones; the bones are mirror-symmetric in a symmetric pose;
// a lumped model still gets its ribs, arms and legs, in the posture's pose; the skin and the
// shadows are drawn when asked.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <gtest/gtest.h>

#include "spinelab/scenario/scenario.h"
#include "spinelab/viz/meshes.h"
#include "spinelab/viz/skeleton.h"

namespace spinelab::viz {
namespace {

struct Scene {
  sim::SpineParams params;
  sim::Scenario scenario;
  sim::ModelDesc model;
  Skeleton skeleton;
  std::vector<Pose> X_WB;  // the model's first poses
};

Scene Load(const std::string& name, const std::vector<std::string>& set = {}) {
  Scene s;
  s.params = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  s.scenario = sim::LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", set).value();
  s.model = sim::BuildScenarioModel(s.scenario, s.params).value();
  s.skeleton = BuildSkeleton(s.model, s.scenario, &s.params);
  for (const sim::BodyDesc& b : s.model.bodies) s.X_WB.push_back(b.X_WB);
  return s;
}

int Count(const Skeleton& sk, const std::string& part) {
  return static_cast<int>(std::count_if(sk.bones.begin(), sk.bones.end(), [&](const Bone& b) { return b.part == part; }));
}
Vec3 Centre(const Scene& s, const std::string& part, int side) {  // the piece of that part on side +1 (y > 0) or -1
  for (const Bone& b : s.skeleton.bones)
    if (b.part == part) {
      const Vec3 p = PieceInWorld(b, s.X_WB).p;
      if ((p.y() - s.X_WB[s.model.FindBody("sacrum")].p.y()) * side > 0) return p;
    }
  ADD_FAILURE() << "no " << part << " on side " << side;
  return Vec3::Zero();
}

// [-] tolerances: meshes are built in float; welded vertices closer than this are one
constexpr float kWeld = 1e-4f;

TEST(VizMeshes, EveryUnitMeshIsClosedFiniteAndFacesOutwards) {
  for (int m = 0; m < static_cast<int>(Mesh::kCount); ++m) {
    const TriMesh t = UnitMesh(static_cast<Mesh>(m));
    SCOPED_TRACE("mesh " + std::to_string(m));
    ASSERT_GT(t.position.size(), 0u);
    ASSERT_EQ(t.position.size() % 3, 0u);
    ASSERT_EQ(t.normal.size(), t.position.size());
    for (size_t i = 0; i < t.position.size(); ++i) {
      ASSERT_TRUE(t.position[i].allFinite() && t.normal[i].allFinite());
      ASSERT_NEAR(t.normal[i].norm(), 1.f, 1e-4f);
      ASSERT_LE(t.position[i].cwiseAbs().maxCoeff(), 1.0f + 1e-4f) << "inside the unit cube the item's matrix scales";
    }
    // each triangle is wound counter-clockwise about its vertex normals
    for (size_t k = 0; k < t.position.size(); k += 3) {
      const Eigen::Vector3f g = (t.position[k + 1] - t.position[k]).cross(t.position[k + 2] - t.position[k]);
      ASSERT_GT(g.dot(t.normal[k] + t.normal[k + 1] + t.normal[k + 2]), 0.f) << "triangle " << k / 3;
    }
    if (static_cast<Mesh>(m) == Mesh::kPlane) continue;  // the floor: one-sided, open
    // closed: every edge (welded vertices) is used once in each direction, and the enclosed
    // volume (divergence theorem) is positive: the surface faces outwards
    auto key = [](const Eigen::Vector3f& p) {
      return std::make_tuple(std::lround(p.x() / kWeld), std::lround(p.y() / kWeld), std::lround(p.z() / kWeld));
    };
    std::map<std::pair<decltype(key(t.position[0])), decltype(key(t.position[0]))>, int> edges;
    double volume = 0;
    for (size_t k = 0; k < t.position.size(); k += 3) {
      for (int e = 0; e < 3; ++e) ++edges[{key(t.position[k + e]), key(t.position[k + (e + 1) % 3])}];
      volume += t.position[k].dot(t.position[k + 1].cross(t.position[k + 2])) / 6.0;
    }
    for (const auto& [e, n] : edges) {
      ASSERT_EQ(n, 1) << "an edge used twice the same way";
      ASSERT_EQ(edges.count({e.second, e.first}), 1u) << "an open edge";
    }
    EXPECT_GT(volume, 0.3) << "encloses its volume, facing out";
  }
  // the sphere's volume converges on 4/3 pi from below (an inscribed polyhedron)
  const TriMesh s = UnitMesh(Mesh::kSphere);
  double v = 0;
  for (size_t k = 0; k < s.position.size(); k += 3) v += s.position[k].dot(s.position[k + 1].cross(s.position[k + 2])) / 6.0;
  EXPECT_LT(v, 4.0 / 3.0 * kPi);
  EXPECT_GT(v, 0.9 * 4.0 / 3.0 * kPi);
}

// the welded (indexed) mesh the renderer draws is the triangle list corner for corner, with the
// smooth surfaces' grid points shared: a fraction of the corners to shade
TEST(VizMeshes, TheWeldedMeshIsTheTriangleListWithSharedVertices) {
  for (int m = 0; m < static_cast<int>(Mesh::kCount); ++m) {
    SCOPED_TRACE("mesh " + std::to_string(m));
    const TriMesh t = UnitMesh(static_cast<Mesh>(m));
    const IndexedMesh w = Weld(t);
    ASSERT_EQ(w.index.size(), t.position.size());
    ASSERT_EQ(w.position.size(), w.normal.size());
    for (size_t i = 0; i < w.index.size(); ++i) {
      ASSERT_LT(w.index[i], w.position.size());
      ASSERT_EQ(w.position[w.index[i]], t.position[i]) << "corner " << i;
      ASSERT_EQ(w.normal[w.index[i]], t.normal[i]) << "corner " << i;
    }
    // every vertex is used; the curved meshes share each grid point among its triangles
    std::vector<bool> used(w.position.size(), false);
    for (std::uint32_t k : w.index) used[k] = true;
    EXPECT_TRUE(std::all_of(used.begin(), used.end(), [](bool u) { return u; }));
    const Mesh mesh = static_cast<Mesh>(m);
    if (mesh == Mesh::kSphere || mesh == Mesh::kCapsule || mesh == Mesh::kRoundBox || mesh == Mesh::kLongBone || mesh == Mesh::kSkull)
      EXPECT_LT(w.position.size() * 4, t.position.size()) << "a quarter of the corners or fewer";
    else
      EXPECT_LE(w.position.size(), t.position.size());
  }
}

TEST(VizSkeleton, EveryBodyOfALimbsAsBodiesModelGetsItsBones) {
  const Scene s = Load("dead_hang");
  ASSERT_GE(s.model.FindBody("thigh L"), 0) << "the dead hang runs with the limbs as bodies";
  EXPECT_FALSE(s.skeleton.lumped_limbs);
  std::vector<int> per_body(s.model.bodies.size(), 0);
  for (const Bone& b : s.skeleton.bones) {
    ASSERT_LT(b.body, static_cast<int>(s.model.bodies.size()));
    ASSERT_TRUE(b.X_BG.p.allFinite() && b.X_BG.R.allFinite() && b.size_m.allFinite()) << b.part;
    ASSERT_GT(b.size_m.minCoeff(), 0) << b.part;
    if (b.body >= 0) ++per_body[b.body];
  }
  for (size_t b = 0; b < per_body.size(); ++b) EXPECT_GT(per_body[b], 0) << s.model.bodies[b].name;
  // long bones with both of their forearm and leg bones, hands and feet, the girdle, pelvis, skull
  for (const char* part : {"humerus", "radius", "ulna", "femur", "tibia", "fibula", "palm", "thumb", "tarsals and metatarsals",
                           "clavicle", "scapular blade", "ilium", "skull"})
    EXPECT_EQ(Count(s.skeleton, part), std::string(part) == "skull" ? 1 : 2) << part;
  EXPECT_EQ(Count(s.skeleton, "finger"), 8);
  EXPECT_EQ(Count(s.skeleton, "bar"), 1) << "the bar in the hands";
  // the bar runs through both palms
  const Bone* bar = nullptr;
  for (const Bone& b : s.skeleton.bones)
    if (b.part == "bar") bar = &b;
  ASSERT_TRUE(bar);
  for (int side : {1, -1}) {
    const Vec3 palm = Centre(s, "palm", side);
    const Vec3 d = palm - bar->X_BG.p, axis = bar->X_BG.R.col(2);
    EXPECT_LT((d - d.dot(axis) * axis).norm(), 0.08) << "palm " << side << " on the bar";
  }
}

// the hanging bar is drawn where the hands hold one: a dead hang with lumped arms (hung from its
// shoulders' pin), not a quadruped whose pin on T2 stands for its arms on the floor
TEST(VizSkeleton, OnlyAHangHasABar) {
  auto bars = [](const sim::ModelDesc& m) {
    return std::count_if(m.environment.begin(), m.environment.end(), [](const sim::EnvironmentDesc& e) { return e.name == "bar"; });
  };
  EXPECT_EQ(bars(Load("dead_hang", {"posture.limbs=lumped"}).model), 1) << "the hang from the shoulders' pin";
  EXPECT_EQ(bars(Load("dead_hang").model), 1) << "the hang from the hands";
  for (const char* name : {"childs_pose_reach", "kneeling_lat_stretch", "seated_twist", "thoracic_thrust"})
    EXPECT_EQ(bars(Load(name).model), 0) << name;
}

TEST(VizSkeleton, TheBonesAreMirrorSymmetricInASymmetricPose) {
  for (const char* name : {"dead_hang", "seated_twist"}) {
    SCOPED_TRACE(name);
    const Scene s = Load(name);
    const double y0 = s.X_WB[s.model.FindBody("sacrum")].p.y();
    std::vector<std::pair<Mesh, Vec3>> centres;
    for (const Bone& b : s.skeleton.bones) centres.push_back({b.mesh, PieceInWorld(b, s.X_WB).p});
    int unmatched = 0;
    for (const auto& [mesh, p] : centres) {
      const Vec3 mirrored(p.x(), 2 * y0 - p.y(), p.z());
      double best = 1e9;
      for (const auto& [m2, q] : centres)
        if (m2 == mesh) best = std::min(best, (q - mirrored).norm());
      if (best > 2e-3) ++unmatched;
    }
    EXPECT_EQ(unmatched, 0) << "pieces without a mirror image within 2 mm";
  }
}

TEST(VizSkeleton, ALumpedModelStillGetsRibsArmsAndLegsInThePosturesPose) {
  const Scene s = Load("seated_twist");
  ASSERT_LT(s.model.FindBody("thigh L"), 0) << "the seated twist lumps the limbs";
  ASSERT_LT(s.model.FindBody("rib 1 L"), 0) << "and the rib cage";
  EXPECT_TRUE(s.skeleton.lumped_limbs);
  EXPECT_TRUE(s.skeleton.lumped_ribs);
  for (const char* part : {"humerus", "radius", "ulna", "femur", "tibia", "palm", "tarsals and metatarsals", "clavicle"})
    EXPECT_EQ(Count(s.skeleton, part), 2) << part;
  for (int r = 1; r <= 12; ++r) {
    EXPECT_EQ(Count(s.skeleton, "rib " + std::to_string(r) + " L"), 8) << r;
    EXPECT_EQ(Count(s.skeleton, "rib " + std::to_string(r) + " R"), 8) << r;
  }
  // the ribs ride on their vertebra, the arms on T2, the legs on the pelvis
  const int t2 = s.model.FindBody("T2"), pelvis = s.model.FindBody("sacrum"), t6 = s.model.FindBody("T6");
  for (const Bone& b : s.skeleton.bones) {
    if (b.part == "humerus" || b.part == "palm") EXPECT_EQ(b.body, t2) << b.part;
    if (b.part == "femur" || b.part == "tibia") EXPECT_EQ(b.body, pelvis) << b.part;
    if (b.part == "rib 6 L") EXPECT_EQ(b.body, t6);
  }
  // seated ([limbs] pose_seated_deg): thighs level and forwards, shanks plumb, the arms at the
  // sides (the hands beside the hips, below the shoulders), the seat below
  for (int side : {1, -1}) {
    for (const Bone& b : s.skeleton.bones) {
      const Pose X = PieceInWorld(b, s.X_WB);
      if ((X.p.y() - s.X_WB[pelvis].p.y()) * side <= 0) continue;
      if (b.part == "femur") EXPECT_GT(std::abs(X.R.col(2).x()), 0.9) << "thigh level, forwards";
      if (b.part == "tibia") EXPECT_GT(std::abs(X.R.col(2).z()), 0.9) << "shank plumb";
    }
    EXPECT_LT(Centre(s, "palm", side).z(), s.X_WB[t6].p.z() - 0.2) << "the hands below the chest";
    EXPECT_GT(Centre(s, "femur", side).x(), s.X_WB[pelvis].p.x() + 0.1) << "the thighs in front of the pelvis";
  }
  EXPECT_EQ(Count(s.skeleton, "chair seat"), 1);
  EXPECT_EQ(Count(s.skeleton, "chair leg"), 4);
}

// The limb poses have one home, the anatomy's [limbs] pose_*_deg: the lumped arms and legs are
// drawn where the same scenario run with the limbs as bodies (posture.limbs = "bodies") has its
// limb bodies at the first frame, in every posture that has a lumped scenario.
TEST(VizSkeleton, TheLumpedLimbsAreDrawnWhereTheLimbsAsBodiesWouldBe) {
  for (const char* name : {"seated_twist", "lying_knee_twist", "thoracic_thrust", "kneeling_hip_flexor_lunge",
                           "lumbar_side_posture_positioning", "childs_pose_reach", "standing_back_bend", "foam_roller_thoracic"}) {
    SCOPED_TRACE(name);
    const Scene lumped = Load(name);
    if (!lumped.skeleton.lumped_limbs) continue;
    const Scene bodies = Load(name, {"posture.limbs=\"bodies\""});
    ASSERT_GE(bodies.model.FindBody("thigh L"), 0);
    ASSERT_FALSE(bodies.skeleton.lumped_limbs);
    const int t8 = lumped.model.FindBody("T8");
    ASSERT_LT((lumped.X_WB[t8].p - bodies.X_WB[t8].p).norm(), 1e-9) << "the same trunk";
    // each piece of these parts has its twin within 1 mm (sides are not told apart by y: the
    // side-lying figure's left is up; a practitioner's hands are drawn in both)
    auto centres = [](const Scene& sc, const std::string& part) {
      std::vector<Vec3> c;
      for (const Bone& b : sc.skeleton.bones)
        if (b.part == part) c.push_back(PieceInWorld(b, sc.X_WB).p);
      return c;
    };
    for (const char* part : {"humerus", "radius", "ulna", "palm", "femur", "tibia", "fibula", "tarsals and metatarsals"}) {
      const std::vector<Vec3> a = centres(lumped, part), b = centres(bodies, part);
      ASSERT_EQ(a.size(), b.size()) << part;
      EXPECT_GE(a.size(), 2u) << part;
      for (const Vec3& p : a) {
        double nearest = 1e9;
        for (const Vec3& q : b) nearest = std::min(nearest, (p - q).norm());
        EXPECT_LT(nearest, 1e-3) << part;
      }
    }
  }
}

TEST(VizSkeleton, WithoutParamsOnlyTheBodiesPartsAreDrawn) {
  const Scene s = Load("seated_twist");
  const Skeleton bare = BuildSkeleton(s.model, s.scenario, nullptr);
  EXPECT_FALSE(bare.lumped_limbs);
  EXPECT_FALSE(bare.lumped_ribs);
  EXPECT_EQ(Count(bare, "femur"), 0);
  EXPECT_EQ(Count(bare, "skull"), 1);
  EXPECT_EQ(Count(bare, "vertebral body"), 25);
}

TEST(VizScene, TheSkeletonSkinAndShadowsAreDrawnWhenAsked) {
  const Scene s = Load("thoracic_thrust");
  Frame f;
  f.X_WB = s.X_WB;
  SceneOptions o;
  o.skeleton = std::make_shared<const Skeleton>(s.skeleton);
  auto count = [](const std::vector<DrawItem>& items, auto pred) { return std::count_if(items.begin(), items.end(), pred); };
  const auto plain = BuildDrawList(s.model, f, o);
  EXPECT_EQ(count(plain, [](const DrawItem& it) { return it.skin; }), 0) << "skin off by default";
  EXPECT_GT(count(plain, [](const DrawItem& it) { return it.color.a < 0.3f && it.color.r == 0.f; }), 20) << "shadows on the table";
  EXPECT_GE(count(plain, [](const DrawItem& it) { return it.mesh == Mesh::kSkull; }), 1);
  // the practitioner's hand pad is a hand and a forearm, not a box
  const int hand = [&] {
    for (size_t b = 0; b < s.model.bodies.size(); ++b)
      if (s.model.bodies[b].prop) return static_cast<int>(b);
    return -1;
  }();
  ASSERT_GE(hand, 0);
  EXPECT_GE(count(plain, [&](const DrawItem& it) { return it.body == hand && it.mesh == Mesh::kCapsule; }), 6) << "fingers, thumb, forearm";
  EXPECT_EQ(count(plain, [&](const DrawItem& it) { return it.body == hand && it.mesh == Mesh::kBox; }), 0);
  o.skin = true;
  o.shadows = false;
  const auto skinned = BuildDrawList(s.model, f, o);
  EXPECT_EQ(count(skinned, [](const DrawItem& it) { return it.skin; }), static_cast<long>(s.skeleton.skin.size()));
  for (const DrawItem& it : skinned)
    if (it.skin) {
      EXPECT_LT(it.color.a, 0.5f) << "translucent";
      EXPECT_EQ(it.body, -1) << "never picked";
    }
  EXPECT_EQ(count(skinned, [](const DrawItem& it) { return it.color.a < 0.3f && it.color.r == 0.f; }), 0) << "no shadows";
}

}  // namespace
}  // namespace spinelab::viz

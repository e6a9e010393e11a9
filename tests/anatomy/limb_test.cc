// The shoulder girdle and limbs as bodies (AddLimbBodies, [limbs] of models/spine_adult.toml):
// masses and inertias from the segment table, the body mass kept, joint ranges, left/right
// mirror, and the dead hang's hold on the hands (no vertebra pinned).
#include <gtest/gtest.h>

#include <cmath>

#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {
namespace {

const SpineParams& Params() {
  static const SpineParams p = [] {
    auto r = LoadSpineParams(DefaultSpineModelPath());
    EXPECT_TRUE(r.ok()) << r.ErrorText();
    return r.value();
  }();
  return p;
}

ModelDesc Build(const std::string& pose, const Subject& s = {}) {
  SpineBuildOptions o;
  o.arms = false;
  o.limbs_pose = pose;
  if (pose == "hanging") o.fix_sacrum = false;
  auto d = BuildSpineModel(Params(), s, o);
  EXPECT_TRUE(d.ok()) << d.ErrorText();
  return d.value();
}

double TotalMass(const ModelDesc& d) {
  double m = 0;
  for (const BodyDesc& b : d.bodies) m += b.mass_kg;
  return m;
}

const BushingDesc& Bushing(const ModelDesc& d, const std::string& name) {
  for (const BushingDesc& b : d.bushings)
    if (b.name == name) return b;
  ADD_FAILURE() << "no bushing " << name;
  return d.bushings.front();
}

TEST(Limbs, TheBodyMassStaysTheSameAndTheSegmentsFollowTheTable) {
  const Subject s{82.0, 1.83};
  // lumped: arms on the upper thorax, legs on the pelvis (the old dead hang's body)
  SpineBuildOptions lumped;
  lumped.legs_on_pelvis = true;
  lumped.fix_sacrum = false;
  const double m_lumped = TotalMass(BuildSpineModel(Params(), s, lumped).value());
  const ModelDesc d = Build("standing", s);
  EXPECT_NEAR(TotalMass(d), m_lumped, 1e-9 * m_lumped) << "the limbs' and girdle's mass comes out of what was lumped";
  EXPECT_EQ(d.bodies.size(), 26u + 14u);
  const LimbParams& L = Params().limbs;
  EXPECT_NEAR(L.mass_fraction[0], 0.0271, 1e-12);  // de Leva 1996, upper arm (male)
  const double sS = s.height_m / L.reference_stature_m;
  const BodyDesc& ua = d.bodies[d.FindBody("upper arm L")];
  EXPECT_NEAR(ua.mass_kg, s.body_mass_kg * 0.0271, 1e-9);
  const double Lua = sS * 0.2817;
  EXPECT_NEAR(ua.inertia_kgm2.y(), ua.mass_kg * std::pow(0.285 * Lua, 2), 1e-12);  // about the medio-lateral axis
  EXPECT_NEAR(ua.inertia_kgm2.z(), ua.mass_kg * std::pow(0.158 * Lua, 2), 1e-12);
  const BodyDesc& th = d.bodies[d.FindBody("thigh R")];
  EXPECT_NEAR(th.mass_kg, s.body_mass_kg * 0.1416, 1e-9);
  EXPECT_NEAR(th.inertia_kgm2.x(), th.mass_kg * std::pow(0.329 * sS * 0.4222, 2), 1e-12);
  // the thigh's COM 40.95 % of its length below the hip joint
  const BushingDesc& hip = Bushing(d, "hip R");
  const Vec3 hip_W = d.bodies[hip.body_b].X_WB * hip.X_BM.p;
  EXPECT_NEAR((th.X_WB.p - hip_W).norm(), 0.4095 * sS * 0.4222, 1e-9);
  const BodyDesc& fh = d.bodies[d.FindBody("forearm and hand L")];
  EXPECT_NEAR(fh.mass_kg, s.body_mass_kg * (0.0162 + 0.0061), 1e-9);
  // the girdle's 2 x (0.21 + 0.94) % came out of T1-T4 (arms.carried_by)
  const ModelDesc plain = BuildSpineModel(Params(), s, lumped).value();
  const double girdle = 2 * s.body_mass_kg * (L.clavicle_mass_fraction + L.scapula_mass_fraction);
  double drop = 0;
  for (const char* n : {"T1", "T2", "T3", "T4"}) drop += plain.bodies[plain.FindBody(n)].mass_kg - d.bodies[d.FindBody(n)].mass_kg;
  const double arms = s.body_mass_kg * Params().arms_mass_fraction;
  EXPECT_NEAR(drop, arms + girdle, 1e-9);
}

TEST(Limbs, LeftAndRightMirrorEachOther) {
  for (const char* pose : {"standing", "hanging"}) {
    const ModelDesc d = Build(pose);
    int pairs = 0;
    for (const BodyDesc& b : d.bodies) {
      if (b.name.size() < 2 || b.name.substr(b.name.size() - 2) != " L") continue;
      const BodyId r = d.FindBody(b.name.substr(0, b.name.size() - 2) + " R");
      ASSERT_GE(r, 0) << b.name;
      const BodyDesc& br = d.bodies[r];
      EXPECT_DOUBLE_EQ(b.mass_kg, br.mass_kg) << b.name;
      EXPECT_NEAR((b.inertia_kgm2 - br.inertia_kgm2).norm(), 0, 1e-12) << b.name;
      // mirror in the sagittal plane of the spine (y = 0), which the plumb turn about y keeps
      EXPECT_NEAR(b.X_WB.p.x(), br.X_WB.p.x(), 1e-9) << pose << " " << b.name;
      EXPECT_NEAR(b.X_WB.p.y(), -br.X_WB.p.y(), 1e-9) << pose << " " << b.name;
      EXPECT_NEAR(b.X_WB.p.z(), br.X_WB.p.z(), 1e-9) << pose << " " << b.name;
      ++pairs;
    }
    EXPECT_EQ(pairs, 7) << pose;
    int lines_l = 0, lines_r = 0;
    for (const LigamentDesc& e : d.ligaments) {
      if (e.type == "latissimus dorsi" || e.type == "trapezius" || e.type == "serratus anterior") {
        (e.name.back() == 'L' ? lines_l : lines_r)++;
      }
    }
    EXPECT_EQ(lines_l, lines_r);
    EXPECT_EQ(lines_l, 6 + 7 + 4);
  }
}

TEST(Limbs, JointRangesAreTheTablesLessThePose) {
  const double deg = kDegToRad;
  const ModelDesc st = Build("standing"), hg = Build("hanging");
  // glenohumeral abduction 120 deg: +x on the left, -x on the right; flexion 120 (y-), extension 50 (y+)
  const BushingDesc& gl = Bushing(st, "glenohumeral L");
  EXPECT_NEAR(gl.params.rot[0].nz_pos, 120 * deg, 1e-12);
  EXPECT_NEAR(gl.params.rot[0].nz_neg, 30 * deg, 1e-12);
  EXPECT_NEAR(gl.params.rot[1].nz_pos, 50 * deg, 1e-12);
  EXPECT_NEAR(gl.params.rot[1].nz_neg, 120 * deg, 1e-12);
  const BushingDesc& gr = Bushing(st, "glenohumeral R");
  EXPECT_NEAR(gr.params.rot[0].nz_neg, 120 * deg, 1e-12);
  EXPECT_NEAR(gr.params.rot[0].nz_pos, 30 * deg, 1e-12);
  // the knee flexes 135 deg backwards (y+), the elbow 150 deg forwards (y-)
  EXPECT_NEAR(Bushing(st, "knee L").params.rot[1].nz_pos, 135 * deg, 1e-12);
  EXPECT_NEAR(Bushing(st, "elbow R").params.rot[1].nz_neg, 150 * deg, 1e-12);
  // hanging, the arm is 115 deg up at the glenohumeral joint: 5 deg of abduction left, 145 of adduction
  EXPECT_NEAR(Bushing(hg, "glenohumeral L").params.rot[0].nz_pos, 5 * deg, 1e-12);
  EXPECT_NEAR(Bushing(hg, "glenohumeral L").params.rot[0].nz_neg, 145 * deg, 1e-12);
  EXPECT_NEAR(Bushing(hg, "glenohumeral R").params.rot[0].nz_neg, 5 * deg, 1e-12);
  EXPECT_NEAR(Bushing(hg, "sternoclavicular R").params.rot[0].nz_neg, 20 * deg, 1e-12);
  // beyond the range the joint stiffens; inside it turns freely
  for (const char* j : {"hip L", "ankle R", "acromioclavicular L"}) {
    EXPECT_GT(Bushing(st, j).params.rot[0].k2_pos, 100.0) << j;
    EXPECT_LE(Bushing(st, j).params.rot[0].k0, 10.0) << j;  // a few N·m some 0.3-0.5 rad from mid-range
  }
  // the sternoclavicular joint sits on T2 (the manubrium, lumped with the rib cage)
  EXPECT_EQ(Bushing(st, "sternoclavicular L").body_a, st.FindBody("T2"));
}

TEST(Limbs, TheDeadHangHoldsTheHandsNotAVertebra) {
  const ModelDesc d = Build("hanging");
  for (const BodyDesc& b : d.bodies) EXPECT_FALSE(b.fixed) << b.name;
  int grips = 0;
  for (const BushingDesc& b : d.bushings) {
    if (b.body_a != kGround) continue;
    ++grips;
    EXPECT_EQ(b.name.rfind("grip", 0), 0u) << b.name;
    EXPECT_EQ(d.bodies[b.body_b].name.rfind("forearm and hand", 0), 0u) << b.name;
    // the hands are overhead: well above the head
    EXPECT_GT(b.X_AF.p.z(), d.bodies[d.FindBody("head")].X_WB.p.z() + 0.2);
  }
  EXPECT_EQ(grips, 2);
  // the body hangs plumb: its centre of mass straight below the hands' midpoint
  Vec3 com = Vec3::Zero(), grip = Vec3::Zero();
  double m = 0;
  for (const BodyDesc& b : d.bodies) com += b.mass_kg * b.X_WB.p, m += b.mass_kg;
  com /= m;
  for (const BushingDesc& b : d.bushings)
    if (b.body_a == kGround) grip += 0.5 * b.X_AF.p;
  EXPECT_NEAR(com.x(), grip.x(), 1e-9);
  EXPECT_NEAR(com.y(), grip.y(), 1e-9);
  // latissimus dorsi reaches the lumbar spine and the pelvis from each humerus
  int to_pelvis = 0, to_lumbar = 0;
  for (const LigamentDesc& e : d.ligaments) {
    if (e.type != "latissimus dorsi") continue;
    EXPECT_EQ(d.bodies[e.body_b].name.rfind("upper arm", 0), 0u);
    const std::string& o = d.bodies[e.body_a].name;
    to_pelvis += o == "sacrum";
    to_lumbar += o[0] == 'L';
  }
  EXPECT_EQ(to_pelvis, 4);
  EXPECT_EQ(to_lumbar, 4);
}

// the sitting, lying and kneeling poses: body mass kept, symmetric poses mirror, every joint rests
// inside its range (the bushing's neutral zone covers zero on both sides), the segments where the pose puts them
const char* const kPoses[] = {"seated", "supine", "prone", "side_lying_left", "side_lying_right", "kneeling", "quadruped"};

Vec3 JointPoint(const ModelDesc& d, const std::string& name) {
  const BushingDesc& b = Bushing(d, name);
  return d.bodies[b.body_b].X_WB * b.X_BM.p;
}

TEST(Limbs, EveryPoseKeepsTheBodyMassAndRestsInsideTheRanges) {
  const Subject s{82.0, 1.83};
  const double m_standing = TotalMass(Build("standing", s));
  for (const char* pose : kPoses) {
    const ModelDesc d = Build(pose, s);
    EXPECT_NEAR(TotalMass(d), m_standing, 1e-9 * m_standing) << pose;
    EXPECT_EQ(d.bodies.size(), 26u + 14u) << pose;
    for (const BushingDesc& b : d.bushings) {
      if (b.body_a == kGround || d.bodies[b.body_b].name.find(' ') == std::string::npos) continue;
      if (b.name.rfind("pin", 0) == 0) continue;
      // the joint frames on both bodies coincide in the pose: it rests at zero deflection
      const Pose F = d.bodies[b.body_a].X_WB * b.X_AF, M = d.bodies[b.body_b].X_WB * b.X_BM;
      EXPECT_NEAR((F.p - M.p).norm(), 0, 1e-12) << pose << " " << b.name;
      EXPECT_NEAR((F.R - M.R).norm(), 0, 1e-12) << pose << " " << b.name;
      // and inside its range: the pose's rotation was taken off one side and added to the other
      for (int ax = 0; ax < 3; ++ax) {
        EXPECT_GE(b.params.rot[ax].nz_pos, 0) << pose << " " << b.name << " axis " << ax;
        EXPECT_GE(b.params.rot[ax].nz_neg, 0) << pose << " " << b.name << " axis " << ax;
      }
    }
    // every leg segment carries a contact box (feet, shins, thighs rest on floor, mat, seat or table)
    for (const char* seg : {"thigh L", "shank R", "foot L", "upper arm R", "forearm and hand L"})
      EXPECT_EQ(d.bodies[d.FindBody(seg)].shapes.size(), 1u) << pose << " " << seg;
  }
  // standing and hanging keep their contact-free limbs (their runs do not change)
  EXPECT_TRUE(Build("standing").bodies[Build("standing").FindBody("foot L")].shapes.empty());
}

TEST(Limbs, SymmetricPosesMirrorAndTheAnglesAreThePoses) {
  const double deg = kDegToRad;
  for (const char* pose : {"seated", "supine", "prone", "quadruped"}) {
    const ModelDesc d = Build(pose);
    for (const char* seg : {"clavicle", "scapula", "upper arm", "forearm and hand", "thigh", "shank", "foot"}) {
      const BodyDesc& l = d.bodies[d.FindBody(std::string(seg) + " L")];
      const BodyDesc& r = d.bodies[d.FindBody(std::string(seg) + " R")];
      EXPECT_NEAR(l.X_WB.p.x(), r.X_WB.p.x(), 1e-9) << pose << " " << seg;
      EXPECT_NEAR(l.X_WB.p.y(), -r.X_WB.p.y(), 1e-9) << pose << " " << seg;
      EXPECT_NEAR(l.X_WB.p.z(), r.X_WB.p.z(), 1e-9) << pose << " " << seg;
    }
  }
  // seated: thighs forward (hip 90 deg), shanks straight down (knee 90 deg), the foot's sole level
  const ModelDesc st = Build("seated");
  for (const char* side : {" L", " R"}) {
    const Vec3 hip = JointPoint(st, std::string("hip") + side), knee = JointPoint(st, std::string("knee") + side),
               ankle = JointPoint(st, std::string("ankle") + side);
    const Vec3 th = (knee - hip).normalized(), sh = (ankle - knee).normalized();
    EXPECT_NEAR(th.x(), 1, 1e-9) << "the thigh points forwards";
    EXPECT_NEAR(sh.z(), -1, 1e-9) << "the shank hangs straight down";
    // hip flexion 90 deg: of the 120 deg of flexion 30 are left, extension 30 + 90
    const BushingDesc& h = Bushing(st, std::string("hip") + side);
    EXPECT_NEAR(h.params.rot[1].nz_neg, 30 * deg, 1e-12);
    EXPECT_NEAR(h.params.rot[1].nz_pos, 120 * deg, 1e-12);
    // knee flexion 90 of 135: 45 left, extension 5 + 90
    EXPECT_NEAR(Bushing(st, std::string("knee") + side).params.rot[1].nz_pos, 45 * deg, 1e-12);
    EXPECT_NEAR(Bushing(st, std::string("knee") + side).params.rot[1].nz_neg, 95 * deg, 1e-12);
  }
  // side lying on the left: the lower (left) leg straight, the upper (right) hip and knee flexed
  const ModelDesc sl = Build("side_lying_left"), sr = Build("side_lying_right");
  EXPECT_NEAR((JointPoint(sl, "knee L") - JointPoint(sl, "hip L")).normalized().z(), -1, 1e-9);
  EXPECT_GT((JointPoint(sl, "knee R") - JointPoint(sl, "hip R")).x(), 0.3) << "the upper knee is forward";
  EXPECT_NEAR(Bushing(sl, "hip R").params.rot[1].nz_neg, 60 * deg, 1e-12);
  // lying on the right mirrors lying on the left
  EXPECT_NEAR(JointPoint(sr, "knee L").x(), JointPoint(sl, "knee R").x(), 1e-9);
  EXPECT_NEAR(JointPoint(sr, "knee L").y(), -JointPoint(sl, "knee R").y(), 1e-9);
  // kneeling: the trailing (right) knee and the leading (left) foot reach about the same depth (the mat)
  const ModelDesc kn = Build("kneeling");
  EXPECT_NEAR(JointPoint(kn, "knee R").z(), JointPoint(kn, "ankle L").z() + 0.0, 0.12);
  // quadruped: the arms overhead as in the hang, the thighs forward of the hips
  const ModelDesc q = Build("quadruped");
  EXPECT_GT(JointPoint(q, "elbow L").z(), JointPoint(q, "glenohumeral L").z() + 0.2);
  EXPECT_GT((JointPoint(q, "knee L") - JointPoint(q, "hip L")).x(), 0.4);
  // the trunk's tilt taken up at the hips
  SpineBuildOptions o;
  o.arms = false;
  o.limbs_pose = "seated";
  o.limbs_hip_flexion_rad = 10 * deg;
  const ModelDesc tilt = BuildSpineModel(Params(), Subject{}, o).value();
  EXPECT_NEAR(Bushing(tilt, "hip L").params.rot[1].nz_neg, 20 * deg, 1e-12);
}

TEST(Limbs, BadPoseAndLumpedConflictsAreRefused) {
  SpineBuildOptions o;
  o.limbs_pose = "sitting";  // not a pose word (the posture is "seated")
  o.arms = false;
  auto d = BuildSpineModel(Params(), Subject{}, o);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.ErrorText().find("'sitting' is not a limb pose; allowed: standing, hanging, seated, supine, prone, side_lying_left, "
                               "side_lying_right, kneeling, quadruped"),
            std::string::npos)
      << d.ErrorText();
  ModelDesc probe = BuildSpineModel(Params(), Subject{}, SpineBuildOptions{}).value();
  auto lb = AddLimbBodies(Params(), Subject{}, "side_lying", &probe);  // the lower side must be named
  ASSERT_FALSE(lb.ok());
  EXPECT_NE(lb.ErrorText().find("'side_lying' is not a limb pose"), std::string::npos) << lb.ErrorText();
  o.limbs_pose = "standing";
  o.arms = true;
  d = BuildSpineModel(Params(), Subject{}, o);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.ErrorText().find("replace the lumped arms"), std::string::npos) << d.ErrorText();
}

}  // namespace
}  // namespace spinelab::sim

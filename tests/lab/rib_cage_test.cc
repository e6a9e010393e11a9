// The rib cage as bodies (issue 20, phase 1): mass conservation, the 44 joints and the banded
// solve order, left/right symmetry under a symmetric load, a rib joint cavitating under
// distraction, the model option's bad input, and the calibration checks of `spinelab ribs`.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <regex>

#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/anatomy/rib_geometry.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/lab/distraction.h"
#include "spinelab/lab/pa_stiffness.h"
#include "spinelab/lab/rib_cage.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {
namespace {

const SpineParams& Spine() {
  static const SpineParams p = LoadSpineParams(DefaultSpineModelPath()).value();
  return p;
}
const RibCageParams& Ribs() {
  static const RibCageParams p = LoadRibCageParams(DefaultRibCageModelPath(), Spine()).value();
  return p;
}
ModelDesc Build(bool bodies, const Subject& s = {}) {
  SpineBuildOptions o = PassiveSpineOptions();
  o.rib_cage = true;
  if (bodies) o.rib_cage_bodies = std::make_shared<const RibCageParams>(Ribs());
  return BuildSpineModel(Spine(), s, o).value();
}
double Mass(const ModelDesc& d) {
  double m = 0;
  for (const BodyDesc& b : d.bodies) m += b.mass_kg;
  return m;
}

TEST(RibCageBodies, TheTotalMassIsUnchanged) {
  for (const Subject s : {Subject{}, Subject{60, 1.6}, Subject{110, 1.95}}) {
    const ModelDesc lumped = Build(false, s), bodies = Build(true, s);
    EXPECT_NEAR(Mass(bodies), Mass(lumped), 1e-12 * Mass(lumped));
    const auto geo = ComputeRibCageGeometry(Ribs(), Spine(), s, ThoracicVertebraFrames(lumped)).value();
    double cage = 0;
    for (BodyId b = bodies.FindBody("rib 1 L"); b < static_cast<BodyId>(bodies.bodies.size()); ++b) cage += bodies.bodies[b].mass_kg;
    EXPECT_NEAR(cage, geo.total_mass_kg, 1e-12);
    for (int i = 0; i < kRibLevels; ++i) {
      const std::string t = "T" + std::to_string(i + 1);
      EXPECT_NEAR(lumped.bodies[lumped.FindBody(t)].mass_kg - bodies.bodies[bodies.FindBody(t)].mass_kg, geo.slice_mass_kg[i], 1e-12) << t;
    }
  }
}

TEST(RibCageBodies, HasTheJointsOfGray1918AndABandedSolveOrder) {
  const ModelDesc d = Build(true);
  int cv = 0, ct = 0;
  for (const SynovialJointDesc& j : d.synovial_joints) {
    if (j.name.rfind("CV rib", 0) == 0) ++cv;
    if (j.name.rfind("CT rib", 0) == 0) ++ct;
    if (j.name.rfind("C", 0) == 0 && j.name.find(" rib ") != std::string::npos) {
      EXPECT_TRUE(j.has_capsule) << j.name;
      EXPECT_GE(j.capsule_ligament, 0) << j.name;
      EXPECT_GT(j.capsule.fluid_volume_m3, 0) << j.name;
    }
  }
  EXPECT_EQ(cv, 24);
  EXPECT_EQ(ct, 20);  // ribs 11-12 have none
  EXPECT_EQ(d.viscoelastic_bushings.size(), 20u);  // cartilages of ribs 1-10; 11-12 float
  EXPECT_EQ(d.FindJoint("T7-T8") >= 0, true);
  for (const BushingDesc& b : d.bushings) EXPECT_EQ(b.name.rfind("rib cage", 0), std::string::npos) << "lumped spring left: " << b.name;
  // every element couples chain bodies at most 5 apart in the solve order (the sternum is border):
  // per level a vertebra and two two-segment ribs, an intercostal link or a cartilage of ribs
  // 8-10 reaching the same segment one level up (the engine's banded solve takes up to 5)
  const Model m = Model::Compile(d).value();
  auto check = [&](BodyId a, BodyId b, const std::string& what) {
    if (a < 0 || b < 0 || d.bodies[a].border || d.bodies[b].border) return;
    const int fa = m.free_index(a), fb = m.free_index(b);
    if (fa < 0 || fb < 0) return;
    EXPECT_LE(std::abs(fa - fb), Ribs().bending_segments == 2 ? 5 : 3) << what;
  };
  for (const LigamentDesc& e : d.ligaments) check(e.body_a, e.body_b, e.name);
  for (const SynovialJointDesc& e : d.synovial_joints) check(e.body_a, e.body_b, e.name);
  for (const ViscoelasticBushingDesc& e : d.viscoelastic_bushings) check(e.body_a, e.body_b, e.name);
  for (const BushingDesc& e : d.bushings) check(e.body_a, e.body_b, e.name);
}

TEST(RibCageBodies, LeftAndRightRibsMoveAsMirrorImagesUnderASymmetricLoad) {
  // flexion of T1 over a held T12: a load in the midsagittal plane
  ModelDesc d = Build(true);
  for (BodyId b = d.FindBody("T12"); b < kSpineBodies; ++b) d.bodies[b].fixed = true;
  auto model = std::make_shared<const Model>(Model::Compile(d).value());
  SimOptions so;
  so.gravity_W.setZero();
  auto w = World::Create(model, so).value();
  AppliedLoad m;
  const BodyId t1 = d.FindBody("T1");
  m.torque_Nm = 2.0 * d.bodies[t1].X_WB.R.col(1);
  w.SetAppliedLoad(t1, m);
  for (int i = 0; i < 500; ++i) ASSERT_EQ(w.Step(), kStepOk);
  const double moved = (w.state().bodies[t1].p_WB - d.bodies[t1].X_WB.p).norm();
  EXPECT_GT(moved, 1e-3);  // it did flex
  for (int rib = 1; rib <= kRibLevels; ++rib)
    for (const std::string seg : {"", " anterior"}) {
      const BodyId l = d.FindBody(RibBodyName(rib, +1) + seg), r = d.FindBody(RibBodyName(rib, -1) + seg);
      if (seg.empty()) ASSERT_GE(l, 0);
      if (l < 0 || r < 0) continue;
      // 1 µm: with the ribs in two segments, left and right differ by ~0.14 µm (left is summed
      // before right, the soft bending joints amplify it); a mirrored element wrong gives mm
      const Vec3 pl = w.state().bodies[l].p_WB, pr = w.state().bodies[r].p_WB;
      EXPECT_NEAR(pl.x(), pr.x(), 1e-6) << rib << seg;
      EXPECT_NEAR(pl.y(), -pr.y(), 1e-6) << rib << seg;
      EXPECT_NEAR(pl.z(), pr.z(), 1e-6) << rib << seg;
    }
  for (size_t j = 0; j < d.synovial_joints.size(); ++j) {
    const std::string& n = d.synovial_joints[j].name;
    if (n.find(" rib ") == std::string::npos || n.back() != 'L') continue;
    const int k = d.synovial_joints.size() > j + 2 && d.synovial_joints[j + 2].name == n.substr(0, n.size() - 1) + "R" ? j + 2 : -1;
    if (k < 0) continue;
    EXPECT_NEAR(w.outputs().synovial_joints[j].gap_m, w.outputs().synovial_joints[k].gap_m, 1e-8) << n;  // 10 nm: left is summed before right
  }
}

TEST(RibCageBodies, EachRibsTwoSegmentsCarryItsMassAndItsCartilages) {
  ASSERT_EQ(Ribs().bending_segments, 2) << "the default rib cage has ribs that bend";
  const ModelDesc d = Build(true);
  const auto geo = ComputeRibCageGeometry(Ribs(), Spine(), Subject{}, ThoracicVertebraFrames(Build(false))).value();
  for (const RibGeometry& g : geo.ribs) {
    const CartilageGeometry& c = geo.cartilages[2 * (g.rib - 1) + (g.side > 0 ? 0 : 1)];
    const BodyId p = d.FindBody(RibBodyName(g.rib, g.side)), a = d.FindBody(RibBodyName(g.rib, g.side) + " anterior");
    ASSERT_GE(a, 0) << g.rib;
    // the two segments' mass is the rib's and its cartilage's (the centreline split at a vertex)
    EXPECT_NEAR(d.bodies[p].mass_kg + d.bodies[a].mass_kg, g.mass.mass_kg + c.mass_kg, 1e-12) << g.rib;
    EXPECT_GT(d.bodies[p].mass_kg, 0.2 * g.mass.mass_kg) << g.rib;
    EXPECT_GT(d.bodies[a].mass_kg, 0.2 * g.mass.mass_kg) << g.rib;
  }
  // the joints stay on the posterior segment, the cartilages on the anterior ones
  for (const SynovialJointDesc& j : d.synovial_joints)
    if (j.name.find(" rib ") != std::string::npos) EXPECT_EQ(d.bodies[j.body_b].name.find("anterior"), std::string::npos) << j.name;
  for (const ViscoelasticBushingDesc& v : d.viscoelastic_bushings) {
    EXPECT_NE(d.bodies[v.body_a].name.find("anterior"), std::string::npos) << v.name;
    EXPECT_TRUE(d.bodies[v.body_b].name == "sternum" || d.bodies[v.body_b].name.find("anterior") != std::string::npos) << v.name;
  }
}

TEST(RibCageBodies, ARibBendsLikeItsCurvedBeam) {
  // rib 7 L: the posterior segment and everything else held, the anterior segment free with only
  // the bending bushing; a small force at its front end (costochondral junction)
  ModelDesc d = Build(true);
  const BodyId a = d.FindBody("rib 7 L anterior");
  ASSERT_GE(a, 0);
  for (BodyId b = 0; b < static_cast<BodyId>(d.bodies.size()); ++b) d.bodies[b].fixed = b != a;
  d.viscoelastic_bushings.clear();
  std::vector<BushingDesc> keep;
  for (const BushingDesc& b : d.bushings)
    if (b.name.rfind("thoracic contents", 0) != 0) keep.push_back(b);
  d.bushings = keep;
  for (LigamentDesc& e : d.ligaments)
    if (e.body_a == a || e.body_b == a) e.slack_length_m *= 10;  // the intercostals never taut
  const auto geo = ComputeRibCageGeometry(Ribs(), Spine(), Subject{}, ThoracicVertebraFrames(d)).value();
  const RibGeometry& g = geo.ribs[2 * 6];
  const Pose XV = ThoracicVertebraFrames(d)[6];
  const RibBending rb = ComputeRibBending(g, Ribs().bending_joint_arc_fraction, Ribs().bone_modulus_Pa, Ribs().bone_poisson_ratio);
  const Vec3 n_W = XV.R * g.n_plane_V.normalized();
  const Vec3 p_front_W = XV * g.centreline_V.back();
  const Vec3 r_W = XV.R * (g.centreline_V.back() - rb.X_VF.p);
  auto model = std::make_shared<const Model>(Model::Compile(d).value());
  SimOptions so;
  so.gravity_W.setZero();
  const Vec3 p_B = d.bodies[a].X_WB.Inverse() * p_front_W;
  auto deflect = [&](const Vec3& F_W) {
    auto w = World::Create(model, so).value();
    AppliedLoad load;
    load.force_N = F_W;
    load.p_BoP_B = p_B;
    w.SetAppliedLoad(a, load);
    EXPECT_GE(w.SolveStatic(4000, 1e-10), 0);
    const BodyState& s = w.state().bodies[a];
    return Vec3(s.q_WB.toRotationMatrix() * p_B + s.p_WB - p_front_W);
  };
  const double F = 0.2;  // [N]: ~0.5 mm, small rotation
  // in the plane, square to the joint -> front line: the curved beam's deflection (by construction
  // of the bushing; this checks its frame and axes), within 2 % (geometric nonlinearity, the
  // translational give)
  const Vec3 u_in = n_W.cross(r_W).normalized();
  const double d_in = deflect(F * u_in).dot(u_in);
  EXPECT_NEAR(d_in, F / rb.front_stiffness_N_per_m, 0.02 * F / rb.front_stiffness_N_per_m);
  // along the plane's normal: bending and torsion of the curved beam, within 2 %
  const double d_out = deflect(F * n_W).dot(n_W);
  EXPECT_NEAR(d_out, F * r_W.squaredNorm() / rb.k_rot_Nm_per_rad.y(), 0.02 * d_out);
  // anteroposterior (T7's x): the one-pivot model against the curved beam (Castigliano, in-plane
  // part + normal part); a pseudo-rigid body is exact only for the directions above
  const Vec3 u_ap = XV.R.col(0);
  const Vec3 ap_in = u_ap - n_W * n_W.dot(u_ap);
  std::vector<Vec3> pts_W;
  for (const Vec3& q : g.centreline_V) pts_W.push_back(XV * q);
  const double c_beam = ap_in.squaredNorm() * CurvedBeamTipCompliance(pts_W, rb.k_root, n_W, ap_in, rb.EI_in_Nm2) +
                        std::pow(n_W.dot(u_ap), 2) * r_W.squaredNorm() / rb.k_rot_Nm_per_rad.y();
  const double d_ap = deflect(F * u_ap).dot(u_ap);
  std::printf("rib 7 L front, AP: the segments %.2f N/mm, the curved beam %.2f N/mm\n", 1e-3 * F / d_ap, 1e-3 / c_beam);
  // the in-plane 2x2 compliance is matched where the joint -> front line is square to the beam's
  // softest direction (ComputeRibBending): within 10 % (the beam's cross term, the axial give)
  EXPECT_NEAR(d_ap, F * c_beam, 0.10 * F * c_beam);
}

TEST(RibCageBodies, ARibJointCavitatesUnderDistractionLikeAFacet) {
  const ModelDesc d = Build(true);
  for (const char* joint : {"CT rib 6 L", "CV rib 6 L"}) {
    auto r = RunDistraction(d, joint, 'L', DistractionOptions{});
    ASSERT_TRUE(r.ok()) << r.ErrorText();
    const PullResult& p = r.value().pulls[0];
    EXPECT_TRUE(p.cavitated) << joint;
    EXPECT_GT(p.gap_jump_m, 0.1e-3) << joint;
    EXPECT_GT(p.sound.peak_Pa, 0) << joint;
  }
  EXPECT_FALSE(RunDistraction(d, "CT rib 12 L", 'L', DistractionOptions{}).ok());  // ribs 11-12 have no CT joint
}

TEST(RibCageBodies, BadModelOptionIsRefusedWithItsKey) {
  const std::string text = Spine().text;
  const std::string bad = std::regex_replace(text, std::regex("\nmodel = \"lumped\""), "\nmodel = \"ribs\"");
  ASSERT_NE(bad, text);
  auto p = LoadSpineParamsText(bad, "bad.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("rib_cage.model"), std::string::npos) << p.ErrorText();
  EXPECT_NE(p.ErrorText().find("lumped"), std::string::npos) << p.ErrorText();
  const std::string nosrc = std::regex_replace(text, std::regex("model_source = \"assumed:"), "model_source = \"because");
  auto q = LoadSpineParamsText(nosrc, "bad.toml");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.ErrorText().find("rib_cage.model_source"), std::string::npos) << q.ErrorText();
  EXPECT_EQ(Spine().rib_cage_model, "lumped");  // the default until the cage is calibrated
}

TEST(RibCageBodies, CalibrationChecks) {
  const RibCageChecks k = MeasureRibCage(Spine(), Ribs(), Subject{}).value();
  EXPECT_EQ(k.rib_joints, 44);
  EXPECT_NEAR(k.total_mass_bodies_kg, k.total_mass_lumped_kg, 1e-9);
  // calibrated: the costovertebral articulation's rotation under +-0.1 N m and its translation
  // under 28 N along the rib (J Biomech 2024)
  EXPECT_NEAR(k.cv_rotation_range_rad, Ribs().cv_rotation_range_rad, 0.05 * Ribs().cv_rotation_range_rad);
  EXPECT_NEAR(k.cv_translation_at_28N_m, Ribs().cv_translation_at_28N_m, 0.05 * Ribs().cv_translation_at_28N_m);
  // the cage as bodies stiffens the thoracic spine in every direction (Liebsch et al. 2017: removing
  // the cage raises the range +52.2 / +42.0 / +94.4 % FE / LB / AR). Calibrated (cartilage with its
  // perichondrium, the head's law about the vertical): LB within 10 points; FE and AR are not
  // reachable with these carriers (docs/ribcage.md: +24 / +52 % today, near-rigid heads reached
  // +40 / +60 %): asserted as they are, so a change that loses the ring's stiffness fails
  const double liebsch[3] = {0.522, 0.420, 0.944};
  double incr[3];
  for (int i = 0; i < 3; ++i) incr[i] = k.rom_stumps_rad[i] / k.rom_bodies_rad[i] - 1;
  std::printf("cage removal: +%.0f / +%.0f / +%.0f %% FE / LB / AR (Liebsch +52 / +42 / +94 %%)\n", 100 * incr[0], 100 * incr[1],
              100 * incr[2]);
  EXPECT_NEAR(incr[1], liebsch[1], 0.10);
  // with ribs that bend (phase 4): FE +20 %, AR +44 % (rigid ribs +24 / +52 %); Liebsch's +52 / +94
  // are not reached (docs/ribcage.md): asserted is what is true, the direction and the size
  EXPECT_GT(incr[0], 0.18);
  EXPECT_GT(incr[2], 0.40);
  for (int i = 0; i < 3; ++i) EXPECT_LT(incr[i], liebsch[i] + 0.10) << i;
  // not yet calibrated, printed by `spinelab ribs` and in docs/ribcage.md: bounds that say what it is today
  EXPECT_NEAR(k.chest_stiffness_N_per_m, Ribs().chest_stiffness_N_per_m, 0.03 * Ribs().chest_stiffness_N_per_m);  // calibrated: thoracic_contents
}

TEST(RibCageBodies, ARunRecordsTheRibJointsBesideTheFacetsAndSummarisesThem) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/thoracic_thrust.toml").value();
  SpineParams p = Spine();
  p.rib_cage_model = "bodies";
  const ScenarioResult r = RunScenario(sc, p).value();
  ASSERT_EQ(r.status, "ok");
  int rib = 0;
  for (const std::string& n : r.facet_names) rib += n.find(" rib ") != std::string::npos;
  EXPECT_EQ(rib, 44);
  EXPECT_EQ(r.facet_names[50], "CV rib 1 L");  // after the 50 facets
  const size_t F = r.facet_names.size();
  EXPECT_EQ(r.facet_pressure_Pa.size(), r.time_s.size() * F);
  const ScenarioSummary s = Summarize(sc, r);
  EXPECT_EQ(s.other_joints, 44);
  EXPECT_GE(s.closest_other_pop, 50);
  // the lumped default has none
  EXPECT_EQ(Summarize(sc, RunScenario(sc, Spine()).value()).other_joints, 0);
}

// [contact] the trunk's contact surface on the ribs and the sternum (phase 2)

// a scenario's scene, compiled and settled statically on its supports as the runner settles it
// (sim/scenario/src/runner.cc: frictionless, fluid at rest, the practitioner carrying the pad's
// weight), then returned as a world with friction at that state
World SettledScene(const std::string& scenario, bool bodies, ModelDesc* desc) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + scenario + ".toml").value();
  SpineParams p = Spine();
  if (bodies) p.rib_cage_model = "bodies";
  *desc = BuildScenarioModel(sc, p).value();
  auto model = std::make_shared<const Model>(Model::Compile(*desc).value());
  SimOptions o;
  o.dt_s = sc.dt_s;
  o.synovial.cavitation = false;
  o.synovial.fluid_at_rest = true;
  o.reflex.accept_posture = true;
  SimOptions quiet = o;
  quiet.contact.frictionless = true;
  World pre = World::Create(model, quiet).value();
  for (size_t b = 0; b < desc->bodies.size(); ++b)
    if (desc->bodies[b].prop) {
      AppliedLoad L;
      L.force_N = -desc->bodies[b].mass_kg * o.gravity_W;
      pre.SetAppliedLoad(static_cast<BodyId>(b), L);
    }
  EXPECT_GT(pre.SolveStatic(), 0) << scenario;
  World w = World::Create(model, o).value();
  w.RestoreState(pre.SaveState());
  return w;
}

// steps `duration_s` with the velocities damped (0.1 s), quasi-static, as the runner's settle
void StepQuasiStatic(World* w, double duration_s) {
  const double dt = w->options().dt_s;
  for (int64_t i = 0; i < std::llround(duration_s / dt); ++i) {
    ASSERT_EQ(w->Step(), kStepOk);
    w->DampVelocities(std::exp(-dt / 0.1));
  }
}

// the lying trunk's roll stiffness [N·m/rad]: a moment about the spine's long axis spread over
// T1..L5, the mean roll of those bodies after 2 s quasi-static (with friction)
double LyingRollStiffness(bool bodies) {
  ModelDesc d;
  World w = SettledScene("lying_knee_twist", bodies, &d);
  std::vector<BodyId> trunk;
  for (int i = 1; i <= 12; ++i) trunk.push_back(d.FindBody("T" + std::to_string(i)));
  for (int i = 1; i <= 5; ++i) trunk.push_back(d.FindBody("L" + std::to_string(i)));
  const Vec3 axis = d.bodies[trunk[6]].X_WB.R.col(2);  // T7's cranial axis in W
  std::vector<Quat> q0;
  for (BodyId b : trunk) q0.push_back(w.state().bodies[b].q_WB);
  constexpr double kMoment_Nm = 2.0;  // small: the lumped slices' corners stay down (docs/calibration.md)
  for (BodyId b : trunk) {
    AppliedLoad L;
    L.torque_Nm = axis * (kMoment_Nm / trunk.size());
    w.SetAppliedLoad(b, L);
  }
  StepQuasiStatic(&w, 2.0);
  double roll = 0;
  for (size_t k = 0; k < trunk.size(); ++k) {
    const Eigen::AngleAxisd aa(w.state().bodies[trunk[k]].q_WB * q0[k].inverse());
    roll += aa.angle() * aa.axis().dot(axis) / trunk.size();
  }
  return kMoment_Nm / roll;
}

TEST(RibCageContact, ALyingTrunkRollsFarMoreEasilyWithTheCageAsBodies) {
  const double lumped = LyingRollStiffness(false), bodies = LyingRollStiffness(true);
  std::printf("lying roll stiffness: lumped %.0f N m/rad, bodies %.0f N m/rad\n", lumped, bodies);
  EXPECT_GT(bodies, 0);
  EXPECT_LT(bodies, 0.5 * lumped);  // 262 against 659 today (docs/ribcage.md): the strips and the lumbar slices stay flat
}

TEST(RibCageContact, APushOnT7LandsOnT7sLevelWithoutTipping) {
  ModelDesc d;
  World w = SettledScene("thoracic_thrust", true, &d);
  const BodyId pad = d.FindBody("practitioner's hand");
  ASSERT_GE(pad, 0);
  AppliedLoad L;
  // along the push (the pad's z); the practitioner carries the pad's weight
  L.force_N = 100.0 * d.bodies[pad].X_WB.R.col(2) - d.bodies[pad].mass_kg * w.options().gravity_W;
  w.SetAppliedLoad(pad, L);
  StepQuasiStatic(&w, 1.0);
  auto on = [&](const std::string& body) {
    const BodyId b = d.FindBody(body);
    double f = 0;
    for (const ContactOutput& c : w.outputs().contacts)
      if ((c.a == pad && c.b == b) || (c.b == pad && c.a == b)) f += c.normal_N;
    return f;
  };
  const double r7 = on("rib 7 L") + on("rib 7 R"), r3 = on("rib 3 L") + on("rib 3 R");
  std::printf("hand on T7, 100 N: on T7 %.1f N, ribs 7 %.1f N (L %.1f, R %.1f), ribs 3 %.1f N\n", on("T7"), r7,
              on("rib 7 L"), on("rib 7 R"), r3);
  // T7's own level carries the hand (its strip and its ribs), not T3's. Before the prone trunk
  // lay level (docs/ribcage.md, phase 3) it had rolled 24 deg and the pad rested on rib 7 L
  // (52 N) 3 cm off the spinous process; level, the strip under the pad carries it (81 N)
  EXPECT_GT(on("T7") + r7, 60.0);
  EXPECT_LE(r3, r7);
  EXPECT_NEAR(on("rib 7 L"), on("rib 7 R"), 1.0);  // no tipping onto one side
}

TEST(RibCageContact, TheLumpedCageKeepsTheSlicesChestAndTheRibsCarryTheSurfaceOnlyAsBodies) {
  const ModelDesc lumped = Build(false), bodies = Build(true);
  const BodyId t7 = lumped.FindBody("T7"), l3 = lumped.FindBody("L3");
  EXPECT_GT(lumped.bodies[t7].anterior_contact_stiffness_N_per_m, 0);
  EXPECT_EQ(bodies.bodies[bodies.FindBody("T7")].anterior_contact_stiffness_N_per_m, 0);  // the sternum's now
  EXPECT_EQ(bodies.bodies[bodies.FindBody("L3")].anterior_contact_stiffness_N_per_m,
            lumped.bodies[l3].anterior_contact_stiffness_N_per_m);  // the abdomen stays on the slices
  EXPECT_LT(bodies.bodies[bodies.FindBody("T7")].shapes.front().half_extents_m.y(),
            lumped.bodies[t7].shapes.front().half_extents_m.y());
  for (const BodyDesc& b : lumped.bodies)
    for (const BoxShapeDesc& s : b.shapes) EXPECT_EQ(s.radius_m, 0) << b.name;
  const BodyDesc& r7 = bodies.bodies[bodies.FindBody("rib 7 L")];
  const BodyDesc& t7b = bodies.bodies[bodies.FindBody("T7")];
  for (const BoxShapeDesc& s : r7.shapes) {
    const Vec3 p_V = t7b.X_WB.Inverse() * (r7.X_WB * s.center_B) - t7b.p_BoV_B;
    std::printf("rib 7 L sphere at (%.0f, %.0f, %.0f) mm from T7's body centroid, radius %.0f mm\n", 1e3 * p_V.x(),
                1e3 * p_V.y(), 1e3 * p_V.z(), 1e3 * s.radius_m);
  }
  const BoxShapeDesc& strip = t7b.shapes.front();
  std::printf("T7 strip: back at %.0f mm, half width %.0f mm\n", 1e3 * (strip.center_B.x() - strip.half_extents_m.x() - t7b.p_BoV_B.x()),
              1e3 * strip.half_extents_m.y());
  // 4 on the back, 2 on the bony front, 2 on the cartilage, over the rib's two segments (the
  // spheres on the segment they lie on: the last back sphere sits at the bending joint)
  const BodyDesc& r7a = bodies.bodies[bodies.FindBody("rib 7 L anterior")];
  ASSERT_EQ(r7.shapes.size() + r7a.shapes.size(), 8u);
  EXPECT_GE(r7.shapes.size(), 3u);
  // the surface is left-right symmetric: rib 7 R's spheres mirror rib 7 L's in T7's frame
  for (const std::string seg : {"", " anterior"}) {
    const BodyDesc& l = bodies.bodies[bodies.FindBody("rib 7 L" + seg)];
    const BodyDesc& r7r = bodies.bodies[bodies.FindBody("rib 7 R" + seg)];
    ASSERT_EQ(r7r.shapes.size(), l.shapes.size());
    for (size_t k = 0; k < l.shapes.size(); ++k) {
      const Vec3 pl = t7b.X_WB.Inverse() * (l.X_WB * l.shapes[k].center_B) - t7b.p_BoV_B;
      const Vec3 pr = t7b.X_WB.Inverse() * (r7r.X_WB * r7r.shapes[k].center_B) - t7b.p_BoV_B;
      EXPECT_NEAR((pl - Vec3(pr.x(), -pr.y(), pr.z())).norm(), 0, 1e-9) << k << seg;
      EXPECT_DOUBLE_EQ(l.shapes[k].radius_m, r7r.shapes[k].radius_m);
    }
  }
  EXPECT_GT(r7.shapes.front().radius_m, 0.01);
  EXPECT_GT(r7.contact_stiffness_N_per_m, 0);
  EXPECT_EQ(bodies.bodies[bodies.FindBody("sternum")].shapes.size(), 4u);
}

TEST(RibCageContact, TheProneTrunkLiesLevelOnABroadChest) {
  // the PA stiffness scene without the hand. Before the broad front (the cartilages' and the
  // front tissue's pads) and the contents behind the ribs, the trunk rolled over: T6 26 deg, the
  // sternum 28 mm to one side of T7 (docs/ribcage.md)
  SpineParams p = Spine();
  p.rib_cage_model = "bodies";
  const ProneRestResult r = MeasureProneRest(p, Subject{}).value();
  double left = 0, right = 0, sternum = 0;
  for (const ProneRestBody& b : r.bodies) {
    if (b.name.rfind("rib ", 0) == 0) (b.name.find(" L") != std::string::npos ? left : right) += b.table_N;  // both segments
    if (b.name == "sternum") sternum = b.table_N;
  }
  std::printf("prone rest: largest roll %.2f deg, sternum off T7 %.1f mm; table on the ribs L %.0f N, R %.0f N, sternum %.0f N\n",
              r.max_roll_rad / kDegToRad, 1e3 * r.sternum_off_T7_m, left, right, sternum);
  EXPECT_LT(r.max_roll_rad, 2 * kDegToRad);
  EXPECT_LT(std::abs(r.sternum_off_T7_m), 5e-3);
  // the chest rests on both sides' ribs and the sternum, not on a keel
  EXPECT_GT(sternum, 10);
  EXPECT_GT(std::min(left, right), 0.8 * std::max(left, right));
  EXPECT_GT(left + right, sternum);
  // the lumped default lies level as before
  EXPECT_LT(MeasureProneRest(Spine(), Subject{}).value().max_roll_rad, 0.1 * kDegToRad);
}

TEST(RibCageContact, ThePaStiffnessSceneSettlesAtEveryLevel) {
  // T4 found no resting pose before (docs/ribcage.md); the values are 2.4-7.6x Edmondston's
  // (not calibrated: the ribs are rigid, printed by `spinelab pa-stiffness`)
  SpineParams p = Spine();
  p.rib_cage_model = "bodies";
  for (const char* level : {"T4", "T7", "T10"}) {
    auto r = MeasurePaStiffness(p, Subject{}, level);
    ASSERT_TRUE(r.ok()) << level << ": " << r.ErrorText();
    std::printf("PA %s with the cage as bodies: %.1f N/mm\n", level, 1e-3 * r.value().stiffness_N_per_m);
    EXPECT_GT(r.value().stiffness_N_per_m, 0) << level;
    EXPECT_GT(r.value().pad_travel_m, r.value().vertebra_travel_m) << level;
  }
}

TEST(RibCageContact, ThePaLoadPathBalancesAtEveryCut) {
  // the hand's force is conserved: on the whole trunk, the table's and the cradle's reaction (and
  // what the held sacrum takes) change by the hand's force; on every smaller cut (the pressed
  // vertebra, the cage, its front, the sternum) the elements across its boundary balance the
  // hand's and the table's contact. A force the load path misses (a family not summed, a frame
  // wrong) leaves a residual of the size of what it carries
  for (const bool bodies : {true, false}) {
    SpineParams p = Spine();
    if (bodies) p.rib_cage_model = "bodies";
    auto r = MeasurePaLoadPath(p, Subject{}, "T7");
    ASSERT_TRUE(r.ok()) << r.ErrorText();
    const PaLoadPathResult& L = r.value();
    // the hand presses with its push (the practitioner carries the pad's weight), from the touch
    // (ScenarioObject::kPadTouch_N) to 50 and 200 N; the guide's damping and the pad's inertia take a little
    EXPECT_NEAR(L.hand_touch_N, ScenarioObject::kPadTouch_N, 0.1) << bodies;
    EXPECT_NEAR(L.hand_low_N, 50, 1.0) << bodies;
    EXPECT_NEAR(L.hand_high_N, 200, 2.0) << bodies;
    const double dh = L.hand_high_N - L.hand_touch_N;
    ASSERT_EQ(L.cuts.size(), bodies ? 5u : 2u);
    for (const PaLoadPathCut& c : L.cuts) {
      double hand = 0, table = 0, gravity = 0;
      for (const PaLoadPathFamily& f : c.families) {
        if (f.name.rfind("hand on", 0) == 0) hand += f.high_N - f.touch_N;
        if (f.name.rfind("table on", 0) == 0 || f.name.rfind("face cradle on", 0) == 0) table += f.high_N - f.touch_N;
        if (f.name == "gravity") gravity += f.high_N;
      }
      std::printf("load path at T7 (%s), cut %s: hand %+.1f N, table and cradle %+.1f N, residual %+.2f N\n",
                  bodies ? "bodies" : "lumped", c.name.c_str(), hand, table, c.residual_high_N - c.residual_touch_N);
      // quasi-static: every cut balances, within 1 % of the hand's change (its bodies' inertia)
      EXPECT_NEAR(c.residual_high_N - c.residual_touch_N, 0, 0.01 * dh) << c.name;
      EXPECT_NEAR(c.residual_high_N, 0, 0.01 * dh) << c.name;
      EXPECT_GT(gravity, 0) << c.name;  // the push is down, gravity along it (+: towards the table): the sign convention
    }
    // the whole trunk: the hand's force reaches it whole, and the table, the cradle and the held
    // sacrum take it back
    const PaLoadPathCut& trunk = L.cuts[0];
    double hand = 0, supports = 0;
    for (const PaLoadPathFamily& f : trunk.families)
      (f.name.rfind("hand on", 0) == 0 ? hand : supports) += f.high_N - f.touch_N;
    EXPECT_NEAR(hand, dh, 1e-9);
    EXPECT_NEAR(supports, -dh, 0.01 * dh);
    // the pressed vertebra takes the hand on itself (its strip of back), not beside it
    double on_t7 = 0;
    for (const PaLoadPathFamily& f : L.cuts[1].families)
      if (f.name == "hand on T7 (pressed)") on_t7 = f.high_N - f.touch_N;
    EXPECT_GT(on_t7, 0.5 * dh);
  }
}

}  // namespace
}  // namespace spinelab::sim

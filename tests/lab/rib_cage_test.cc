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
  // every element couples chain bodies at most 3 apart in the solve order (the sternum is border)
  const Model m = Model::Compile(d).value();
  auto check = [&](BodyId a, BodyId b, const std::string& what) {
    if (a < 0 || b < 0 || d.bodies[a].border || d.bodies[b].border) return;
    const int fa = m.free_index(a), fb = m.free_index(b);
    if (fa < 0 || fb < 0) return;
    EXPECT_LE(std::abs(fa - fb), 3) << what;
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
  for (int rib = 1; rib <= kRibLevels; ++rib) {
    const Vec3 pl = w.state().bodies[d.FindBody(RibBodyName(rib, +1))].p_WB;
    const Vec3 pr = w.state().bodies[d.FindBody(RibBodyName(rib, -1))].p_WB;
    EXPECT_NEAR(pl.x(), pr.x(), 1e-7) << rib;
    EXPECT_NEAR(pl.y(), -pr.y(), 1e-7) << rib;
    EXPECT_NEAR(pl.z(), pr.z(), 1e-7) << rib;
  }
  for (size_t j = 0; j < d.synovial_joints.size(); ++j) {
    const std::string& n = d.synovial_joints[j].name;
    if (n.find(" rib ") == std::string::npos || n.back() != 'L') continue;
    const int k = d.synovial_joints.size() > j + 2 && d.synovial_joints[j + 2].name == n.substr(0, n.size() - 1) + "R" ? j + 2 : -1;
    if (k < 0) continue;
    EXPECT_NEAR(w.outputs().synovial_joints[j].gap_m, w.outputs().synovial_joints[k].gap_m, 1e-8) << n;  // 10 nm: left is summed before right
  }
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
  // the cage as bodies stiffens the thoracic spine in every direction (Liebsch et al. 2017);
  // how much is not calibrated yet (docs/ribcage.md): +12 / +19 / +14 % where Liebsch measured +52 / +42 / +94 %
  for (int i = 0; i < 3; ++i) EXPECT_LT(k.rom_bodies_rad[i], 0.95 * k.rom_stumps_rad[i]) << i;
  // not yet calibrated, printed by `spinelab ribs` and in docs/ribcage.md: bounds that say what it is today
  EXPECT_LT(k.chest_stiffness_N_per_m, Ribs().chest_stiffness_N_per_m);      // too soft (x0.13)
  EXPECT_GT(k.chest_stiffness_N_per_m, 0.05 * Ribs().chest_stiffness_N_per_m);
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

}  // namespace
}  // namespace spinelab::sim

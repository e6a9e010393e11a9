// Scene building without OpenGL: every body's parts, a coloured disc per facet joint, a bubble
// where there is gas, the scene's objects; colours follow the chosen quantity.
#include <algorithm>

#include <gtest/gtest.h>

#include "spinelab/scenario/scenario.h"
#include "spinelab/viz/scene.h"

namespace spinelab::viz {
namespace {

struct Fixture {
  sim::ModelDesc model;
  Frame frame;
};

Fixture Thrust() {
  auto sc = sim::LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/thoracic_thrust.toml").value();
  Fixture f;
  f.model = sim::BuildScenarioModel(sc, sim::LoadSpineParams(sim::DefaultSpineModelPath()).value()).value();
  for (const auto& b : f.model.bodies) f.frame.X_WB.push_back(b.X_WB);
  const size_t F = f.model.synovial_joints.size();
  f.frame.facet_gap_m.assign(F, 0.0);
  f.frame.facet_pressure_Pa.assign(F, 0.0);
  f.frame.facet_capsule_strain.assign(F, 0.05);
  f.frame.facet_contact_N.assign(F, 0.0);
  f.frame.facet_bubble_radius_m.assign(F, 0.0);
  return f;
}

TEST(VizScene, DrawsEveryBodyFacetAndObject) {
  const Fixture f = Thrust();
  const auto items = BuildDrawList(f.model, f.frame, {});
  std::vector<int> per_body(f.model.bodies.size(), 0), per_facet(f.model.synovial_joints.size(), 0);
  int planes = 0, boxes_env = 0;
  for (const DrawItem& it : items) {
    if (it.body >= 0) ++per_body[it.body];
    if (it.facet >= 0) ++per_facet[it.facet];
    if (it.mesh == Mesh::kPlane) ++planes;
    if (it.body < 0 && it.facet < 0 && it.mesh == Mesh::kBox) ++boxes_env;
    ASSERT_TRUE(it.model.allFinite());
  }
  for (size_t b = 0; b < per_body.size(); ++b) EXPECT_GT(per_body[b], 0) << f.model.bodies[b].name;
  for (size_t k = 0; k < per_facet.size(); ++k) EXPECT_EQ(per_facet[k], 1) << f.model.synovial_joints[k].name;
  EXPECT_EQ(planes, 1) << "the treatment table";
  EXPECT_EQ(boxes_env, 1) << "the face cradle";
}

TEST(VizScene, DrawsTheRibsTheSternumAndTheRibJointsWhenTheCageIsBodies) {
  auto sc = sim::LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/thoracic_thrust.toml").value();
  sim::SpineParams p = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  p.rib_cage_model = "bodies";
  Fixture f;
  f.model = sim::BuildScenarioModel(sc, p).value();
  for (const auto& b : f.model.bodies) f.frame.X_WB.push_back(b.X_WB);
  const size_t F = f.model.synovial_joints.size();
  for (auto* v : {&f.frame.facet_gap_m, &f.frame.facet_pressure_Pa, &f.frame.facet_capsule_strain, &f.frame.facet_contact_N,
                  &f.frame.facet_bubble_radius_m})
    v->assign(F, 0.0);
  const auto items = BuildDrawList(f.model, f.frame, {});
  std::vector<int> per_body(f.model.bodies.size(), 0), per_joint(F, 0);
  for (const DrawItem& it : items) {
    if (it.body >= 0) ++per_body[it.body];
    if (it.facet >= 0) ++per_joint[it.facet];
  }
  int ribs = 0, rib_joints = 0;
  for (size_t b = 0; b < per_body.size(); ++b) {
    const std::string& n = f.model.bodies[b].name;
    if (n.rfind("rib ", 0) == 0 || n == "sternum") {
      EXPECT_GE(per_body[b], 2) << n;  // shaft pieces (+ cartilage) / manubrium and body
      ++ribs;
    }
  }
  for (size_t k = 0; k < F; ++k)
    if (f.model.synovial_joints[k].name.find(" rib ") != std::string::npos) rib_joints += per_joint[k];
  EXPECT_EQ(ribs, 49);  // 24 ribs in two segments each (ribs.bending_segments = 2) and the sternum
  EXPECT_EQ(rib_joints, 44);
}

TEST(VizScene, FacetColourFollowsTheQuantityAndGasShowsABubble) {
  Fixture f = Thrust();
  f.frame.facet_capsule_strain[10] = 0.34;   // top of the range: red
  f.frame.facet_bubble_radius_m[10] = 0.002;
  SceneOptions o;
  o.facet_quantity = FacetQuantity::kCapsuleStrain;
  const auto items = BuildDrawList(f.model, f.frame, o);
  const DrawItem* hot = nullptr;
  const DrawItem* cold = nullptr;
  int bubbles = 0;
  for (const DrawItem& it : items) {
    if (it.facet == 10 && it.mesh == Mesh::kCylinder) hot = &it;
    if (it.facet == 11 && it.mesh == Mesh::kCylinder) cold = &it;
    bubbles += it.facet >= 0 && it.mesh == Mesh::kSphere;
  }
  ASSERT_TRUE(hot && cold);
  EXPECT_GT(hot->color.r, 0.6f);
  EXPECT_LT(hot->color.b, 0.3f);
  EXPECT_GT(cold->color.b, hot->color.b);
  EXPECT_EQ(bubbles, 1);
  // the same frame coloured by contact force (all zero): every disc at the bottom of the map
  o.facet_quantity = FacetQuantity::kContactForce;
  for (const DrawItem& it : BuildDrawList(f.model, f.frame, o))
    if (it.facet >= 0 && it.mesh == Mesh::kCylinder) {
      EXPECT_NEAR(it.color.b, ColorMap(0).b, 1e-6);
    }
}

// the capsule-strain colours end at the model's own pain-behaviour strain (models/*.toml), so a
// red capsule means what the summary's pain flag means; a model without capsules gets 0..1
TEST(VizScene, CapsuleStrainColoursEndAtTheModelsPainStrain) {
  Fixture f = Thrust();
  double pain = 0;
  for (const sim::SynovialJointDesc& j : f.model.synovial_joints)
    if (j.has_capsule) pain = std::max(pain, j.capsule.pain_strain);
  ASSERT_GT(pain, 0);
  EXPECT_DOUBLE_EQ(QuantityRange(FacetQuantity::kCapsuleStrain, f.model).hi, pain);
  for (sim::SynovialJointDesc& j : f.model.synovial_joints) j.capsule.pain_strain = 0.5 * pain;
  EXPECT_DOUBLE_EQ(QuantityRange(FacetQuantity::kCapsuleStrain, f.model).hi, 0.5 * pain);
  for (sim::SynovialJointDesc& j : f.model.synovial_joints) j.has_capsule = false;
  EXPECT_DOUBLE_EQ(QuantityRange(FacetQuantity::kCapsuleStrain, f.model).hi, 1.0);
}

TEST(VizScene, ColorMapIsClampedAndDiverging) {
  EXPECT_EQ(ColorMap(-1).b, ColorMap(0).b);
  EXPECT_EQ(ColorMap(2).r, ColorMap(1).r);
  EXPECT_GT(ColorMap(0).b, ColorMap(0).r);
  EXPECT_GT(ColorMap(1).r, ColorMap(1).b);
  EXPECT_NEAR(ColorMap(0.5).r, ColorMap(0.5).b, 1e-6);  // grey in the middle
  EXPECT_EQ(ColorMap(std::nan("")).b, ColorMap(0).b);
}

TEST(VizScene, PickFindsTheFacetUnderTheRayAndNothingInEmptySpace) {
  const Fixture f = Thrust();
  const auto items = BuildDrawList(f.model, f.frame, {});
  const sim::SynovialJointDesc& fd = f.model.synovial_joints[14];
  const Pose& XA = f.frame.X_WB[fd.body_a];
  const Eigen::Vector3f p = (XA * fd.p_AoP_A).cast<float>(), n = (XA.R * fd.n_A).cast<float>();
  // from outside along the facet's normal, straight at its centre
  const int hit = Pick(items, p + 0.3f * n, -n);
  ASSERT_GE(hit, 0);
  EXPECT_EQ(items[hit].facet, 14);
  EXPECT_EQ(Pick(items, Eigen::Vector3f(5, 5, 5), Eigen::Vector3f(0, 0, 1)), -1);
}

TEST(VizScene, DiscsColouredByShearWhenAsked) {
  Fixture f = Thrust();
  const size_t L = f.model.joints.size();
  f.frame.disc_shear_N.assign(L, 0.0);
  f.frame.disc_shear_N[20] = 300.0;
  f.frame.disc_pressure_Pa.assign(L, 0.5e6);
  SceneOptions o;
  const size_t plain = BuildDrawList(f.model, f.frame, o).size();
  o.disc_quantity = DiscQuantity::kShear;
  const auto items = BuildDrawList(f.model, f.frame, o);
  EXPECT_EQ(items.size(), plain + L);
  int red = 0;
  for (const DrawItem& it : items) red += it.mesh == Mesh::kCylinder && it.facet < 0 && it.color.r > 0.6f && it.color.b < 0.3f;
  EXPECT_EQ(red, 1) << "only the loaded disc is at the top of the shear range";
}

TEST(VizScene, AppliedLoadsAreLabelledWithTheirMagnitudeAtTheArrowTip) {
  Fixture f = Thrust();
  const Vec3 at(0.1, 0, 0.4);
  f.frame.applied_forces.push_back({at, Vec3(-532, 0, 0)});
  f.frame.applied_torques.push_back({at, Vec3(0, 0, 15)});
  f.frame.applied_forces.push_back({at, Vec3(0, 0.5, 0)});  // 0.25 mm of arrow: not drawn, no label
  SceneOptions opt;
  const std::vector<Label> labels = ArrowLabels(f.frame, opt);
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0].text, "532 N");
  EXPECT_LT((labels[0].at_W - (at + Vec3(-532 * opt.arrow_m_per_N, 0, 0))).norm(), 1e-12) << "at the force arrow's tip";
  EXPECT_EQ(labels[1].text, "15 N\u00b7m");
  EXPECT_LT((labels[1].at_W - (at + Vec3(0, 0, 15 * opt.arrow_m_per_Nm))).norm(), 1e-12) << "at the torque axis' tip";
  f.frame.applied_torques.front().torque_W = Vec3(0, 0, 2.5);
  EXPECT_EQ(ArrowLabels(f.frame, opt)[1].text, "2.5 N\u00b7m") << "small loads keep a decimal";
  opt.arrows = false;
  EXPECT_TRUE(ArrowLabels(f.frame, opt).empty()) << "no arrows, no labels";
}

TEST(VizScene, AnAppliedTorqueIsDrawnAsAnAxisAndATurnInTheRightHandSense) {
  Fixture f = Thrust();
  // far from the figure, so every sphere near it belongs to the torque arrow
  const Vec3 at(5, 5, 5), M(0, 0, 15);  // about +z: counter-clockwise seen from above
  const double axis_m = 15 * SceneOptions{}.arrow_m_per_Nm;
  auto turn = [&](const Vec3& torque, std::vector<Eigen::Vector3f>* beads, std::vector<float>* sizes) {
    f.frame.applied_torques = {{at, torque}};
    bool shaft = false;
    for (const DrawItem& it : BuildDrawList(f.model, f.frame, {})) {
      const Eigen::Vector3f p = it.model.block<3, 1>(0, 3) - at.cast<float>();
      if (p.norm() > 0.5f) continue;
      if (it.mesh == Mesh::kCylinder) shaft = std::abs(p.z() - torque.normalized().z() * 0.5 * axis_m) < 1e-5;
      if (it.mesh == Mesh::kSphere) beads->push_back(p), sizes->push_back(it.model.block<3, 1>(0, 0).norm());
    }
    EXPECT_TRUE(shaft) << "the axis runs from the point along the torque";
  };
  std::vector<Eigen::Vector3f> beads;
  std::vector<float> sizes;
  turn(M, &beads, &sizes);
  ASSERT_GE(beads.size(), 10u);
  double turned = 0;
  for (size_t i = 1; i < beads.size(); ++i) {
    turned += std::remainder(std::atan2(beads[i].y(), beads[i].x()) - std::atan2(beads[i - 1].y(), beads[i - 1].x()), 2 * kPi);
    EXPECT_NEAR(std::hypot(beads[i].x(), beads[i].y()), std::hypot(beads[0].x(), beads[0].y()), 1e-5) << "on a circle about the axis";
    EXPECT_NEAR(beads[i].z(), 0.6 * axis_m, 1e-5);
  }
  EXPECT_NEAR(turned, 1.5 * kPi, 1e-4) << "three quarters of a turn, counter-clockwise about +z";
  EXPECT_GT(sizes.back(), 2 * sizes.front()) << "the last bead is the arrow's head";
  beads.clear(), sizes.clear();
  turn(-M, &beads, &sizes);
  ASSERT_GE(beads.size(), 2u);
  EXPECT_LT(std::remainder(std::atan2(beads[1].y(), beads[1].x()) - std::atan2(beads[0].y(), beads[0].x()), 2 * kPi), 0)
      << "-z turns the other way";
  EXPECT_LT(beads[0].z(), 0) << "and its axis points down";
}

TEST(VizScene, TheCloseUpShowsTheGapMagnifiedTheFluidTheCavityAndTheCapsule) {
  Fixture f = Thrust();
  EXPECT_TRUE(BuildCloseUp(f.model, f.frame, -1).items.empty());
  EXPECT_TRUE(BuildCloseUp(f.model, f.frame, static_cast<int>(f.model.synovial_joints.size())).items.empty());
  EXPECT_EQ(CloseUpCaption(f.model, f.frame, -1), "");
  const int j = static_cast<int>(std::find_if(f.model.synovial_joints.begin(), f.model.synovial_joints.end(),
                                              [](const sim::SynovialJointDesc& d) { return d.name == "T6-T7 L"; }) -
                                 f.model.synovial_joints.begin());
  ASSERT_LT(j, static_cast<int>(f.model.synovial_joints.size()));
  f.frame.facet_gap_m[j] = 0.4e-3;
  f.frame.facet_pressure_Pa[j] = -60e3;
  const CloseUp c = BuildCloseUp(f.model, f.frame, j);
  // A's surface, B's surface, the film, the capsule: no gas yet
  ASSERT_EQ(c.items.size(), 4u);
  const Eigen::Vector3f n = c.normal_W.cast<float>();
  const float apart = n.dot(c.items[1].model.block<3, 1>(0, 3) - c.items[0].model.block<3, 1>(0, 3));
  EXPECT_NEAR(apart, kCloseUpGapScale * 0.4e-3 + 1e-3, 1e-6) << "the gap drawn x5, plus the two surfaces' half thicknesses";
  EXPECT_NEAR((c.items[2].model * Eigen::Vector4f(0, 0, 1, 0)).head<3>().norm(),
              0.5 * kCloseUpGapScale * 0.4e-3, 1e-7) << "the film fills the drawn gap";
  EXPECT_GT(c.items[2].color.b, c.items[2].color.r) << "suction is blue";
  EXPECT_LT(c.items[3].color.a, 1.f) << "the capsule is translucent";
  // gas: a cavity at its radius
  f.frame.facet_bubble_radius_m[j] = 0.6e-3;
  const CloseUp g = BuildCloseUp(f.model, f.frame, j);
  ASSERT_EQ(g.items.size(), 5u);
  EXPECT_EQ(g.items[3].mesh, Mesh::kSphere);
  EXPECT_NEAR((g.items[3].model.block<3, 1>(0, 0).norm()), 0.6e-3, 1e-8);
  const std::string caption = CloseUpCaption(f.model, f.frame, j);
  EXPECT_NE(caption.find("T6-T7 L  gap 0.40 mm (drawn x5)"), std::string::npos) << caption;
  EXPECT_NE(caption.find("fluid -60 kPa"), std::string::npos) << caption;
  EXPECT_NE(caption.find("capsule 0.05"), std::string::npos) << caption;
  EXPECT_NE(caption.find("gas r 0.60 mm"), std::string::npos) << caption;
  // pressed shut: no film, the surfaces overlap by the (magnified) compression
  f.frame.facet_gap_m[j] = -0.1e-3;
  f.frame.facet_bubble_radius_m[j] = 0;
  const CloseUp p = BuildCloseUp(f.model, f.frame, j);
  ASSERT_EQ(p.items.size(), 3u);
  EXPECT_NEAR(n.dot(p.items[1].model.block<3, 1>(0, 3) - p.items[0].model.block<3, 1>(0, 3)), -kCloseUpGapScale * 0.1e-3 + 1e-3, 1e-6);
}

}  // namespace
}  // namespace spinelab::viz

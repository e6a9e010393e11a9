// Model::Compile: every bad parameter is reported with element, field, value and range.
#include <gtest/gtest.h>

#include "spinelab/sim/model.h"
#include "spinelab/lab/scenes.h"

namespace spinelab::sim {
namespace {

bool HasError(const Expected<Model>& m, const std::string& path_part, const std::string& msg_part) {
  for (const auto& d : m.errors())
    if (d.path.find(path_part) != std::string::npos && d.message.find(msg_part) != std::string::npos) return true;
  return false;
}

TEST(Model, ChainCompiles) {
  auto m = Model::Compile(MakeBushingChain());
  ASSERT_TRUE(m.ok()) << m.ErrorText();
  EXPECT_EQ(m.value().num_bodies(), 25);
  EXPECT_EQ(m.value().num_free_bodies(), 24);
  EXPECT_EQ(m.value().free_index(0), -1);
  EXPECT_EQ(m.value().free_index(1), 0);
}

TEST(Model, BadParametersAreAllReported) {
  ModelDesc d = MakeBushingChain();
  d.bodies[3].mass_kg = -1;
  d.bodies[4].inertia_kgm2 = Vec3(1, 0.1, 0.1);          // violates the triangle inequality
  d.bushings[2].params.k_trans.x() = -120;
  d.bushings[5].params.rot[1].nz_pos = std::nan("");
  d.bushings[6].body_b = 99;
  d.bodies[2].anterior_axis_B = Vec3(2, 0, 0);  // not unit
  LigamentDesc l;
  l.name = "bad";
  l.body_a = 1;
  l.body_b = 2;
  l.stiffness_N_per_m = 1e4;
  l.slack_length_m = 0;
  l.toe_strain = 1.5;
  d.ligaments.push_back(l);
  SynovialJointDesc f;
  f.name = "F";
  f.body_a = 1;
  f.body_b = 2;
  f.n_A = Vec3(1, 1, 0);  // not unit
  f.area_m2 = 1e-4;
  f.cartilage_modulus_Pa = 1e7;
  f.cartilage_thickness_m = 1e-3;
  d.synovial_joints.push_back(f);
  auto m = Model::Compile(d);
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(HasError(m, "body 'body3'.mass_kg", "-1")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "body 'body4'", "triangle inequality")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "bushing 'bushing 3'.k_trans[0]", ">= 0 N/m")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "rot[y].nz_pos", "nan")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "bushing 'bushing 7'.body_b", "99")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "ligament 'bad'.slack_length_m", "> 0 m")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "ligament 'bad'.toe_strain", "(0, 1)")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "synovial joint 'F'.n_A", "unit vector")) << m.ErrorText();
  EXPECT_TRUE(HasError(m, "body 'body2'.anterior_axis_B (norm)", "unit vector")) << m.ErrorText();
  EXPECT_GE(m.errors().size(), 9u);
}

TEST(Model, ExtractSegmentRejectsUnknownLevel) {
  ModelDesc d = MakeBushingChain();
  auto s = ExtractSegment(d, "T7-T8");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ErrorText().find("'T7-T8' is not a level"), std::string::npos) << s.ErrorText();
}

}  // namespace
}  // namespace spinelab::sim

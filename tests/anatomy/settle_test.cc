// Whole spine standing under gravity with muscle tone: stays finite and upright, and the
// lumbar disc pressure lands near the in vivo value (held out: Wilke et al. 1999, Spine 24:755,
// relaxed standing 0.5 MPa at L4-L5; not used in calibration).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {
namespace {

TEST(Settle, WholeSpineStaysFiniteAndUpright) {
  auto desc = BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value();
  auto model = std::make_shared<const Model>(Model::Compile(desc).value());
  World w = World::Create(model, SimOptions{}).value();
  const Vec3 head0 = w.state().bodies[0].p_WB;
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(w.Step(), kStepOk) << "step " << i;
  const Vec3 head = w.state().bodies[0].p_WB;
  EXPECT_LT((head - head0).norm(), 0.03);   // settles by disc compression, does not collapse
  EXPECT_GT(head0.z() - head.z(), 0.002);   // but it does settle (discs compress)
  double ke = w.KineticEnergy();
  EXPECT_LT(ke, 1e-3);                      // at rest after 2 s
  const JointDesc& l45 = model->desc().joints[model->desc().FindJoint("L4-L5")];
  const double idp = w.outputs().bushings[l45.bushing].pressure_Pa;
  EXPECT_GT(idp, 0.3e6);
  EXPECT_LT(idp, 0.9e6);
}

}  // namespace
}  // namespace spinelab::sim

#include "spinelab/lab/scenes.h"

namespace spinelab::sim {
namespace {

TEST(TwistThrust, CracksTheFacetsThatGapNotTheCompressedOnes) {
  auto model = std::make_shared<const Model>(
      Model::Compile(BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value()).value());
  for (const bool cavitation : {true, false}) {
    SimOptions o;
    o.synovial.cavitation = cavitation;
    World w = World::Create(model, o).value();
    for (int i = 0; i < static_cast<int>(kTwistSettle_s / o.dt_s); ++i) w.Step();
    int left = 0, right = 0, total = 0;
    for (int i = 0; i < 700; ++i) {
      ApplyTwistThrust(&w, i * o.dt_s);
      ASSERT_EQ(w.Step(), kStepOk);
      for (size_t k = 0; k < w.outputs().synovial_joints.size(); ++k) {
        if (!w.outputs().synovial_joints[k].cracked) continue;
        ++total;
        // while the torque acts (0.3 s) only the facets that gap in left rotation crack
        // (the right ones are pressed together); the rebound after the release may pop others
        const std::string& name = model->desc().synovial_joints[k].name;
        const bool lumbar = name[0] == 'L' || name[0] == 'T';
        if (i * o.dt_s < 0.3 && lumbar) (name.back() == 'L' ? left : right)++;
      }
    }
    if (cavitation) {
      EXPECT_GE(left, 3);
      EXPECT_EQ(right, 0);
    } else {
      EXPECT_EQ(total, 0);
    }
  }
}

}  // namespace
}  // namespace spinelab::sim

// Distraction of one facet joint: the cracking-joint curve, the refractory period from gas
// dissolution, conservation, convergence and step independence, no crack below the threshold,
// rate dependence.
#include <gtest/gtest.h>

#include <algorithm>

#include "spinelab/lab/distraction.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {
namespace {

class Distraction : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spine_ = new ModelDesc(BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value());
  }
  static void TearDownTestSuite() { delete spine_; }
  static DistractionResult Run(const DistractionOptions& o, const char* level = "L4-L5") {
    auto r = RunDistraction(*spine_, level, 'L', o);
    EXPECT_TRUE(r.ok()) << r.ErrorText();
    EXPECT_EQ(r.value().status, "ok");
    return r.value();
  }
  static ModelDesc* spine_;
};
ModelDesc* Distraction::spine_ = nullptr;

TEST_F(Distraction, ForceRisesThenDropsSuddenlyWhileTheGapJumps) {
  const auto r = Run(DistractionOptions{});
  const PullResult& p = r.pulls[0];
  ASSERT_TRUE(p.cavitated);
  // index of the crack in the recorded curve
  const auto it = std::find_if(p.t_s.begin(), p.t_s.end(), [&](double t) { return t >= p.time_of_crack_s - 1e-9; });
  const size_t ic = static_cast<size_t>(it - p.t_s.begin());
  // rising before the crack
  EXPECT_GT(p.force_N[ic - 1], p.force_N[ic / 2]);
  EXPECT_GT(p.peak_force_N, 30.0);
  // within 20 ms the force has fallen by more than half while the gap has opened > 0.3 mm
  const size_t i20 = ic + static_cast<size_t>(0.02 / 1e-3);
  EXPECT_LT(p.force_N[i20], 0.5 * p.peak_force_N);
  EXPECT_GT(p.gap_m[i20] - p.gap_at_crack_m, 3e-4);
  EXPECT_GT(p.gap_jump_m, 3e-4);
  // a cavity of the order of the measured 15 % of joint volume (Brodeur 1995)
  EXPECT_GT(p.gas_volume_fraction, 0.08);
  EXPECT_LT(p.gas_volume_fraction, 0.35);
  // an audible pop
  EXPECT_GT(p.sound.peak_dB_SPL, 60.0);
  EXPECT_LT(p.sound.peak_dB_SPL, 110.0);
  EXPECT_GT(p.sound.duration_s, 1e-4);
}

TEST_F(Distraction, RefractoryPeriodComesFromGasDissolution) {
  DistractionOptions o;
  o.again_after_s = {300};
  const auto five = Run(o);
  ASSERT_TRUE(five.pulls[0].cavitated);
  EXPECT_FALSE(five.pulls[1].cavitated) << "5 minutes after a crack the joint still holds gas";
  o.again_after_s = {1500};
  const auto twenty_five = Run(o);
  EXPECT_TRUE(twenty_five.pulls[1].cavitated) << "after 25 minutes the gas has dissolved";
}

TEST_F(Distraction, FluidVolumeIsConserved) {
  const auto r = Run(DistractionOptions{});
  // the volume balance residual is rounding-level against a 1 ml joint
  EXPECT_LT(r.max_volume_error_m3, 1e-15);
}

TEST_F(Distraction, BubbleIntegrationConverges) {
  DistractionOptions a, b;
  a.bubble_rel_tol = 1e-6;
  b.bubble_rel_tol = 0.5e-6;
  const auto ra = Run(a), rb = Run(b);
  ASSERT_TRUE(ra.pulls[0].cavitated && rb.pulls[0].cavitated);
  EXPECT_NEAR(ra.pulls[0].gap_jump_m, rb.pulls[0].gap_jump_m, 0.01 * rb.pulls[0].gap_jump_m);
}

TEST_F(Distraction, CrackDoesNotDependOnTheRigidBodyStep) {
  DistractionOptions a, b;
  a.dt_s = 1e-4;
  b.dt_s = 5e-4;
  const auto ra = Run(a), rb = Run(b);
  ASSERT_TRUE(ra.pulls[0].cavitated && rb.pulls[0].cavitated);
  EXPECT_NEAR(ra.pulls[0].time_of_crack_s, rb.pulls[0].time_of_crack_s, 2e-3);
  EXPECT_NEAR(ra.pulls[0].gap_jump_m, rb.pulls[0].gap_jump_m, 0.05 * ra.pulls[0].gap_jump_m);
}

TEST_F(Distraction, PullStoppedBeforeTheThresholdDoesNotCrackAndTheJointReturns) {
  DistractionOptions full;
  const auto cracked = Run(full);
  DistractionOptions o;
  o.stop_at_travel_m = 0.5 * cracked.pulls[0].peak_force_N / o.device_stiffness_N_per_m;  // half the crack force
  const auto r = Run(o);
  EXPECT_FALSE(r.pulls[0].cavitated);
  EXPECT_LT(r.pulls[0].peak_force_N, 0.7 * cracked.pulls[0].peak_force_N);
  // back to the rest gap of the loaded joint (before the pull)
  EXPECT_NEAR(r.pulls[0].rest_gap_after_m, r.pulls[0].gap_m.front(), 2e-5);
}

TEST_F(Distraction, SlowStretchDoesNotPopButAFastOneDoes) {
  DistractionOptions slow;
  slow.speed_m_per_s = 1e-5;  // 0.01 mm/s: the capsule draws in as fast as the joint opens
  slow.max_travel_m = 0.0012;
  const auto r = Run(slow);
  EXPECT_FALSE(r.pulls[0].cavitated);
  EXPECT_TRUE(Run(DistractionOptions{}).pulls[0].cavitated);
}

TEST_F(Distraction, BadOptionsAreRejected) {
  DistractionOptions o;
  o.speed_m_per_s = -1;
  auto r = RunDistraction(*spine_, "L4-L5", 'L', o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.ErrorText().find("speed_m_per_s"), std::string::npos);
  auto r2 = RunDistraction(*spine_, "L4-L5", 'X', DistractionOptions{});
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.ErrorText().find("allowed: L, R"), std::string::npos);
}

}  // namespace
}  // namespace spinelab::sim

#include <memory>

#include "spinelab/sim/world.h"

namespace spinelab::sim {
namespace {

// L4-L5 segment: left axial rotation at 7.5 N·m, quasi-static, optionally after a fast thrust
// that cracks the joints (Brodeur 1995: range of motion increases after cavitation)
double AxialRotationDeg(bool crack_first, int* cracks) {
  SpineBuildOptions bo;
  bo.muscle_tone = false;
  const auto spine = BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}, bo).value();
  auto model = std::make_shared<const Model>(Model::Compile(ExtractSegment(spine, "L4-L5").value()).value());
  const JointDesc& L = model->desc().joints[0];
  SimOptions zero_g;  // a segment in vitro
  zero_g.gravity_W.setZero();
  World w = World::Create(model, zero_g).value();
  for (int i = 0; i < 300; ++i) w.Step();
  *cracks = 0;
  if (crack_first) {
    for (int i = 0; i < 60; ++i) {
      AppliedLoad l;
      l.torque_Nm = L.X_WD0.R.col(2) * (i < 30 ? 30.0 : 0.0);
      w.SetAppliedLoad(1, l);
      w.Step();
      for (const auto& f : w.outputs().synovial_joints) *cracks += f.cracked;
    }
    w.ClearAppliedLoads();
    for (int i = 0; i < 1000; ++i) w.Step();
  }
  const double th0 = w.outputs().bushings[L.bushing].rotation_rad.z();
  for (int i = 0; i < 2500; ++i) {
    AppliedLoad l;
    l.torque_Nm = L.X_WD0.R.col(2) * 7.5 * std::min(1.0, i / 2000.0);
    w.SetAppliedLoad(1, l);
    w.Step();
  }
  return (w.outputs().bushings[L.bushing].rotation_rad.z() - th0) * kRadToDeg;
}

TEST(Cavitation, RangeOfMotionIncreasesAfterTheCrack) {
  int none = 0, cracks = 0;
  const double before = AxialRotationDeg(false, &none);
  const double after = AxialRotationDeg(true, &cracks);
  EXPECT_EQ(none, 0);
  EXPECT_GE(cracks, 1);
  EXPECT_GT(after, 1.15 * before) << "suction no longer holds the gas-filled joint";
}

}  // namespace
}  // namespace spinelab::sim

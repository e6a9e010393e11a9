// The rotational servo (World::SetServo): a body on a rotational spring driven towards a target
// angle with a saturated torque. Analytic steady states, the unloaded drive, the step
// convergence of a ramp, the saturation and bad arguments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "spinelab/sim/world.h"
#include "test_util.h"

namespace spinelab::sim {
namespace {

constexpr double kInertiaZ = 0.65;  // [kg·m²] about z: the upper trunk's order (assumed)

// a held base and a disk above it, joined by a bushing that is stiff in every direction but the
// rotation about z, where it is a linear spring k_spring [N·m/rad] with a tissue's damping,
// 20 N·m·s/rad (~1.8x critical at 50 N·m/rad: a saturated servo has none of its own) (0: free to turn)
std::shared_ptr<const Model> DiskOnASpring(double k_spring) {
  BushingDesc e;
  e.name = "spring";
  e.X_AF.p = Vec3(0, 0, 0.05);
  e.X_BM.p = Vec3(0, 0, -0.05);
  e.params.k_trans = Vec3::Constant(1e6);
  e.params.k_axial_compression = 1e6;
  e.params.c_trans = Vec3::Constant(100);
  e.params.rot[0].k0 = e.params.rot[1].k0 = 1e4;
  e.params.rot[2].k0 = k_spring;
  e.params.c_rot = Vec3(10, 10, k_spring > 0 ? 20 : 0);
  auto m = Model::Compile(testing::HeldBaseAndBody("disk", 10, Vec3(0.5, 0.5, kInertiaZ), Vec3(0, 0, 0.1), e));
  EXPECT_TRUE(m.ok()) << m.ErrorText();
  return std::make_shared<const Model>(std::move(m).value());
}

// the servo: disk against the base about z, critically damped for the disk's inertia
Servo DiskServo(double target_rad, double max_torque_Nm, double k = 2000) {
  Servo s;
  s.active = true;
  s.body = 1;
  s.reference = 0;
  s.axis_A = Vec3::UnitZ();
  s.target_rad = target_rad;
  s.stiffness_Nm_per_rad = k;
  s.damping_Nms_per_rad = 2 * std::sqrt(k * kInertiaZ);
  s.max_torque_Nm = max_torque_Nm;
  return s;
}

SimOptions Options(double dt_s) {
  SimOptions o;
  o.dt_s = dt_s;
  o.gravity_W = Vec3::Zero();
  return o;
}

// the disk's rotation about z after `duration_s` with the servo on; the largest |torque| seen
double Drive(double k_spring, const Servo& s, double dt_s, double duration_s, double* peak_torque = nullptr,
             bool* saturated = nullptr) {
  World w = World::Create(DiskOnASpring(k_spring), Options(dt_s)).value();
  w.SetServo(0, s);
  const int n = static_cast<int>(std::lround(duration_s / dt_s));
  double peak = 0;
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(w.Step(), kStepOk);
    peak = std::max(peak, std::abs(w.servo_output(0).torque_Nm));
  }
  if (peak_torque) *peak_torque = peak;
  if (saturated) *saturated = w.servo_output(0).saturated;
  const double angle = RotationVector(w.state().bodies[1].q_WB.toRotationMatrix()).z();
  EXPECT_NEAR(w.servo_output(0).angle_rad, angle, 1e-9) << "the servo measures the rotation it drives";
  return angle;
}

TEST(Servo, SteadyAngleIsTheTargetOrWhereTheSaturationHoldsTheSpring) {
  // on a spring k: θ = min(k_s·θt / (k_s + k), τmax / k); the servo's own stiffness k_s makes
  // the unsaturated angle fall short of the target by k / (k_s + k)
  const double k = 50, k_s = 2000, target = 0.5;
  bool saturated = true;
  const double free_angle = Drive(k, DiskServo(target, 100, k_s), 1e-3, 3.0, nullptr, &saturated);
  EXPECT_NEAR(free_angle, k_s * target / (k_s + k), 1e-6) << "below saturation (the spring needs 24.4 N·m)";
  EXPECT_FALSE(saturated);
  const double held = Drive(k, DiskServo(target, 10, k_s), 1e-3, 6.0, nullptr, &saturated);
  EXPECT_NEAR(held, 10 / k, 1e-6) << "saturated: 10 N·m holds the spring at 0.2 rad";
  EXPECT_TRUE(saturated);
}

TEST(Servo, ReachesItsTargetWhenUnloaded) {
  // no spring about z: nothing resists the drive, so it ends on the target, at rest
  for (double target : {0.3, -0.8}) EXPECT_NEAR(Drive(0, DiskServo(target, 20), 1e-3, 3.0), target, 1e-7);
}

TEST(Servo, NeverExceedsItsMaximumTorque) {
  // a step to 1 rad with a 2000 N·m/rad gain asks for 2000 N·m; 15 N·m is all it gets
  double peak = 0;
  bool saturated = false;
  const double angle = Drive(50, DiskServo(1.0, 15), 1e-3, 0.2, &peak, &saturated);
  EXPECT_LE(peak, 15.0 + 1e-12);
  EXPECT_NEAR(peak, 15.0, 1e-12) << "it pushes with all it has while far from the target";
  EXPECT_TRUE(saturated);
  EXPECT_LT(angle, 15.0 / 50) << "no further than 15 N·m holds the spring";
}

TEST(Servo, ARampedTargetConvergesUnderSmallerSteps) {
  // the target ramped 0 -> 0.6 rad over 0.3 s (a drive of the scenarios, fast), read at 0.2 s,
  // mid-ramp: the implicit step's error falls with the step (first order) and is small at 4 ms
  auto ramp = [](double dt) {
    World w = World::Create(DiskOnASpring(50), Options(dt)).value();
    const int n = static_cast<int>(std::lround(0.2 / dt));
    for (int i = 0; i < n; ++i) {
      w.SetServo(0, DiskServo(0.6 * std::min(1.0, i * dt / 0.3), 40));
      EXPECT_EQ(w.Step(), kStepOk);
    }
    return RotationVector(w.state().bodies[1].q_WB.toRotationMatrix()).z();
  };
  const double a4 = ramp(4e-3), a1 = ramp(1e-3), a025 = ramp(2.5e-4);
  EXPECT_GT(a025, 0.5 * 0.4) << "it follows the ramp (the target is at 0.4 rad)";
  EXPECT_LT(std::abs(a1 - a025), 0.5 * std::abs(a4 - a025)) << a4 << " " << a1 << " " << a025;
  EXPECT_LT(std::abs(a4 - a025), 0.03 * a025) << "4 ms within 3 % of a 0.25 ms step";
}

TEST(Servo, ReportsItsTorqueInTheWorldAndItsAngleOnceLetGo) {
  // driven against the spring, saturated at 10 N·m: the torque on the disk is +10 N·m about the
  // base's z in W; let go (inactive), it applies nothing and still says how far the disk is turned
  World w = World::Create(DiskOnASpring(50), Options(1e-3)).value();
  Servo s = DiskServo(0.5, 10);
  w.SetServo(0, s);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(w.Step(), kStepOk);
  const ServoOutput on = w.servo_output(0);
  EXPECT_TRUE(on.saturated);
  EXPECT_EQ(on.torque_Nm, 10.0);
  EXPECT_EQ(on.torque_W, Vec3(0, 0, 10.0)) << "tau along the axis, in W (the base is the world's frame)";
  s.active = false;
  w.SetServo(0, s);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(w.Step(), kStepOk);
  const ServoOutput off = w.servo_output(0);
  EXPECT_EQ(off.torque_Nm, 0.0);
  EXPECT_EQ(off.torque_W, Vec3::Zero());
  EXPECT_FALSE(off.saturated);
  const double angle = RotationVector(w.state().bodies[1].q_WB.toRotationMatrix()).z();
  EXPECT_NEAR(off.angle_rad, angle, 1e-9);
  EXPECT_LT(angle, 0.2 - 1e-3) << "the spring turns it back once the drive lets go";
  EXPECT_GT(angle, 0.05);
}

TEST(Servo, BadArgumentsAreRefused) {
  World w = World::Create(DiskOnASpring(50), Options(1e-3)).value();
  Servo s = DiskServo(0.5, 10);
  Servo free_reference = s;
  free_reference.reference = 1;
  free_reference.body = 0;
  EXPECT_THROW(w.SetServo(0, free_reference), std::invalid_argument) << "the driven body must be free, the reference held";
  Servo axis = s;
  axis.axis_A = Vec3(0, 0, 2);
  EXPECT_THROW(w.SetServo(0, axis), std::invalid_argument);
  Servo gain = s;
  gain.stiffness_Nm_per_rad = -1;
  EXPECT_THROW(w.SetServo(0, gain), std::invalid_argument);
  Servo limit = s;
  limit.max_torque_Nm = std::nan("");
  EXPECT_THROW(w.SetServo(0, limit), std::invalid_argument);
  EXPECT_THROW(w.SetServo(-1, s), std::invalid_argument);
  // an inactive servo does nothing
  Servo off;
  w.SetServo(3, off);
  EXPECT_EQ(w.Step(), kStepOk);
  EXPECT_EQ(w.servo_output(3).torque_Nm, 0.0);
  EXPECT_EQ(w.servo_output(7).torque_Nm, 0.0) << "an index never set";
}

}  // namespace
}  // namespace spinelab::sim

// Facet joint: gap measurement, contact only when closed, direction, third law, energy.
#include "forces/articular.h"

#include <gtest/gtest.h>

#include "../../test_util.h"

namespace spinelab {
namespace {

using testing::MakeKin;

sim::SynovialJointDesc MakeFacet() {
  sim::SynovialJointDesc f;
  f.body_a = 0;
  f.body_b = 1;
  f.p_AoP_A = Vec3(-0.035, -0.02, 0.015);
  f.n_A = Vec3(-std::sqrt(0.5), std::sqrt(0.5), 0);  // right lumbar facet: posterior-medial
  f.p_BoQ_B = Vec3(-0.035, -0.02, -0.015);
  f.rest_gap_m = 0.5e-3;
  f.area_m2 = 160e-6;
  f.cartilage_modulus_Pa = 10e6;
  f.cartilage_thickness_m = 1.6e-3;
  f.damping_s_per_m = 0.5;
  return f;
}

TEST(Facet, GapAtRestIsTheClearanceAndNoForce) {
  sim::SynovialJointOutput out;
  auto [fa, fb] = testing::PairForces([&](internal::ForceAssembly* a) {
    internal::AddArticularForces(MakeFacet(), MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(Vec3(0, 0, 0.03), Mat3::Identity(), 1), a, &out);
  });
  EXPECT_NEAR(out.gap_m, 0.5e-3, 1e-15);
  EXPECT_EQ(out.contact_force_N, 0.0);
  EXPECT_EQ(fa.norm() + fb.norm(), 0.0);
}

TEST(Facet, ClosingCompressesCartilageAndPushesAlongTheNormal) {
  const auto f = MakeFacet();
  // move B by 0.8 mm against the normal: gap -0.3 mm
  const Vec3 pb = Vec3(0, 0, 0.03) - 0.8e-3 * f.n_A;
  sim::SynovialJointOutput out;
  auto [fa, fb] = testing::PairForces([&](internal::ForceAssembly* a) {
    internal::AddArticularForces(f, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(pb, Mat3::Identity(), 1), a, &out);
  });
  EXPECT_NEAR(out.gap_m, -0.3e-3, 1e-12);
  const double expected = 160e-6 * 10e6 * std::pow(0.3 / 1.6, 1.5);
  EXPECT_NEAR(out.contact_force_N, expected, 1e-9);
  EXPECT_NEAR(fb.head<3>().dot(f.n_A), expected, 1e-9);   // B pushed along +n (opening)
  EXPECT_LT((fa.head<3>() + fb.head<3>()).norm(), 1e-12);  // third law
}

TEST(Facet, AxialRotationLoadsTheContralateralFacet) {
  // left axial rotation (+z) of the upper body closes the right facet and opens the left one
  auto right = MakeFacet();
  auto left = right;
  left.p_AoP_A.y() *= -1;
  left.p_BoQ_B.y() *= -1;
  left.n_A.y() *= -1;
  const Mat3 R = RotZ(0.03);
  const Vec3 pb = Vec3(0, 0, 0.03);
  const auto a = MakeKin(Vec3::Zero(), Mat3::Identity(), -1), b = MakeKin(pb, R, 0);
  EXPECT_LT(internal::ComputeArticularKinematics(right, a, b).gap_m, right.rest_gap_m);
  EXPECT_GT(internal::ComputeArticularKinematics(left, a, b).gap_m, left.rest_gap_m);
}

TEST(Facet, ForceIsMinusGradientOfPotentialEnergy) {
  const auto f = MakeFacet();
  const auto a = MakeKin(Vec3::Zero(), Mat3::Identity(), -1);
  const Vec3 pb = Vec3(0, 0, 0.03) - 0.9e-3 * f.n_A + Vec3(0, 0, 1e-4);
  internal::ForceAssembly asmb;
  asmb.Reset(1, true, 1e-3);
  sim::SynovialJointOutput out;
  internal::AddArticularForces(f, a, MakeKin(pb, Mat3::Identity(), 0), &asmb, &out);
  for (int i = 0; i < 3; ++i) {
    const double h = 1e-9;
    Vec3 dp = Vec3::Zero();
    dp[i] = h;
    const double dE = (internal::ArticularPotentialEnergy(f, a, MakeKin(pb + dp, Mat3::Identity(), 0)) -
                       internal::ArticularPotentialEnergy(f, a, MakeKin(pb - dp, Mat3::Identity(), 0))) / (2 * h);
    EXPECT_NEAR(asmb.force(0)[i], -dE, 1e-4 * (1 + std::abs(dE)));
  }
}

}  // namespace
}  // namespace spinelab

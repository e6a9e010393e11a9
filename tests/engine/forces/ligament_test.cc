// Ligament element: slack, toe region, linear region, tension only, third law, energy.
#include "forces/ligament.h"

#include <gtest/gtest.h>

#include "../../test_util.h"

namespace spinelab {
namespace {

using internal::AddLigamentForces;
using testing::MakeKin;

sim::LigamentDesc MakeLigament() {
  sim::LigamentDesc e;
  e.body_a = 0;
  e.body_b = 1;
  e.p_AoPa_A = Vec3(-0.04, 0, 0.01);
  e.p_BoPb_B = Vec3(-0.04, 0, -0.01);
  e.stiffness_N_per_m = 2e4;
  e.slack_length_m = 0.02;
  e.toe_strain = 0.1;
  e.damping_Ns_per_m = 100;
  return e;
}

TEST(Ligament, SlackCarriesNoForce) {
  const auto e = MakeLigament();
  sim::LigamentOutput out;
  auto [fa, fb] = testing::PairForces([&](internal::ForceAssembly* a) {
    // attachments 0.019 m apart: shorter than the slack length
    AddLigamentForces(e, 0.0, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(Vec3(0, 0, 0.039), Mat3::Identity(), 1, Vec3(0, 0, -1)), a, &out);
  });
  EXPECT_EQ(fa.norm(), 0.0);
  EXPECT_EQ(fb.norm(), 0.0);
  EXPECT_LT(out.strain, 0.0);
  EXPECT_EQ(out.force_N, 0.0);
}

TEST(Ligament, ToeThenLinearAndContinuous) {
  const auto e = MakeLigament();
  const double kL0 = 2e4 * 0.02;
  double d1 = 0, d2 = 0;
  EXPECT_NEAR(internal::LigamentElasticForce(e, 0.05, nullptr), kL0 * 0.05 * 0.05 / 0.2, 1e-12);
  EXPECT_NEAR(internal::LigamentElasticForce(e, 0.2, nullptr), kL0 * (0.2 - 0.05), 1e-12);
  // C1 at the end of the toe region
  const double a = internal::LigamentElasticForce(e, 0.1 - 1e-12, &d1);
  const double b = internal::LigamentElasticForce(e, 0.1 + 1e-12, &d2);
  EXPECT_NEAR(a, b, 1e-8);
  EXPECT_NEAR(d1, d2, 1e-6);
}

TEST(Ligament, TensionPullsBodiesTogetherWithEqualAndOppositeForces) {
  const auto e = MakeLigament();
  sim::LigamentOutput out;
  const Vec3 pb(0.001, 0.002, 0.045);  // stretched
  auto [fa, fb] = testing::PairForces([&](internal::ForceAssembly* a) {
    AddLigamentForces(e, 0.0, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(pb, Mat3::Identity(), 1), a, &out);
  });
  EXPECT_GT(out.force_N, 0.0);
  EXPECT_LT(fb.z(), 0.0);  // B pulled down towards A
  EXPECT_GT(fa.z(), 0.0);
  EXPECT_LT((fa.head<3>() + fb.head<3>()).norm(), 1e-9);
  const Vec3 Ma = fa.tail<3>(), Mb = fb.tail<3>() + pb.cross(fb.head<3>());
  EXPECT_LT((Ma + Mb).norm(), 1e-9);
}

TEST(Ligament, DampingNeverPushes) {
  const auto e = MakeLigament();
  sim::LigamentOutput out;
  // just taut, shortening fast: elastic + damping < 0 must clamp to 0
  AddLigamentForces(e, 0.0, MakeKin(Vec3::Zero(), Mat3::Identity(), 0),
                    MakeKin(Vec3(0, 0, 0.0401), Mat3::Identity(), 1, Vec3(0, 0, -5)), nullptr, &out);
  EXPECT_GT(out.strain, 0.0);
  EXPECT_EQ(out.force_N, 0.0);
}

TEST(Ligament, ForceIsMinusGradientOfPotentialEnergy) {
  const auto e = MakeLigament();
  const auto a = MakeKin(Vec3::Zero(), Mat3::Identity(), -1);
  const Vec3 pb(0.003, -0.002, 0.0445);
  internal::ForceAssembly asmb;
  asmb.Reset(1, true, 1e-3);
  sim::LigamentOutput out;
  AddLigamentForces(e, 0.0, a, MakeKin(pb, Mat3::Identity(), 0), &asmb, &out);
  for (int i = 0; i < 3; ++i) {
    const double h = 1e-8;
    Vec3 dp = Vec3::Zero();
    dp[i] = h;
    const double dE = (internal::LigamentPotentialEnergy(e, 0.0, a, MakeKin(pb + dp, Mat3::Identity(), 0)) -
                       internal::LigamentPotentialEnergy(e, 0.0, a, MakeKin(pb - dp, Mat3::Identity(), 0))) / (2 * h);
    EXPECT_NEAR(asmb.force(0)[i], -dE, 1e-4 * (1 + std::abs(dE)));
  }
}

}  // namespace
}  // namespace spinelab

// Bushing element: rest, sign, Newton's third law, energy consistency, law shape.
#include "forces/bushing.h"

#include <gtest/gtest.h>

#include "../../test_util.h"

namespace spinelab {
namespace {

using internal::AddBushingForces;
using internal::BodyKin;
using sim::BushingDesc;
using testing::MakeKin;

constexpr double kTol = 1e-9;  // algebra tolerance on O(1..1e3) forces

BushingDesc MakeDisc() {
  BushingDesc e;
  e.body_a = 0;
  e.body_b = 1;
  e.X_AF.p = Vec3(0, 0, 0.015);
  e.X_BM.p = Vec3(0, 0, -0.015);
  e.params.k_trans = Vec3(1.5e5, 1.5e5, 5e5);
  e.params.k_axial_compression = 1.7e6;
  e.params.c_trans = Vec3::Constant(500);
  for (int i = 0; i < 3; ++i) e.params.rot[i] = sim::AxisLaw{20, 0.015, 0.01, 800, 1500};
  e.params.c_rot = Vec3::Constant(0.5);
  e.params.area_m2 = 1.5e-3;
  return e;
}

TEST(Bushing, ZeroForceAtRest) {
  const BushingDesc e = MakeDisc();
  sim::BushingOutput out;
  auto [fa, fb] = testing::PairForces([&](internal::ForceAssembly* a) {
    AddBushingForces(e, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(Vec3(0, 0, 0.03), Mat3::Identity(), 1), a, &out);
  });
  EXPECT_LT(fa.norm(), kTol);
  EXPECT_LT(fb.norm(), kTol);
  EXPECT_EQ(out.compression_N, 0.0);
  EXPECT_EQ(out.pressure_Pa, 0.0);
}

TEST(Bushing, CompressionPushesBodiesApartAndGivesPressure) {
  const BushingDesc e = MakeDisc();
  sim::BushingOutput out;
  const double dz = -1e-4;  // [m] B moved 0.1 mm down
  auto [fa, fb] = testing::PairForces([&](internal::ForceAssembly* a) {
    AddBushingForces(e, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(Vec3(0, 0, 0.03 + dz), Mat3::Identity(), 1), a, &out);
  });
  EXPECT_NEAR(fb.z(), 1.7e6 * 1e-4, 1e-6);         // up on B
  EXPECT_NEAR(out.compression_N, 170.0, 1e-9);
  EXPECT_NEAR(out.pressure_Pa, 1.5 * 170.0 / 1.5e-3, 1e-6);  // IDP = 1.5 F / A
  // newton's third law: forces and moments about a common point cancel
  EXPECT_LT((fa.head<3>() + fb.head<3>()).norm(), kTol);
}

TEST(Bushing, ThirdLawForGeneralDeflection) {
  const BushingDesc e = MakeDisc();
  const Vec3 pa(0.01, -0.02, 0.3), pb(0.013, -0.018, 0.331);
  const Mat3 Ra = RotationFromVector(Vec3(0.05, -0.1, 0.2));
  const Mat3 Rb = Ra * RotationFromVector(Vec3(0.04, 0.08, -0.03));
  const BodyKin a = MakeKin(pa, Ra, 0, Vec3(0.1, 0, 0), Vec3(0, 0.5, 0));
  const BodyKin b = MakeKin(pb, Rb, 1, Vec3(0, 0.2, 0), Vec3(0.3, 0, 1));
  internal::ForceAssembly asmb;
  asmb.Reset(2, true, 1e-3);
  sim::BushingOutput out;
  AddBushingForces(e, a, b, &asmb, &out);
  // the stiffness correction (−h K v_rel) is an equal/opposite pair too, so the totals balance
  const Vec6 fa = asmb.force(0), fb = asmb.force(1);
  EXPECT_LT((fa.head<3>() + fb.head<3>()).norm(), 1e-8);
  // total moment about the world origin: τ + p × F summed over both bodies
  const Vec3 Ma = fa.tail<3>() + pa.cross(fa.head<3>()), Mb = fb.tail<3>() + pb.cross(fb.head<3>());
  EXPECT_LT((Ma + Mb).norm(), 1e-8);
}

TEST(Bushing, FlexionIsResistedWithTheRightSign) {
  const BushingDesc e = MakeDisc();
  sim::BushingOutput out;
  const Mat3 R = RotY(0.05);  // B flexed by 0.05 rad about +y
  AddBushingForces(e, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(R * Vec3(0, 0, 0.015) + Vec3(0, 0, 0.015), R, 1), nullptr, &out);
  EXPECT_NEAR(out.rotation_rad.y(), 0.05, 1e-12);
  const double expected = 20 * 0.05 + 800 * (0.05 - 0.015) * (0.05 - 0.015);
  EXPECT_NEAR(out.moment_Nm.y(), -expected, 1e-9);
  // extension uses its own neutral zone and stiffening
  AddBushingForces(e, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(RotY(-0.05) * Vec3(0, 0, 0.015) + Vec3(0, 0, 0.015), RotY(-0.05), 1), nullptr, &out);
  EXPECT_NEAR(out.moment_Nm.y(), 20 * 0.05 + 1500 * 0.04 * 0.04, 1e-9);
}

TEST(Bushing, MomentLawIsTheDerivativeOfItsEnergy) {
  const sim::AxisLaw law{20, 0.015, 0.01, 800, 1500};
  for (double th : {-0.2, -0.05, -0.012, -0.005, 0.0, 0.004, 0.014, 0.016, 0.1, 0.3}) {
    const double h = 1e-6;
    const double dE = (internal::AxisEnergy(law, th + h) - internal::AxisEnergy(law, th - h)) / (2 * h);
    double tangent = 0;
    EXPECT_NEAR(internal::AxisMoment(law, th, &tangent), dE, 1e-6) << "theta " << th;
    double t1, t2;
    const double dM = (internal::AxisMoment(law, th + h, &t1) - internal::AxisMoment(law, th - h, &t2)) / (2 * h);
    EXPECT_NEAR(tangent, dM, 1e-4) << "theta " << th;
  }
}

TEST(Bushing, ForceIsMinusGradientOfPotentialEnergy) {
  BushingDesc e = MakeDisc();
  const Vec3 pa = Vec3::Zero();
  const Mat3 R = RotationFromVector(Vec3(0.02, 0.06, -0.04));
  const Vec3 pb(0.0005, -0.0004, 0.0298);
  const BodyKin a = MakeKin(pa, Mat3::Identity(), -1);
  sim::BushingOutput out;
  internal::ForceAssembly asmb;
  asmb.Reset(1, true, 1e-3);
  AddBushingForces(e, a, MakeKin(pb, R, 0), &asmb, &out);
  const Vec3 F = asmb.force(0).head<3>();
  for (int i = 0; i < 3; ++i) {
    const double h = 1e-8;
    Vec3 dp = Vec3::Zero();
    dp[i] = h;
    const double dE = (internal::BushingPotentialEnergy(e, a, MakeKin(pb + dp, R, 0)) -
                       internal::BushingPotentialEnergy(e, a, MakeKin(pb - dp, R, 0))) / (2 * h);
    EXPECT_NEAR(F[i], -dE, 1e-3 * (1 + std::abs(dE))) << "axis " << i;
  }
}

}  // namespace
}  // namespace spinelab

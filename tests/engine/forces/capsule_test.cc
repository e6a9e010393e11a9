// Facet capsule: resting and injection pressures, suction force and its sign, third law,
// nucleation threshold, quasi-static bubble balance.
#include "forces/capsule.h"

#include <gtest/gtest.h>

#include "../../test_util.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab {
namespace {

using testing::MakeKin;

// the lumbar L4-L5 left facet of the default model
sim::SynovialJointDesc LumbarFacet() {
  const auto d = sim::BuildSpineModel(sim::LoadSpineParams(sim::DefaultSpineModelPath()).value(), sim::Subject{}).value();
  return d.synovial_joints[d.joints[d.FindJoint("L4-L5")].synovial[0]];
}

TEST(Capsule, RestingPressureIsSlightlySubAtmospheric) {
  const auto f = LumbarFacet();
  // Scott, Levick & Miserocchi 2003: −2.4 ± 0.4 cmH2O
  const double P = internal::LiquidPressure(f.capsule, f.area_m2, 0.0, 0.0, 0.0, 0.0, nullptr);
  EXPECT_NEAR(P / 98.0665, -2.4, 1e-9);
}

TEST(Capsule, InjectingPointThreeMillilitresGivesFifteenToFortyKilopascals) {
  const auto f = LumbarFacet();
  // 0.3 ml more than the joint space holds (gap held at rest), as in the in situ injection study
  const double P = internal::LiquidPressure(f.capsule, f.area_m2, 0.0, 0.3e-6, 0.0, 0.0, nullptr);
  EXPECT_GT(P, 15e3);
  EXPECT_LT(P, 40e3);
}

TEST(Capsule, OpeningTheJointCreatesSuctionThatPullsItShut) {
  const auto f = LumbarFacet();
  sim::CapsuleState s;
  // upper body moved 0.1 mm along the opening normal
  const Vec3 pb = Vec3(0, 0, 0.05) + 1e-4 * f.n_A;
  auto a = MakeKin(Vec3(0, 0, 0), Mat3::Identity(), 0), b = MakeKin(Vec3(0, 0, 0.05), Mat3::Identity(), 1);
  // place the two bodies so that the facet points coincide at rest, then open
  sim::SynovialJointDesc g = f;
  g.p_AoP_A = Vec3(-0.035, 0.02, 0.025);
  g.p_BoQ_B = Vec3(-0.035, 0.02, -0.025);
  b.p_WB = pb;
  const auto k = internal::ComputeArticularKinematics(g, a, b);
  EXPECT_NEAR(k.gap_m - g.rest_gap_m, 1e-4, 1e-12);
  internal::ForceAssembly asmb;
  asmb.Reset(2, true, 1e-3);
  sim::SynovialJointOutput out;
  internal::AddCapsuleForces(g, s, a, b, k, &asmb, &out);
  EXPECT_LT(out.pressure_Pa, -1e5);                               // strong suction
  EXPECT_LT(asmb.force(1).head<3>().dot(k.n_W), 0.0);             // B pulled back towards A
  EXPECT_NEAR(out.fluid_force_N, out.pressure_Pa * g.area_m2, 1e-9);
  EXPECT_LT((asmb.force(0).head<3>() + asmb.force(1).head<3>()).norm(), 1e-9);  // third law
}

TEST(Capsule, NucleatesOnlyBelowTheThreshold) {
  const auto f = LumbarFacet();
  const double A = f.area_m2, C = f.capsule.compliance_suction_m3_per_Pa;
  // opening at which the absolute pressure reaches the nucleation pressure (no draw-in, at rest)
  const double dg_nuc = (f.capsule.rest_pressure_Pa + f.capsule.atmospheric_pressure_Pa -
                         f.capsule.nucleation_pressure_abs_Pa) * C / A;
  internal::CapsuleSolverOptions opt;
  for (const double frac : {0.9, 1.1}) {
    sim::CapsuleState s;
    sim::SynovialJointOutput out;
    const double g = f.rest_gap_m + frac * dg_nuc;
    internal::AdvanceCapsule(f, internal::GapPath{g, g, 0, 0}, 0.0, 1e-3, opt, &s, &out);
    EXPECT_EQ(out.cracked, frac > 1.0) << frac;
    EXPECT_EQ(s.mode == sim::CapsuleState::kNoBubble, frac < 1.0) << frac;
  }
  // with cavitation disabled nothing nucleates
  opt.allow_nucleation = false;
  sim::CapsuleState s;
  sim::SynovialJointOutput out;
  const double g = f.rest_gap_m + 2 * dg_nuc;
  internal::AdvanceCapsule(f, internal::GapPath{g, g, 0, 0}, 0.0, 1e-3, opt, &s, &out);
  EXPECT_FALSE(out.cracked);
}

TEST(Capsule, BubbleGrowsAndSettlesIntoAPressureBalance) {
  const auto f = LumbarFacet();
  sim::CapsuleState s;
  sim::SynovialJointOutput out;
  internal::CapsuleSolverOptions opt;
  const double g = f.rest_gap_m + 1e-3;  // held 1 mm open: far past the threshold
  double t = 0;
  for (int i = 0; i < 400 && s.mode != sim::CapsuleState::kQuasiStatic; ++i, t += 1e-3)
    internal::AdvanceCapsule(f, internal::GapPath{g, g, 0, 0}, t, 1e-3, opt, &s, &out);
  ASSERT_EQ(s.mode, sim::CapsuleState::kQuasiStatic);
  EXPECT_EQ(s.cavitations, 1);
  for (int i = 0; i < 500; ++i, t += 1e-3)  // the stirred fluid fills the cavity with gas
    internal::AdvanceCapsule(f, internal::GapPath{g, g, 0, 0}, t, 1e-3, opt, &s, &out);
  // the cavity fills the opened space; the pressure is back near the fluid's gas tension
  const double V = internal::BubbleVolume(s);
  EXPECT_NEAR(V, f.area_m2 * 1e-3, 0.1 * f.area_m2 * 1e-3);
  const double P = internal::LiquidPressure(f.capsule, f.area_m2, 1e-3, V, s.drawn_in_m3, 0.0, nullptr);
  EXPECT_GT(P + f.capsule.atmospheric_pressure_Pa, 0.8 * f.capsule.tissue_gas_tension_Pa);
}

}  // namespace
}  // namespace spinelab

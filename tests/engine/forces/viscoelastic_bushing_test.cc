// Viscoelastic bushing element: rest, instantaneous vs relaxed stiffness, relaxation in time,
// Newton's third law, energy consistency, bad parameters; the solve order of the bodies.
#include "forces/viscoelastic_bushing.h"

#include <cmath>

#include <gtest/gtest.h>

#include "../../test_util.h"
#include "spinelab/sim/world.h"

namespace spinelab {
namespace {

using internal::AddViscoelasticBushingForces;
using sim::ViscoelasticBushingDesc;
using testing::MakeKin;

constexpr double kTol = 1e-9;  // algebra tolerance on O(1..1e3) forces

ViscoelasticBushingDesc MakeLink() {
  ViscoelasticBushingDesc e;
  e.name = "link";
  e.body_a = 0;
  e.body_b = 1;
  e.X_AF.p = Vec3(0, 0, 0.02);
  e.X_BM.p = Vec3(0, 0, -0.02);
  e.params.k_trans = Vec3(2e3, 2e3, 5e4);
  e.params.k_axial_compression = 1.2e5;  // stiffer in compression (nonlinear: bilinear)
  for (int i = 0; i < 3; ++i) e.params.rot[i].k0 = 0.5;
  e.relaxed_fraction = 0.5;
  e.relaxation_time_s = 10;
  return e;
}

Vec6 ForceOnB(const ViscoelasticBushingDesc& e, const sim::ViscoelasticState& s, const Vec3& p_B, bool elastic_only = false,
              sim::BushingOutput* out = nullptr) {
  return testing::PairForces([&](internal::ForceAssembly* a) {
           AddViscoelasticBushingForces(e, s, MakeKin(Vec3::Zero(), Mat3::Identity(), 0),
                                        MakeKin(p_B, Mat3::Identity(), 1), elastic_only, a, out);
         }).second;
}

TEST(ViscoelasticBushing, ZeroForceAtRest) {
  const auto e = MakeLink();
  EXPECT_LT(ForceOnB(e, {}, Vec3(0, 0, 0.04)).norm(), kTol);
}

TEST(ViscoelasticBushing, SuddenDeflectionMeetsTheFullStiffnessAndRelaxesToTheRelaxedFraction) {
  const auto e = MakeLink();
  const double dz = 1e-3;  // [m] stretched 1 mm
  sim::ViscoelasticState s;
  EXPECT_NEAR(ForceOnB(e, s, Vec3(0, 0, 0.04 + dz)).z(), -5e4 * dz, 1e-9);
  // held for one relaxation time: the Maxwell branch keeps e^-1 of its force
  sim::ViscoelasticState held = s;
  internal::RelaxViscoelastic(e, Vec3(0, 0, dz), Vec3::Zero(), e.relaxation_time_s, &held);
  EXPECT_NEAR(ForceOnB(e, held, Vec3(0, 0, 0.04 + dz)).z(), -5e4 * dz * (0.5 + 0.5 * std::exp(-1.0)), 1e-9);
  // held for long: the relaxed fraction; a static solve sees the same
  internal::RelaxViscoelastic(e, Vec3(0, 0, dz), Vec3::Zero(), INFINITY, &held);
  EXPECT_NEAR(ForceOnB(e, held, Vec3(0, 0, 0.04 + dz)).z(), -0.5 * 5e4 * dz, 1e-9);
  EXPECT_NEAR(ForceOnB(e, s, Vec3(0, 0, 0.04 + dz), true).z(), -0.5 * 5e4 * dz, 1e-9);
  // compression is stiffer (bilinear axial law)
  EXPECT_NEAR(ForceOnB(e, s, Vec3(0, 0, 0.04 - dz)).z(), 1.2e5 * dz, 1e-9);
}

TEST(ViscoelasticBushing, ThirdLawAndEnergyConsistency) {
  const auto e = MakeLink();
  sim::ViscoelasticState s;
  s.p_rest_F = Vec3(1e-4, -2e-4, 3e-4);
  s.theta_rest_F = Vec3(0.01, 0.0, -0.02);
  const Vec3 p(0.002, -0.001, 0.043);
  auto [fa, fb] = testing::PairForces([&](internal::ForceAssembly* a) {
    AddViscoelasticBushingForces(e, s, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(p, Mat3::Identity(), 1), false, a, nullptr);
  });
  EXPECT_LT((fa.head<3>() + fb.head<3>()).norm(), kTol);
  // dE/dx = −F along each axis (central differences)
  for (int i = 0; i < 3; ++i) {
    const double h = 1e-7;
    Vec3 dp = Vec3::Zero();
    dp[i] = h;
    auto E = [&](const Vec3& q) {
      return internal::ViscoelasticBushingPotentialEnergy(e, s, MakeKin(Vec3::Zero(), Mat3::Identity(), 0), MakeKin(q, Mat3::Identity(), 1));
    };
    EXPECT_NEAR((E(p + dp) - E(p - dp)) / (2 * h), -fb[i], 1e-4 * (1 + std::abs(fb[i])));
  }
}

sim::ModelDesc TwoBodies() {
  sim::ModelDesc d;
  for (int i = 0; i < 2; ++i) {
    sim::BodyDesc b;
    b.name = i ? "B" : "A";
    b.mass_kg = 0.1;
    b.inertia_kgm2 = Vec3::Constant(1e-4);
    b.X_WB.p = Vec3(0, 0, 0.04 * i);
    b.fixed = i == 0;
    d.bodies.push_back(b);
  }
  d.viscoelastic_bushings.push_back(MakeLink());
  return d;
}

TEST(ViscoelasticBushing, BadParameters) {
  sim::ModelDesc d = TwoBodies();
  d.viscoelastic_bushings[0].relaxed_fraction = 0;
  d.viscoelastic_bushings[0].relaxation_time_s = -1;
  d.viscoelastic_bushings[0].params.k_trans.x() = NAN;
  d.viscoelastic_bushings[0].X_BM.p.y() = INFINITY;
  auto m = sim::Model::Compile(d);
  ASSERT_FALSE(m.ok());
  const std::string msg = m.ErrorText();
  EXPECT_NE(msg.find("viscoelastic bushing 'link'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("relaxed_fraction"), std::string::npos) << msg;
  EXPECT_NE(msg.find("relaxation_time_s"), std::string::npos) << msg;
  EXPECT_NE(msg.find("k_trans"), std::string::npos) << msg;
  EXPECT_NE(msg.find("X_BM"), std::string::npos) << msg;
  d = TwoBodies();
  d.solve_order = {1, 1};
  EXPECT_FALSE(sim::Model::Compile(d).ok());
  d.solve_order = {7};
  EXPECT_FALSE(sim::Model::Compile(d).ok());
}

TEST(ViscoelasticBushing, HeldStretchRelaxesInAWorld) {
  // B held 1 mm out by a constant force balancing the instantaneous stiffness: it creeps out
  // until the relaxed (half) stiffness carries it: twice the deflection
  sim::ModelDesc d = TwoBodies();
  d.viscoelastic_bushings[0].relaxation_time_s = 0.05;
  d.viscoelastic_bushings[0].params.c_trans = Vec3::Constant(50);
  auto model = std::make_shared<const sim::Model>(sim::Model::Compile(d).value());
  sim::SimOptions o;
  o.gravity_W.setZero();
  auto w = sim::World::Create(model, o).value();
  sim::AppliedLoad load;
  load.force_N = Vec3(0, 0, 50.0);  // [N]
  w.SetAppliedLoad(1, load);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(w.Step(), sim::kStepOk);
  EXPECT_NEAR(w.state().bodies[1].p_WB.z() - 0.04, 50.0 / (0.5 * 5e4), 2e-5);
}

}  // namespace
}  // namespace spinelab

// A type of force element the engine does not ship, added through the element table alone:
// this file is all it takes (ModelDesc::extra_element_types; no engine file changes). The toy is
// a linear spring-damper from a body's COM to a fixed anchor, with an implicit tangent; on one
// free body it must match the damped oscillator's closed form, converge under smaller steps,
// store ½kx² as energy, be counted in the band, and enter the state hash.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "forces/element_type.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {
namespace {

constexpr double kMass = 1.5, kK = 1e4, kZeta = 0.05, kX0 = 0.01;

// F = −k·(p − anchor) − c·v on `body`, as an implicit point pair with the ground
class AnchorSpring final : public ElementType {
 public:
  AnchorSpring(BodyId body, Vec3 anchor_W, double k, double c) : body_(body), anchor_(anchor_W), k_(k), c_(c) {}
  const char* name() const override { return "anchor spring"; }
  void Validate(const ModelDesc& m, std::vector<Diagnostic>* errors) const override {
    if (body_ < 0 || body_ >= static_cast<int>(m.bodies.size())) errors->push_back({"", "body", "anchor spring: no such body"});
    if (!(k_ >= 0) || !(c_ >= 0)) errors->push_back({"", "k", "anchor spring: k and c must be >= 0"});
  }
  void AddForces(internal::ElementContext& ctx, internal::ForceAssembly* a) const override {
    const internal::BodyKin& b = ctx.Kin(body_);
    const Vec3 x = b.p_WB - anchor_;
    if (!a) return;
    a->AddForce(b.free_index, Vec3::Zero(), -k_ * x - c_ * b.v_WB);
    a->AddPointPair(-1, Vec3::Zero(), b.free_index, Vec3::Zero(), k_ * Mat3::Identity(), c_ * Mat3::Identity(), b.v_WB);
  }
  double PotentialEnergy(const internal::ElementContext& ctx) const override {
    return 0.5 * k_ * (ctx.Kin(body_).p_WB - anchor_).squaredNorm();
  }
  void Couplings(const ModelDesc&, std::vector<std::pair<BodyId, BodyId>>* pairs) const override {
    pairs->emplace_back(kGround, body_);
  }

 private:
  BodyId body_;
  Vec3 anchor_;
  double k_, c_;
};

ModelDesc OneMass(double zeta) {
  ModelDesc d;
  BodyDesc b;
  b.name = "mass";
  b.mass_kg = kMass;
  b.inertia_kgm2 = Vec3(1e-3, 1e-3, 1e-3);
  b.X_WB.p = Vec3(0, 0, kX0);  // the anchor is the origin
  d.bodies.push_back(b);
  d.extra_element_types.push_back(
      std::make_shared<AnchorSpring>(0, Vec3::Zero(), kK, 2 * zeta * std::sqrt(kK * kMass)));
  return d;
}

World MakeWorld(const ModelDesc& d, double h) {
  SimOptions o;
  o.dt_s = h;
  o.gravity_W = Vec3::Zero();
  return World::Create(std::make_shared<const Model>(Model::Compile(d).value()), o).value();
}

double MaxError(double h) {
  World w = MakeWorld(OneMass(kZeta), h);
  const double wn = std::sqrt(kK / kMass), wd = wn * std::sqrt(1 - kZeta * kZeta);
  double err = 0;
  for (int i = 0; i < static_cast<int>(std::lround(0.2 / h)); ++i) {
    EXPECT_EQ(w.Step(), kStepOk);
    const double t = w.state().time_s;
    const double exact = kX0 * std::exp(-kZeta * wn * t) * (std::cos(wd * t) + kZeta * wn / wd * std::sin(wd * t));
    err = std::max(err, std::abs(w.state().bodies[0].p_WB.z() - exact));
  }
  return err;
}

TEST(ToyElementType, OscillatesAsTheClosedFormAndConvergesFirstOrder) {
  const double e1 = MaxError(2e-4), e2 = MaxError(1e-4), e3 = MaxError(2.5e-5);
  EXPECT_LT(e2, 0.04 * kX0);
  EXPECT_LT(e3, 0.01 * kX0);
  EXPECT_LT(e2, 0.65 * e1);
}

TEST(ToyElementType, StoresItsEnergyAndTheUndampedSpringKeepsIt) {
  World w = MakeWorld(OneMass(0.0), 1e-5);
  const double E0 = 0.5 * kK * kX0 * kX0;
  EXPECT_NEAR(w.PotentialEnergy(), E0, 1e-12);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(w.Step(), kStepOk);
  // implicit Euler loses h·ω²/2 per second of the energy: 2e-5 s·6.7e3 /s² · 0.02 s ≈ 1.3 %
  const double E = w.PotentialEnergy() + w.KineticEnergy();
  EXPECT_LT(E, E0);
  EXPECT_GT(E, 0.97 * E0);
}

TEST(ToyElementType, IsValidatedAndChangesTheStateItActsOn) {
  ModelDesc bad = OneMass(kZeta);
  bad.extra_element_types[0] = std::make_shared<AnchorSpring>(3, Vec3::Zero(), kK, 0.0);
  EXPECT_FALSE(Model::Compile(bad).ok());
  // without the toy the body floats still; with it, it moves: the table ran it
  ModelDesc none = OneMass(kZeta);
  none.extra_element_types.clear();
  World a = MakeWorld(none, 1e-4), b = MakeWorld(OneMass(kZeta), 1e-4);
  for (int i = 0; i < 10; ++i) {
    a.Step();
    b.Step();
  }
  EXPECT_DOUBLE_EQ(a.state().bodies[0].p_WB.z(), kX0);
  EXPECT_LT(b.state().bodies[0].p_WB.z(), kX0);
  EXPECT_NE(a.HashState(), b.HashState());
}

}  // namespace
}  // namespace spinelab::sim

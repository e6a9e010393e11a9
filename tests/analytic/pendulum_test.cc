// Compound pendulum hung from a stiff pin bushing: small-amplitude period against
// T = 2π·sqrt(I_pivot / (m g L)).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "spinelab/sim/world.h"

namespace spinelab::sim {
namespace {

double MeasuredPeriod(double h) {
  constexpr double L = 0.3, m = 1.0, theta0 = 0.05;
  ModelDesc d;
  BodyDesc b;
  b.name = "bob";
  b.mass_kg = m;
  b.inertia_kgm2 = Vec3(1e-3, 1e-3, 1e-3);
  b.X_WB.R = RotY(theta0);
  b.X_WB.p = RotY(theta0) * Vec3(0, 0, -L);
  d.bodies.push_back(b);
  BushingDesc pin;
  pin.name = "pin";
  pin.body_a = kGround;
  pin.body_b = 0;
  pin.X_BM.p = Vec3(0, 0, L);
  pin.params.k_trans = Vec3::Constant(1e7);
  pin.params.k_axial_compression = 1e7;
  pin.params.c_trans = Vec3::Constant(100);
  d.bushings.push_back(pin);
  SimOptions o;
  o.dt_s = h;
  World w = World::Create(std::make_shared<const Model>(Model::Compile(d).value()), o).value();
  std::vector<double> crossings;
  double prev_x = w.state().bodies[0].p_WB.x(), prev_t = 0;
  while (crossings.size() < 7 && w.state().time_s < 10) {
    EXPECT_EQ(w.Step(), kStepOk);
    const double x = w.state().bodies[0].p_WB.x(), t = w.state().time_s;
    if ((prev_x < 0) != (x < 0)) crossings.push_back(prev_t + (t - prev_t) * prev_x / (prev_x - x));
    prev_x = x;
    prev_t = t;
  }
  EXPECT_EQ(crossings.size(), 7u);
  return (crossings.back() - crossings.front()) / 3.0;
}

TEST(Pendulum, SmallAmplitudePeriod) {
  constexpr double L = 0.3, m = 1.0, I = 1e-3 + m * L * L;
  const double T = 2 * kPi * std::sqrt(I / (m * 9.81 * L)) * (1 + 0.05 * 0.05 / 16);
  EXPECT_NEAR(MeasuredPeriod(1e-3), T, 3e-3 * T);
  EXPECT_NEAR(MeasuredPeriod(2.5e-4), T, 1e-3 * T);
}

}  // namespace
}  // namespace spinelab::sim

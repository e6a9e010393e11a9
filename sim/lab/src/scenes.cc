#include <cmath>

#include "spinelab/lab/scenes.h"

namespace spinelab::sim {

ModelDesc MakeBushingChain(double k_rot_Nm_per_rad) {
  constexpr int kBodies = 25;
  constexpr double kSpacing_m = 0.03, kMass_kg = 1.5;
  const Vec3 half(0.02, 0.0125, 0.015);  // [m] box 0.04 x 0.025 x 0.03
  ModelDesc d;
  d.name = "bushing chain (shared/reference/bushing_chain.md)";
  for (int i = 0; i < kBodies; ++i) {
    BodyDesc b;
    b.name = i == 0 ? "sacrum" : "body" + std::to_string(i);
    b.mass_kg = kMass_kg;
    b.inertia_kgm2 = Vec3(kMass_kg * (0.025 * 0.025 + 0.03 * 0.03) / 12,
                          kMass_kg * (0.04 * 0.04 + 0.03 * 0.03) / 12,
                          kMass_kg * (0.04 * 0.04 + 0.025 * 0.025) / 12);
    b.X_WB.p = Vec3(0, 0, kSpacing_m * i);
    b.fixed = i == 0;
    d.bodies.push_back(b);
  }
  for (int j = 1; j < kBodies; ++j) {
    BushingDesc e;
    e.name = "bushing " + std::to_string(j);
    e.body_a = j - 1;
    e.body_b = j;
    e.X_AF.p = Vec3(0, 0, 0.015);
    e.X_BM.p = Vec3(0, 0, -0.015);
    e.params.k_trans = Vec3::Constant(1e6);
    e.params.k_axial_compression = 1e6;
    e.params.c_trans = Vec3::Constant(500);
    for (int a = 0; a < 3; ++a) e.params.rot[a].k0 = k_rot_Nm_per_rad;
    e.params.c_rot = Vec3::Constant(0.5);
    d.bushings.push_back(e);
  }
  return d;
}

void ApplyBushingChainLoad(World* world, double time_s, double flexion_moment_Nm) {
  AppliedLoad load;
  load.torque_Nm = Vec3(flexion_moment_Nm, 0, 5.0 * std::min(time_s / 1.0, 1.0));
  world->SetAppliedLoad(world->model().num_bodies() - 1, load);
}

void ApplyTwistThrust(World* world, double t) {
  const BodyId t1 = world->model().desc().FindBody("T1");
  SPINELAB_THROW_UNLESS(t1 >= 0, "ApplyTwistThrust needs a spine model with a body 'T1'");
  const double f = t < 0 ? 0.0 : t < 0.1 ? t / 0.1 : t < 0.3 ? 1.0 : 0.0;
  AppliedLoad l;
  l.torque_Nm = Vec3(0, 0, 60.0 * f);
  world->SetAppliedLoad(t1, l);
}

double TopTwist(const World& world, double reference_rad) {
  const Quat& q = world.state().bodies.back().q_WB;
  double a = 2.0 * std::atan2(q.z(), q.w());
  const double turn = 2.0 * 3.14159265358979323846;
  a += turn * std::round((reference_rad - a) / turn);
  return a;
}

}  // namespace spinelab::sim

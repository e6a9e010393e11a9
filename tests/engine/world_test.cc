// World: options validation, free fall, contact with the environment through Bullet (and the
// soft front of a trunk slice),
// determinism, save/restore, passivity of the implicit step.
#include "spinelab/sim/world.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "spinelab/lab/scenes.h"
#include "spinelab/anatomy/spine.h"
#include "test_util.h"

namespace spinelab::sim {
namespace {

std::shared_ptr<const Model> Compiled(ModelDesc d) {
  auto m = Model::Compile(std::move(d));
  EXPECT_TRUE(m.ok()) << m.ErrorText();
  return std::make_shared<const Model>(std::move(m).value());
}

const Vec3 kSliceHalf(0.05, 0.155, 0.021);  // [m]

// a 3 kg trunk slice (10 x 31 x 4.2 cm) posed at (R, p) above a table plane, with the back's
// contact stiffness k_back and 100 N·s/m per contact point
ModelDesc SliceOnATable(const Mat3& R, const Vec3& p, double k_back) {
  ModelDesc d;
  BodyDesc b;
  b.name = "slice";
  b.mass_kg = 3.0;
  b.inertia_kgm2 = Vec3(0.03, 0.01, 0.035);
  b.X_WB.R = R;
  b.X_WB.p = p;
  b.shapes.push_back({Vec3::Zero(), kSliceHalf});
  b.contact_stiffness_N_per_m = k_back;
  b.contact_damping_Ns_per_m = 100;
  d.bodies.push_back(b);
  d.environment.push_back({"table", EnvShape::kPlane, Pose{}, Vec3::Zero(), 0.6});
  return d;
}

ModelDesc OneBox(bool floor) {
  ModelDesc d;
  BodyDesc b;
  b.name = "box";
  b.mass_kg = 1.5;
  b.inertia_kgm2 = Vec3(1.9e-4, 3.1e-4, 2.8e-4);
  b.X_WB.p = Vec3(0, 0, 0.1);
  b.shapes.push_back({Vec3::Zero(), Vec3(0.02, 0.0125, 0.015)});
  d.bodies.push_back(b);
  if (floor) d.environment.push_back({"floor", EnvShape::kPlane, Pose{}, Vec3::Zero(), 0.6});
  return d;
}

TEST(World, RejectsBadOptions) {
  SimOptions o;
  o.dt_s = -1e-3;
  o.contact_iterations = 0;
  auto w = World::Create(Compiled(OneBox(false)), o);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.ErrorText().find("options.dt_s"), std::string::npos) << w.ErrorText();
  EXPECT_NE(w.ErrorText().find("options.contact_iterations"), std::string::npos) << w.ErrorText();
}

TEST(World, FreeFallMatchesClosedForm) {
  // semi-implicit Euler: z_n = z0 − g h² n(n+1)/2 exactly (up to rounding)
  for (double h : {1e-3, 5e-4}) {
    SimOptions o;
    o.dt_s = h;
    World w = World::Create(Compiled(OneBox(false)), o).value();
    const int n = static_cast<int>(0.1 / h);
    for (int i = 0; i < n; ++i) ASSERT_EQ(w.Step(), kStepOk);
    const double z = w.state().bodies[0].p_WB.z();
    EXPECT_NEAR(z, 0.1 - 9.81 * h * h * n * (n + 1) / 2, 1e-12);
    EXPECT_NEAR(z, 0.1 - 0.5 * 9.81 * 0.01, 9.81 * 0.1 * h);  // converges to the exact fall
    EXPECT_DOUBLE_EQ(w.state().time_s, n * h);
  }
}

TEST(World, DampVelocitiesScalesTheMotionAndRejectsBadFactors) {
  // a falling box: halving its velocity halves the next step's displacement beyond gravity's
  World w = World::Create(Compiled(OneBox(false)), SimOptions{}).value();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(w.Step(), kStepOk);
  const double v = w.state().bodies[0].v_WB.z();
  w.DampVelocities(0.5);
  EXPECT_DOUBLE_EQ(w.state().bodies[0].v_WB.z(), 0.5 * v);
  const double z0 = w.state().bodies[0].p_WB.z();
  ASSERT_EQ(w.Step(), kStepOk);
  const double h = w.options().dt_s;
  EXPECT_NEAR(w.state().bodies[0].p_WB.z() - z0, (0.5 * v - 9.81 * h) * h, 1e-12);
  EXPECT_THROW(w.DampVelocities(1.5), std::exception);
  EXPECT_THROW(w.DampVelocities(-0.1), std::exception);
}

TEST(World, BoxComesToRestOnTheFloorAtSpineScale) {
  World w = World::Create(Compiled(OneBox(true)), SimOptions{}).value();
  for (int i = 0; i < 1500; ++i) ASSERT_EQ(w.Step(), kStepOk);
  const BodyState& s = w.state().bodies[0];
  // half height 15 mm above the floor, within the 0.5 mm shape margins
  EXPECT_NEAR(s.p_WB.z(), 0.015, 1.0e-3);
  EXPECT_LT(s.v_WB.norm(), 1e-2);
}

TEST(World, ASliceLyingFlatTouchesTheFloorAtItsFourCornersEveryStep) {
  // a trunk slice (compliant, 5 N/mm per point) lying on a table: every step must see the same
  // four corners. Bullet's plane contact gave 3 of them, a different 3 each step, a roll moment
  // flipping at the step rate that made a relaxed prone body sway
  ModelDesc d;
  BodyDesc b;
  b.name = "slice";
  b.mass_kg = 3.0;
  b.inertia_kgm2 = Vec3(0.03, 0.01, 0.035);
  b.X_WB.p = Vec3(0.3, 0.0, 0.0205);
  b.shapes.push_back({Vec3::Zero(), Vec3(0.014, 0.155, 0.021)});
  b.contact_stiffness_N_per_m = 5e3;
  b.contact_damping_Ns_per_m = 100;
  d.bodies.push_back(b);
  d.environment.push_back({"table", EnvShape::kPlane, Pose{}, Vec3::Zero(), 0.6});
  World w = World::Create(Compiled(d), SimOptions{}).value();
  for (int i = 0; i < 500; ++i) ASSERT_EQ(w.Step(), kStepOk);
  std::vector<ContactOutput> before = w.outputs().contacts;
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(w.Step(), kStepOk);
    const std::vector<ContactOutput>& now = w.outputs().contacts;
    ASSERT_EQ(now.size(), 4u) << "step " << i;
    double moved = 0;  // each corner matched to the nearest one of the step before
    for (const ContactOutput& c : now) {
      double best = 1e9;
      for (const ContactOutput& p : before) best = std::min(best, (c.p_W - p.p_W).norm());
      moved = std::max(moved, best);
    }
    EXPECT_LT(moved, 1e-5) << "step " << i << ": the contact set changed";
    before = now;
  }
  // resting: the 4 corners carry its weight (within the damping of the settling)
  double fn = 0;
  for (const ContactOutput& c : before) fn += c.normal_N;
  EXPECT_NEAR(fn, 3.0 * 9.81, 0.3);
}

TEST(World, TheSoftFrontOfATrunkSliceCarriesOnlyWhereItFacesTheTable) {
  // a trunk slice whose front (x > 0) is softer than its back, as the chest is: lying face down
  // it sinks into the soft front; on its back, or on its side (whose front half is still the
  // flank, not the front wall), it rests on the back's stiffness and does not roll
  const double k_back = 5e3, k_front = 1e3, m = 3.0;  // [N/m per point], [kg] (the helper's slice)
  const Vec3& half = kSliceHalf;
  auto rest = [&](const Mat3& R) {
    ModelDesc d = SliceOnATable(R, Vec3(0.3, 0.0, (R * half).cwiseAbs().z() + 1e-4), k_back);  // just above the table
    d.bodies[0].anterior_contact_stiffness_N_per_m = k_front;
    World w = World::Create(Compiled(d), SimOptions{}).value();
    for (int i = 0; i < 3000; ++i) EXPECT_EQ(w.Step(), kStepOk);
    const BodyState& s = w.state().bodies[0];
    const Mat3 R_now = s.q_WB.toRotationMatrix();
    double lowest = 1e9;  // the deepest corner below the table top
    for (int c = 0; c < 8; ++c) {
      const Vec3 corner(c & 1 ? half.x() : -half.x(), c & 2 ? half.y() : -half.y(), c & 4 ? half.z() : -half.z());
      lowest = std::min(lowest, (s.p_WB + R_now * corner).z());
    }
    std::vector<double> fn;
    for (const ContactOutput& c : w.outputs().contacts) fn.push_back(c.normal_N);
    return std::make_pair(-lowest, fn);
  };
  const double weight = m * 9.81;
  const auto [prone, f_prone] = rest(RotY(0.5 * kPi));    // front (x) down
  const auto [supine, f_supine] = rest(RotY(-0.5 * kPi));  // back down
  const auto [side, f_side] = rest(RotX(-0.5 * kPi));     // left flank (y) down
  EXPECT_NEAR(prone, weight / (4 * k_front), 0.05 * weight / (4 * k_front));
  EXPECT_NEAR(supine, weight / (4 * k_back), 0.05 * weight / (4 * k_back));
  EXPECT_NEAR(side, weight / (4 * k_back), 0.05 * weight / (4 * k_back));
  ASSERT_EQ(f_side.size(), 4u);
  for (double f : f_side) EXPECT_NEAR(f, weight / 4, 0.02 * weight) << "the flank's four corners carry alike";
}

TEST(World, TheSoftFrontFollowsTheBodysAnteriorAxis) {
  // the same slice with its anterior axis set to its left (y): now the left flank is the soft
  // front and the x face rests on the back's stiffness (a rib, whose frame is its principal axes,
  // says this way where its front is)
  const double k_back = 5e3, k_front = 1e3, m = 3.0;
  const Vec3& half = kSliceHalf;
  auto sink = [&](const Mat3& R) {
    ModelDesc d = SliceOnATable(R, Vec3(0.3, 0.0, (R * half).cwiseAbs().z() + 1e-4), k_back);
    d.bodies[0].anterior_contact_stiffness_N_per_m = k_front;
    d.bodies[0].anterior_axis_B = Vec3::UnitY();
    World w = World::Create(Compiled(d), SimOptions{}).value();
    for (int i = 0; i < 3000; ++i) EXPECT_EQ(w.Step(), kStepOk);
    const BodyState& s = w.state().bodies[0];
    double lowest = 1e9;
    for (int c = 0; c < 8; ++c) {
      const Vec3 corner(c & 1 ? half.x() : -half.x(), c & 2 ? half.y() : -half.y(), c & 4 ? half.z() : -half.z());
      lowest = std::min(lowest, (s.p_WB + s.q_WB.toRotationMatrix() * corner).z());
    }
    return -lowest;
  };
  const double weight = m * 9.81;
  EXPECT_NEAR(sink(RotX(-0.5 * kPi)), weight / (4 * k_front), 0.05 * weight / (4 * k_front));  // left flank (+y) down
  EXPECT_NEAR(sink(RotY(0.5 * kPi)), weight / (4 * k_back), 0.05 * weight / (4 * k_back));    // x face down
}

TEST(World, TheSoftFrontOfATrunkSliceHasItsOwnDamping) {
  // a slice set face down on the table, just touching, drops into its soft front and rings: the
  // first overshoot past the resting sink δ is δ·exp(−πζ/√(1−ζ²)) with ζ = c/(2√(k·m)) of the
  // front's own damping. With the back's damping (100 N·s/m per point) the drop would be
  // overdamped and never pass δ
  const double k_front = 1e3, c_front = 10, m = 3.0;  // [N/m], [N·s/m] per point, [kg] (the helper's slice)
  ModelDesc d = SliceOnATable(RotY(0.5 * kPi), Vec3(0.3, 0.0, kSliceHalf.x() + 1e-6), 5e3);  // front (x) down
  d.bodies[0].anterior_contact_stiffness_N_per_m = k_front;
  d.bodies[0].anterior_contact_damping_Ns_per_m = c_front;
  World w = World::Create(Compiled(d), SimOptions{}).value();
  const double z0 = w.state().bodies[0].p_WB.z(), sink = m * 9.81 / (4 * k_front);
  double deepest = 0;
  for (int i = 0; i < 300; ++i) {  // ~1.7 periods of the 5.8 Hz bounce
    ASSERT_EQ(w.Step(), kStepOk);
    deepest = std::max(deepest, z0 - w.state().bodies[0].p_WB.z());
  }
  const double zeta = 4 * c_front / (2 * std::sqrt(4 * k_front * m));
  const double overshoot = std::exp(-kPi * zeta / std::sqrt(1 - zeta * zeta));  // 0.56
  EXPECT_NEAR((deepest - sink) / sink, overshoot, 0.1 * overshoot);
}

TEST(World, ABandedChainStepsLikeTheSameModelSolvedDensely) {
  // seven bodies hanging in a chain, each tied to the next and the one after (bandwidth 2: a
  // vertebra with a body interleaved beside it); the same model with its bodies listed in
  // another order has bandwidth 5 and is solved densely: every body must move the same
  auto run = [](const std::vector<int>& order) {
    ModelDesc d;
    std::vector<BodyId> id(order.size());
    for (size_t k = 0; k < order.size(); ++k) id[order[k]] = static_cast<BodyId>(k);
    for (int i : order) {
      BodyDesc b;
      b.name = "b" + std::to_string(i);
      b.mass_kg = 0.5 + 0.1 * i;
      b.inertia_kgm2 = Vec3(0.01, 0.012, 0.008);
      b.X_WB.p = Vec3(0.01 * i, 0, -0.05 * i);
      d.bodies.push_back(b);
    }
    auto tie = [&](int a, int b, double k) {
      BushingDesc e;
      e.name = "tie " + std::to_string(a) + "-" + std::to_string(b);
      e.body_a = a < 0 ? kGround : id[a];
      e.body_b = id[b];
      const Vec3 p_W = 0.5 * ((a < 0 ? Vec3(0, 0, 0.05) : d.bodies[id[a]].X_WB.p) + d.bodies[id[b]].X_WB.p);
      e.X_AF.p = a < 0 ? p_W : Vec3(p_W - d.bodies[id[a]].X_WB.p);
      e.X_BM.p = p_W - d.bodies[id[b]].X_WB.p;
      e.params.k_trans = Vec3::Constant(k);
      e.params.k_axial_compression = k;
      e.params.c_trans = Vec3::Constant(5);
      for (int ax = 0; ax < 3; ++ax) e.params.rot[ax].k0 = 2.0 + ax;
      e.params.c_rot = Vec3::Constant(0.01);
      d.bushings.push_back(e);
    };
    tie(-1, 0, 2e4);
    for (int i = 0; i + 1 < 7; ++i) tie(i, i + 1, 1e4);
    for (int i = 0; i + 2 < 7; ++i) tie(i, i + 2, 3e3);
    World w = World::Create(Compiled(d), SimOptions{}).value();
    for (int s = 0; s < 300; ++s) EXPECT_EQ(w.Step(), kStepOk);
    std::vector<Vec3> p(7);
    for (int i = 0; i < 7; ++i) p[i] = w.state().bodies[id[i]].p_WB;
    return p;
  };
  const std::vector<Vec3> banded = run({0, 1, 2, 3, 4, 5, 6}), dense = run({0, 3, 6, 1, 4, 2, 5});
  for (int i = 0; i < 7; ++i) {
    EXPECT_LT((banded[i] - dense[i]).norm(), 1e-12) << "body " << i;
    EXPECT_GT((banded[i] - Vec3(0.01 * i, 0, -0.05 * i)).norm(), 1e-4) << "it hangs: body " << i << " moved";
  }
}

TEST(World, SolveStaticFindsTheRestingPoseWithoutAdvancingTime) {
  // a compliant slice a little above the table and tilted 2° about its long axis: the static
  // solve lands it flat, sunk mg/(4k) at each corner, at rest; time does not advance. The table
  // is frictionless (as for the scenarios' settle), so nothing pushes it sideways
  const double k = 5e3, m = 3.0;  // [N/m per point], [kg] (the helper's slice)
  const Vec3& half = kSliceHalf;
  const ModelDesc d = SliceOnATable(RotY(2.0 * kDegToRad), Vec3(0.3, 0.0, half.z() + 0.003), k);
  SimOptions o;
  o.contact.frictionless = true;
  World w = World::Create(Compiled(d), o).value();
  EXPECT_EQ(w.SolveStatic(/*max_iterations=*/3), -1) << "3 capped moves of 0.5 mm cannot reach the table 3 mm down";
  const int iterations = w.SolveStatic();
  EXPECT_GT(iterations, 0);
  EXPECT_EQ(w.state().step_index, 0);
  const BodyState& s = w.state().bodies[0];
  EXPECT_NEAR(s.p_WB.z(), half.z() - m * 9.81 / (4 * k), 1e-7);
  EXPECT_NEAR(s.p_WB.x(), 0.3, 1e-9) << "no sideways force on a frictionless table";
  EXPECT_LT(Vec3(s.q_WB.toRotationMatrix().col(2)).cross(Vec3::UnitZ()).norm(), 1e-6) << "lands flat";
  EXPECT_EQ(s.v_WB.norm(), 0.0);
  // it stays there: a step from the solved pose moves it by less than the solve's tolerance
  ASSERT_EQ(w.Step(), kStepOk);
  EXPECT_NEAR(w.state().bodies[0].p_WB.z(), half.z() - m * 9.81 / (4 * k), 1e-6);
}

// a rod (an arm: 3.6 kg, its centre of mass 0.3 m out) held out level from a held base by a hinge
// about y of stiffness k_hinge, stiff in every other direction; it droops to k·φ = m·g·l·cos φ
ModelDesc RodOnAHinge(double k_hinge) {
  BushingDesc e;
  e.name = "hinge";
  e.X_BM.p = Vec3(-0.3, 0, 0);  // the pivot: the base's origin
  e.params.k_trans = Vec3::Constant(1e6);
  e.params.k_axial_compression = 1e6;
  e.params.c_trans = Vec3::Constant(10);
  e.params.rot[0].k0 = e.params.rot[2].k0 = 1e3;
  e.params.rot[1].k0 = k_hinge;
  e.params.c_rot = Vec3::Constant(0.1);
  return testing::HeldBaseAndBody("rod", 3.6, Vec3(0.002, 0.03, 0.03), Vec3(0.3, 0, 0), e);
}

TEST(World, TheDampedStaticSolveFindsTheRestOfALimbHangingFromSoftJoints) {
  // m·g·l = 10.6 N·m: at its rest (φ ≈ 1.0 rad) the weight's pendulum stiffness m·g·l·sin φ
  // (8.9 N·m/rad, not in the iteration's tangent) exceeds the hinge's 5 N·m/rad, so the plain
  // iteration overshoots by more than it corrects and swings for ever; the damped one bisects
  // to the rest. A stiffer hinge (50 N·m/rad) converges either way, to the same rest
  const double k = 5, mgl = 3.6 * 9.81 * 0.3;
  double phi = 0.5;  // k·φ = m·g·l·cos φ by Newton
  for (int i = 0; i < 50; ++i) phi -= (k * phi - mgl * std::cos(phi)) / (k + mgl * std::sin(phi));
  auto droop = [](const World& w) {
    const Vec3 x = w.state().bodies[1].q_WB.toRotationMatrix().col(0);
    return std::atan2(-x.z(), x.x());
  };
  World plain = World::Create(Compiled(RodOnAHinge(k)), SimOptions{}).value();
  EXPECT_EQ(plain.SolveStatic(2000), -1) << "the plain iteration swings (it ends at " << droop(plain) << " rad)";
  World damped = World::Create(Compiled(RodOnAHinge(k)), SimOptions{}).value();
  EXPECT_GT(damped.SolveStatic(2000, 1e-7, /*damped=*/true), 0);
  EXPECT_NEAR(droop(damped), phi, 1e-4) << "k phi = m g l cos phi";
  EXPECT_NEAR(damped.state().bodies[1].p_WB.norm(), 0.3, 1e-4) << "on its pivot";
  World a = World::Create(Compiled(RodOnAHinge(50)), SimOptions{}).value(), b = World::Create(Compiled(RodOnAHinge(50)), SimOptions{}).value();
  EXPECT_GT(a.SolveStatic(2000), 0);
  EXPECT_GT(b.SolveStatic(2000, 1e-7, /*damped=*/true), 0);
  EXPECT_NEAR(droop(a), droop(b), 1e-5);
  double phi50 = 0.2;
  for (int i = 0; i < 50; ++i) phi50 -= (50 * phi50 - mgl * std::cos(phi50)) / (50 + mgl * std::sin(phi50));
  EXPECT_NEAR(droop(a), phi50, 1e-4);
}

TEST(World, SameInputsGiveBitwiseIdenticalSpineRuns) {
  auto params = LoadSpineParams(DefaultSpineModelPath());
  ASSERT_TRUE(params.ok()) << params.ErrorText();
  auto model = Compiled(BuildSpineModel(params.value(), Subject{}).value());
  auto run = [&](int steps, const State* restore_at_half) {
    World w = World::Create(model, SimOptions{}).value();
    for (int i = 0; i < steps; ++i) {
      if (restore_at_half && i == steps / 2) {
        const State s = w.SaveState();
        World fresh = World::Create(model, SimOptions{}).value();
        fresh.RestoreState(s);
        w = std::move(fresh);
      }
      AppliedLoad l;
      l.torque_Nm = Vec3(0, 0, 2.0 * std::sin(0.01 * i));
      w.SetAppliedLoad(5, l);
      EXPECT_EQ(w.Step(), kStepOk);
    }
    return w.HashState();
  };
  const uint64_t a = run(400, nullptr), b = run(400, nullptr);
  EXPECT_EQ(a, b);
  State dummy;
  EXPECT_EQ(a, run(400, &dummy));  // through save/restore into a rebuilt world at step 200
}

TEST(World, ImplicitStepIsPassiveAndConvergesToEnergyConservation) {
  // undamped chain, no gravity, initial twist: the energy can only fall (numerical
  // dissipation of the linearly implicit step), and the loss shrinks ~linearly with dt
  auto loss = [](double h) {
    ModelDesc d = MakeBushingChain();
    for (auto& b : d.bushings) {
      b.params.c_trans.setZero();
      b.params.c_rot.setZero();
    }
    SimOptions o;
    o.dt_s = h;
    o.gravity_W = Vec3::Zero();
    World w = World::Create(Compiled(d), o).value();
    AppliedLoad l;
    l.torque_Nm = Vec3(0.5, 0, 2.0);
    w.SetAppliedLoad(24, l);
    for (int i = 0; i < static_cast<int>(0.05 / h); ++i) w.Step();
    w.ClearAppliedLoads();
    const double E0 = w.PotentialEnergy() + w.KineticEnergy();
    double prev = E0;
    for (int i = 0; i < static_cast<int>(0.2 / h); ++i) {
      EXPECT_EQ(w.Step(), kStepOk);
      const double E = w.PotentialEnergy() + w.KineticEnergy();
      EXPECT_LE(E, prev * (1 + 1e-6) + 1e-12);  // passive
      prev = E;
    }
    return (E0 - prev) / E0;
  };
  const double l1 = loss(2e-4), l2 = loss(1e-4);
  EXPECT_GT(l1, 0.0);
  EXPECT_LT(l2, 0.7 * l1);  // first order: halving dt roughly halves the dissipation
}

}  // namespace
}  // namespace spinelab::sim

// MeasureRibCage: the rib cage's calibration checks (rib_cage.h has what each one does).
#include "spinelab/lab/rib_cage.h"

#include <cmath>
#include <memory>

#include "spinelab/anatomy/rib_geometry.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {

namespace {

constexpr int kTestRib = 6;  // mid-thoracic, as the J Biomech 2024 specimens (levels 4-7)

Expected<ModelDesc> Passive(const SpineParams& P, const RibCageParams& R, const Subject& s, bool cage, bool bodies) {
  SpineBuildOptions o = PassiveSpineOptions();
  o.rib_cage = cage;
  if (bodies) o.rib_cage_bodies = std::make_shared<const RibCageParams>(R);
  return BuildSpineModel(P, s, o);
}

// a quasi-static world: no gravity, the capsules' fluid at its resting pressure, no cavitation
Expected<World> StaticWorld(ModelDesc d) {
  auto m = Model::Compile(std::move(d));
  if (!m) return m.errors();
  SimOptions so;
  so.gravity_W.setZero();
  so.synovial.fluid_at_rest = true;
  so.synovial.cavitation = false;
  return World::Create(std::make_shared<const Model>(std::move(m).value()), so);
}

double Mass(const ModelDesc& d) {
  double m = 0;
  for (const BodyDesc& b : d.bodies) m += b.mass_kg;
  return m;
}

// rotation [rad] of body b about the unit axis u_W from its pose at rest
double TurnAbout(const World& w, BodyId b, const Vec3& u_W) {
  const Mat3 R0 = w.model().desc().bodies[b].X_WB.R;
  return RotationVector(w.state().bodies[b].q_WB.toRotationMatrix() * R0.transpose()).dot(u_W);
}

// the load ramped linearly onto body b over ramp_s and held for hold_s (quasi-static, as in
// vitro: the flexibility test's 2 s ramp and 0.5 s hold), from the state `rest`
void RampAndHold(World* w, const State& rest, BodyId b, const AppliedLoad& load, double ramp_s = 2.0, double hold_s = 0.5) {
  w->RestoreState(rest);
  const double dt = 1e-3;
  const int n_ramp = static_cast<int>(ramp_s / dt), n = n_ramp + static_cast<int>(hold_s / dt);
  for (int i = 1; i <= n; ++i) {
    const double f = std::min(1.0, static_cast<double>(i) / n_ramp);
    AppliedLoad l = load;
    l.force_N *= f;
    l.torque_Nm *= f;
    w->SetAppliedLoad(b, l);
    w->Step();
  }
}

// a specimen has no lungs, heart or mediastinum: the thoracic contents' springs are left out
void WithoutContents(ModelDesc* d) {
  std::vector<BushingDesc> kept;
  for (const BushingDesc& b : d->bushings)
    if (b.name.rfind("thoracic contents", 0) != 0) kept.push_back(b);
  d->bushings = kept;
}

}  // namespace

Expected<RibCageChecks> MeasureRibCage(const SpineParams& P, const RibCageParams& R, const Subject& subject) {
  RibCageChecks out;
  auto with = Passive(P, R, subject, true, true);
  if (!with) return with.errors();
  auto lumped = Passive(P, R, subject, true, false);
  if (!lumped) return lumped.errors();
  auto stumps = Passive(P, R, subject, false, false);
  if (!stumps) return stumps.errors();
  const ModelDesc& D = with.value();
  out.total_mass_bodies_kg = Mass(D);
  out.total_mass_lumped_kg = Mass(lumped.value());
  const BodyId first_rib = D.FindBody(RibBodyName(1, +1));
  for (BodyId b = first_rib; b < static_cast<BodyId>(D.bodies.size()); ++b) out.cage_mass_kg += D.bodies[b].mass_kg;
  for (const SynovialJointDesc& j : D.synovial_joints) out.rib_joints += j.name.rfind("CV ", 0) == 0 || j.name.rfind("CT ", 0) == 0;
  auto geo = ComputeRibCageGeometry(R, P, subject, ThoracicVertebraFrames(stumps.value()));
  if (!geo) return geo.errors();

  // [costovertebral articulation] rib 6 L alone on its held vertebrae
  {
    const BodyId rib = D.FindBody(RibBodyName(kTestRib, +1));
    const RibGeometry& g = geo.value().ribs[2 * (kTestRib - 1)];
    const Pose X_SV = ThoracicVertebraFrames(stumps.value())[kTestRib - 1];
    ModelDesc d = D;
    // the rib (both segments when it bends: the segment tested is cut before its cartilage)
    const BodyId rib_front = D.FindBody(RibBodyName(kTestRib, +1) + " anterior");
    for (BodyId b = 0; b < static_cast<BodyId>(d.bodies.size()); ++b) d.bodies[b].fixed = b != rib && b != rib_front;
    std::vector<LigamentDesc> ligs;
    std::vector<int> remap(d.ligaments.size(), -1);
    for (size_t i = 0; i < d.ligaments.size(); ++i) {
      if (d.ligaments[i].type == "intercostal") continue;
      remap[i] = static_cast<int>(ligs.size());
      ligs.push_back(d.ligaments[i]);
    }
    for (SynovialJointDesc& j : d.synovial_joints) j.capsule_ligament = j.capsule_ligament < 0 ? -1 : remap[j.capsule_ligament];
    d.ligaments = ligs;
    d.viscoelastic_bushings.clear();  // the segment's rib is cut before its cartilage
    WithoutContents(&d);
    d.reflexes.clear();
    for (JointDesc& L : d.joints) L.reflex = -1;
    const Vec3 u_W = (X_SV.R * g.neck_axis_V).normalized();                    // head -> tubercle
    const Vec3 p_W = X_SV * (0.5 * (g.p_head_V + g.p_tubercle_V));             // the neck's middle
    // a cranial-caudal load at the rib segment's end turns it about the horizontal axis square to
    // the rib (J Biomech 2024's moment-angle test)
    const Vec3 c_W = u_W.cross(X_SV.R.col(2)).normalized();
    const Vec3 p_B = d.bodies[rib].X_WB.Inverse() * p_W;
    auto w = StaticWorld(d);
    if (!w) return w.errors();
    World& world = w.value();
    const State rest = world.SaveState();
    AppliedLoad pull;
    pull.force_N = 28.0 * u_W;
    pull.p_BoP_B = p_B;
    RampAndHold(&world, rest, rib, pull);
    const BodyState& s = world.state().bodies[rib];
    out.cv_translation_at_28N_m = ((s.q_WB.toRotationMatrix() * p_B + s.p_WB) - p_W).norm();
    double turn[2];
    for (int k = 0; k < 2; ++k) {
      AppliedLoad m;
      m.torque_Nm = (k == 0 ? 0.1 : -0.1) * c_W;
      RampAndHold(&world, rest, rib, m);
      turn[k] = TurnAbout(world, rib, c_W);
    }
    out.cv_rotation_range_rad = turn[0] - turn[1];
  }

  // [chest] the sternum pushed posteriorly, every vertebra held: the downstroke of a compression
  {
    ModelDesc d = D;
    for (BodyId b = 0; b < first_rib; ++b) d.bodies[b].fixed = true;
    const BodyId st = d.FindBody("sternum");
    auto m = Model::Compile(d);
    if (!m) return m.errors();
    SimOptions so;
    so.gravity_W.setZero();
    auto w = World::Create(std::make_shared<const Model>(std::move(m).value()), so);
    if (!w) return w.errors();
    World& world = w.value();
    const double x0 = world.state().bodies[st].p_WB.x();
    double x100 = 0, x300 = 0;
    const int n = 300;  // 0.3 s at 1 ms
    for (int i = 1; i <= n; ++i) {
      AppliedLoad push;
      push.force_N = Vec3(-300.0 * i / n, 0, 0);  // posterior (x anterior in the standing frame)
      world.SetAppliedLoad(st, push);
      world.Step();
      if (i == n / 3) x100 = world.state().bodies[st].p_WB.x() - x0;
      if (i == n) x300 = world.state().bodies[st].p_WB.x() - x0;
    }
    out.chest_stiffness_N_per_m = 200.0 / std::abs(x300 - x100);
  }

  // [T1-T12] pure moments on T1, T12 and below held
  auto rom = [&](const ModelDesc& src, std::array<double, 3>* r) -> Expected<int> {
    ModelDesc d = src;
    WithoutContents(&d);  // Liebsch's specimens: the spine with its rib cage, no viscera
    const BodyId t1 = d.FindBody("T1"), t12 = d.FindBody("T12");
    for (BodyId b = t12; b < kSpineBodies; ++b) d.bodies[b].fixed = true;
    auto w = StaticWorld(d);
    if (!w) return w.errors();
    World& world = w.value();
    const State rest = world.SaveState();
    const Mat3 R1 = d.bodies[t1].X_WB.R;
    const int axis_of[3] = {1, 0, 2};  // FE about y, LB about x, AR about z
    for (int k = 0; k < 3; ++k) {
      const Vec3 u = R1.col(axis_of[k]);
      double th[2];
      for (int sgn = 0; sgn < 2; ++sgn) {
        world.RestoreState(rest);
        AppliedLoad m;
        m.torque_Nm = (sgn == 0 ? 2.0 : -2.0) * u;
        world.SetAppliedLoad(t1, m);
        if (world.SolveStatic(4000, 1e-8) < 0)
          return std::vector<Diagnostic>{{"", "T1-T12 range of motion", "the static solve under a pure moment on T1 did not converge"}};
        th[sgn] = TurnAbout(world, t1, u);
      }
      (*r)[k] = th[0] - th[1];
    }
    return 0;
  };
  const std::pair<const ModelDesc*, std::array<double, 3>*> cases[] = {
      {&D, &out.rom_bodies_rad}, {&lumped.value(), &out.rom_lumped_rad}, {&stumps.value(), &out.rom_stumps_rad}};
  for (const auto& [src, r] : cases) {
    auto ok = rom(*src, r);
    if (!ok) return ok.errors();
  }
  return out;
}

}  // namespace spinelab::sim

// Distraction test of one facet joint (see distraction.h).
#include "spinelab/lab/distraction.h"

#include "spinelab/sim/tissue_ring.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "spinelab/sim/laws.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {

namespace {

// the one-joint model: fixture on the upper body, only this facet and its capsular ligament
// a synovial joint that is not a level's facet (a rib joint): its two bodies, the first fixed
Expected<ModelDesc> SynovialJointSegment(const ModelDesc& model, const std::string& name) {
  for (const SynovialJointDesc& f : model.synovial_joints) {
    if (f.name != name || f.body_a < 0 || f.body_b < 0) continue;
    ModelDesc seg;
    seg.name = model.name + " joint " + name;
    seg.bodies = {model.bodies[f.body_a], model.bodies[f.body_b]};
    seg.bodies[0].fixed = true;
    for (BodyDesc& b : seg.bodies) b.border = false;
    SynovialJointDesc g = f;
    g.body_a = 0;
    g.body_b = 1;
    g.capsule_ligament = -1;
    if (f.capsule_ligament >= 0) {
      LigamentDesc c = model.ligaments[f.capsule_ligament];
      c.body_a = c.body_a == f.body_a ? 0 : 1;
      c.body_b = c.body_b == f.body_b ? 1 : 0;
      seg.ligaments.push_back(c);
      g.capsule_ligament = 0;
    }
    seg.synovial_joints.push_back(g);
    JointDesc L;
    L.name = name;
    L.upper = 1;
    L.lower = 0;
    L.synovial = {0, 0};
    L.X_WD0 = seg.bodies[0].X_WB;
    seg.joints.push_back(L);
    return seg;
  }
  return std::vector<Diagnostic>{{"", "level", "'" + name + "' is neither a level nor a synovial joint of model '" + model.name + "'"}};
}

Expected<ModelDesc> JointModel(const ModelDesc& spine, const std::string& level, char side, int* facet_out) {
  auto seg = spine.FindJoint(level) >= 0 ? ExtractSegment(spine, level) : SynovialJointSegment(spine, level);
  if (!seg) return seg.errors();
  ModelDesc d = std::move(seg).value();
  const JointDesc L = d.joints[0];
  // the level's synovial joints are its facets, [left, right]
  const size_t si = side == 'L' ? 0 : 1;
  const int fi = si < L.synovial.size() ? L.synovial[si] : -1;
  if (fi < 0) return std::vector<Diagnostic>{{"", "side", std::string("level ") + level + " has no facet on side " + side}};
  SynovialJointDesc f = d.synovial_joints[fi];
  if (!f.has_capsule) return std::vector<Diagnostic>{{"", "facet " + f.name, "has no capsule"}};
  std::vector<LigamentDesc> ligs;
  if (f.capsule_ligament >= 0) ligs.push_back(d.ligaments[f.capsule_ligament]);
  f.capsule_ligament = ligs.empty() ? -1 : 0;
  d.ligaments = ligs;
  d.bushings.clear();
  d.synovial_joints = {f};
  d.joints[0].bushing = -1;
  d.joints[0].synovial = {0};
  // fixture: ground frame at Q with z along the facet normal; free only along z
  const Pose& X_WA = d.bodies[L.lower].X_WB;
  const Pose& X_WB = d.bodies[L.upper].X_WB;
  const Vec3 n_W = X_WA.R * f.n_A;
  const Vec3 ref = std::abs(n_W.x()) < 0.9 ? Vec3::UnitX() : Vec3::UnitY();
  Mat3 R;
  R.col(2) = n_W;
  R.col(1) = n_W.cross(ref).normalized();
  R.col(0) = R.col(1).cross(n_W);
  const Pose X_WJ{R, X_WB * f.p_BoQ_B};
  BushingDesc fix;
  fix.name = "fixture";
  fix.body_a = kGround;
  fix.body_b = L.upper;
  fix.X_AF = X_WJ;
  fix.X_BM = X_WB.Inverse() * X_WJ;
  fix.params.k_trans = Vec3(1e7, 1e7, 0);
  fix.params.c_trans = Vec3(2e3, 2e3, 0);
  for (int a = 0; a < 3; ++a) fix.params.rot[a].k0 = 1e4;
  fix.params.c_rot = Vec3::Constant(20);
  d.bushings.push_back(fix);
  *facet_out = 0;
  return d;
}

}  // namespace

Expected<DistractionResult> RunDistraction(const ModelDesc& spine, const std::string& level, char side,
                                           const DistractionOptions& o) {
  std::vector<Diagnostic> errors;
  auto check = [&](bool ok, const char* key, double v, const char* allowed) {
    if (!ok) errors.push_back({"", key, "value " + std::to_string(v) + " is out of range; allowed: " + allowed});
  };
  check(std::isfinite(o.speed_m_per_s) && o.speed_m_per_s > 0 && o.speed_m_per_s <= 10, "speed_m_per_s", o.speed_m_per_s, "(0, 10] m/s");
  check(std::isfinite(o.device_stiffness_N_per_m) && o.device_stiffness_N_per_m > 0, "device_stiffness_N_per_m",
        o.device_stiffness_N_per_m, "> 0 N/m");
  check(std::isfinite(o.closing_force_N) && o.closing_force_N >= 0 && o.closing_force_N <= 500, "closing_force_N",
        o.closing_force_N, "[0, 500] N");
  check(std::isfinite(o.max_travel_m) && o.max_travel_m > 0 && o.max_travel_m <= 0.05, "max_travel_m", o.max_travel_m, "(0, 0.05] m");
  check(std::isfinite(o.dt_s) && o.dt_s > 0 && o.dt_s <= 2e-3, "dt_s", o.dt_s, "(0, 0.002] s");
  for (double a : o.again_after_s) check(std::isfinite(a) && a > 0 && a <= 86400, "again_after_s", a, "(0, 86400] s");
  if (side != 'L' && side != 'R') errors.push_back({"", "side", std::string("'") + side + "' is not allowed; allowed: L, R"});
  if (!errors.empty()) return errors;

  int fi = 0;
  auto desc = JointModel(spine, level, side, &fi);
  if (!desc) return desc.errors();
  auto compiled = Model::Compile(std::move(desc).value());
  if (!compiled) return compiled.errors();
  auto model = std::make_shared<const Model>(std::move(compiled).value());
  SimOptions so;
  so.dt_s = o.dt_s;
  so.gravity_W = Vec3::Zero();  // an isolated joint in a fixture
  so.synovial.bubble_rel_tol = o.bubble_rel_tol;
  auto w = World::Create(model, so);
  if (!w) return w.errors();
  World& world = w.value();

  const SynovialJointDesc& f = model->desc().synovial_joints[fi];
  const BodyId upper = model->desc().joints[0].upper;
  const double m_upper = model->desc().bodies[upper].mass_kg;
  const double c_dev = 2 * 0.3 * std::sqrt(o.device_stiffness_N_per_m * m_upper);  // ζ = 0.3
  const Vec3 n_W = model->desc().bodies[0].X_WB.R * f.n_A;  // lower body is fixed

  DistractionResult res;
  res.level = level;
  res.side = side;
  res.fluid_volume_m3 = f.capsule.fluid_volume_m3;
  res.capsule = f.capsule;
  auto gap = [&]() { return world.outputs().synovial_joints[fi].gap_m; };
  AppliedLoad closing;
  closing.force_N = -o.closing_force_N * n_W;
  closing.p_BoP_B = f.p_BoQ_B;
  auto rest_of = [&](double seconds) {
    world.SetAppliedLoad(upper, closing);
    for (int64_t i = 0, n = std::llround(seconds / o.dt_s); i < n; ++i) world.Step();
  };
  // long waits: the slow state advances with the bodies held, in chunks, and the joint
  // re-finds its equilibrium in between (so a dissolving bubble lets the joint close)
  auto wait = [&](double seconds) {
    double left = seconds;
    while (left > 1e-9) {
      const double chunk = std::min(10.0, left);
      if (!world.Rest(chunk)) return false;
      left -= chunk;
      rest_of(0.05);
      left -= 0.05;
    }
    return true;
  };
  rest_of(0.2);  // settle onto the rest gap
  double first_crack_time = -1;

  auto pull = [&](double after_s) {
    PullResult p;
    p.after_s = after_s;
    const double t_start = world.state().time_s;
    const double g_rest = gap();
    double travel = 0, travel_rate = o.speed_m_per_s;
    double t_crack = -1, g_crack = 0, hold_until = -1, prev_gap = g_rest;
    enum { kPulling, kHolding, kReturning } phase = kPulling;
    std::vector<float> sound;
    for (int64_t i = 0; i < std::llround(20.0 / o.dt_s); ++i) {
      const double t = world.state().time_s - t_start;
      // device: a spring from its far end (travel) to the joint's opening, with damping
      const double opening = gap() - g_rest;
      const double opening_rate = (gap() - prev_gap) / o.dt_s;
      const double rate = phase == kPulling ? travel_rate : phase == kReturning ? -travel_rate : 0.0;
      // evaluated at mid-step (the device is applied explicitly; this removes its half-step lag)
      const double F = std::max(0.0, o.device_stiffness_N_per_m * ((travel + 0.5 * rate * o.dt_s) -
                                                                    (opening + 0.5 * opening_rate * o.dt_s)) +
                                         c_dev * (rate - opening_rate));
      AppliedLoad load;
      load.force_N = (F - o.closing_force_N) * n_W;
      load.p_BoP_B = f.p_BoQ_B;
      world.SetAppliedLoad(upper, load);
      prev_gap = gap();
      const uint32_t st = world.Step();
      if (st != kStepOk) {
        res.status = "step failed: " + StepStatusText(st);
        return p;
      }
      const SynovialJointOutput& out = world.outputs().synovial_joints[fi];
      // fluid volume balance: V_b − A·Δg + V_drawn = C·(P − P_rest), both sides
      res.max_volume_error_m3 =
          std::max(res.max_volume_error_m3, std::abs(CapsuleVolumeResidual(f, world.state().capsules[fi], out)));
      p.t_s.push_back(t + o.dt_s);
      p.force_N.push_back(F);
      p.gap_m.push_back(out.gap_m);
      p.peak_force_N = std::max(p.peak_force_N, F);
      p.peak_capsule_strain = std::max(p.peak_capsule_strain, out.capsule_strain);
      if (out.cracked && t_crack < 0) {
        p.cavitated = true;
        t_crack = world.state().capsules[fi].dynamic_since_s - t_start;  // nucleation, interpolated
        g_crack = prev_gap;  // the gap at the start of the cracking step
        p.time_of_crack_s = t_crack;
        p.gap_at_crack_m = g_crack;
      }
      if (t_crack >= 0) {
        sound.insert(sound.end(), out.sound_Pa.begin(), out.sound_Pa.end());
        const double since = t + o.dt_s - t_crack;
        if (since <= 0.05 + o.dt_s) p.gap_jump_m = std::max(p.gap_jump_m, out.gap_m - g_crack - o.speed_m_per_s * since);
        if (since >= 0.1 && p.cavity_fraction_open == 0)
          p.cavity_fraction_open = out.bubble_volume_m3 / (f.capsule.fluid_volume_m3 + out.bubble_volume_m3);
      }
      // device schedule
      if (phase == kPulling) {
        travel += travel_rate * o.dt_s;
        const bool crack_done = t_crack >= 0 && t + o.dt_s - t_crack >= o.pull_on_after_crack_s;
        const bool too_far = travel >= o.max_travel_m || (o.stop_at_travel_m > 0 && travel >= o.stop_at_travel_m);
        if (crack_done || too_far) {
          phase = kHolding;
          hold_until = t + o.dt_s + o.hold_s;
        }
      } else if (phase == kHolding) {
        if (t + o.dt_s >= hold_until) phase = kReturning;
      } else {
        travel = std::max(0.0, travel - travel_rate * o.dt_s);
        if (travel <= 0) break;
      }
    }
    // release and relax until the bubble has settled
    rest_of(0.5);
    for (int k = 0; k < 100 && world.state().capsules[fi].mode == CapsuleState::kDynamic; ++k) rest_of(0.1);
    p.rest_gap_after_m = gap();
    if (p.cavitated) {
      const double V = world.outputs().synovial_joints[fi].bubble_volume_m3;
      p.gas_volume_fraction = V / (f.capsule.fluid_volume_m3 + V);
    }
    // what is heard: the bubble's sound through the tissue ring, from the nucleation on
    const std::vector<float> heard = RadiateThroughTissue(f.capsule, sound, kSoundSampleRate_Hz,
                                                          static_cast<size_t>(kPopWindow_s * kSoundSampleRate_Hz));
    p.sound = AnalyzeSound(heard, kSoundSampleRate_Hz);
    if (p.sound.peak_Pa > 0) p.sound_Pa = heard;
    if (p.cavitated && first_crack_time < 0) first_crack_time = t_start + t_crack;
    return p;
  };

  res.pulls.push_back(pull(0.0));
  for (double after : o.again_after_s) {
    if (res.status != "ok") break;
    const double base = first_crack_time >= 0 ? first_crack_time : world.state().time_s;
    const double span = base + after - world.state().time_s;
    if (span > 0 && !wait(span)) {
      res.status = "bubble still violent; cannot rest";
      break;
    }
    rest_of(0.05);
    res.pulls.push_back(pull(after));
  }
  return res;
}

}  // namespace spinelab::sim

// Flexibility test: quasi-static pure-moment loading of one FSU in each direction.
//
// Neutral zone definition (docs/calibration.md): the bilinear NZ. The moment-rotation curve of
// the ramp is approximated by its tangent at the start (first 10 % of the moment) and its tangent
// at the end (last 10 %); the NZ on that side is the rotation where the two lines meet. The
// hysteresis NZ of cyclic experiments needs friction this model does not have; the bilinear NZ
// measures the same low-stiffness region.
#include "spinelab/lab/flexibility.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "spinelab/sim/world.h"

namespace spinelab::sim {

const std::array<const char*, 6> kLoadDirectionNames = {"flexion",      "extension",
                                                        "lateral_left", "lateral_right",
                                                        "axial_left",   "axial_right"};

namespace {

// axis of D (0 x: lateral bending, 1 y: flexion, 2 z: axial rotation) and sign of the moment
void AxisAndSign(LoadDirection d, int* axis, double* sign) {
  switch (d) {
    case LoadDirection::kFlexion: *axis = 1; *sign = +1; break;
    case LoadDirection::kExtension: *axis = 1; *sign = -1; break;
    case LoadDirection::kLateralRight: *axis = 0; *sign = +1; break;
    case LoadDirection::kLateralLeft: *axis = 0; *sign = -1; break;
    case LoadDirection::kAxialLeft: *axis = 2; *sign = +1; break;
    case LoadDirection::kAxialRight: *axis = 2; *sign = -1; break;
  }
}

// least-squares slope of y over x for samples with x in [lo, hi]
double Slope(const std::vector<double>& x, const std::vector<double>& y, double lo, double hi) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (y[i] < lo || y[i] > hi) continue;
    sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i];
    ++n;
  }
  const double den = n * sxx - sx * sx;
  return (n >= 2 && den > 0) ? (n * sxy - sx * sy) / den : 0.0;
}

}  // namespace

Expected<FlexibilityResult> RunFlexibilityTest(const ModelDesc& spine, const std::string& level,
                                               const FlexibilityOptions& o,
                                               const std::vector<LoadDirection>& directions) {
  std::vector<Diagnostic> errors;
  auto check = [&](bool ok, const char* key, double v, const char* allowed) {
    if (!ok) errors.push_back({"", key, "value " + std::to_string(v) + " is out of range; allowed: " + allowed});
  };
  check(std::isfinite(o.moment_Nm) && o.moment_Nm > 0 && o.moment_Nm <= 50, "moment_Nm", o.moment_Nm, "(0, 50] N·m");
  check(std::isfinite(o.preload_N) && o.preload_N >= 0 && o.preload_N <= 3000, "preload_N", o.preload_N, "[0, 3000] N");
  check(std::isfinite(o.ramp_s) && o.ramp_s > 0, "ramp_s", o.ramp_s, "> 0 s");
  check(std::isfinite(o.hold_s) && o.hold_s >= 0, "hold_s", o.hold_s, ">= 0 s");
  check(std::isfinite(o.settle_s) && o.settle_s >= 0, "settle_s", o.settle_s, ">= 0 s");
  if (!errors.empty()) return errors;
  auto seg = ExtractSegment(spine, level);
  if (!seg) return seg.errors();
  auto compiled = Model::Compile(std::move(seg).value());
  if (!compiled) return compiled.errors();
  auto model = std::make_shared<const Model>(std::move(compiled).value());
  const JointDesc& L = model->desc().joints[0];
  const int bushing = L.bushing;
  const Mat3 R_WD = L.X_WD0.R;  // lower body is fixed, so D stays put
  // follower preload: along −z of D, through the disc centre, turning with the upper body
  const Pose X_BD = model->desc().bodies[L.upper].X_WB.Inverse() * L.X_WD0;

  FlexibilityResult res;
  res.level = level;
  res.moment_Nm = o.moment_Nm;
  res.preload_N = o.preload_N;
  std::vector<LoadDirection> dirs = directions;
  if (dirs.empty())
    for (int i = 0; i < 6; ++i) dirs.push_back(static_cast<LoadDirection>(i));

  SimOptions so;
  so.dt_s = o.dt_s;
  so.gravity_W = Vec3::Zero();  // in vitro: no gravity
  for (LoadDirection dir : dirs) {
    auto w = World::Create(model, so);
    if (!w) return w.errors();
    World& world = w.value();
    int axis = 0;
    double sign = 1;
    AxisAndSign(dir, &axis, &sign);
    DirectionResult& dr = res.dir[static_cast<int>(dir)];
    AppliedLoad load;
    load.in_body_frame = true;
    load.p_BoP_B = X_BD.p;
    load.force_N = X_BD.R * Vec3(0, 0, -o.preload_N);
    const int64_t n_settle = std::llround(o.settle_s / o.dt_s);
    const int64_t n_ramp = std::llround(o.ramp_s / o.dt_s);
    const int64_t n_hold = std::llround(o.hold_s / o.dt_s);
    double theta_ref = 0;
    const int64_t sample_every = std::max<int64_t>(1, n_ramp / 50);
    for (int64_t i = 0; i < n_settle + n_ramp + n_hold; ++i) {
      // moment ramps in after settling; the follower preload acts throughout
      const double f = i < n_settle ? 0.0 : std::min(1.0, double(i - n_settle) / double(n_ramp));
      AppliedLoad l = load;
      // a world-fixed pure moment about D's axis, expressed in the body frame each step
      const Mat3 R_WB = world.state().bodies[L.upper].q_WB.toRotationMatrix();
      l.torque_Nm = R_WB.transpose() * (R_WD.col(axis) * (sign * f * o.moment_Nm));
      world.SetAppliedLoad(L.upper, l);
      const uint32_t st = world.Step();
      if (st != kStepOk) {
        res.status = std::string(kLoadDirectionNames[static_cast<int>(dir)]) + ": " + StepStatusText(st);
        break;
      }
      const StepOutputs& out = world.outputs();
      const double theta = out.bushings[bushing].rotation_rad[axis];
      if (i + 1 == n_settle || n_settle == 0) theta_ref = n_settle == 0 ? 0.0 : theta;
      for (int s = 0; s < 2; ++s) {
        const int fi = static_cast<size_t>(s) < L.synovial.size() ? L.synovial[s] : -1;  // [left, right]
        if (fi >= 0) dr.peak_facet_force_N[s] = std::max(dr.peak_facet_force_N[s], out.synovial_joints[fi].contact_force_N);
      }
      if (i >= n_settle && i < n_settle + n_ramp && (i - n_settle) % sample_every == 0) {
        dr.curve_moment_Nm.push_back(f * o.moment_Nm);
        dr.curve_rotation_rad.push_back(sign * (theta - theta_ref));
      }
      dr.rotation_rad = sign * (theta - theta_ref);
    }
    if (res.status != "ok") break;
    // bilinear neutral zone from the ramp curve
    const auto& th = dr.curve_rotation_rad;
    const auto& mm = dr.curve_moment_Nm;
    const double ks = Slope(th, mm, 0.0, 0.1 * o.moment_Nm);
    const double ke = Slope(th, mm, 0.9 * o.moment_Nm, o.moment_Nm);
    dr.stiffness_start_Nm_per_rad = ks;
    if (!th.empty() && ke > ks && ks > 0) {
      const double th_end = th.back(), m_end = mm.back();
      dr.nz_rad = std::clamp((ke * th_end - m_end) / (ke - ks), 0.0, th_end);
    }
  }
  auto D = [&](LoadDirection d) -> const DirectionResult& { return res.dir[static_cast<int>(d)]; };
  res.fe_rom_rad = D(LoadDirection::kFlexion).rotation_rad + D(LoadDirection::kExtension).rotation_rad;
  res.lb_rom_rad = D(LoadDirection::kLateralLeft).rotation_rad + D(LoadDirection::kLateralRight).rotation_rad;
  res.ar_rom_rad = D(LoadDirection::kAxialLeft).rotation_rad + D(LoadDirection::kAxialRight).rotation_rad;
  res.fe_nz_rad = D(LoadDirection::kFlexion).nz_rad + D(LoadDirection::kExtension).nz_rad;
  res.lb_nz_rad = D(LoadDirection::kLateralLeft).nz_rad + D(LoadDirection::kLateralRight).nz_rad;
  res.ar_nz_rad = D(LoadDirection::kAxialLeft).nz_rad + D(LoadDirection::kAxialRight).nz_rad;
  return res;
}

}  // namespace spinelab::sim

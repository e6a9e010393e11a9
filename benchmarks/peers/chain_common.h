#pragma once
/// @file chain_common.h
/// Shared by the three bushing-chain programs (shared/reference/bushing_chain.md): the problem's
/// constants, the command line, the load, and the RESULT / POSE lines. Engine-neutral (plain
/// doubles), so the Simbody and Bullet programs do not depend on spinelab.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace chain {

constexpr int kBodies = 25;             ///< body 0 welded, 1..24 free
constexpr double kSpacing_m = 0.03;
constexpr double kMass_kg = 1.5;
constexpr double kHalf_m[3] = {0.02, 0.0125, 0.015};  ///< box 0.04 x 0.025 x 0.03
constexpr double kIxx = kMass_kg * (0.025 * 0.025 + 0.03 * 0.03) / 12;  // 1.90625e-4
constexpr double kIyy = kMass_kg * (0.04 * 0.04 + 0.03 * 0.03) / 12;    // 3.125e-4
constexpr double kIzz = kMass_kg * (0.04 * 0.04 + 0.025 * 0.025) / 12;  // 2.78125e-4
constexpr double kFrameOffset_m = 0.015;  ///< F at +0.015 on A, M at -0.015 on B
constexpr double kKt = 1.0e6, kCt = 500.0, kKr = 60.0, kCr = 0.5;
constexpr double kG = 9.81;
constexpr double kTopZ0_m = kSpacing_m * (kBodies - 1);  // 0.72
constexpr double kPi = 3.14159265358979323846;

/// Command line shared by all programs:
///   --dt S          fixed step [s] (fixed-step engines)
///   --accuracy A    accuracy (Simbody)
///   --integrator N  integrator name (Simbody: se2 | rkm)
///   --t-end S       simulated time [s] (default 10)
///   --asymmetric    add the constant 1 N·m flexion moment about world x on the top body
///   --iterations N  solver iterations (Bullet)
///   --kr K          rotational bushing stiffness [N·m/rad] (default the spec's 60; the stable
///                   asymmetric comparison uses 2000: with 60 the column buckles under gravity)
/// A bare number is taken as --dt (so `prog 0.002` works).
struct Args {
  double dt_s = -1;
  double accuracy = -1;
  std::string integrator;
  double t_end_s = 10.0;
  bool asymmetric = false;
  int iterations = -1;
  double kr = kKr;
};

inline Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto next = [&](const char* what) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", what);
        std::exit(2);
      }
      return argv[++i];
    };
    if (s == "--dt") a.dt_s = std::atof(next("--dt"));
    else if (s == "--accuracy") a.accuracy = std::atof(next("--accuracy"));
    else if (s == "--integrator") a.integrator = next("--integrator");
    else if (s == "--t-end") a.t_end_s = std::atof(next("--t-end"));
    else if (s == "--iterations") a.iterations = std::atoi(next("--iterations"));
    else if (s == "--asymmetric") a.asymmetric = true;
    else if (s == "--kr") a.kr = std::atof(next("--kr"));
    else if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) a.dt_s = std::atof(s.c_str());
    else {
      std::fprintf(stderr,
                   "usage: %s [--dt S | S] [--accuracy A] [--integrator N] [--t-end S] [--asymmetric] "
                   "[--iterations N] [--kr K]\n",
                   argv[0]);
      std::exit(2);
    }
  }
  return a;
}

/// The reference load on the top body, in the world frame [N·m]: τ_z = 5·min(t/1 s, 1), plus
/// the asymmetric variant's constant 1 N·m about x.
inline void TopTorque(double t_s, bool asymmetric, double out[3]) {
  out[0] = asymmetric ? 1.0 : 0.0;
  out[1] = 0.0;
  out[2] = 5.0 * std::fmin(t_s / 1.0, 1.0);
}

struct Quat {
  double w = 1, x = 0, y = 0, z = 0;
};

inline Quat Conj(const Quat& q) { return {q.w, -q.x, -q.y, -q.z}; }
inline Quat Mul(const Quat& a, const Quat& b) {
  return {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z, a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
          a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x, a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}
/// Twist about z of the swing-twist decomposition [rad], in (-pi, pi].
inline double TwistZ(const Quat& q) {
  double a = 2.0 * std::atan2(q.z, q.w);
  if (a > kPi) a -= 2 * kPi;
  if (a <= -kPi) a += 2 * kPi;
  return a;
}

/// Top twist [deg]: twist of body 24 about world z, whole turns added so that it is nearest the
/// sum of the 24 joints' relative twists. `q[i]` is body i's orientation in the world.
inline double TopTwistDeg(const Quat q[kBodies]) {
  double sum = 0;
  for (int j = 1; j < kBodies; ++j) sum += TwistZ(Mul(Conj(q[j - 1]), q[j]));
  double a = 2.0 * std::atan2(q[kBodies - 1].z, q[kBodies - 1].w);
  a += 2 * kPi * std::round((sum - a) / (2 * kPi));
  return a * 180.0 / kPi;
}

/// The transient check: the top twist at the end of the torque ramp (t = 1 s), where the chain
/// lags the ramp by its torsional dynamics; a step that only finds the static end state right
/// (any implicit step does, at any size) shows its error here.
constexpr double kSampleT_s = 1.0;
/// Fixed-step programs sample after this many steps of h.
inline long long SampleSteps(double h) { return std::llround(kSampleT_s / h); }

/// TopTwistDeg of the bodies' orientations as an engine gives them: `quat_of(b)` is body b's
/// orientation in the world as a Quat.
template <class QuatOf>
double TopTwistDegOf(QuatOf quat_of) {
  Quat q[kBodies];
  for (int b = 0; b < kBodies; ++b) q[b] = quat_of(b);
  return TopTwistDeg(q);
}

/// Final state of one run, as the spec's RESULT line plus a POSE line (top body pose).
struct Outcome {
  std::string engine, integrator, step;
  long long steps = 0;
  double loop_wall_s = 0;
  double t_end_s = 10;
  Quat q[kBodies];
  double p_top[3] = {0, 0, 0};
  std::string status = "ok";
  bool asymmetric = false;
  double kr = kKr;
  double angle_1s_deg = NAN;  ///< top twist at t = kSampleT_s (TopTwistDeg), NaN if not reached
};

inline void Print(const Outcome& o) {
  bool finite = std::isfinite(o.p_top[0]) && std::isfinite(o.p_top[1]) && std::isfinite(o.p_top[2]);
  for (const Quat& q : o.q) finite = finite && std::isfinite(q.w) && std::isfinite(q.x) && std::isfinite(q.y) && std::isfinite(q.z);
  const std::string status = finite ? o.status : (o.status == "ok" ? std::string("NaN") : o.status + ",NaN");
  const double angle = finite ? TopTwistDeg(o.q) : NAN;
  const double z = o.p_top[2];
  const double lateral_mm = std::hypot(o.p_top[0], o.p_top[1]) * 1e3;
  std::printf(
      "RESULT engine=%s integrator=%s step=%s steps=%lld loop_wall_s=%.6f angle_deg=%.6f z_top=%.9f "
      "drop_mm=%.6f lateral_mm=%.6g status=%s variant=%s t_end_s=%g kr=%g angle_1s_deg=%.6f\n",
      o.engine.c_str(), o.integrator.c_str(), o.step.c_str(), o.steps, o.loop_wall_s, angle, z,
      (kTopZ0_m - z) * 1e3, lateral_mm, status.c_str(), o.asymmetric ? "asymmetric" : "symmetric", o.t_end_s, o.kr,
      o.angle_1s_deg);
  const Quat& q = o.q[kBodies - 1];
  // rotation vector of the top body's orientation [deg]
  const double s = std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z);
  const double ang = 2.0 * std::atan2(s, q.w);
  const double f = s > 0 ? ang / s * 180.0 / kPi : 0.0;
  std::printf(
      "POSE engine=%s integrator=%s step=%s x_mm=%.6f y_mm=%.6f z_mm=%.6f qw=%.9f qx=%.9f qy=%.9f qz=%.9f "
      "rotvec_deg=%.5f,%.5f,%.5f variant=%s\n",
      o.engine.c_str(), o.integrator.c_str(), o.step.c_str(), o.p_top[0] * 1e3, o.p_top[1] * 1e3, o.p_top[2] * 1e3,
      q.w, q.x, q.y, q.z, q.x * f, q.y * f, q.z * f, o.asymmetric ? "asymmetric" : "symmetric");
  std::fflush(stdout);
}

inline std::string Num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

using Clock = std::chrono::steady_clock;
inline double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

}  // namespace chain

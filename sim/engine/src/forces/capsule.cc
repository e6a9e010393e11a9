// Facet capsule: fluid pressure, cavitation, bubble dynamics, sound and gas exchange.
// Index: [SECTION] pressure and force  [SECTION] quasi-static bubble  [SECTION] bubble dynamics
//        [SECTION] stepping
//
// Design note. The bubble is an equivalent sphere whose far-field liquid pressure comes from the
// joint's volume balance, so bubble growth, joint opening and capsule compliance are one coupled
// system. Rejected: (1) a fixed pressure drop at the crack (no coupling to how the joint opens,
// no dependence on rate); (2) integrating the bubble for the whole run (µs steps for minutes of
// refractory period). The violent phase is integrated with an adaptive dopri5 (Boost.Odeint);
// once it has settled the bubble is quasi-static (pressure balance solved each step) and only
// its gas content evolves, analytically-smooth enough for large steps between manipulations.
#include "forces/capsule.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <boost/numeric/odeint.hpp>

namespace spinelab::internal {

namespace odeint = boost::numeric::odeint;

namespace {
constexpr double kMinRadius_m = 1e-6;      // a bubble smaller than this has dissolved
constexpr double kMinDynamic_s = 0.005;    // violent phase lasts at least this long (the pop: ~1 ms)
constexpr double kMaxDynamic_s = 1.0;      // and at most this long
double SphereVolume(double R) { return 4.0 / 3.0 * kPi * R * R * R; }
double SphereRadius(double V) { return std::cbrt(3.0 * V / (4.0 * kPi)); }
}  // namespace

// [SECTION] pressure and force

double LiquidPressure(const sim::CapsuleParams& c, double area_m2, double dgap_m, double bubble_m3,
                      double drawn_m3, double capsule_rate_m3_per_s, double* compliance) {
  // the capsule wall (Kelvin–Voigt) takes up what the bubble and the opening do not account for
  const double load = bubble_m3 - area_m2 * dgap_m + drawn_m3 + c.recoil_time_s * capsule_rate_m3_per_s;
  const double C = load < 0 ? c.compliance_suction_m3_per_Pa : c.compliance_positive_m3_per_Pa;
  if (compliance) *compliance = C;
  return c.rest_pressure_Pa + load / C;
}

void RestFluidAtGap(const sim::SynovialJointDesc& e, double gap_m, sim::CapsuleState* s) {
  if (s->mode != sim::CapsuleState::kNoBubble) return;
  s->drawn_in_m3 = 0;
  s->fluid_m3 = e.area_m2 * (gap_m - e.rest_gap_m);
}

double BubbleVolume(const sim::CapsuleState& s) {
  return s.mode == sim::CapsuleState::kNoBubble ? 0.0 : SphereVolume(s.radius_m);
}

double BubbleVolumeRate(const sim::CapsuleState& s) {
  return s.mode == sim::CapsuleState::kDynamic ? 4 * kPi * s.radius_m * s.radius_m * s.radius_rate_m_per_s : 0.0;
}

void AddCapsuleForces(const sim::SynovialJointDesc& e, const sim::CapsuleState& s, const BodyKin& a,
                      const BodyKin& b, const ArticularKinematics& k, ForceAssembly* assembly,
                      sim::SynovialJointOutput* out) {
  const sim::CapsuleParams& c = e.capsule;
  const double V = BubbleVolume(s);
  const double Vdot = BubbleVolumeRate(s);
  double C = 0;
  const double P = LiquidPressure(c, e.area_m2, k.gap_m - e.rest_gap_m, V, Occupied(s),
                                  Vdot - e.area_m2 * k.gap_rate_m_per_s, &C);
  const double F = P * e.area_m2;  // along n on B; suction (P < 0) pulls B towards A
  if (assembly) {
    assembly->AddForce(b.free_index, k.p_WQ - b.p_WB, F * k.n_W);
    assembly->AddForce(a.free_index, k.p_WQ - a.p_WB, -F * k.n_W);
    // opening the joint by dg changes P by −A·dg/(C + V/p): a spring A²/(C + V/p) along n,
    // softened by a bubble's compressible gas
    const double p_abs = std::max(P + c.atmospheric_pressure_Pa, 1e3);
    const double K = e.area_m2 * e.area_m2 / (C + V / p_abs);
    const Mat3 nn = k.n_W * k.n_W.transpose();
    assembly->AddPointPair(a.free_index, k.p_WQ - a.p_WB, b.free_index, k.p_WQ - b.p_WB, K * nn,
                           (K * c.recoil_time_s) * nn, k.v_rel_W);
  }
  if (out) {
    out->pressure_Pa = P;
    out->fluid_force_N = F;
    out->bubble_volume_m3 = V;
  }
}

// [SECTION] quasi-static bubble

namespace {

// pressure balance of a settled bubble: p_gas + p_vap − P_abs(V) − 2σ/R = 0; returns the largest
// (stable) root V, or 0 when no bubble can hold this much gas (it dissolves)
double SolveQuasiStatic(const sim::CapsuleParams& c, double area, double dgap, double drawn,
                        double gas_mol, double V_guess = 0) {
  if (gas_mol <= 0) return 0;
  const double nRT = gas_mol * kGasConstant * c.temperature_K;
  auto f = [&](double V) {
    const double R = SphereRadius(V);
    const double P_abs = c.atmospheric_pressure_Pa + LiquidPressure(c, area, dgap, V, drawn, 0.0, nullptr);
    return nRT / V + c.vapour_pressure_Pa - P_abs - 2 * c.surface_tension_N_per_m / R;
  };
  const double V_min = SphereVolume(kMinRadius_m);
  // fast path: secant in log V from the previous solution (the bubble changes little per
  // step); accepted only on a stable root (f decreasing) that it converged to
  if (V_guess > V_min) {
    double x0 = std::log(V_guess), f0 = f(V_guess);
    double x1 = x0 + 1e-3, f1 = f(std::exp(x1));
    for (int i = 0; i < 12 && f1 != f0; ++i) {
      const double x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
      if (!std::isfinite(x2) || std::abs(x2 - x1) > 0.5) break;
      x0 = x1;
      f0 = f1;
      x1 = x2;
      f1 = f(std::exp(x1));
      if (std::abs(x1 - x0) < 1e-12) {
        const double V = std::exp(x1);
        if (V > V_min && f(V * 1.001) < 0 && f(V / 1.001) > 0) return V;
        break;
      }
    }
  }
  // bracket the largest root [V_lo, V_hi] with f(V_lo) > 0 > f(V_hi), from above
  double V_hi = V_guess > V_min ? V_guess * 1.01 : std::max(area * std::max(dgap, 0.0), 0.0) + nRT / 1e3 + 1e-9;
  while (f(V_hi) > 0) V_hi *= 2;
  double V_lo = V_hi;
  for (int i = 0; i < 400; ++i) {
    V_lo = V_hi / 1.05;
    if (V_lo < V_min) return 0;
    if (f(V_lo) > 0) break;
    V_hi = V_lo;
  }
  for (int i = 0; i < 40; ++i) {  // bisection in log V: 1.05^(2^-40) relative
    const double mid = std::sqrt(V_lo * V_hi);
    (f(mid) > 0 ? V_lo : V_hi) = mid;
  }
  return std::sqrt(V_lo * V_hi);
}

// gas exchange of a settled bubble. While the fluid is still stirred by the cavitation (the
// stirring time after nucleation) an under-pressured cavity keeps drawing gas from the
// adjacent fluid as fast as a fresh cavity fills. Otherwise gas moves only through the capsule
// to and from the blood, dn/dt = G·(p_tissue − p_gas): the little fluid around the bubble
// saturates at once, and a gentle expansion stirs nothing. Continuous at p_gas = p_tissue.
double GasRate(const sim::CapsuleParams& c, double gas_mol, double V, double age_s) {
  const double RT = kGasConstant * c.temperature_K;
  const double p_gas = gas_mol * RT / V;
  if (p_gas < c.tissue_gas_tension_Pa && age_s < c.stirring_time_s)
    return (c.tissue_gas_tension_Pa * V / RT - gas_mol) / c.fill_time_s;
  return c.gas_conductance_mol_per_s_Pa * (c.tissue_gas_tension_Pa - p_gas);
}

// slow capsule draw-in over h at liquid pressure P (exact for constant P)
void AdvanceDrawIn(const sim::CapsuleParams& c, double P, double h, double* drawn) {
  const double target = -c.compliance_slow_m3_per_Pa * (P - c.rest_pressure_Pa);
  const double target_clamped = std::max(target, 0.0);  // the capsule is drawn in, never out
  *drawn = target_clamped + (*drawn - target_clamped) * std::exp(-h / c.draw_in_time_s);
}

void SettleOrDissolve(const sim::CapsuleParams& c, double area, double dgap, sim::CapsuleState* s) {
  const double V = SolveQuasiStatic(c, area, dgap, Occupied(*s), s->gas_mol, BubbleVolume(*s));
  if (V <= 0 || SphereRadius(V) < kMinRadius_m) {
    s->mode = sim::CapsuleState::kNoBubble;
    s->radius_m = 0;
    s->radius_rate_m_per_s = 0;
    s->gas_mol = 0;
  } else {
    s->mode = sim::CapsuleState::kQuasiStatic;
    s->radius_m = SphereRadius(V);
    s->radius_rate_m_per_s = 0;
  }
}

}  // namespace

// [SECTION] bubble dynamics

namespace {

using BubbleState = std::array<double, 3>;  // R [m], dR/dt [m/s], gas [mol]

struct BubbleOde {
  const sim::CapsuleParams& c;
  double area, rest_gap;
  GapPath path;
  double t0, h, drawn;

  // cubic Hermite opening Δg(t) and its rate over the step
  double Dgap(double t) const {
    const double s = std::clamp((t - t0) / h, 0.0, 1.0), s2 = s * s, s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * path.g0_m + (s3 - 2 * s2 + s) * h * path.rate0_m_per_s +
           (-2 * s3 + 3 * s2) * path.g1_m + (s3 - s2) * h * path.rate1_m_per_s - rest_gap;
  }
  double DgapRate(double t) const {
    const double s = std::clamp((t - t0) / h, 0.0, 1.0), s2 = s * s;
    return ((6 * s2 - 6 * s) * path.g0_m + (-6 * s2 + 6 * s) * path.g1_m) / h +
           (3 * s2 - 4 * s + 1) * path.rate0_m_per_s + (3 * s2 - 2 * s) * path.rate1_m_per_s;
  }

  // dR/dt, d²R/dt², dn/dt
  void operator()(const BubbleState& x, BubbleState& dxdt, double t) const {
    const double R = std::max(x[0], kMinRadius_m), U = x[1];
    const double V = SphereVolume(R);
    const double Vdot = 4 * kPi * R * R * U;
    const double P_abs = c.atmospheric_pressure_Pa +
                         LiquidPressure(c, area, Dgap(t), V, drawn, Vdot - area * DgapRate(t), nullptr);
    const double p_gas = std::max(x[2], 0.0) * kGasConstant * c.temperature_K / V;
    const double rho = c.density_kg_per_m3;
    // Rayleigh–Plesset with gas, vapour, surface tension and viscosity
    dxdt[0] = U;
    dxdt[1] = ((p_gas + c.vapour_pressure_Pa - P_abs - 2 * c.surface_tension_N_per_m / R -
                4 * c.viscosity_Pa_s * U / R) / rho - 1.5 * U * U) / R;
    // the violent phase stirs gas out of the fluid into the cavity
    const double n_eq = c.tissue_gas_tension_Pa * V / (kGasConstant * c.temperature_K);
    dxdt[2] = (n_eq - x[2]) / c.fill_time_s;
  }

  // radiated (monopole) sound pressure at the listener in air: ρ_air·V̈ / (4π r)
  double Sound(const BubbleState& x, double t) const {
    BubbleState d{};
    (*this)(x, d, t);
    const double R = std::max(x[0], kMinRadius_m), U = x[1];
    const double Vdd = 4 * kPi * R * R * d[1] + 8 * kPi * R * U * U;
    return c.air_density_kg_per_m3 * Vdd / (4 * kPi * c.listener_distance_m);
  }
};

// second-order Butterworth low-pass (bilinear transform), direct form II, state in the capsule
struct Biquad {
  double b0, b1, b2, a1, a2;
  Biquad(double fc, double fs) {
    const double k = std::tan(kPi * fc / fs), q = std::sqrt(0.5);
    const double norm = 1.0 / (1.0 + k / q + k * k);
    b0 = k * k * norm;
    b1 = 2 * b0;
    b2 = b0;
    a1 = 2 * (k * k - 1) * norm;
    a2 = (1 - k / q + k * k) * norm;
  }
  double Run(double x, double* w) const {
    const double w0 = x - a1 * w[0] - a2 * w[1];
    const double y = b0 * w0 + b1 * w[0] + b2 * w[1];
    w[1] = w[0];
    w[0] = w0;
    return y;
  }
};

constexpr int kOversample = 4;  // the bubble is sampled at 4 x the audio rate, then filtered (the 2 kHz
                                 // tissue low-pass leaves > 60 dB of anti-aliasing margin at 88 kHz)

// integrates the violent phase over [t_start, t_end]; appends sound samples on the global grid
void IntegrateDynamic(const BubbleOde& ode, double t_start, double t_end, double rel_tol,
                      sim::CapsuleState* s, std::vector<float>* sound) {
  BubbleState x{s->radius_m, s->radius_rate_m_per_s, s->gas_mol};
  const double fs = sim::kSoundSampleRate_Hz * kOversample;
  // nothing elapses (a bubble nucleated at the very end of the step): the dense-output stepper
  // would interpolate a step it never took (uninitialised memory; valgrind found it)
  if (!(t_end > t_start)) return;
  std::vector<double> times{t_start};
  int64_t k0 = static_cast<int64_t>(std::floor(t_start * fs)) + 1;
  while (k0 / fs <= t_start) ++k0;  // the grid strictly after the start, whatever the rounding
  for (int64_t k = k0; k / fs < t_end; ++k) times.push_back(k / fs);
  times.push_back(t_end);
  const Biquad lowpass(ode.c.tissue_lowpass_Hz, fs);
  auto stepper = odeint::make_dense_output(rel_tol * 1e-6, rel_tol, odeint::runge_kutta_dopri5<BubbleState>());
  size_t idx = 0;
  odeint::integrate_times(stepper, ode, x, times.begin(), times.end(), 1e-7,
                          [&](const BubbleState& xs, double t) {
                            if (idx > 0 && idx + 1 < times.size()) {
                              const double y = lowpass.Run(ode.Sound(xs, t), s->sound_filter);
                              // keep every kOversample-th filtered sample (global grid: no drift)
                              if ((k0 + static_cast<int64_t>(idx) - 1) % kOversample == 0)
                                sound->push_back(static_cast<float>(y));
                            }
                            ++idx;
                          });
  s->radius_m = std::max(x[0], kMinRadius_m);
  s->radius_rate_m_per_s = x[1];
  s->gas_mol = std::max(x[2], 0.0);
}

}  // namespace

// [SECTION] stepping

void AdvanceCapsule(const sim::SynovialJointDesc& e, const GapPath& path, double t0_s, double h_s,
                    const CapsuleSolverOptions& opt, sim::CapsuleState* s, sim::SynovialJointOutput* out) {
  const sim::CapsuleParams& c = e.capsule;
  const double A = e.area_m2;
  const double dg0 = path.g0_m - e.rest_gap_m, dg1 = path.g1_m - e.rest_gap_m;
  out->cracked = false;
  out->sound_Pa.clear();

  // slow draw-in of the capsule at the pressure of the step's start
  const double P0 = LiquidPressure(c, A, dg0, BubbleVolume(*s), Occupied(*s), 0.0, nullptr);
  AdvanceDrawIn(c, P0, h_s, &s->drawn_in_m3);

  if (s->mode == sim::CapsuleState::kNoBubble) {
    // nucleation when the absolute pressure reaches the threshold; P is linear in the gap here
    const double Pa0 = c.atmospheric_pressure_Pa +
                       LiquidPressure(c, A, dg0, 0, Occupied(*s), -A * path.rate0_m_per_s, nullptr);
    const double Pa1 = c.atmospheric_pressure_Pa +
                       LiquidPressure(c, A, dg1, 0, Occupied(*s), -A * path.rate1_m_per_s, nullptr);
    if (!opt.allow_nucleation || Pa1 > c.nucleation_pressure_abs_Pa) return;
    const double frac = Pa0 <= c.nucleation_pressure_abs_Pa ? 0.0
                        : (Pa0 - c.nucleation_pressure_abs_Pa) / (Pa0 - Pa1);
    const double t_n = t0_s + frac * h_s;
    s->mode = sim::CapsuleState::kDynamic;
    s->radius_m = c.nucleus_radius_m;
    s->radius_rate_m_per_s = 0;
    // a gas micronucleus at the fluid's gas tension
    s->gas_mol = c.tissue_gas_tension_Pa * SphereVolume(c.nucleus_radius_m) / (kGasConstant * c.temperature_K);
    s->dynamic_since_s = t_n;
    s->sound_filter[0] = s->sound_filter[1] = 0;
    ++s->cavitations;
    out->cracked = true;
    const BubbleOde ode{c, A, e.rest_gap_m, path, t0_s, h_s, Occupied(*s)};
    IntegrateDynamic(ode, t_n, t0_s + h_s, opt.rel_tol, s, &out->sound_Pa);
    return;
  }

  if (s->mode == sim::CapsuleState::kDynamic) {
    const BubbleOde ode{c, A, e.rest_gap_m, path, t0_s, h_s, Occupied(*s)};
    IntegrateDynamic(ode, t0_s, t0_s + h_s, opt.rel_tol, s, &out->sound_Pa);
    // settled once quiet (the volume no longer accelerates audibly) and past the minimum
    // violent phase; the bubble may still grow with a moving joint, quasi-statically
    double loud = 0;
    for (float p : out->sound_Pa) loud = std::max(loud, std::abs(static_cast<double>(p)));
    const double age = t0_s + h_s - s->dynamic_since_s;
    if ((age > kMinDynamic_s && loud < 1e-3) || age > kMaxDynamic_s) SettleOrDissolve(c, A, dg1, s);
    return;
  }

  // quasi-static bubble: gas exchange with the tissue, then the new pressure balance
  const double V = BubbleVolume(*s);
  s->gas_mol = std::max(0.0, s->gas_mol + h_s * GasRate(c, s->gas_mol, V, t0_s - s->dynamic_since_s));
  SettleOrDissolve(c, A, dg1, s);
}

bool AdvanceCapsuleQuiescent(const sim::SynovialJointDesc& e, double gap_m, double duration_s,
                             sim::CapsuleState* s) {
  if (s->mode == sim::CapsuleState::kDynamic) return false;
  const sim::CapsuleParams& c = e.capsule;
  const double dg = gap_m - e.rest_gap_m;
  // the draw-in relaxes exactly (pressure held); the gas ODE with an adaptive step
  const double P = LiquidPressure(c, e.area_m2, dg, BubbleVolume(*s), Occupied(*s), 0.0, nullptr);
  AdvanceDrawIn(c, P, duration_s, &s->drawn_in_m3);
  if (s->mode == sim::CapsuleState::kNoBubble) return true;
  using GasState = std::array<double, 1>;
  GasState x{s->gas_mol};
  auto rhs = [&](const GasState& y, GasState& dydt, double) {
    const double V = SolveQuasiStatic(c, e.area_m2, dg, Occupied(*s), y[0]);
    dydt[0] = V > 0 ? GasRate(c, y[0], V, 1e30) : 0.0;  // long after any stirring
  };
  auto stepper = odeint::make_controlled(1e-18, 1e-8, odeint::runge_kutta_dopri5<GasState>());
  double t = 0, dt = 1.0;
  while (t < duration_s) {
    dt = std::min(dt, duration_s - t);
    if (stepper.try_step(rhs, x, t, dt) == odeint::success) {
      if (SolveQuasiStatic(c, e.area_m2, dg, Occupied(*s), x[0]) <= 0) break;  // dissolved
    }
  }
  s->gas_mol = std::max(x[0], 0.0);
  SettleOrDissolve(c, e.area_m2, dg, s);
  return true;
}

}  // namespace spinelab::internal

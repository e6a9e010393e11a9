// Repeated loading: the quasi-static neutral-zone probe (hypermobility index) and the creep and
// recovery calibration (McGill & Brown 1992) on one passive level.
//
// Design note. The probe turns the level's upper body about the disc mid-frame with everything
// else at the model's rest pose and balances a pure moment with the level's own passive elements
// (bisection on one angle). Rejected: stepping a segment model to equilibrium for each probe
// (~1000 steps; the long protocols probe every level at every long-series sample). The creep
// run uses the same probe for its pose and World's slow-state law (AdvanceLigamentSlow) at it.
#include "spinelab/sim/repeated_loading.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "forces/assembly.h"
#include "forces/bushing.h"
#include "forces/facet.h"
#include "forces/ligament.h"

namespace spinelab::sim {

using internal::BodyKin;

namespace {

constexpr double kMaxProbe_rad = 0.35;  // bracket of the probe angles
constexpr int kBisections = 24;

struct LevelElements {
  BodyId A = kGround, B = kGround;
  std::vector<int> bushings, ligaments, facets;
  Vec3 p_WD = Vec3::Zero();
  Mat3 R_WD = Mat3::Identity();
};

LevelElements Collect(const ModelDesc& m, int level) {
  const LevelDesc& L = m.levels[level];
  LevelElements E;
  E.A = L.lower;
  E.B = L.upper;
  E.p_WD = L.X_WD0.p;
  E.R_WD = L.X_WD0.R;
  auto pair = [&](BodyId a, BodyId b) { return (a == E.A && b == E.B) || (a == E.B && b == E.A); };
  for (size_t i = 0; i < m.bushings.size(); ++i)
    if (m.bushings[i].kind != BushingKind::kMuscleTone && pair(m.bushings[i].body_a, m.bushings[i].body_b))
      E.bushings.push_back(static_cast<int>(i));
  for (size_t i = 0; i < m.ligaments.size(); ++i)
    if (pair(m.ligaments[i].body_a, m.ligaments[i].body_b)) E.ligaments.push_back(static_cast<int>(i));
  for (int f : {L.facet_left, L.facet_right})
    if (f >= 0) E.facets.push_back(f);
  return E;
}

BodyKin RestKin(const ModelDesc& m, BodyId b) {
  BodyKin k;
  if (b < 0) return k;
  k.p_WB = m.bodies[b].X_WB.p;
  k.R_WB = m.bodies[b].X_WB.R;
  k.free_index = b;  // any non-negative index: forces are read from the outputs, not assembled
  return k;
}

double Slack(const State& s, int i) { return s.ligaments.empty() ? 0.0 : s.ligaments[i].slack(); }

// The level's upper body turned by θ about axis `ax` of the disc frame through D: the passive
// moment about that axis on the upper body [N·m]; `slow_strain` (may be null) receives the strain
// the slow laws see for every ligament of the level (World::Impl::SlowStrain at this pose).
double PassiveMoment(const ModelDesc& m, const State& s, const LevelElements& E, int ax, double theta,
                     std::vector<double>* slow_strain) {
  const Vec3 u = E.R_WD.col(ax);
  const Mat3 R = Eigen::AngleAxisd(theta, u).toRotationMatrix();
  const BodyKin a = RestKin(m, E.A);
  BodyKin b = RestKin(m, E.B);
  b.p_WB = E.p_WD + R * (b.p_WB - E.p_WD);
  b.R_WB = R * b.R_WB;
  auto kin = [&](BodyId id) { return id == E.B ? b : a; };
  double M = 0;
  for (int i : E.bushings) {
    const BushingDesc& e = m.bushings[i];
    BushingOutput out;
    const BodyKin ka = kin(e.body_a), kb = kin(e.body_b);
    internal::AddBushingForces(e, ka, kb, nullptr, &out);
    const Mat3 R_WF = ka.R_WB * e.X_AF.R;
    const Vec3 F_W = R_WF * out.force_N, tau_W = R_WF * out.moment_Nm;
    const Vec3 p_WMo = kb.R_WB * e.X_BM.p + kb.p_WB;
    const double sign = e.body_b == E.B ? 1.0 : -1.0;  // the output acts on body_b
    M += sign * (tau_W + (p_WMo - E.p_WD).cross(F_W)).dot(u);
  }
  std::vector<double> facet_gap(m.facets.size(), 0.0);
  for (int f : E.facets) {
    const FacetDesc& e = m.facets[f];
    FacetOutput out;
    const internal::FacetKinematics k = internal::AddFacetForces(e, kin(e.body_lower), kin(e.body_upper), nullptr, &out);
    const double sign = e.body_upper == E.B ? 1.0 : -1.0;  // contact pushes the upper body along n
    M += sign * ((k.p_WQ - E.p_WD).cross(out.contact_force_N * k.n_W)).dot(u);
    facet_gap[f] = k.gap_m;
  }
  if (slow_strain) slow_strain->assign(m.ligaments.size(), 0.0);
  for (int i : E.ligaments) {
    const LigamentDesc& e = m.ligaments[i];
    LigamentOutput out;
    const BodyKin ka = kin(e.body_a), kb = kin(e.body_b);
    internal::AddLigamentForces(e, Slack(s, i), ka, kb, nullptr, &out);
    const Vec3 p_WPa = ka.R_WB * e.p_AoPa_A + ka.p_WB, p_WPb = kb.R_WB * e.p_BoPb_B + kb.p_WB;
    const Vec3 d = p_WPb - p_WPa;
    if (out.force_N > 0 && d.norm() > 0) {
      // tension pulls body_b towards body_a at Pb (and body_a towards body_b at Pa)
      const Vec3 F_on_b = -out.force_N * d.normalized();
      M += e.body_b == E.B ? ((p_WPb - E.p_WD).cross(F_on_b)).dot(u) : ((p_WPa - E.p_WD).cross(-F_on_b)).dot(u);
    }
    if (slow_strain) {
      double eps = out.fibre_strain;
      for (int f : E.facets)
        if (m.facets[f].capsule_ligament == i) eps += internal::OpeningStrain(e.slow, facet_gap[f], m.facets[f].rest_gap_m);
      (*slow_strain)[i] = eps;
    }
  }
  return M;
}

// θ in [lo, hi] where the passive moment balances the applied moment (M_passive + M_applied = 0),
// assuming the passive moment falls with θ
double Balance(const ModelDesc& m, const State& s, const LevelElements& E, int ax, double applied, double lo, double hi) {
  auto g = [&](double th) { return PassiveMoment(m, s, E, ax, th, nullptr) + applied; };
  if (g(hi) > 0) return hi;
  if (g(lo) < 0) return lo;
  for (int i = 0; i < kBisections; ++i) {
    const double mid = 0.5 * (lo + hi);
    (g(mid) > 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

Vec3 LevelNeutralZone(const ModelDesc& m, const State& s, int level, double moment_Nm) {
  SPINELAB_THROW_UNLESS(level >= 0 && level < static_cast<int>(m.levels.size()), "level index out of range");
  const LevelElements E = Collect(m, level);
  Vec3 range;
  for (int ax = 0; ax < 3; ++ax) {
    const double eq = Balance(m, s, E, ax, 0.0, -kMaxProbe_rad, kMaxProbe_rad);
    range[ax] = Balance(m, s, E, ax, moment_Nm, eq, eq + kMaxProbe_rad) - Balance(m, s, E, ax, -moment_Nm, eq - kMaxProbe_rad, eq);
  }
  return range;
}

std::vector<Vec3> NeutralZones(const ModelDesc& m, const State& s, double moment_Nm) {
  std::vector<Vec3> out;
  for (size_t l = 0; l < m.levels.size(); ++l) out.push_back(LevelNeutralZone(m, s, static_cast<int>(l), moment_Nm));
  return out;
}

std::vector<double> HypermobilityIndex(const std::vector<Vec3>& now, const std::vector<Vec3>& base) {
  std::vector<double> hi(now.size(), 1.0);
  for (size_t l = 0; l < now.size() && l < base.size(); ++l) {
    double r = 0;
    for (int ax = 0; ax < 3; ++ax)
      if (base[l][ax] > 0) r = std::max(r, now[l][ax] / base[l][ax]);
    hi[l] = r > 0 ? r : 1.0;
  }
  return hi;
}

Expected<CreepReport> RunCreepCalibration(const SpineParams& params, const CreepOptions& o) {
  auto built = BuildSpineModel(params, Subject{}, PassiveSpineOptions());
  if (!built) return built.errors();
  ModelDesc& m = built.value();
  // viscoelasticity alone: the lasting laxity of an overstretch is a separate law (off here)
  for (LigamentDesc& e : m.ligaments) e.slow.laxity_rate_per_s = 0;
  const int level = m.FindLevel(o.level);
  if (level < 0) return std::vector<Diagnostic>{{"", "level", "'" + o.level + "' is not a level (C0-C1 .. L5-S1)"}};
  if (!(o.dt_s > 0 && o.hold_s > o.dt_s && o.recovery_s >= 1800 && o.moment_Nm > 0 && o.test_moment_Nm > 0))
    return std::vector<Diagnostic>{{"", "options", "need dt_s > 0, hold_s > dt_s, recovery_s >= 1800 s and positive moments"}};
  const LevelElements E = Collect(m, level);
  constexpr int kFlex = 1;  // disc frame y: flexion
  State s;
  s.ligaments.resize(m.ligaments.size());
  std::vector<double> strain;
  auto advance = [&](double applied, double h) {
    const double th = Balance(m, s, E, kFlex, applied, -kMaxProbe_rad, kMaxProbe_rad);
    PassiveMoment(m, s, E, kFlex, th, &strain);
    for (int i : E.ligaments) internal::AdvanceLigamentSlow(m.ligaments[i].slow, strain[i], h, &s.ligaments[i]);
    return th;
  };
  auto test_angle = [&] { return Balance(m, s, E, kFlex, o.test_moment_Nm, -kMaxProbe_rad, kMaxProbe_rad); };

  CreepReport r;
  r.level = o.level;
  const double test0 = test_angle();
  const int n_hold = static_cast<int>(std::llround(o.hold_s / o.dt_s));
  for (int k = 0; k <= n_hold; ++k) {
    r.t_s.push_back(k * o.dt_s);
    r.flexion_rad.push_back(advance(o.moment_Nm, k < n_hold ? o.dt_s : 0.0));
  }
  r.creep_rad = r.flexion_rad.back() - r.flexion_rad.front();
  // fit θ0 + Δ(1 − e^(−t/τ)): Δ linear for each τ, golden section on log τ
  auto sse = [&](double tau, double* delta) {
    double sp = 0, pp = 0;
    for (size_t k = 0; k < r.t_s.size(); ++k) {
      const double p = 1 - std::exp(-r.t_s[k] / tau);
      sp += (r.flexion_rad[k] - r.flexion_rad[0]) * p;
      pp += p * p;
    }
    const double d = pp > 0 ? sp / pp : 0;
    double e = 0;
    for (size_t k = 0; k < r.t_s.size(); ++k) {
      const double res = r.flexion_rad[k] - r.flexion_rad[0] - d * (1 - std::exp(-r.t_s[k] / tau));
      e += res * res;
    }
    if (delta) *delta = d;
    return e;
  };
  double lo = std::log(10.0), hi = std::log(1e5);
  const double gr = 0.5 * (std::sqrt(5.0) - 1);
  for (int i = 0; i < 80; ++i) {
    const double a = hi - gr * (hi - lo), b = lo + gr * (hi - lo);
    if (sse(std::exp(a), nullptr) < sse(std::exp(b), nullptr))
      hi = b;
    else
      lo = a;
  }
  r.tau_fit_s = std::exp(0.5 * (lo + hi));
  r.fit_rms_rad = std::sqrt(sse(r.tau_fit_s, nullptr) / r.t_s.size());

  // recovery: unloaded (standing), the stiffness measured as the angle at the test moment
  const double test_end = test_angle();
  const int n_rec = static_cast<int>(std::llround(o.recovery_s / o.dt_s));
  for (int k = 1; k <= n_rec; ++k) {
    advance(0.0, o.dt_s);
    const double t = k * o.dt_s;
    const double frac = test_end != test0 ? (test_end - test_angle()) / (test_end - test0) : 1.0;
    if (std::abs(t - 120.0) < 0.5 * o.dt_s) r.recovery_2min = frac;
    if (std::abs(t - 1800.0) < 0.5 * o.dt_s) r.recovery_30min = frac;
  }

  // capsular fibre held at a strain: force ratio after the relaxation time
  int cl = -1;
  for (int i : E.ligaments)
    if (m.ligaments[i].type == "CL") cl = i;
  if (cl >= 0) {
    const LigamentDesc& e = m.ligaments[cl];
    LigamentState ls;
    const double F0 = internal::LigamentElasticForce(e, o.relaxation_strain, nullptr);
    const int n = static_cast<int>(std::llround(o.relaxation_s));
    for (int k = 0; k < n; ++k) internal::AdvanceLigamentSlow(e.slow, o.relaxation_strain - ls.slack(), 1.0, &ls);
    r.capsule_relaxation_ratio = F0 > 0 ? internal::LigamentElasticForce(e, o.relaxation_strain - ls.slack(), nullptr) / F0 : 0;
  }
  return r;
}

std::string ProtocolReport(const Scenario& sc, const ScenarioResult& r) {
  std::string out;
  char buf[512];
  auto line = [&](const char* fmt, auto... args) {
    std::snprintf(buf, sizeof buf, fmt, args...);
    out += buf;
  };
  const size_t T = r.time_s.size(), L = r.level_names.size(), F = r.facet_names.size();
  if (T == 0) return out;
  std::map<int, int> per_day;
  int pops = 0;
  for (const auto& a : r.attempts) {
    pops += a.cavitated;
    per_day[static_cast<int>(a.time_s / 86400)] += a.cavitated;
  }
  int most = 0;
  for (const auto& [d, n] : per_day) most = std::max(most, n);
  const std::string target = sc.protocol.level.empty() ? "any level" : sc.protocol.level;
  line("protocol: %.1f h, %zu attempts, %d popped %s (at most %d a day); %zu cracks anywhere\n",
       r.time_s.back() / 3600, r.attempts.size(), pops, target.c_str(), most, r.cavitations.size());
  const auto lv = std::find(r.level_names.begin(), r.level_names.end(), sc.protocol.level);
  if (lv != r.level_names.end()) {
    const size_t l = lv - r.level_names.begin();
    double lax = 0, tone = 0;
    for (size_t f = 0; f < F; ++f)
      if (r.facet_names[f].rfind(sc.protocol.level + " ", 0) == 0) lax = std::max(lax, r.facet_laxity[(T - 1) * F + f]);
    for (size_t k : {l - 1, l + 1})
      if (k < L)
        for (size_t t = 0; t < T; ++t) tone = std::max(tone, r.level_tone[t * L + k]);
    line("%s at the end: capsule laxity %.2f %% of its slack length, hypermobility index %.4f; neighbours' protective tone up to %.2f\n",
         sc.protocol.level.c_str(), 100 * lax, r.level_hypermobility[(T - 1) * L + l], tone);
  }
  double creep = 0;
  int n = 0;
  for (size_t l = 0; l < L; ++l)
    if (r.level_names[l][0] != 'C') creep += r.level_creep[(T - 1) * L + l], ++n;
  line("trunk (T1-T2 .. L5-S1) mean creep strain at the end: %.3g\n", n ? creep / n : 0.0);
  return out;
}

}  // namespace spinelab::sim

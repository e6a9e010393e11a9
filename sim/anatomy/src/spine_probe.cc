// The quasi-static neutral-zone probe of a spinal level (the hypermobility index).
//
// Design note. The probe turns the level's upper body about the disc mid-frame with everything
// else at the model's rest pose and balances a pure moment with the level's own passive elements
// (bisection on one angle). Rejected: stepping a segment model to equilibrium for each probe
// (~1000 steps; the long protocols probe every level at every long-series sample).
#include "spinelab/anatomy/spine_probe.h"

#include <algorithm>
#include <cmath>

#include "forces/assembly.h"
#include "forces/bushing.h"
#include "forces/facet.h"
#include "forces/ligament.h"

namespace spinelab::sim {

using internal::BodyKin;


using internal::BodyKin;

namespace {
constexpr int kBisections = 24;
}  // namespace

LevelProbe::LevelElements LevelProbe::Collect(const ModelDesc& m, int level) {
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

namespace {
BodyKin RestKin(const ModelDesc& m, BodyId b) {
  BodyKin k;
  if (b < 0) return k;
  k.p_WB = m.bodies[b].X_WB.p;
  k.R_WB = m.bodies[b].X_WB.R;
  k.free_index = b;  // any non-negative index: forces are read from the outputs, not assembled
  return k;
}

double Slack(const State& s, int i) { return s.ligaments.empty() ? 0.0 : s.ligaments[i].slack(); }
}  // namespace

LevelProbe::LevelProbe(const ModelDesc& model, int level) : m_(model), E_(Collect(model, level)) {}

// The level's upper body turned by θ about axis `ax` of the disc frame through D: the passive
// moment about that axis on the upper body [N·m]; `slow_strain` (may be null) receives the strain
// the slow laws see for every ligament of the level (World::Impl::SlowStrain at this pose).
double LevelProbe::PassiveMoment(const State& s, int ax, double theta, std::vector<double>* slow_strain) const {
  const ModelDesc& m = m_;
  const LevelElements& E = E_;
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
double LevelProbe::Balance(const State& s, int ax, double applied, double lo, double hi) const {
  auto g = [&](double th) { return PassiveMoment(s, ax, th, nullptr) + applied; };
  if (g(hi) > 0) return hi;
  if (g(lo) < 0) return lo;
  for (int i = 0; i < kBisections; ++i) {
    const double mid = 0.5 * (lo + hi);
    (g(mid) > 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Vec3 LevelNeutralZone(const ModelDesc& m, const State& s, int level, double moment_Nm) {
  SPINELAB_THROW_UNLESS(level >= 0 && level < static_cast<int>(m.levels.size()), "level index out of range");
  const LevelProbe probe(m, level);
  Vec3 range;
  for (int ax = 0; ax < 3; ++ax) {
    const double eq = probe.Balance(s, ax, 0.0, -LevelProbe::kMaxProbe_rad, LevelProbe::kMaxProbe_rad);
    range[ax] = probe.Balance(s, ax, moment_Nm, eq, eq + LevelProbe::kMaxProbe_rad) - probe.Balance(s, ax, -moment_Nm, eq - LevelProbe::kMaxProbe_rad, eq);
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

}  // namespace spinelab::sim

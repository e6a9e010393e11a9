#include "forces/ligament.h"

#include <algorithm>
#include <cmath>

namespace spinelab::internal {

double LigamentElasticForce(const sim::LigamentDesc& e, double strain, double* dF_dstrain) {
  const double kL0 = e.stiffness_N_per_m * e.slack_length_m;
  const double et = e.toe_strain;
  if (strain <= 0) {
    if (dF_dstrain) *dF_dstrain = 0;
    return 0;
  }
  if (strain < et) {
    if (dF_dstrain) *dF_dstrain = kL0 * strain / et;
    return kL0 * strain * strain / (2.0 * et);
  }
  if (dF_dstrain) *dF_dstrain = kL0;
  return kL0 * (strain - 0.5 * et);
}

namespace {
double StrainEnergy(const sim::LigamentDesc& e, double strain) {
  const double kL0sq = e.stiffness_N_per_m * e.slack_length_m * e.slack_length_m;
  const double et = e.toe_strain;
  if (strain <= 0) return 0;
  if (strain < et) return kL0sq * strain * strain * strain / (6.0 * et);
  return kL0sq * (et * et / 6.0 + 0.5 * (strain * strain - et * et) - 0.5 * et * (strain - et));
}
}  // namespace

void AddLigamentForces(const sim::LigamentDesc& e, double slack, const BodyKin& a, const BodyKin& b,
                       ForceAssembly* assembly, sim::LigamentOutput* out) {
  const Vec3 p_WPa = a.R_WB * e.p_AoPa_A + a.p_WB;
  const Vec3 p_WPb = b.R_WB * e.p_BoPb_B + b.p_WB;
  const Vec3 d = p_WPb - p_WPa;
  const double L = d.norm();
  const double L0 = e.slack_length_m;
  const double strain = (L - L0) / L0;
  double dF_de = 0;
  const double F_el = LigamentElasticForce(e, strain - slack, &dF_de);
  double F = 0;
  if (F_el > 0 && L > 0) {
    const Vec3 u = d / L;
    const Vec3 v_rel = b.PointVelocity(p_WPb) - a.PointVelocity(p_WPa);
    const double Ldot = u.dot(v_rel);
    F = std::max(0.0, F_el + e.damping_Ns_per_m * Ldot);
    if (assembly) {
      // tension pulls B towards A and A towards B
      assembly->AddForce(b.free_index, p_WPb - b.p_WB, -F * u);
      assembly->AddForce(a.free_index, p_WPa - a.p_WB, F * u);
      // tangent: axial stiffness plus the geometric (string) stiffness F/L across
      const Mat3 uu = u * u.transpose();
      const Mat3 K = (dF_de / L0) * uu + (F_el / L) * (Mat3::Identity() - uu);
      const Mat3 C = e.damping_Ns_per_m * uu;
      assembly->AddPointPair(a.free_index, p_WPa - a.p_WB, b.free_index, p_WPb - b.p_WB, K, C,
                             v_rel);
    }
  }
  if (out) {
    out->length_m = L;
    out->strain = strain;
    out->fibre_strain = strain - slack;
    out->force_N = F;
  }
}

double LigamentPotentialEnergy(const sim::LigamentDesc& e, double slack, const BodyKin& a, const BodyKin& b) {
  const Vec3 p_WPa = a.R_WB * e.p_AoPa_A + a.p_WB;
  const Vec3 p_WPb = b.R_WB * e.p_BoPb_B + b.p_WB;
  const double strain = ((p_WPb - p_WPa).norm() - e.slack_length_m) / e.slack_length_m;
  return StrainEnergy(e, strain - slack);
}

namespace {
// 1 − exp(−x) without the exp for the tiny x of a dynamics step
double Relax(double x) { return x < 1e-4 ? x * (1.0 - 0.5 * x) : -std::expm1(-x); }
}  // namespace

void AdvanceLigamentSlow(const sim::LigamentSlowParams& p, double fibre_strain, double h,
                         sim::LigamentState* s) {
  if (p.creep_fraction > 0) {
    const double target = p.creep_fraction * std::max(0.0, fibre_strain - p.reference_strain);
    const double tf = p.fast_fraction * target, ts = target - tf;
    s->creep_fast += (tf - s->creep_fast) * Relax(h / (s->creep_fast < tf ? p.creep_time_s : p.recovery_fast_s));
    s->creep_slow += (ts - s->creep_slow) * Relax(h / (s->creep_slow < ts ? p.creep_time_s : p.recovery_slow_s));
  }
  const double over = std::max(0.0, fibre_strain - p.laxity_threshold);
  if (over > 0 || s->laxity > 0) {
    // growth at a constant rate over h, recovery exact: x' = g − x/τ
    const double g = (1.0 - p.laxity_permanent_fraction) * p.laxity_rate_per_s * over;
    const double x_eq = g * p.laxity_recovery_s;
    s->laxity = x_eq + (s->laxity - x_eq) * (1.0 - Relax(h / p.laxity_recovery_s));
    s->laxity_permanent += p.laxity_permanent_fraction * p.laxity_rate_per_s * over * h;
  }
}

// [SECTION] the element type

namespace {

// for each ligament, the synovial joint whose capsular fibre it is (-1: none)
struct CapsuleOfFibre : ElementWorkspace {
  std::vector<int> joint;  // (n_ligaments)
};

class LigamentType final : public sim::ElementType {
 public:
  const char* name() const override { return "ligament"; }
  void Init(const sim::ModelDesc& d, sim::State* s, sim::StepOutputs* o) const override {
    s->ligaments.resize(d.ligaments.size());
    o->ligaments.resize(d.ligaments.size());
  }
  std::unique_ptr<ElementWorkspace> MakeWorkspace(const sim::ModelDesc& d) const override {
    auto w = std::make_unique<CapsuleOfFibre>();
    w->joint.assign(d.ligaments.size(), -1);
    for (size_t f = 0; f < d.synovial_joints.size(); ++f)
      if (d.synovial_joints[f].capsule_ligament >= 0) w->joint[d.synovial_joints[f].capsule_ligament] = static_cast<int>(f);
    return w;
  }
  void AddForces(ElementContext& ctx, ForceAssembly* asmb) const override {
    const sim::ModelDesc& d = ctx.model;
    for (size_t i = 0; i < d.ligaments.size(); ++i) {
      const sim::LigamentDesc& e = d.ligaments[i];
      AddLigamentForces(e, ctx.state.ligaments[i].slack(), ctx.Kin(e.body_a), ctx.Kin(e.body_b), asmb, &ctx.outputs.ligaments[i]);
    }
  }
  double PotentialEnergy(const ElementContext& ctx) const override {
    const sim::ModelDesc& d = ctx.model;
    double E = 0;
    for (size_t i = 0; i < d.ligaments.size(); ++i) {
      const sim::LigamentDesc& e = d.ligaments[i];
      E += LigamentPotentialEnergy(e, ctx.state.ligaments[i].slack(), ctx.Kin(e.body_a), ctx.Kin(e.body_b));
    }
    return E;
  }
  void Couplings(const sim::ModelDesc& d, std::vector<std::pair<sim::BodyId, sim::BodyId>>* pairs) const override {
    for (const sim::LigamentDesc& e : d.ligaments) pairs->emplace_back(e.body_a, e.body_b);
  }
  bool HasSlowState(const sim::ModelDesc& d) const override {
    for (const sim::LigamentDesc& e : d.ligaments)
      if (e.slow.creep_fraction > 0 || e.slow.laxity_rate_per_s > 0) return true;
    return false;
  }
  void AdvanceSlow(ElementContext& ctx, double h) const override {
    const sim::ModelDesc& d = ctx.model;
    const auto* caps = static_cast<const CapsuleOfFibre*>(ctx.workspace);
    for (size_t i = 0; i < d.ligaments.size(); ++i) {
      const sim::LigamentSlowParams& p = d.ligaments[i].slow;
      if (p.creep_fraction <= 0 && p.laxity_rate_per_s <= 0) continue;
      AdvanceLigamentSlow(p, SlowStrain(d, ctx.state, ctx.outputs, i, caps->joint[i]), h, &ctx.state.ligaments[i]);
    }
  }
  void Hash(const sim::State& s, StateHasher* h) const override {
    for (const sim::LigamentState& l : s.ligaments) {
      h->Mix(l.creep_fast);
      h->Mix(l.creep_slow);
      h->Mix(l.laxity);
      h->Mix(l.laxity_permanent);
    }
  }
};

}  // namespace

const sim::ElementType& LigamentElementType() {
  static const LigamentType type;
  return type;
}

}  // namespace spinelab::internal

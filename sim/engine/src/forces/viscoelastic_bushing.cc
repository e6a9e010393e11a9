// Viscoelastic bushings in the element table: the elastic branch and the Maxwell branch are two
// bushing laws (bushing.h) on shifted frames, so the nonlinear law has one home.
#include "forces/viscoelastic_bushing.h"

#include <cmath>
#include <string>

#include "forces/bushing.h"

namespace spinelab::internal {

namespace {

// the law scaled by s (stiffness of both axes and moment laws); damping only if `damped`
sim::BushingParams Scaled(const sim::BushingParams& P, double s, bool damped) {
  sim::BushingParams q = P;
  q.k_trans *= s;
  q.k_axial_compression *= s;
  for (sim::AxisLaw& law : q.rot) {
    law.k0 *= s;
    law.k2_pos *= s;
    law.k2_neg *= s;
  }
  if (!damped) {
    q.c_trans.setZero();
    q.c_rot.setZero();
  }
  q.preload_gain = 0;
  q.bias_force.setZero();
  q.bias_moment.setZero();
  q.area_m2 = 0;
  return q;
}

// the two branches as bushings: [0] elastic (r, damped), [1] Maxwell (1 − r) on F·X_FR
void Branches(const sim::ViscoelasticBushingDesc& e, const sim::ViscoelasticState& s, sim::BushingDesc* br) {
  for (int i = 0; i < 2; ++i) {
    br[i].name = e.name;
    br[i].body_a = e.body_a;
    br[i].body_b = e.body_b;
    br[i].X_AF = e.X_AF;
    br[i].X_BM = e.X_BM;
  }
  br[0].params = Scaled(e.params, e.relaxed_fraction, true);
  br[1].params = Scaled(e.params, 1.0 - e.relaxed_fraction, false);
  br[1].X_AF = e.X_AF * Pose{RotationFromVector(s.theta_rest_F), s.p_rest_F};
}

}  // namespace

void ViscoelasticDeflection(const sim::ViscoelasticBushingDesc& e, const BodyKin& a, const BodyKin& b,
                            Vec3* p_F, Vec3* theta_F) {
  const Mat3 R_WF = a.R_WB * e.X_AF.R;
  const Vec3 p_WFo = a.R_WB * e.X_AF.p + a.p_WB;
  const Vec3 p_WMo = b.R_WB * e.X_BM.p + b.p_WB;
  *p_F = R_WF.transpose() * (p_WMo - p_WFo);
  *theta_F = RotationVector(R_WF.transpose() * b.R_WB * e.X_BM.R);
}

void AddViscoelasticBushingForces(const sim::ViscoelasticBushingDesc& e, const sim::ViscoelasticState& s,
                                  const BodyKin& a, const BodyKin& b, bool elastic_only,
                                  ForceAssembly* assembly, sim::BushingOutput* out) {
  sim::BushingDesc br[2];
  Branches(e, s, br);
  sim::BushingOutput o[2];
  AddBushingForces(br[0], a, b, assembly, &o[0]);
  if (!elastic_only) AddBushingForces(br[1], a, b, assembly, &o[1]);
  if (out) {
    // deflection in F; forces of both branches (the Maxwell branch's are in its frame, turned
    // by X_FR, which stays small)
    *out = o[0];
    if (!elastic_only) {
      const Mat3 R_FR = RotationFromVector(s.theta_rest_F);
      out->force_N += R_FR * o[1].force_N;
      out->moment_Nm += R_FR * o[1].moment_Nm;
    }
    out->compression_N = std::max(0.0, out->force_N.z());
    out->shear_N = std::hypot(out->force_N.x(), out->force_N.y());
    out->pressure_Pa = 0;
  }
}

double ViscoelasticBushingPotentialEnergy(const sim::ViscoelasticBushingDesc& e, const sim::ViscoelasticState& s,
                                          const BodyKin& a, const BodyKin& b) {
  sim::BushingDesc br[2];
  Branches(e, s, br);
  return BushingPotentialEnergy(br[0], a, b) + BushingPotentialEnergy(br[1], a, b);
}

void RelaxViscoelastic(const sim::ViscoelasticBushingDesc& e, const Vec3& p_F, const Vec3& theta_F,
                       double h_s, sim::ViscoelasticState* s) {
  const double keep = std::exp(-h_s / e.relaxation_time_s);
  s->p_rest_F = p_F + (s->p_rest_F - p_F) * keep;
  s->theta_rest_F = theta_F + (s->theta_rest_F - theta_F) * keep;
}

// [SECTION] the element type

namespace {

class ViscoelasticBushingType final : public sim::ElementType {
 public:
  const char* name() const override { return "viscoelastic bushing"; }
  void Validate(const sim::ModelDesc& d, std::vector<Diagnostic>* errors) const override {
    const int nb = static_cast<int>(d.bodies.size());
    auto bad = [&](const sim::ViscoelasticBushingDesc& e, const std::string& field, double value, const std::string& allowed) {
      errors->push_back({"", "viscoelastic bushing '" + e.name + "'",
                         field + " = " + std::to_string(value) + " is out of range; allowed: " + allowed});
    };
    for (const sim::ViscoelasticBushingDesc& e : d.viscoelastic_bushings) {
      if (!(e.relaxed_fraction > 0 && e.relaxed_fraction <= 1)) bad(e, "relaxed_fraction", e.relaxed_fraction, "(0, 1] [-]");
      if (!(std::isfinite(e.relaxation_time_s) && e.relaxation_time_s > 0)) bad(e, "relaxation_time_s", e.relaxation_time_s, "> 0 s");
      for (sim::BodyId body : {e.body_a, e.body_b})
        if (body < sim::kGround || body >= nb) bad(e, "body", body, "-1 (ground) or a body index");
      if (e.body_a == e.body_b) bad(e, "body_b", e.body_b, "a body other than body_a");
      const sim::BushingParams& P = e.params;
      for (int i = 0; i < 3; ++i) {
        if (!(std::isfinite(P.k_trans[i]) && P.k_trans[i] >= 0)) bad(e, "params.k_trans", P.k_trans[i], ">= 0 N/m");
        if (!(std::isfinite(P.c_trans[i]) && P.c_trans[i] >= 0)) bad(e, "params.c_trans", P.c_trans[i], ">= 0 N·s/m");
        if (!(std::isfinite(P.c_rot[i]) && P.c_rot[i] >= 0)) bad(e, "params.c_rot", P.c_rot[i], ">= 0 N·m·s/rad");
        const sim::AxisLaw& L = P.rot[i];
        for (double x : {L.k0, L.k2_pos, L.k2_neg, L.nz_pos, L.nz_neg})
          if (!(std::isfinite(x) && x >= 0)) bad(e, "params.rot", x, ">= 0");
      }
      if (!(std::isfinite(P.k_axial_compression) && P.k_axial_compression >= 0))
        bad(e, "params.k_axial_compression", P.k_axial_compression, ">= 0 N/m");
      for (const Pose* X : {&e.X_AF, &e.X_BM})
        if (!X->R.allFinite() || !X->p.allFinite() || std::abs(X->R.determinant() - 1.0) > 1e-6)
          errors->push_back({"", "viscoelastic bushing '" + e.name + "'",
                             std::string(X == &e.X_AF ? "X_AF" : "X_BM") + " must be a finite rigid pose (rotation with determinant 1)"});
    }
  }
  void Init(const sim::ModelDesc& d, sim::State* s, sim::StepOutputs* o) const override {
    s->viscoelastic.assign(d.viscoelastic_bushings.size(), sim::ViscoelasticState{});
    o->viscoelastic_bushings.resize(d.viscoelastic_bushings.size());
  }
  void AddForces(ElementContext& ctx, ForceAssembly* asmb) const override {
    const sim::ModelDesc& d = ctx.model;
    for (size_t i = 0; i < d.viscoelastic_bushings.size(); ++i) {
      const sim::ViscoelasticBushingDesc& e = d.viscoelastic_bushings[i];
      AddViscoelasticBushingForces(e, ctx.state.viscoelastic[i], ctx.Kin(e.body_a), ctx.Kin(e.body_b),
                                   ctx.static_solve, asmb, &ctx.outputs.viscoelastic_bushings[i]);
    }
  }
  double PotentialEnergy(const ElementContext& ctx) const override {
    double E = 0;
    for (size_t i = 0; i < ctx.model.viscoelastic_bushings.size(); ++i) {
      const sim::ViscoelasticBushingDesc& e = ctx.model.viscoelastic_bushings[i];
      E += ViscoelasticBushingPotentialEnergy(e, ctx.state.viscoelastic[i], ctx.Kin(e.body_a), ctx.Kin(e.body_b));
    }
    return E;
  }
  void Couplings(const sim::ModelDesc& d, std::vector<std::pair<sim::BodyId, sim::BodyId>>* pairs) const override {
    for (const sim::ViscoelasticBushingDesc& e : d.viscoelastic_bushings) pairs->emplace_back(e.body_a, e.body_b);
  }
  bool HasStepDynamics(const sim::ModelDesc& d) const override { return !d.viscoelastic_bushings.empty(); }
  // the Maxwell branches relax over the step just taken, at its end pose
  void AdvanceStep(ElementContext& ctx, double, double h_s) const override { RelaxAll(ctx, h_s); }
  void Rest(ElementContext& ctx, double span_s) const override { RelaxAll(ctx, span_s); }
  // a static solve is the long-time equilibrium: the Maxwell branches have relaxed there
  void AfterStaticSolve(ElementContext& ctx) const override { RelaxAll(ctx, INFINITY); }
  void AcceptBaseline(ElementContext& ctx) const override { RelaxAll(ctx, INFINITY); }
  void Hash(const sim::State& s, StateHasher* h) const override {
    for (const sim::ViscoelasticState& v : s.viscoelastic) {
      h->Mix(v.p_rest_F.data(), 3 * sizeof(double));
      h->Mix(v.theta_rest_F.data(), 3 * sizeof(double));
    }
  }

 private:
  static void RelaxAll(ElementContext& ctx, double h_s) {
    for (size_t i = 0; i < ctx.model.viscoelastic_bushings.size(); ++i) {
      const sim::ViscoelasticBushingDesc& e = ctx.model.viscoelastic_bushings[i];
      Vec3 p, th;
      ViscoelasticDeflection(e, ctx.Kin(e.body_a), ctx.Kin(e.body_b), &p, &th);
      RelaxViscoelastic(e, p, th, h_s, &ctx.state.viscoelastic[i]);
    }
  }
};

}  // namespace

const sim::ElementType& ViscoelasticBushingElementType() {
  static const ViscoelasticBushingType type;
  return type;
}

}  // namespace spinelab::internal

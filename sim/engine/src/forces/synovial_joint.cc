// Synovial joints in the element table: cartilage contact, the capsule's pressure force, its
// bubble over each step, and its fluid when the body is held at rest.
#include "forces/synovial_joint.h"

#include "forces/articular.h"
#include "forces/capsule.h"
#include "forces/ligament.h"

namespace spinelab::internal {

namespace {

// the joints' gaps and rates when the step's forces were evaluated: the bubble integration
// follows the gap from there to the step's end
struct GapsAtStepStart : ElementWorkspace {
  std::vector<double> gap_m, rate_m_per_s;  // (n_synovial_joints)
};

class SynovialJointType final : public sim::ElementType {
 public:
  const char* name() const override { return "synovial joint"; }
  void Init(const sim::ModelDesc& d, sim::State* s, sim::StepOutputs* o) const override {
    s->capsules.resize(d.synovial_joints.size());
    o->synovial_joints.resize(d.synovial_joints.size());
  }
  std::unique_ptr<ElementWorkspace> MakeWorkspace(const sim::ModelDesc& d) const override {
    auto w = std::make_unique<GapsAtStepStart>();
    w->gap_m.assign(d.synovial_joints.size(), 0.0);
    w->rate_m_per_s.assign(d.synovial_joints.size(), 0.0);
    return w;
  }
  void AddForces(ElementContext& ctx, ForceAssembly* asmb) const override {
    const sim::ModelDesc& d = ctx.model;
    auto* start = static_cast<GapsAtStepStart*>(ctx.workspace);
    for (size_t i = 0; i < d.synovial_joints.size(); ++i) {
      const sim::SynovialJointDesc& e = d.synovial_joints[i];
      sim::SynovialJointOutput& out = ctx.outputs.synovial_joints[i];
      if (e.capsule_ligament >= 0) out.capsule_strain = ctx.outputs.ligaments[e.capsule_ligament].strain;
      const BodyKin& a = ctx.Kin(e.body_a);
      const BodyKin& b = ctx.Kin(e.body_b);
      const ArticularKinematics k = AddArticularForces(e, a, b, asmb, &out);
      if (e.capsule_ligament >= 0)
        out.capsule_opening_strain = OpeningStrain(d.ligaments[e.capsule_ligament].slow, out.gap_m, e.rest_gap_m);
      if (!e.has_capsule) continue;
      // fluid at rest pressure at every gap: no capsule force, no capsule stiffness
      AddCapsuleForces(e, ctx.state.capsules[i], a, b, k, ctx.options.synovial.fluid_at_rest ? nullptr : asmb, &out);
      if (asmb) {
        start->gap_m[i] = k.gap_m;
        start->rate_m_per_s[i] = k.gap_rate_m_per_s;
      }
    }
  }
  double PotentialEnergy(const ElementContext& ctx) const override {
    double E = 0;
    for (const sim::SynovialJointDesc& e : ctx.model.synovial_joints)
      E += ArticularPotentialEnergy(e, ctx.Kin(e.body_a), ctx.Kin(e.body_b));
    return E;
  }
  void Couplings(const sim::ModelDesc& d, std::vector<std::pair<sim::BodyId, sim::BodyId>>* pairs) const override {
    for (const sim::SynovialJointDesc& e : d.synovial_joints) pairs->emplace_back(e.body_a, e.body_b);
  }
  bool HasStepDynamics(const sim::ModelDesc& d) const override {
    for (const sim::SynovialJointDesc& e : d.synovial_joints)
      if (e.has_capsule) return true;
    return false;
  }
  // bubble dynamics and gas over the step, with the gap moving start -> end
  void AdvanceStep(ElementContext& ctx, double t0_s, double h_s) const override {
    const sim::ModelDesc& d = ctx.model;
    const auto* start = static_cast<const GapsAtStepStart*>(ctx.workspace);
    CapsuleSolverOptions copt;
    copt.rel_tol = ctx.options.synovial.bubble_rel_tol;
    copt.allow_nucleation = ctx.options.synovial.cavitation;
    for (size_t i = 0; i < d.synovial_joints.size(); ++i) {
      const sim::SynovialJointDesc& e = d.synovial_joints[i];
      if (!e.has_capsule) continue;
      const ArticularKinematics k1 = ComputeArticularKinematics(e, ctx.Kin(e.body_a), ctx.Kin(e.body_b));
      if (ctx.options.synovial.fluid_at_rest) {
        RestFluidAtGap(e, k1.gap_m, &ctx.state.capsules[i]);
        continue;
      }
      const GapPath path{start->gap_m[i], k1.gap_m, start->rate_m_per_s[i], k1.gap_rate_m_per_s};
      AdvanceCapsule(e, path, t0_s, h_s, copt, &ctx.state.capsules[i], &ctx.outputs.synovial_joints[i]);
    }
  }
  bool Busy(const sim::State& s) const override {
    for (const sim::CapsuleState& c : s.capsules)
      if (c.mode == sim::CapsuleState::kDynamic) return true;
    return false;
  }
  void Rest(ElementContext& ctx, double span_s) const override {
    for (size_t i = 0; i < ctx.model.synovial_joints.size(); ++i) {
      if (!ctx.model.synovial_joints[i].has_capsule) continue;
      RestCapsule(ctx, i, span_s);
      ctx.outputs.synovial_joints[i].cracked = false;
      ctx.outputs.synovial_joints[i].sound_Pa.clear();
    }
  }
  // the joints' fluid follows the gap at its resting pressure, as in a settle (Step)
  void AfterStaticSolve(ElementContext& ctx) const override {
    if (!ctx.options.synovial.fluid_at_rest) return;
    for (size_t i = 0; i < ctx.model.synovial_joints.size(); ++i)
      if (ctx.model.synovial_joints[i].has_capsule) RestCapsule(ctx, i, 0.0);
  }
  void Hash(const sim::State& s, StateHasher* h) const override {
    for (const sim::CapsuleState& c : s.capsules) {
      h->Mix(&c.mode, sizeof(c.mode));
      h->Mix(c.radius_m);
      h->Mix(c.radius_rate_m_per_s);
      h->Mix(c.gas_mol);
      h->Mix(c.drawn_in_m3);
      h->Mix(c.fluid_m3);
      h->Mix(&c.cavitations, sizeof(c.cavitations));
      h->Mix(c.sound_filter, sizeof(c.sound_filter));
    }
  }

 private:
  // capsule i held at the current gap for minutes: at its resting pressure (fluid_at_rest) or,
  // holding gas, advanced quiescently over span_s
  static void RestCapsule(ElementContext& ctx, size_t i, double span_s) {
    const sim::SynovialJointDesc& e = ctx.model.synovial_joints[i];
    const double g = ComputeArticularKinematics(e, ctx.Kin(e.body_a), ctx.Kin(e.body_b)).gap_m;
    if (ctx.options.synovial.fluid_at_rest) RestFluidAtGap(e, g, &ctx.state.capsules[i]);
    else AdvanceCapsuleQuiescent(e, g, span_s, &ctx.state.capsules[i]);
  }
};

}  // namespace

const sim::ElementType& SynovialJointElementType() {
  static const SynovialJointType type;
  return type;
}

}  // namespace spinelab::internal

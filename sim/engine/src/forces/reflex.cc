// Reflexes in the element table: protective tone from the sensed capsules' strain past their
// nociceptor strain (ReflexDesc). They add no force of their own; a bushing reads its reflex's
// tone (bushing.cc).
#include "forces/reflex.h"

#include <algorithm>
#include <cmath>

#include "forces/ligament.h"

namespace spinelab::internal {

namespace {

class ReflexType final : public sim::ElementType {
 public:
  const char* name() const override { return "reflex"; }
  void Init(const sim::ModelDesc& d, sim::State* s, sim::StepOutputs*) const override { s->reflexes.resize(d.reflexes.size()); }
  void AddForces(ElementContext&, ForceAssembly*) const override {}
  bool HasSlowState(const sim::ModelDesc& d) const override {
    for (const sim::ReflexDesc& r : d.reflexes)
      if (r.gain > 0) return true;
    return false;
  }
  void AdvanceSlow(ElementContext& ctx, double h) const override {
    for (size_t r = 0; r < ctx.model.reflexes.size(); ++r) {
      const sim::ReflexDesc& R = ctx.model.reflexes[r];
      if (R.gain <= 0) continue;
      if (ctx.options.reflex.accept_posture) {
        Accept(ctx, r);
        continue;
      }
      const double x = Excess(ctx, r);
      sim::ReflexState& rs = ctx.state.reflexes[r];
      auto fade = [](double q) { return q < 1e-4 ? 1.0 - q : std::exp(-q); };
      // the memory of a loading fades towards the strain held now, not below it: a held strain
      // is already felt and adds no tone, however long it is held or whatever the step h (it
      // faded towards 0 before: a held excess x added gain * x * h / memory_s every step, the
      // desk day's slump building tone for hours; docs/repeated_loading.md)
      const double m = rs.noci_peak > x ? x + (rs.noci_peak - x) * fade(h / R.memory_s) : rs.noci_peak;
      rs.tone = std::min(R.max_tone, rs.tone * fade(h / R.decay_s) + R.gain * std::max(0.0, x - m));
      rs.noci_peak = std::max(x, m);
    }
  }
  void AcceptBaseline(ElementContext& ctx) const override {
    for (size_t r = 0; r < ctx.model.reflexes.size(); ++r) Accept(ctx, r);
  }
  void Hash(const sim::State& s, StateHasher* h) const override {
    for (const sim::ReflexState& r : s.reflexes) {
      h->Mix(r.tone);
      h->Mix(r.noci_peak);
    }
  }

 private:
  // how far the sensed capsules' strain (fibre plus opening) is past each one's nociceptor strain
  static double Excess(const ElementContext& ctx, size_t r) {
    const sim::ModelDesc& d = ctx.model;
    double x = 0;
    for (int f : d.reflexes[r].sensors) {
      const sim::SynovialJointDesc& j = d.synovial_joints[f];
      const int cl = j.has_capsule ? j.capsule_ligament : -1;
      if (cl >= 0)
        x = std::max(x, SlowStrain(d, ctx.state, ctx.outputs, cl, f) + ctx.state.ligaments[cl].slack() - j.capsule.nociceptor_strain);
    }
    return x;
  }
  // the posture is the baseline: no tone, the strain it holds already felt
  static void Accept(ElementContext& ctx, size_t r) {
    ctx.state.reflexes[r].tone = 0;
    ctx.state.reflexes[r].noci_peak = Excess(ctx, r);
  }
};

}  // namespace

const sim::ElementType& ReflexElementType() {
  static const ReflexType type;
  return type;
}

}  // namespace spinelab::internal

// StaticProbe: the element table evaluated at held poses, at rest (probe.h).
#include "spinelab/sim/probe.h"

#include "forces/assembly.h"
#include "forces/element_type.h"
#include "forces/ligament.h"
#include "spinelab/sim/options.h"

namespace spinelab::sim {

using internal::BodyKin;

struct StaticProbe::Impl {
  std::shared_ptr<const Model> model;
  SimOptions options;
  State state;
  StepOutputs outputs;
  std::vector<BodyKin> kin;
  std::vector<internal::ContactPoint> contacts;  // none: a probe touches nothing
  std::vector<const ElementType*> types;
  std::vector<std::unique_ptr<internal::ElementWorkspace>> workspaces;
  std::vector<int> ligament_joint;  // (n_ligaments) the synovial joint whose capsule the fibre is, or -1
  internal::ForceAssembly assembly;
};

StaticProbe::StaticProbe(std::shared_ptr<const Model> model) : impl_(std::make_unique<Impl>()) {
  SPINELAB_THROW_UNLESS(model != nullptr, "StaticProbe needs a model");
  Impl& m = *impl_;
  m.model = std::move(model);
  m.options.synovial.fluid_at_rest = true;  // the fluid held at rest pressure: no capsule force
  m.options.synovial.cavitation = false;
  const ModelDesc& d = m.model->desc();
  m.types = internal::ElementTypes(d);
  m.state.bodies.resize(d.bodies.size());
  for (const ElementType* t : m.types) {
    t->Init(d, &m.state, &m.outputs);
    m.workspaces.push_back(t->MakeWorkspace(d));
  }
  m.ligament_joint.assign(d.ligaments.size(), -1);
  for (size_t f = 0; f < d.synovial_joints.size(); ++f)
    if (d.synovial_joints[f].capsule_ligament >= 0) m.ligament_joint[d.synovial_joints[f].capsule_ligament] = static_cast<int>(f);
  m.kin.resize(d.bodies.size());
}

StaticProbe::StaticProbe(StaticProbe&&) noexcept = default;
StaticProbe& StaticProbe::operator=(StaticProbe&&) noexcept = default;
StaticProbe::~StaticProbe() = default;

void StaticProbe::Evaluate(const std::vector<Pose>& X_WB, const std::vector<LigamentState>& ligaments) {
  Impl& m = *impl_;
  const ModelDesc& d = m.model->desc();
  SPINELAB_THROW_UNLESS(X_WB.size() == d.bodies.size(), "StaticProbe::Evaluate needs one pose per body");
  SPINELAB_THROW_UNLESS(ligaments.empty() || ligaments.size() == d.ligaments.size(),
                        "StaticProbe::Evaluate needs no ligament state or one per ligament");
  for (size_t i = 0; i < d.bodies.size(); ++i) {
    BodyKin& k = m.kin[i];
    k.p_WB = X_WB[i].p;
    k.R_WB = X_WB[i].R;
    k.v_WB.setZero();
    k.w_WB.setZero();
    k.free_index = m.model->free_index(static_cast<BodyId>(i));
  }
  if (ligaments.empty()) m.state.ligaments.assign(d.ligaments.size(), LigamentState{});
  else m.state.ligaments = ligaments;
  // dense storage: a probe's model is small (a joint's two bodies)
  m.assembly.Reset(m.model->num_free_bodies(), /*banded=*/false, /*h=*/1.0);
  for (size_t t = 0; t < m.types.size(); ++t) {
    internal::ElementContext c{d, m.options, m.kin, m.state, m.outputs, m.contacts};
    c.workspace = m.workspaces[t].get();
    m.types[t]->AddForces(c, &m.assembly);
  }
}

Vec6 StaticProbe::GeneralizedForce(BodyId body) const {
  const int fi = impl_->model->free_index(body);
  return fi < 0 ? Vec6(Vec6::Zero()) : impl_->assembly.force(fi);
}

const StepOutputs& StaticProbe::outputs() const { return impl_->outputs; }

double StaticProbe::SlowStrain(int i) const {
  const Impl& m = *impl_;
  return internal::SlowStrain(m.model->desc(), m.state, m.outputs, static_cast<size_t>(i), m.ligament_joint[i]);
}

}  // namespace spinelab::sim

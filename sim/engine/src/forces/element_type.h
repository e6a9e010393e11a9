#pragma once
// The force-element table: what the World does with each type of element, in one interface.
//
// A type of element (bushings, ligaments, synovial joints, ...) is one ElementType: its forces
// and tangents into the implicit system, its elastic energy, the bodies it couples (the band of
// the system), its own dynamics over a step (a capsule's bubble), its slow state (creep, tone)
// and its part of the state hash. World::Step, Rest, SolveStatic, PotentialEnergy, HashState and
// the band of the solve iterate over the table (BuiltinElementTypes, then the model's own
// ModelDesc::extra_element_types) and name no type. Adding a type means one element file pair,
// one row in element_table.cc (or, for a type the engine does not ship, one entry in
// ModelDesc::extra_element_types) and its test.
//
// Design note. Rejected: (1) a switch over an enum of element kinds in World (what it replaced:
// every new type touched Create, EvaluateForces, the band, the energy, the hash and the probes);
// (2) one virtual call per element: the table dispatches once per type and the type loops over
// its elements, so the step costs what it did.

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "bullet/bullet_world.h"
#include "forces/assembly.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/options.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

/// FNV-1a over the bit patterns of the numbers it is given (HashState).
class StateHasher {
 public:
  void Mix(const void* data, size_t n) {
    const unsigned char* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) {
      h_ ^= p[i];
      h_ *= 1099511628211ull;
    }
  }
  void Mix(double x) { Mix(&x, sizeof x); }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 1469598103934665603ull;
};

/// Per-world scratch of one element type (e.g. the synovial joints' gaps at the start of the
/// step), made by ElementType::MakeWorkspace.
struct ElementWorkspace {
  virtual ~ElementWorkspace() = default;
};

/// What an element type sees when the World evaluates or advances it.
struct ElementContext {
  const sim::ModelDesc& model;
  const sim::SimOptions& options;
  const std::vector<BodyKin>& kin;          // (n_bodies) at the state being evaluated
  sim::State& state;
  sim::StepOutputs& outputs;
  const std::vector<ContactPoint>& contacts;  // compliant contact points at this state
  ElementWorkspace* workspace = nullptr;    // this type's (MakeWorkspace), may be null
  bool static_solve = false;                // World::SolveStatic is evaluating
  const BodyKin& Kin(sim::BodyId b) const {
    static const BodyKin kGroundKin;
    return b < 0 ? kGroundKin : kin[b];
  }
};

}  // namespace spinelab::internal

namespace spinelab::sim {

/// One type of force element (internal::ElementContext names what it sees). Every hook but
/// AddForces has a default that does nothing.
class ElementType {
 public:
  virtual ~ElementType() = default;
  virtual const char* name() const = 0;
  /// Adds a diagnostic per invalid element (Model::Compile; types not validated there).
  virtual void Validate(const ModelDesc& model, std::vector<Diagnostic>* errors) const {}
  /// Sizes the type's state (zero) and outputs for the model.
  virtual void Init(const ModelDesc& model, State* state, StepOutputs* outputs) const {}
  /// Per-world scratch kept between the force evaluation and the step's end (null: none).
  virtual std::unique_ptr<internal::ElementWorkspace> MakeWorkspace(const ModelDesc& model) const { return nullptr; }
  /// Forces and tangents into `assembly` (null: fill the outputs only). Called in table order,
  /// so a type may read the outputs of the types before it.
  virtual void AddForces(internal::ElementContext& ctx, internal::ForceAssembly* assembly) const = 0;
  /// Elastic energy stored [J].
  virtual double PotentialEnergy(const internal::ElementContext& ctx) const { return 0; }
  /// The pairs of bodies the type's elements couple (the band of the implicit system).
  virtual void Couplings(const ModelDesc& model, std::vector<std::pair<BodyId, BodyId>>* pairs) const {}
  /// True if the model has elements with dynamics of their own over a step (AdvanceStep).
  virtual bool HasStepDynamics(const ModelDesc& model) const { return false; }
  /// Internal dynamics over the step [t0, t0 + h] just taken; ctx.kin holds the new poses.
  virtual void AdvanceStep(internal::ElementContext& ctx, double t0_s, double h_s) const {}
  /// True if the model has elements with slow state (AdvanceSlow).
  virtual bool HasSlowState(const ModelDesc& model) const { return false; }
  /// Slow state (creep, laxity, tone) over h at the strains in ctx.outputs.
  virtual void AdvanceSlow(internal::ElementContext& ctx, double h_s) const {}
  /// True while internal dynamics are still violent (World::Rest must wait).
  virtual bool Busy(const State& state) const { return false; }
  /// The bodies held at rest for span_s (World::Rest; the slow state is advanced already):
  /// internal state that follows a held pose, and no step events afterwards.
  virtual void Rest(internal::ElementContext& ctx, double span_s) const {}
  /// After a static solve moved the bodies (World::SolveStatic).
  virtual void AfterStaticSolve(internal::ElementContext& ctx) const {}
  /// The current posture is the baseline (World::AcceptPostureAsBaseline).
  virtual void AcceptBaseline(internal::ElementContext& ctx) const {}
  /// Mixes the type's part of the state into the hash.
  virtual void Hash(const State& state, internal::StateHasher* hasher) const {}
};

}  // namespace spinelab::sim

namespace spinelab::internal {

/// The engine's element types, in evaluation order: contact, bushings, ligaments, synovial
/// joints (which read their capsular fibres' strain), reflexes.
const std::vector<const sim::ElementType*>& BuiltinElementTypes();

/// The built-in types followed by the model's extra ones.
std::vector<const sim::ElementType*> ElementTypes(const sim::ModelDesc& model);

}  // namespace spinelab::internal

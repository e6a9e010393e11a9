#pragma once
// Tension-only ligament with a toe region and damping. Law: LigamentDesc in spinelab/sim/model.h.

#include "forces/assembly.h"
#include "forces/element_type.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

/// Elastic tension [N] at strain ε and its derivative dF/dε [N].
double LigamentElasticForce(const sim::LigamentDesc& e, double strain, double* dF_dstrain);

/// Forces with the slow state's extra slack `slack` [-] (LigamentState::slack()): the law sees
/// the fibre strain ε − slack.
void AddLigamentForces(const sim::LigamentDesc& e, double slack, const BodyKin& a, const BodyKin& b,
                       ForceAssembly* assembly, sim::LigamentOutput* out);

/// Elastic energy [J] at the current poses.
double LigamentPotentialEnergy(const sim::LigamentDesc& e, double slack, const BodyKin& a, const BodyKin& b);

/// The strain a capsular fibre takes from its facet's opening, max(0, g − g_rest)/ℓ
/// (LigamentSlowParams::opening_length_m; 0 for a fibre that is not a capsule's).
inline double OpeningStrain(const sim::LigamentSlowParams& p, double gap_m, double rest_gap_m) {
  return p.opening_length_m > 0 && gap_m > rest_gap_m ? (gap_m - rest_gap_m) / p.opening_length_m : 0.0;
}

/// The strain the slow laws see for ligament i [-]: its fibre strain (strain minus the slow
/// state's slack) and, if it is the capsular fibre of synovial joint j (j >= 0), its joint's
/// opening (OpeningStrain).
inline double SlowStrain(const sim::ModelDesc& d, const sim::State& s, const sim::StepOutputs& o, size_t i, int j) {
  const double x = o.ligaments[i].strain - s.ligaments[i].slack();
  return j < 0 ? x : x + OpeningStrain(d.ligaments[i].slow, o.synovial_joints[j].gap_m, d.synovial_joints[j].rest_gap_m);
}

/// The ligaments' row of the element table.
const sim::ElementType& LigamentElementType();

/// Advances the fibre's slow state over h [s] at fibre strain `fibre_strain` (held over h):
/// creep towards its target (loading) or recovery, laxity growth beyond the threshold and its
/// recovery (LigamentSlowParams). Exact exponentials, so any h is stable.
void AdvanceLigamentSlow(const sim::LigamentSlowParams& p, double fibre_strain, double h_s,
                         sim::LigamentState* s);

}  // namespace spinelab::internal

#pragma once
// Tension-only ligament with a toe region and damping. Law: LigamentDesc in spinelab/sim/model.h.

#include "forces/assembly.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

/// Elastic tension [N] at strain ε and its derivative dF/dε [N].
double LigamentElasticForce(const sim::LigamentDesc& e, double strain, double* dF_dstrain);

void AddLigamentForces(const sim::LigamentDesc& e, const BodyKin& a, const BodyKin& b,
                       ForceAssembly* assembly, sim::LigamentOutput* out);

/// Elastic energy [J] at the current poses.
double LigamentPotentialEnergy(const sim::LigamentDesc& e, const BodyKin& a, const BodyKin& b);

}  // namespace spinelab::internal

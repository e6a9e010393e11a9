#pragma once
// Nonlinear 6-DOF bushing (discs, upper-cervical joints, muscle tone, linear bushings).
// Law and frames: see BushingDesc in spinelab/sim/model.h.

#include "forces/assembly.h"
#include "forces/element_type.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

/// Moment M(θ) [N·m] of an axis law and its tangent dM/dθ [N·m/rad].
double AxisMoment(const sim::AxisLaw& law, double theta, double* tangent);
/// Energy ∫₀^θ M dθ [J] of an axis law.
double AxisEnergy(const sim::AxisLaw& law, double theta);

/// Adds the bushing's forces and tangents to `assembly` (may be null) and fills `out`.
/// `rot_scale` multiplies the moment laws (a reflex's protective tone: 1 + tone).
void AddBushingForces(const sim::BushingDesc& e, const BodyKin& a, const BodyKin& b,
                      ForceAssembly* assembly, sim::BushingOutput* out,
                      double rot_scale = 1.0);

/// The bushings' row of the element table (a bushing that names a reflex scales its moment laws
/// by 1 + the reflex's tone).
const sim::ElementType& BushingElementType();

/// Elastic energy [J] at the current poses (preload multiplier not included).
double BushingPotentialEnergy(const sim::BushingDesc& e, const BodyKin& a, const BodyKin& b);

}  // namespace spinelab::internal

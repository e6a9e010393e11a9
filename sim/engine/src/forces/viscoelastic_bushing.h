#pragma once
// Viscoelastic 6-DOF bushing (standard linear solid of two bushing laws). Law and frames: see
// ViscoelasticBushingDesc in spinelab/sim/model.h.

#include "forces/assembly.h"
#include "forces/element_type.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

/// Adds both branches' forces and tangents to `assembly` (may be null) and fills `out` with
/// their sum. `elastic_only`: the Maxwell branch relaxed (a static solve, long times).
void AddViscoelasticBushingForces(const sim::ViscoelasticBushingDesc& e, const sim::ViscoelasticState& s,
                                  const BodyKin& a, const BodyKin& b, bool elastic_only,
                                  ForceAssembly* assembly, sim::BushingOutput* out);

/// Elastic energy [J] of both branches at the current poses.
double ViscoelasticBushingPotentialEnergy(const sim::ViscoelasticBushingDesc& e, const sim::ViscoelasticState& s,
                                          const BodyKin& a, const BodyKin& b);

/// The deflection (position of Mo in F [m], rotation vector of M in F [rad]) at the poses.
void ViscoelasticDeflection(const sim::ViscoelasticBushingDesc& e, const BodyKin& a, const BodyKin& b,
                            Vec3* p_F, Vec3* theta_F);

/// Relaxes the Maxwell branch over h [s] at the current deflection (exact exponential).
void RelaxViscoelastic(const sim::ViscoelasticBushingDesc& e, const Vec3& p_F, const Vec3& theta_F,
                       double h_s, sim::ViscoelasticState* s);

/// The viscoelastic bushings' row of the element table.
const sim::ElementType& ViscoelasticBushingElementType();

}  // namespace spinelab::internal

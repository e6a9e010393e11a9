#pragma once
// Compliant contact between a body's soft tissue and the environment (floor, roller, chair) or a
// hand pad: per contact point a normal spring-damper and regularised Coulomb friction, with its
// tangent in the implicit step (so the answer does not depend on the step size). Bullet detects
// the points (bullet/bullet_world.h); the law lives here.

#include <vector>

#include "bullet/bullet_world.h"
#include "forces/assembly.h"
#include "forces/element_type.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

/// [N/m] a rigid pair's contact as a spring in the static solve (stiff against tissue's ~1e4)
constexpr double kStaticSolveRigidStiffness_N_per_m = 1e6;

struct ContactLawOptions {
  double friction_damping_Ns_per_m = 2e4;  ///< [N·s/m] tangential damping below the Coulomb limit
  bool frictionless = false;               ///< no tangential force (settling: SimOptions::contact.frictionless)
  double rigid_stiffness_N_per_m = 0;      ///< > 0: a pair with no compliant side (Bullet's own contact) as this stiff spring, undamped (the static solve)
};

/// Adds the contact forces of `points` (penetrating points at the current poses) to the assembly
/// (may be null) and writes one output per point.
void AddContactForces(const sim::ModelDesc& model, const std::vector<ContactPoint>& points,
                      const std::vector<BodyKin>& kin, const ContactLawOptions& options,
                      ForceAssembly* assembly, std::vector<sim::ContactOutput>* out);

/// The compliant contacts' row of the element table: the points World detected at the state
/// (ElementContext::contacts), frictionless under ContactOptions::frictionless; a static solve
/// takes the rigid pairs as stiff springs (Bullet resolves those in a step).
const sim::ElementType& ContactElementType();

}  // namespace spinelab::internal

#pragma once
// A rotational servo between two bodies about one axis (an actuator). Law: Servo in
// spinelab/sim/world.h.

#include "forces/assembly.h"
#include "spinelab/sim/world.h"

namespace spinelab::internal {

/// Adds the servo's torque and (below saturation) its tangent to `assembly` (may be null);
/// returns its angle and torque. `a` is the reference body's kinematics, `b` the driven body's.
sim::ServoOutput AddServoTorque(const sim::Servo& s, const BodyKin& a, const BodyKin& b, ForceAssembly* assembly);

}  // namespace spinelab::internal

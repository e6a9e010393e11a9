#include "forces/servo.h"

#include <algorithm>
#include <cmath>

namespace spinelab::internal {

sim::ServoOutput AddServoTorque(const sim::Servo& s, const BodyKin& a, const BodyKin& b, ForceAssembly* assembly) {
  sim::ServoOutput out;
  if (s.body < 0) return out;
  // B's rotation relative to A since R_AB0, about the axis carried by A
  const Mat3 R_AB = a.R_WB.transpose() * b.R_WB;
  const Vec3 a_W = a.R_WB * s.axis_A;
  out.angle_rad = s.axis_A.dot(RotationVector(R_AB * s.R_AB0.transpose()));
  if (!s.active) return out;  // (no torque: its angle only)
  const Vec3 w_rel = b.w_WB - a.w_WB;
  const double u = s.stiffness_Nm_per_rad * (s.target_rad - out.angle_rad) - s.damping_Nms_per_rad * a_W.dot(w_rel);
  out.saturated = std::abs(u) >= s.max_torque_Nm;
  out.torque_Nm = std::clamp(u, -s.max_torque_Nm, s.max_torque_Nm);
  out.torque_W = out.torque_Nm * a_W;
  if (assembly) {
    assembly->AddTorque(b.free_index, out.torque_W);
    assembly->AddTorque(a.free_index, -out.torque_W);
    // saturated: a constant torque, no tangent
    if (!out.saturated) {
      const Mat3 aa = a_W * a_W.transpose();
      assembly->AddRotPair(a.free_index, b.free_index, s.stiffness_Nm_per_rad * aa, s.damping_Nms_per_rad * aa, w_rel);
    }
  }
  return out;
}

}  // namespace spinelab::internal

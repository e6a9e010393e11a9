// The load schedule: the scenario's loads, pads and prescribed pelvis motions at time t.
#include "runner_impl.h"

namespace spinelab::sim {

void ScenarioRunner::Impl::ApplyDrive(size_t k, double t) {
  // the servo between the driven body and the held pelvis (drives are refused in protocols, so
  // the profile is timed from t = 0); its zero and its axis are the poses when it starts
  const ScenarioLoad& L = sc.loads[k];
  World& w = *world;
  if (drive_servo.size() < sc.loads.size()) drive_servo.resize(sc.loads.size()), drive_started.resize(sc.loads.size(), 0);
  double target = 0, effort = 0;
  L.DriveFactors(t, &target, &effort);
  Servo& s = drive_servo[k];
  if (effort <= 0) {
    s.active = false;
  } else {
    if (!drive_started[k]) {
      drive_started[k] = 1;
      s.body = scene.load_body[k];
      s.reference = d().FindBody(L.reference_body);
      const Mat3 R_WA = w.state().bodies[s.reference].q_WB.toRotationMatrix();
      const Mat3 R_WB = w.state().bodies[s.body].q_WB.toRotationMatrix();
      s.R_AB0 = R_WA.transpose() * R_WB;
      s.axis_A = R_WA.transpose() * L.target_rotation_rad.normalized();
      s.stiffness_Nm_per_rad = L.drive_stiffness_Nm_per_rad;
      s.damping_Nms_per_rad = L.drive_damping_Nms_per_rad;
    }
    s.active = true;
    s.target_rad = target * L.target_rotation_rad.norm();
    s.max_torque_Nm = effort * L.effort_fraction * L.max_torque_Nm;
  }
  w.SetServo(static_cast<int>(k), s);
}

DriveSample ScenarioRunner::Impl::Drive(size_t k) const {
  DriveSample x;
  if (k >= drive_servo.size()) return x;  // (not applied yet: the first frame)
  const Servo& s = drive_servo[k];
  const ServoOutput o = world->servo_output(static_cast<int>(k));
  x.torque_W = o.torque_W;
  x.torque_Nm = o.torque_Nm;
  x.limit_Nm = s.active ? s.max_torque_Nm : 0.0;
  x.saturated = s.active && o.saturated;
  x.rotation_rad = o.angle_rad;
  x.target_rad = s.target_rad;
  return x;
}

std::string ScenarioRunner::Impl::ApplyLoads(double t, double h, double lead) {
  const double tf = t + lead;  // the forces' time (the motions' poses are at t)
  const ModelDesc& md = d();
  World& w = *world;
  const BodyId pelvis = scene.pelvis;
  // loads on the same body add up: each as a force and a moment about the COM, in W
  sum_F = extra_F;
  sum_T = extra_T;
  for (size_t k = 0; k < sc.loads.size(); ++k) {
    const ScenarioLoad& L = sc.loads[k];
    if (L.drive) {
      ApplyDrive(k, tf);
      continue;
    }
    const double f = L.phase == ScenarioLoad::Phase::kBetween ? between_factor
                     : L.phase == ScenarioLoad::Phase::kAlways ? 1.0
                     : attempt_on                              ? L.profile.Factor(tf - attempt_start)
                                                               : 0.0;
    const BodyId b = scene.load_body[k];
    const BodyState& bs = w.state().bodies[b];
    const Mat3 R = bs.q_WB.toRotationMatrix();
    const Vec3 F_W = L.Force_W(R, f), T_W = L.Torque_W(R, f);
    const Vec3 r_W = R * (md.bodies[b].p_BoV_B + L.point_m);
    sum_F[b] += F_W;
    sum_T[b] += T_W + r_W.cross(F_W);
  }
  if (scene.below_T2_N > 0) {
    // the legs stand on the floor until the feet leave it: they carry the weight below the
    // shoulders and hold the pelvis where it stood (the pelvis-support law, explicit), fading
    // to nothing over 2 s from feet_off_s
    const double f = 1.0 - std::clamp((tf - sc.feet_off_s) / 2.0, 0.0, 1.0);
    const BodyState& ps = w.state().bodies[pelvis];
    const Mat3 R0 = scene.X_W_pelvis0.R;
    const Vec3 dth = RotationVector(ps.q_WB.toRotationMatrix() * R0.transpose());
    sum_F[pelvis] += f * (Vec3(0, 0, scene.below_T2_N) + params.pelvis_support_k_trans * (scene.X_W_pelvis0.p - ps.p_WB) -
                          params.pelvis_support_c_trans * ps.v_WB);
    const Vec3 k_rot_W = (R0 * params.pelvis_support_k_rot.asDiagonal() * R0.transpose()) * dth;
    sum_T[pelvis] += f * (-k_rot_W - params.pelvis_support_c_rot * ps.w_WB);
  }
  for (BodyId b : loaded_bodies) {
    if (!sum_F[b].allFinite() || !sum_T[b].allFinite()) {
      // an overflowing load: the run stops as failed (the engine refuses it), saying whose
      std::string from;
      for (size_t k = 0; k < sc.loads.size(); ++k)
        if (scene.load_body[k] == b) from += (from.empty() ? "" : ", ") + ("load." + std::to_string(k) + " '" + sc.loads[k].name + "'");
      if (!extra_F[b].allFinite() || !extra_T[b].allFinite()) from += (from.empty() ? "" : ", ") + std::string("the extra (interactive) load");
      return "non-finite load at t = " + FormatNumber(t) + " s on body '" + md.bodies[b].name + "' (force_N [" +
             FormatNumber(sum_F[b].x()) + ", " + FormatNumber(sum_F[b].y()) + ", " + FormatNumber(sum_F[b].z()) + "], torque_Nm [" +
             FormatNumber(sum_T[b].x()) + ", " + FormatNumber(sum_T[b].y()) + ", " + FormatNumber(sum_T[b].z()) + "]) from " +
             (from.empty() ? std::string("the posture's support") : from) + "; check those loads' force_N, torque_Nm and profile";
    }
    AppliedLoad a;
    a.force_N = sum_F[b];
    a.torque_Nm = sum_T[b];
    w.SetAppliedLoad(b, a);
  }
  const double ta = attempt_on ? t - attempt_start : -1.0;  // profiles are 0 before they start
  SetPadLoads(w, attempt_on ? tf - attempt_start : -1.0);
  if (!sc.motions.empty()) {
    // the held pelvis follows the prescribed motions (rotations composed in file order)
    auto pose_at = [&](double tt) {
      Pose X = scene.X_W_pelvis0;
      for (const ScenarioMotion& m : sc.motions) {
        const double f = m.profile.Factor(tt);
        X.R = RotationFromVector(f * m.rotation_rad) * X.R;
        X.p += f * m.translation_m;
      }
      return X;
    };
    const Pose X1 = pose_at(ta < 0 ? ta : ta + h), X0 = pose_at(ta);
    const Vec3 v = (X1.p - X0.p) / h;
    const Vec3 w_W = RotationVector(X1.R * X0.R.transpose()) / h;
    // the pose at the forces' time (the adaptive step: the step's middle), the velocity over the step
    w.SetHeldBodyMotion(pelvis, lead > 0 && ta >= 0 ? pose_at(ta + lead) : X0, v, w_W);
  }
  return "";
}

}  // namespace spinelab::sim

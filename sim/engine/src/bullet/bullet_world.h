#pragma once
// The only header that stands between spinelab and Bullet. No Bullet type appears here: the
// adapter converts to and from Eigen at this boundary (STYLE.md §9).
//
// Bullet's role: hold the bodies, detect contact (compliant bodies: our step turns the points
// into implicit spring-dampers; rigid bodies: Bullet's impulse contact), and integrate poses from
// the velocities our implicit step produced. Bullet's gravity is zero (our
// step applies it), no Bullet constraints or springs are used, sleeping is off, overlapping pairs
// are deterministic, and the world is stepped with stepSimulation(dt, 0, dt).

#include <memory>
#include <vector>

#include "spinelab/sim/math.h"
#include "spinelab/sim/model.h"

namespace spinelab::internal {

/// A penetrating contact point between a compliant body and an environment object or prop.
/// Ids: >= 0 a body, -1-e environment object e.
struct ContactPoint {
  int a = -1, b = -1;
  Vec3 p_A = Vec3::Zero(), p_B = Vec3::Zero();  ///< [m] witness points on A and B, W
  Vec3 n_BA = Vec3::UnitZ();                    ///< [-] unit normal from B towards A, W
  double depth_m = 0;                           ///< [m] penetration (> 0)
};

class BulletWorld {
 public:
  BulletWorld(const sim::ModelDesc& model, int contact_iterations);
  ~BulletWorld();
  BulletWorld(const BulletWorld&) = delete;
  BulletWorld& operator=(const BulletWorld&) = delete;

  /// Sets pose and twist of body i (COM frame).
  void SetBodyState(int i, const Vec3& p_WB, const Quat& q_WB, const Vec3& v_WB, const Vec3& w_WB);
  /// Moves a static (fixed) body: a held body driven along a prescribed path.
  void SetStaticPose(int i, const Vec3& p_WB, const Quat& q_WB);
  /// Sets only the twist of body i.
  void SetVelocity(int i, const Vec3& v_WB, const Vec3& w_WB);
  /// One step of dt: contact with the environment and pose integration.
  void Step(double dt_s);
  /// What Step does when no contact can occur (no environment, no hand pads): each free body's
  /// pose integrated with Bullet's own exponential map from its velocity, without the broadphase,
  /// island and solver passes around it (same poses, bit for bit).
  void IntegratePoses(double dt_s);
  /// Reads back pose and twist of body i.
  void GetBodyState(int i, Vec3* p_WB, Quat* q_WB, Vec3* v_WB, Vec3* w_WB) const;
  /// Drops contact manifolds and solver caches (after a state restore).
  void ResetCaches();
  /// Collision detection at the current poses: every penetrating point of a pair that involves
  /// a compliant body (those get their contact force from our step, not from Bullet).
  void DetectContacts(std::vector<ContactPoint>* out, bool include_rigid_pairs = false);
  /// Number of contact points between bodies and the environment after the last step.
  int NumContacts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spinelab::internal

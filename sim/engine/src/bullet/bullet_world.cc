#include "bullet/bullet_world.h"

#include <btBulletDynamicsCommon.h>

#include <vector>

namespace spinelab::internal {

namespace {
btVector3 ToBt(const Vec3& v) { return btVector3(v.x(), v.y(), v.z()); }
Vec3 FromBt(const btVector3& v) { return Vec3(v.x(), v.y(), v.z()); }
btTransform ToBt(const Pose& X) {
  const Quat q(X.R);
  return btTransform(btQuaternion(q.x(), q.y(), q.z(), q.w()), ToBt(X.p));
}

// collision groups: vertebrae never collide with each other (facets and discs are our elements)
constexpr int kGroupEnvironment = 1;
constexpr int kGroupBody = 2;
constexpr int kGroupProp = 4;  // hand pads: touch the bodies only
// [m] explicit margins at spine scale (Bullet's default 0.04 m is larger than a vertebra)
constexpr double kBodyMargin_m = 0.0005;
constexpr double kEnvMargin_m = 0.0005;
constexpr double kFloorHalfWidth_m = 10.0;  // a floor or table plane as a slab this wide
}  // namespace

struct BulletWorld::Impl {
  btDefaultCollisionConfiguration config;
  btCollisionDispatcher dispatcher{&config};
  btDbvtBroadphase broadphase;
  btSequentialImpulseConstraintSolver solver;
  btDiscreteDynamicsWorld world{&dispatcher, &broadphase, &solver, &config};
  std::vector<std::unique_ptr<btCollisionShape>> shapes;
  std::vector<std::unique_ptr<btRigidBody>> bodies;
  std::vector<std::unique_ptr<btRigidBody>> env;

  ~Impl() {
    for (auto& b : env) world.removeRigidBody(b.get());
    for (auto& b : bodies) world.removeRigidBody(b.get());
  }
};

BulletWorld::BulletWorld(const sim::ModelDesc& model, int contact_iterations)
    : impl_(std::make_unique<Impl>()) {
  btDiscreteDynamicsWorld& w = impl_->world;
  // several contact points per convex pair per step (a trunk slice lying across a roller touches
  // along a line: one point would tip it to one side)
  impl_->config.setConvexConvexMultipointIterations(4, 3);
  impl_->config.setPlaneConvexMultipointIterations(4, 3);
  w.setGravity(btVector3(0, 0, 0));
  w.getDispatchInfo().m_deterministicOverlappingPairs = true;
  btContactSolverInfo& si = w.getSolverInfo();
  si.m_numIterations = contact_iterations;
  si.m_solverMode &= ~SOLVER_RANDMIZE_ORDER;

  for (const sim::BodyDesc& b : model.bodies) {
    // compound of boxes in the body frame (an empty compound when the body has no shape)
    auto compound = std::make_unique<btCompoundShape>(false);
    for (const sim::BoxShapeDesc& s : b.shapes) {
      // a sphere's margin is its radius in Bullet (setMargin would change the radius)
      std::unique_ptr<btConvexShape> box;
      if (s.radius_m > 0) {
        box = std::make_unique<btSphereShape>(s.radius_m);
      } else {
        box = std::make_unique<btBoxShape>(ToBt(s.half_extents_m));
        box->setMargin(kBodyMargin_m);
      }
      btTransform t;
      t.setIdentity();
      t.setOrigin(ToBt(s.center_B));
      compound->addChildShape(t, box.get());
      impl_->shapes.push_back(std::move(box));
    }
    compound->setMargin(kBodyMargin_m);
    const double mass = b.fixed ? 0.0 : b.mass_kg;
    btRigidBody::btRigidBodyConstructionInfo info(mass, nullptr, compound.get(),
                                                  b.fixed ? btVector3(0, 0, 0) : ToBt(b.inertia_kgm2));
    info.m_startWorldTransform = ToBt(b.X_WB);
    info.m_friction = 0.6;
    auto body = std::make_unique<btRigidBody>(info);
    body->setActivationState(DISABLE_DEACTIVATION);
    body->setFlags(body->getFlags() & ~BT_ENABLE_GYROSCOPIC_FORCE_IMPLICIT_BODY);
    body->setSleepingThresholds(0, 0);
    // compliant bodies: Bullet only detects their contacts; our step applies the contact forces
    // (implicit springs, see forces/contact.cc). Rigid bodies keep Bullet's impulse contact.
    if (b.contact_stiffness_N_per_m > 0)
      body->setCollisionFlags(body->getCollisionFlags() | btCollisionObject::CF_NO_CONTACT_RESPONSE);
    body->setUserIndex(static_cast<int>(impl_->bodies.size()));  // body id
    if (b.prop)
      w.addRigidBody(body.get(), kGroupProp, kGroupBody);
    else
      w.addRigidBody(body.get(), kGroupBody, kGroupEnvironment | kGroupProp);
    impl_->shapes.push_back(std::move(compound));
    impl_->bodies.push_back(std::move(body));
  }

  for (const sim::EnvironmentDesc& e : model.environment) {
    const int index = static_cast<int>(&e - model.environment.data());
    if (!e.contact) continue;  // seen, not touched (a bar the hands hold through the shoulders)
    std::unique_ptr<btCollisionShape> shape;
    switch (e.shape) {
      case sim::EnvShape::kPlane: {
        // a slab 20 m wide and 1 m thick whose top face is the plane: box-box contact gives a
        // body's whole face at once (all its corners below the plane). Bullet's convex-plane
        // algorithm adds one point per call plus perturbed ones, and with fresh manifolds every
        // step it returned 3 of a trunk slice's 4 corners, a different 3 each step: a roll
        // moment flipping at the step rate that made a relaxed prone body sway
        auto slab = std::make_unique<btCompoundShape>(false);
        auto box = std::make_unique<btBoxShape>(btVector3(kFloorHalfWidth_m, kFloorHalfWidth_m, 0.5));
        box->setMargin(kEnvMargin_m);
        btTransform t;
        t.setIdentity();
        t.setOrigin(btVector3(0, 0, -0.5));
        slab->addChildShape(t, box.get());
        impl_->shapes.push_back(std::move(box));
        shape = std::move(slab);
        break;
      }
      case sim::EnvShape::kBox:
        shape = std::make_unique<btBoxShape>(ToBt(e.half_extents_m));
        break;
      case sim::EnvShape::kCylinder: {
        // a regular 12-sided prism: the union of three square boxes turned 30 deg apart about the
        // axis (box-box contact gives a full, symmetric manifold; a true cylinder touching a flat
        // face gets one point per step and tips the body sideways)
        auto prism = std::make_unique<btCompoundShape>(false);
        const double r = e.half_extents_m.x(), a = r * std::cos(kPi / 24);  // mean of in/circumradius
        for (int k = 0; k < 3; ++k) {
          auto box = std::make_unique<btBoxShape>(btVector3(a, e.half_extents_m.y(), a));
          box->setMargin(kEnvMargin_m);
          btTransform t;
          t.setIdentity();
          t.setRotation(btQuaternion(btVector3(0, 1, 0), k * kPi / 6));
          prism->addChildShape(t, box.get());
          impl_->shapes.push_back(std::move(box));
        }
        shape = std::move(prism);
        break;
      }
    }
    shape->setMargin(kEnvMargin_m);
    btRigidBody::btRigidBodyConstructionInfo info(0.0, nullptr, shape.get());
    info.m_startWorldTransform = ToBt(e.X_WE);
    info.m_friction = e.friction;
    auto body = std::make_unique<btRigidBody>(info);
    body->setUserIndex(-1 - index);  // environment object -1-e
    w.addRigidBody(body.get(), kGroupEnvironment, kGroupBody);
    impl_->shapes.push_back(std::move(shape));
    impl_->env.push_back(std::move(body));
  }
}

BulletWorld::~BulletWorld() = default;

void BulletWorld::SetBodyState(int i, const Vec3& p_WB, const Quat& q_WB, const Vec3& v_WB,
                               const Vec3& w_WB) {
  btRigidBody* b = impl_->bodies[i].get();
  btTransform t(btQuaternion(q_WB.x(), q_WB.y(), q_WB.z(), q_WB.w()), ToBt(p_WB));
  b->setWorldTransform(t);
  b->setInterpolationWorldTransform(t);
  b->setLinearVelocity(ToBt(v_WB));
  b->setAngularVelocity(ToBt(w_WB));
  b->setInterpolationLinearVelocity(ToBt(v_WB));
  b->setInterpolationAngularVelocity(ToBt(w_WB));
  b->updateInertiaTensor();
}

void BulletWorld::SetStaticPose(int i, const Vec3& p_WB, const Quat& q_WB) {
  btRigidBody* b = impl_->bodies[i].get();
  btTransform t(btQuaternion(q_WB.x(), q_WB.y(), q_WB.z(), q_WB.w()), ToBt(p_WB));
  b->setWorldTransform(t);
  b->setInterpolationWorldTransform(t);
}

void BulletWorld::SetVelocity(int i, const Vec3& v_WB, const Vec3& w_WB) {
  btRigidBody* b = impl_->bodies[i].get();
  b->setLinearVelocity(ToBt(v_WB));
  b->setAngularVelocity(ToBt(w_WB));
}

void BulletWorld::Step(double dt_s) {
  // our fixed step, no sub-stepping, no interpolation
  impl_->world.stepSimulation(dt_s, 0, dt_s);
}

void BulletWorld::IntegratePoses(double dt_s) {
  for (auto& b : impl_->bodies) {
    if (b->isStaticOrKinematicObject()) continue;
    btTransform predicted;
    b->predictIntegratedTransform(dt_s, predicted);
    b->proceedToTransform(predicted);
  }
}

void BulletWorld::GetBodyState(int i, Vec3* p_WB, Quat* q_WB, Vec3* v_WB, Vec3* w_WB) const {
  const btRigidBody* b = impl_->bodies[i].get();
  const btTransform& t = b->getWorldTransform();
  *p_WB = FromBt(t.getOrigin());
  const btQuaternion q = t.getRotation();
  *q_WB = Quat(q.w(), q.x(), q.y(), q.z()).normalized();
  *v_WB = FromBt(b->getLinearVelocity());
  *w_WB = FromBt(b->getAngularVelocity());
}

void BulletWorld::ResetCaches() {
  btOverlappingPairCache* cache = impl_->broadphase.getOverlappingPairCache();
  for (auto& b : impl_->bodies) {
    cache->cleanProxyFromPairs(b->getBroadphaseHandle(), &impl_->dispatcher);
  }
  impl_->solver.reset();
}

void BulletWorld::DetectContacts(std::vector<ContactPoint>* out, bool include_rigid_pairs) {
  out->clear();
  // fresh manifolds: the points are a function of the current poses only (no contact history),
  // so a restored state continues bitwise like the original
  ResetCaches();
  impl_->world.performDiscreteCollisionDetection();
  btCollisionDispatcher& disp = impl_->dispatcher;
  const int m = disp.getNumManifolds();
  for (int i = 0; i < m; ++i) {
    const btPersistentManifold* mf = disp.getManifoldByIndexInternal(i);
    const btCollisionObject* a = mf->getBody0();
    const btCollisionObject* b = mf->getBody1();
    // only pairs Bullet does not resolve itself (a compliant body is involved), unless asked
    if (!include_rigid_pairs && a->hasContactResponse() && b->hasContactResponse()) continue;
    for (int k = 0; k < mf->getNumContacts(); ++k) {
      const btManifoldPoint& cp = mf->getContactPoint(k);
      if (cp.getDistance() >= 0) continue;
      ContactPoint c;
      c.a = a->getUserIndex();
      c.b = b->getUserIndex();
      c.p_A = FromBt(cp.getPositionWorldOnA());
      c.p_B = FromBt(cp.getPositionWorldOnB());
      c.n_BA = FromBt(cp.m_normalWorldOnB);
      c.depth_m = -cp.getDistance();
      out->push_back(c);
    }
  }
}

int BulletWorld::NumContacts() const {
  int n = 0;
  const int m = impl_->dispatcher.getNumManifolds();
  for (int i = 0; i < m; ++i) n += impl_->dispatcher.getManifoldByIndexInternal(i)->getNumContacts();
  return n;
}

}  // namespace spinelab::internal

// The bushing-chain reference problem (shared/reference/bushing_chain.md) with Bullet's own
// constraints (Bullet 3.24, double precision): 24 btGeneric6DofSpring2Constraint (RO_XYZ), all six
// axes free with a spring, stiffness and damping set with limitIfNeeded = false (the default
// `true` silently softens the stiff springs: the spec's second trap), Bullet's gravity, its
// sequential-impulse solver and fixed steps. Bodies never sleep and never collide.
//   bullet_chain [--dt 2.5e-4] [--iterations 10] [--asymmetric] [--t-end 10]
#include <btBulletDynamicsCommon.h>

#include <cmath>
#include <memory>
#include <vector>

#include "chain_common.h"

int main(int argc, char** argv) {
  const chain::Args args = chain::ParseArgs(argc, argv);
  const double h = args.dt_s > 0 ? args.dt_s : 2.5e-4;

  btDefaultCollisionConfiguration config;
  btCollisionDispatcher dispatcher(&config);
  btDbvtBroadphase broadphase;
  btSequentialImpulseConstraintSolver solver;
  btDiscreteDynamicsWorld world(&dispatcher, &broadphase, &solver, &config);
  world.setGravity(btVector3(0, 0, -chain::kG));
  if (args.iterations > 0) world.getSolverInfo().m_numIterations = args.iterations;
  const int iterations = world.getSolverInfo().m_numIterations;

  btBoxShape shape(btVector3(chain::kHalf_m[0], chain::kHalf_m[1], chain::kHalf_m[2]));
  std::vector<std::unique_ptr<btRigidBody>> bodies;
  for (int i = 0; i < chain::kBodies; ++i) {
    const bool fixed = i == 0;
    btRigidBody::btRigidBodyConstructionInfo info(fixed ? 0.0 : chain::kMass_kg, nullptr, &shape,
                                                  fixed ? btVector3(0, 0, 0) : btVector3(chain::kIxx, chain::kIyy, chain::kIzz));
    info.m_startWorldTransform.setIdentity();
    info.m_startWorldTransform.setOrigin(btVector3(0, 0, chain::kSpacing_m * i));
    bodies.emplace_back(new btRigidBody(info));
    bodies.back()->setActivationState(DISABLE_DEACTIVATION);
    world.addRigidBody(bodies.back().get(), /*group=*/1, /*mask=*/0);  // no contact anywhere
  }

  std::vector<std::unique_ptr<btGeneric6DofSpring2Constraint>> joints;
  for (int j = 1; j < chain::kBodies; ++j) {
    btTransform X_AF, X_BM;
    X_AF.setIdentity();
    X_AF.setOrigin(btVector3(0, 0, chain::kFrameOffset_m));
    X_BM.setIdentity();
    X_BM.setOrigin(btVector3(0, 0, -chain::kFrameOffset_m));
    joints.emplace_back(new btGeneric6DofSpring2Constraint(*bodies[j - 1], *bodies[j], X_AF, X_BM, RO_XYZ));
    btGeneric6DofSpring2Constraint& c = *joints.back();
    c.setLinearLowerLimit(btVector3(1, 1, 1));  // lower > upper: free
    c.setLinearUpperLimit(btVector3(-1, -1, -1));
    c.setAngularLowerLimit(btVector3(1, 1, 1));
    c.setAngularUpperLimit(btVector3(-1, -1, -1));
    for (int d = 0; d < 6; ++d) {  // 0..2 translation, 3..5 rotation
      const bool rot = d >= 3;
      c.enableSpring(d, true);
      c.setStiffness(d, rot ? args.kr : chain::kKt, /*limitIfNeeded=*/false);
      c.setDamping(d, rot ? chain::kCr : chain::kCt, /*limitIfNeeded=*/false);
      c.setEquilibriumPoint(d, 0.0);
    }
    world.addConstraint(&c, /*disableCollisionsBetweenLinkedBodies=*/true);
  }

  btRigidBody& top = *bodies.back();
  const long long n = std::llround(args.t_end_s / h);
  const long long sample = chain::SampleSteps(h);
  double angle_1s_deg = NAN;
  auto top_twist = [&] {
    return chain::TopTwistDegOf([&](int b) {
      const btQuaternion qb = bodies[b]->getWorldTransform().getRotation();
      return chain::Quat{qb.w(), qb.x(), qb.y(), qb.z()};
    });
  };
  const auto t0 = chain::Clock::now();
  for (long long i = 0; i < n; ++i) {
    double tau[3];
    chain::TopTorque(static_cast<double>(i) * h, args.asymmetric, tau);
    top.applyTorque(btVector3(tau[0], tau[1], tau[2]));  // cleared by Bullet after each step
    world.stepSimulation(h, /*maxSubSteps=*/0);         // exactly one step of h
    if (i + 1 == sample) angle_1s_deg = top_twist();
  }
  const auto t1 = chain::Clock::now();

  chain::Outcome out;
  out.engine = "bullet";
  out.integrator = "Spring2+SI" + std::to_string(iterations);
  out.step = chain::Num(h);
  out.steps = n;
  out.loop_wall_s = chain::Seconds(t0, t1);
  out.t_end_s = args.t_end_s;
  out.asymmetric = args.asymmetric;
  out.kr = args.kr;
  out.angle_1s_deg = angle_1s_deg;
  for (int b = 0; b < chain::kBodies; ++b) {
    const btQuaternion q = bodies[b]->getWorldTransform().getRotation();
    out.q[b] = {q.w(), q.x(), q.y(), q.z()};
  }
  for (int a = 0; a < 3; ++a) out.p_top[a] = top.getWorldTransform().getOrigin()[a];
  chain::Print(out);
  for (auto& c : joints) world.removeConstraint(c.get());
  for (auto& b : bodies) world.removeRigidBody(b.get());
  return 0;
}

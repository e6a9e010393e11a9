// The bushing-chain reference problem (shared/reference/bushing_chain.md) in DART 6.12 (Debian
// libdart-all-dev), a Featherstone articulated-body engine. Two ways (--mode):
//
//  joints (default): the chain as DART's tree. Body j is the child of body j-1 through a
//    FreeJoint whose parent frame is the spec's F (A-local (0,0,+0.015)) and whose child frame
//    is M (B-local (0,0,-0.015)): the joint's relative transform is then exactly the bushing's
//    deflection (p, R_FM). Each of the six DOFs carries DART's joint spring and damper
//    (Joint::setSpringStiffness / setDampingCoefficient, rest position 0), which DART's
//    articulated-body forward dynamics treats implicitly in the step (GenericJoint adds h·c and
//    h²·k to the joint's articulated inertia): the stiff, damped elements are implicit, as the
//    spec says an engine taking large steps must. Equivalence with the spec's law: DART's
//    FreeJoint position is (rotation vector of R_FM, translation) and its velocity is the
//    relative spatial velocity in the child frame M, so the spring is the spec's k·θ with θ the
//    rotation vector (as spinelab's and the explicit implementations) and k_t·p with p in F,
//    while the dampers act on ω_rel and on ṗ expressed in M rather than in F. For this problem's
//    twist about z and drop along z the two are the same vectors (R_FM is a rotation about z), so
//    the law is the spec's; in a combined rotation it differs by O(θ) in the damping only (the
//    springs to O(θ²), like the Euler-angle bushings of Simbody and Bullet).
//  forces: 24 free bodies (FreeJoint to the world) and the spec's bushing law computed here and
//    applied as external forces each step (explicit): DART's integrator without its implicit
//    springs, for comparison (it needs explicit steps, ≤ 2.75e-4 s here).
//
// Integration: DART's World::step (semi-implicit Euler on the generalized coordinates, with the
// implicit joint spring/damping above), fixed step --dt. No collision shapes (nothing collides).
//   dart_chain [--dt 1e-3] [--mode joints|forces] [--asymmetric] [--t-end 10] [--kr 60]
#include <dart/dynamics/BodyNode.hpp>
#include <dart/dynamics/FreeJoint.hpp>
#include <dart/dynamics/Inertia.hpp>
#include <dart/dynamics/Skeleton.hpp>
#include <dart/dynamics/WeldJoint.hpp>
#include <dart/simulation/World.hpp>

#include <Eigen/Geometry>
#include <cmath>
#include <string>
#include <vector>

#include "chain_common.h"

namespace {

using dart::dynamics::BodyNode;
using dart::dynamics::FreeJoint;
using dart::dynamics::Skeleton;
using dart::dynamics::SkeletonPtr;
using dart::dynamics::WeldJoint;

Eigen::Isometry3d Translation(double x, double y, double z) {
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.translation() = Eigen::Vector3d(x, y, z);
  return T;
}

void SetInertia(BodyNode* bn) {
  dart::dynamics::Inertia I(chain::kMass_kg, Eigen::Vector3d::Zero(),
                            Eigen::Vector3d(chain::kIxx, chain::kIyy, chain::kIzz).asDiagonal());
  bn->setInertia(I);
}

/// Rotation vector of R [rad] (the spec's θ).
Eigen::Vector3d RotationVector(const Eigen::Matrix3d& R) {
  const Eigen::AngleAxisd aa(R);
  return aa.angle() * aa.axis();
}

}  // namespace

int main(int argc, char** argv) {
  // --mode is ours; the shared parser reads the rest
  std::string mode = "joints";
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--mode" && i + 1 < argc) mode = argv[++i];
    else rest.push_back(argv[i]);
  }
  if (mode != "joints" && mode != "forces") {
    std::fprintf(stderr, "unknown --mode %s (joints | forces)\n", mode.c_str());
    return 2;
  }
  const chain::Args args = chain::ParseArgs(static_cast<int>(rest.size()), rest.data());
  const bool joints = mode == "joints";
  const double h = args.dt_s > 0 ? args.dt_s : (joints ? 1e-3 : 1e-4);

  SkeletonPtr skel = Skeleton::create("bushing_chain");
  std::vector<BodyNode*> bodies;
  {
    BodyNode::Properties bp;
    bp.mName = "sacrum";
    auto pair = skel->createJointAndBodyNodePair<WeldJoint>(nullptr, WeldJoint::Properties(), bp);
    SetInertia(pair.second);
    bodies.push_back(pair.second);
  }
  for (int i = 1; i < chain::kBodies; ++i) {
    FreeJoint::Properties jp;
    jp.mName = "joint_" + std::to_string(i);
    BodyNode::Properties bp;
    bp.mName = "body_" + std::to_string(i);
    BodyNode* parent = joints ? bodies.back() : nullptr;
    if (joints) {
      jp.mT_ParentBodyToJoint = Translation(0, 0, chain::kFrameOffset_m);
      jp.mT_ChildBodyToJoint = Translation(0, 0, -chain::kFrameOffset_m);
    }
    auto pair = skel->createJointAndBodyNodePair<FreeJoint>(parent, jp, bp);
    SetInertia(pair.second);
    FreeJoint* j = pair.first;
    if (joints) {
      // DOFs 0..2 rotation (rotation vector), 3..5 translation
      for (int d = 0; d < 6; ++d) {
        const bool rot = d < 3;
        j->setSpringStiffness(d, rot ? args.kr : chain::kKt);
        j->setDampingCoefficient(d, rot ? chain::kCr : chain::kCt);
        j->setRestPosition(d, 0.0);
      }
    } else {
      j->setPositions(FreeJoint::convertToPositions(Translation(0, 0, chain::kSpacing_m * i)));
    }
    bodies.push_back(pair.second);
  }

  dart::simulation::WorldPtr world = dart::simulation::World::create("chain");
  world->setGravity(Eigen::Vector3d(0, 0, -chain::kG));
  world->setTimeStep(h);
  world->addSkeleton(skel);

  // the spec's bushing law between A and B, applied at M's origin (forces mode)
  auto apply_bushings = [&] {
    for (int jb = 1; jb < chain::kBodies; ++jb) {
      BodyNode* A = bodies[jb - 1];
      BodyNode* B = bodies[jb];
      const Eigen::Isometry3d& XA = A->getWorldTransform();
      const Eigen::Isometry3d& XB = B->getWorldTransform();
      const Eigen::Matrix3d RA = XA.linear();
      const Eigen::Vector3d xF = XA * Eigen::Vector3d(0, 0, chain::kFrameOffset_m);
      const Eigen::Vector3d xM = XB * Eigen::Vector3d(0, 0, -chain::kFrameOffset_m);
      const Eigen::Vector3d wA = A->getAngularVelocity(), wB = B->getAngularVelocity();
      const Eigen::Vector3d vF = A->getLinearVelocity(Eigen::Vector3d(0, 0, chain::kFrameOffset_m));
      const Eigen::Vector3d vM = B->getLinearVelocity(Eigen::Vector3d(0, 0, -chain::kFrameOffset_m));
      const Eigen::Vector3d p = RA.transpose() * (xM - xF);
      const Eigen::Vector3d pdot = RA.transpose() * (vM - vF - wA.cross(xM - xF));
      const Eigen::Vector3d theta = RotationVector(RA.transpose() * XB.linear());
      const Eigen::Vector3d wrel = RA.transpose() * (wB - wA);
      const Eigen::Vector3d f_W = RA * (-(chain::kKt * p + chain::kCt * pdot));
      const Eigen::Vector3d m_W = RA * (-(args.kr * theta + chain::kCr * wrel));
      // on B at M (B-local offset), opposite on A at the same point (its A-local offset)
      B->addExtForce(f_W, Eigen::Vector3d(0, 0, -chain::kFrameOffset_m), false, true);
      B->addExtTorque(m_W, false);
      A->addExtForce(-f_W, XA.inverse() * xM, false, true);
      A->addExtTorque(-m_W, false);
    }
  };

  BodyNode* top = bodies.back();
  const long long n = std::llround(args.t_end_s / h);
  const long long sample = chain::SampleSteps(h);
  double angle_1s_deg = NAN;
  auto top_twist = [&] {
    return chain::TopTwistDegOf([&](int b) {
      const Eigen::Quaterniond qb(bodies[b]->getWorldTransform().linear());
      return chain::Quat{qb.w(), qb.x(), qb.y(), qb.z()};
    });
  };
  const auto t0 = chain::Clock::now();
  for (long long i = 0; i < n; ++i) {
    double tau[3];
    chain::TopTorque(static_cast<double>(i) * h, args.asymmetric, tau);
    if (!joints) apply_bushings();
    top->addExtTorque(Eigen::Vector3d(tau[0], tau[1], tau[2]), false);  // world frame
    world->step();  // clears the external forces after the step
    if (i + 1 == sample) angle_1s_deg = top_twist();
  }
  const auto t1 = chain::Clock::now();

  chain::Outcome out;
  out.engine = "dart";
  out.integrator = joints ? "ABA+implicit-joint-springs" : "ABA+explicit-bushings";
  out.step = chain::Num(h);
  out.steps = n;
  out.loop_wall_s = chain::Seconds(t0, t1);
  out.t_end_s = args.t_end_s;
  out.asymmetric = args.asymmetric;
  out.kr = args.kr;
  out.angle_1s_deg = angle_1s_deg;
  for (int b = 0; b < chain::kBodies; ++b) {
    const Eigen::Quaterniond q(bodies[b]->getWorldTransform().linear());
    out.q[b] = {q.w(), q.x(), q.y(), q.z()};
  }
  const Eigen::Vector3d p_top = top->getWorldTransform().translation();
  for (int a = 0; a < 3; ++a) out.p_top[a] = p_top[a];
  chain::Print(out);
  return 0;
}

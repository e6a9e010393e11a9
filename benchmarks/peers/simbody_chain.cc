// The bushing-chain reference problem (shared/reference/bushing_chain.md) in Simbody 3.7:
// 24 bodies on free mobilizers (MobilizedBody::Free, 6 DOF each, parent = Ground), the sacrum
// welded to Ground, 24 Force::LinearBushing (θ = body-fixed x-y-z Euler angles of R_FM),
// Force::Gravity, and the ramped torque (plus the optional flexion moment) as a Force::Custom.
//   simbody_chain [--integrator se2|rkm] [--accuracy 1e-3] [--asymmetric] [--t-end 10]
// Default: SemiExplicitEuler2Integrator at accuracy 1e-3 (the spec's configuration).
#include <Simbody.h>

#include <cmath>
#include <exception>
#include <memory>

#include "chain_common.h"

namespace {

using namespace SimTK;

/// τ(t) on the top body, in Ground.
class TopTorqueImpl : public Force::Custom::Implementation {
 public:
  TopTorqueImpl(const MobilizedBody& top, bool asymmetric) : top_(top), asymmetric_(asymmetric) {}
  void calcForce(const State& state, Vector_<SpatialVec>& body_forces, Vector_<Vec3>&, Vector&) const override {
    double t[3];
    chain::TopTorque(state.getTime(), asymmetric_, t);
    top_.applyBodyTorque(state, Vec3(t[0], t[1], t[2]), body_forces);
  }
  Real calcPotentialEnergy(const State&) const override { return 0; }

 private:
  MobilizedBody top_;
  bool asymmetric_;
};

}  // namespace

int main(int argc, char** argv) {
  const chain::Args args = chain::ParseArgs(argc, argv);
  const std::string which = args.integrator.empty() ? "se2" : args.integrator;
  const double accuracy = args.accuracy > 0 ? args.accuracy : (which == "rkm" ? 1e-4 : 1e-3);

  MultibodySystem system;
  SimbodyMatterSubsystem matter(system);
  GeneralForceSubsystem forces(system);
  Force::Gravity gravity(forces, matter, Vec3(0, 0, -chain::kG));

  const Body::Rigid box(MassProperties(chain::kMass_kg, Vec3(0), Inertia(chain::kIxx, chain::kIyy, chain::kIzz)));
  std::vector<MobilizedBody> bodies;
  bodies.push_back(MobilizedBody::Weld(matter.Ground(), Transform(Vec3(0, 0, 0)), box, Transform()));
  for (int i = 1; i < chain::kBodies; ++i) {
    // q = 0 is the initial pose: the inboard frame sits where the body starts
    bodies.push_back(MobilizedBody::Free(matter.Ground(), Transform(Vec3(0, 0, chain::kSpacing_m * i)), box, Transform()));
  }
  const Vec6 k(args.kr, args.kr, args.kr, chain::kKt, chain::kKt, chain::kKt);
  const Vec6 c(chain::kCr, chain::kCr, chain::kCr, chain::kCt, chain::kCt, chain::kCt);
  for (int j = 1; j < chain::kBodies; ++j) {
    Force::LinearBushing(forces, bodies[j - 1], Transform(Vec3(0, 0, chain::kFrameOffset_m)), bodies[j],
                         Transform(Vec3(0, 0, -chain::kFrameOffset_m)), k, c);
  }
  Force::Custom(forces, new TopTorqueImpl(bodies.back(), args.asymmetric));

  State state = system.realizeTopology();
  system.realize(state, Stage::Position);

  std::unique_ptr<Integrator> integ;
  std::string name;
  if (which == "rkm") {
    integ.reset(new RungeKuttaMersonIntegrator(system));
    name = "RungeKuttaMerson";
  } else if (which == "se2") {
    integ.reset(new SemiExplicitEuler2Integrator(system));
    name = "SemiExplicitEuler2";
  } else {
    std::fprintf(stderr, "unknown --integrator %s (se2 | rkm)\n", which.c_str());
    return 2;
  }
  integ->setAccuracy(accuracy);
  integ->setFinalTime(args.t_end_s);
  TimeStepper ts(system, *integ);
  ts.initialize(state);

  std::string status = "ok";
  const auto t0 = chain::Clock::now();
  double angle_1s_deg = NAN;
  auto top_twist = [&](const State& st) {
    return chain::TopTwistDegOf([&](int b) {
      const Quaternion qb = bodies[b].getBodyTransform(st).R().convertRotationToQuaternion();
      return chain::Quat{qb[0], qb[1], qb[2], qb[3]};
    });
  };
  try {
    if (args.t_end_s >= chain::kSampleT_s) {
      ts.stepTo(chain::kSampleT_s);
      angle_1s_deg = top_twist(integ->getState());
    }
    ts.stepTo(args.t_end_s);
  } catch (const std::exception& e) {
    status = "gave_up@t=" + chain::Num(integ->getTime());
    std::fprintf(stderr, "simbody: %s\n", e.what());
  }
  const auto t1 = chain::Clock::now();
  if (status == "ok" && integ->getTime() < args.t_end_s - 1e-9) status = "gave_up@t=" + chain::Num(integ->getTime());

  const State& s = integ->getState();
  chain::Outcome out;
  out.engine = "simbody";
  out.integrator = name;
  out.step = "accuracy:" + chain::Num(accuracy);
  out.steps = integ->getNumStepsTaken();
  out.loop_wall_s = chain::Seconds(t0, t1);
  out.t_end_s = args.t_end_s;
  out.asymmetric = args.asymmetric;
  out.kr = args.kr;
  out.status = status;
  out.angle_1s_deg = angle_1s_deg;
  for (int b = 0; b < chain::kBodies; ++b) {
    const Transform X = bodies[b].getBodyTransform(s);
    const Quaternion q = X.R().convertRotationToQuaternion();
    out.q[b] = {q[0], q[1], q[2], q[3]};
    if (b == chain::kBodies - 1)
      for (int a = 0; a < 3; ++a) out.p_top[a] = X.p()[a];
  }
  chain::Print(out);
  std::fprintf(stderr, "simbody: %d steps taken, %d attempted, %d realizations\n", integ->getNumStepsTaken(),
               integ->getNumStepsAttempted(), integ->getNumRealizations());
  return 0;
}

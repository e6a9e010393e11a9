// The bushing-chain reference problem (shared/reference/bushing_chain.md) with spinelab's own
// step: linearly implicit Euler over the bushings' forces and tangents (docs/integration.md).
// The scene is the project's canonical one (sim/scenes.h: MakeBushingChain,
// ApplyBushingChainLoad), so this is exactly what BM_StepBushingChain and the analytic test run.
//   spinelab_chain [--dt 0.001 | 0.002] [--asymmetric] [--t-end 10]
#include <cmath>
#include <memory>

#include "chain_common.h"
#include "spinelab/lab/scenes.h"
#include "spinelab/sim/world.h"

int main(int argc, char** argv) {
  using namespace spinelab::sim;
  const chain::Args args = chain::ParseArgs(argc, argv);
  const double h = args.dt_s > 0 ? args.dt_s : 1e-3;
  const double flexion_Nm = args.asymmetric ? 1.0 : 0.0;

  auto model = std::make_shared<const Model>(Model::Compile(MakeBushingChain(args.kr)).value());
  SimOptions o;
  o.dt_s = h;
  World w = World::Create(model, o).value();

  const long long n = std::llround(args.t_end_s / h);
  uint32_t status = kStepOk;
  long long i = 0;
  const long long sample = chain::SampleSteps(h);
  double angle_1s_deg = NAN;
  auto top_twist = [&] {
    return chain::TopTwistDegOf([&](int b) {
      const auto& qb = w.state().bodies[b].q_WB;
      return chain::Quat{qb.w(), qb.x(), qb.y(), qb.z()};
    });
  };
  const auto t0 = chain::Clock::now();
  for (; i < n; ++i) {
    ApplyBushingChainLoad(&w, w.state().time_s, flexion_Nm);
    status = w.Step();
    if (status != kStepOk) break;
    if (i + 1 == sample) angle_1s_deg = top_twist();
  }
  const auto t1 = chain::Clock::now();

  chain::Outcome out;
  out.engine = "spinelab";
  out.integrator = "linearly-implicit-Euler";
  out.step = chain::Num(h);
  out.steps = i + (status == kStepOk ? 0 : 1);
  out.loop_wall_s = chain::Seconds(t0, t1);
  out.t_end_s = args.t_end_s;
  out.asymmetric = args.asymmetric;
  out.kr = args.kr;
  out.angle_1s_deg = angle_1s_deg;
  const auto& bodies = w.state().bodies;
  for (int b = 0; b < chain::kBodies; ++b) out.q[b] = {bodies[b].q_WB.w(), bodies[b].q_WB.x(), bodies[b].q_WB.y(), bodies[b].q_WB.z()};
  for (int k = 0; k < 3; ++k) out.p_top[k] = bodies.back().p_WB[k];
  if (status != kStepOk) {
    std::string text = StepStatusText(status);
    for (char& c : text) if (c == ' ') c = '_';
    out.status = "gave_up@t=" + chain::Num(w.state().time_s) + ":" + text;
  }
  chain::Print(out);
  return 0;
}

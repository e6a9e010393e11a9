// Step benchmarks (STYLE.md §13): warm up to a typical state, save it, then restore and run n
// steps per batch. Each run ends in the same state, whose hash is checked, so "fast but wrong"
// (or non-deterministic) fails instead of reporting a number.
#include <benchmark/benchmark.h>

#include <memory>

#include "spinelab/lab/scenes.h"
#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {
namespace {

constexpr int kStepsPerRun = 100;

void RunBatches(benchmark::State& st, World& w, const std::function<void(World&, int)>& load) {
  const State start = w.SaveState();
  uint64_t expected = 0;
  bool first = true;
  for (auto _ : st) {
    st.PauseTiming();
    w.RestoreState(start);
    st.ResumeTiming();
    for (int i = 0; i < kStepsPerRun; ++i) {
      load(w, i);
      if (w.Step() != kStepOk) {
        st.SkipWithError("step failed");
        return;
      }
    }
    st.PauseTiming();
    const uint64_t h = w.HashState();
    if (first) expected = h;
    first = false;
    if (h != expected) st.SkipWithError("final state differs between identical runs");
    st.ResumeTiming();
  }
  st.SetItemsProcessed(st.iterations() * kStepsPerRun);
  st.counters["real_time_factor"] = benchmark::Counter(
      static_cast<double>(st.iterations()) * kStepsPerRun * w.options().dt_s, benchmark::Counter::kIsRate);
}

// steps a settled standing spine under a twist on T1 ramping to 3 N·m, as a seated twist would
void StepTwistedStanding(benchmark::State& st, const std::shared_ptr<const Model>& model) {
  SimOptions o;
  o.dt_s = 1e-3;
  World w = World::Create(model, o).value();
  for (int i = 0; i < 500; ++i) w.Step();  // settled standing posture
  RunBatches(st, w, [](World& world, int i) {
    AppliedLoad l;
    l.torque_Nm = Vec3(0, 0, 3.0 * std::min(1.0, i / 50.0));
    world.SetAppliedLoad(8, l);
  });
}

void BM_StepWholeSpine(benchmark::State& st) {
  auto params = LoadSpineParams(DefaultSpineModelPath());
  auto model = std::make_shared<const Model>(Model::Compile(BuildSpineModel(params.value(), Subject{}).value()).value());
  StepTwistedStanding(st, model);
}
BENCHMARK(BM_StepWholeSpine)->Unit(benchmark::kMicrosecond);

// the same with the rib cage as bodies (docs/ribcage.md): 26 + 25 bodies, 94 synovial joints;
// counters: µs per step and per body against the spine alone
void BM_StepWholeSpineRibCage(benchmark::State& st) {
  auto params = LoadSpineParams(DefaultSpineModelPath());
  SpineBuildOptions bo;
  bo.rib_cage_bodies = std::make_shared<const RibCageParams>(LoadRibCageParams(DefaultRibCageModelPath(), params.value()).value());
  auto model = std::make_shared<const Model>(Model::Compile(BuildSpineModel(params.value(), Subject{}, bo).value()).value());
  StepTwistedStanding(st, model);
  st.counters["bodies"] = static_cast<double>(model->num_bodies());
}
BENCHMARK(BM_StepWholeSpineRibCage)->Unit(benchmark::kMicrosecond);

void BM_StepBushingChain(benchmark::State& st) {
  auto model = std::make_shared<const Model>(Model::Compile(MakeBushingChain()).value());
  SimOptions o;
  o.dt_s = 1e-3;
  World w = World::Create(model, o).value();
  for (int i = 0; i < 500; ++i) {
    ApplyBushingChainLoad(&w, w.state().time_s);
    w.Step();
  }
  RunBatches(st, w, [](World& world, int) { ApplyBushingChainLoad(&world, world.state().time_s); });
}
BENCHMARK(BM_StepBushingChain)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace spinelab::sim

namespace spinelab::sim {
namespace {

// the violent twist on the whole spine, with cavitation (arg 1) and without (arg 0); the
// issue's budget: cracking must cost at most 1.5x the same run without cavitation
void BM_TwistThrust(benchmark::State& st) {
  const bool cavitation = st.range(0) != 0;
  auto model = std::make_shared<const Model>(
      Model::Compile(BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value()).value());
  SimOptions o;
  o.synovial.cavitation = cavitation;
  World w = World::Create(model, o).value();
  for (int i = 0; i < static_cast<int>(kTwistSettle_s / o.dt_s); ++i) w.Step();
  const State start = w.SaveState();
  constexpr int kSteps = 700;
  int cracks = 0;
  for (auto _ : st) {
    st.PauseTiming();
    w.RestoreState(start);
    cracks = 0;
    st.ResumeTiming();
    for (int i = 0; i < kSteps; ++i) {
      ApplyTwistThrust(&w, i * o.dt_s);
      if (w.Step() != kStepOk) {
        st.SkipWithError("step failed");
        return;
      }
      for (const SynovialJointOutput& f : w.outputs().synovial_joints) cracks += f.cracked;
    }
  }
  st.counters["cracks"] = cracks;
  if (cavitation ? cracks < 3 : cracks != 0) st.SkipWithError("unexpected number of cracks");
  st.SetItemsProcessed(st.iterations() * kSteps);
}
BENCHMARK(BM_TwistThrust)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace spinelab::sim

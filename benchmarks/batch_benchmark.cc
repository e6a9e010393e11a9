// Batch benchmarks: throughput of `spinelab batch` (plan -> runs on 1 or 2 threads -> shards ->
// study file) and the cost of writing one run's shard against the cost of the run. Each checks
// its answer: every run ok, the study lists them all, and every thread count gives the same
// headline results.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "spinelab/batch/batch.h"

namespace spinelab::io {
namespace {

const sim::SpineParams& Params() {
  static const sim::SpineParams p = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  return p;
}

// the whole seated_twist (8 s) over 8 body masses (4 runs per thread at -j 2)
BatchPlan Plan() {
  BatchRequest q;
  q.scenario_files = {std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml"};
  q.sweeps = {"subject.body_mass_kg=60:95:8"};
  return PlanBatch(q).value();
}

std::string TempDir() {
  char tmpl[] = "/tmp/spinelab-bench-batch-XXXXXX";
  return mkdtemp(tmpl);
}

void BM_BatchThroughput(benchmark::State& st) {
  const int threads = static_cast<int>(st.range(0));
  const BatchPlan plan = Plan();
  static std::vector<double> reference;  // headline shear of each run, from the first thread count run
  int runs = 0;
  for (auto _ : st) {
    st.PauseTiming();
    const std::string dir = TempDir();
    auto study = Study::Open(dir + "/study.h5", plan, false, false);
    if (!study) {
      st.SkipWithError(study.ErrorText().c_str());
      return;
    }
    Study& s = study.value();
    std::vector<int> todo = s.Todo();
    size_t next = 0;
    bool ok = true;
    PoolHooks hooks;
    hooks.next = [&] { return next < todo.size() ? todo[next++] : -1; };
    hooks.on_done = [&](const Expected<IndexRow>& row) {
      ok = ok && row && row.value().status == "ok" && s.Record(row.value());
      return ok;
    };
    st.ResumeTiming();
    RunPool(plan, Params(), s.shard_dir(), threads, hooks);
    st.PauseTiming();
    if (!ok || s.done_count() != static_cast<int>(plan.runs.size())) {
      st.SkipWithError("a run failed or was not recorded");
      return;
    }
    std::vector<double> shear;
    for (const auto& r : s.rows()) shear.push_back(r->peak_disc_shear_N);
    if (reference.empty()) reference = shear;
    if (shear != reference) {
      st.SkipWithError("thread counts disagree on the results");
      return;
    }
    std::system(("rm -rf " + dir).c_str());
    runs += static_cast<int>(plan.runs.size());
    st.ResumeTiming();
  }
  st.counters["runs_per_s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BatchThroughput)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

// one run (seated_twist, 8 s) and writing its shard: the run's time is reported as a counter so
// the write's share of a batch run is read off one line
void BM_WriteShard(benchmark::State& st) {
  BatchRequest q;
  q.scenario_files = {std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml"};
  const BatchPlan plan = PlanBatch(q).value();
  const RunRecord rec = ExecuteRun(plan, 0, Params());
  if (rec.row.status != "ok") {
    st.SkipWithError("run failed");
    return;
  }
  const std::string dir = TempDir();
  for (auto _ : st) {
    auto row = WriteShard(dir, plan, rec);
    if (!row) {
      st.SkipWithError(row.ErrorText().c_str());
      return;
    }
  }
  auto back = ReadShardRow(dir, plan, 0);
  if (!back || back.value().peak_disc_shear_N != rec.row.peak_disc_shear_N) st.SkipWithError("the shard does not read back");
  st.counters["run_wall_s"] = rec.result->wall_time_s;
  std::system(("rm -rf " + dir).c_str());
}
BENCHMARK(BM_WriteShard)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace spinelab::io

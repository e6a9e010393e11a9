// Micro-benchmarks of each force element (force + tangent into the assembly).
#include <benchmark/benchmark.h>

#include "forces/bushing.h"
#include "forces/articular.h"
#include "forces/ligament.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::internal {
namespace {

struct Fixture {
  sim::ModelDesc spine = sim::BuildSpineModel(sim::LoadSpineParams(sim::DefaultSpineModelPath()).value(), sim::Subject{}).value();
  BodyKin a, b;
  Fixture() {
    const auto& L = spine.joints[spine.FindJoint("L4-L5")];
    a.p_WB = spine.bodies[L.lower].X_WB.p;
    a.R_WB = spine.bodies[L.lower].X_WB.R;
    a.free_index = 0;
    // upper body flexed 5 deg and pushed 0.3 mm down: every element active
    b.R_WB = RotY(5 * kDegToRad) * spine.bodies[L.upper].X_WB.R;
    b.p_WB = spine.bodies[L.upper].X_WB.p + Vec3(0.002, 0, -0.0003);
    b.w_WB = Vec3(0, 0.3, 0);
    b.free_index = 1;
  }
};

template <typename Fn>
void Run(benchmark::State& st, Fn fn) {
  ForceAssembly asmb;
  double sink = 0;
  for (auto _ : st) {
    asmb.Reset(2, true, 1e-3);
    fn(&asmb);
    sink += asmb.force(1)[0];
  }
  benchmark::DoNotOptimize(sink);
  if (!std::isfinite(sink)) st.SkipWithError("non-finite force");
  st.SetItemsProcessed(st.iterations());
}

void BM_Bushing(benchmark::State& st) {
  Fixture f;
  const auto& e = f.spine.bushings[f.spine.joints[f.spine.FindJoint("L4-L5")].bushing];
  sim::BushingOutput out;
  Run(st, [&](ForceAssembly* a) { AddBushingForces(e, f.a, f.b, a, &out); });
  if (out.moment_Nm.norm() <= 0) st.SkipWithError("disc should be loaded");
}
BENCHMARK(BM_Bushing);

void BM_Ligament(benchmark::State& st) {
  Fixture f;
  sim::LigamentDesc e;
  for (const auto& l : f.spine.ligaments)
    if (l.name == "SSL L4-L5") e = l;
  sim::LigamentOutput out;
  Run(st, [&](ForceAssembly* a) { AddLigamentForces(e, 0.0, f.a, f.b, a, &out); });
  if (out.force_N <= 0) st.SkipWithError("supraspinous ligament should be taut in flexion");
}
BENCHMARK(BM_Ligament);

void BM_ArticularContact(benchmark::State& st) {
  Fixture f;
  const auto& e = f.spine.synovial_joints[f.spine.joints[f.spine.FindJoint("L4-L5")].synovial[0]];
  sim::SynovialJointOutput out;
  Run(st, [&](ForceAssembly* a) { AddArticularForces(e, f.a, f.b, a, &out); });
  if (!std::isfinite(out.gap_m)) st.SkipWithError("bad gap");
}
BENCHMARK(BM_ArticularContact);

}  // namespace
}  // namespace spinelab::internal

// Non-finite anywhere stops the run as failed and says where it came from: a NaN parameter in a
// model file is refused at load with its key and line; a force law that overflows fails the step
// naming the element type and the bodies; an overflowing load fails the scenario run naming its
// body and loads; the run keeps its record up to there, marked failed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "forces/element_type.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {
namespace {

// F = −k·x̂·exp(|x| / x0): overflows to inf once |x| > ~700 x0 (a law pushed past its range)
class ExpSpring final : public ElementType {
 public:
  const char* name() const override { return "exp spring"; }
  void AddForces(internal::ElementContext& ctx, internal::ForceAssembly* a) const override {
    const internal::BodyKin& b = ctx.Kin(0);
    if (!a || b.p_WB.norm() == 0) return;
    a->AddForce(b.free_index, Vec3::Zero(), -1e-3 * b.p_WB.normalized() * std::exp(b.p_WB.norm() / 1e-5));
  }
};

World OneBody(double x0_m, bool with_spring) {
  ModelDesc d;
  BodyDesc b;
  b.name = "mass";
  b.mass_kg = 1;
  b.inertia_kgm2 = Vec3(1e-3, 1e-3, 1e-3);
  b.X_WB.p = Vec3(0, 0, x0_m);
  d.bodies.push_back(b);
  if (with_spring) d.extra_element_types.push_back(std::make_shared<ExpSpring>());
  SimOptions o;
  o.gravity_W = Vec3::Zero();
  return World::Create(std::make_shared<const Model>(Model::Compile(d).value()), o).value();
}

TEST(NonFinite, AnOverflowingForceLawNamesItsElementTypeAndBody) {
  World near = OneBody(1e-4, true);  // exp(10): finite
  EXPECT_EQ(near.Step(), kStepOk);
  EXPECT_TRUE(near.failure_detail().empty());
  World far = OneBody(0.01, true);   // exp(1000): inf
  const uint32_t st = far.Step();
  EXPECT_EQ(st, kStepNonFiniteForce) << StepStatusText(st);
  EXPECT_EQ(far.failure_detail(), "the exp spring elements on body 'mass' (check their parameters in the model)");
  EXPECT_EQ(far.state().step_index, 0);  // not advanced
}

// the engine refuses a non-finite load outright (the runner checks its sums before)
TEST(NonFinite, ANonFiniteAppliedLoadIsRefused) {
  World w = OneBody(0, false);
  AppliedLoad L;
  L.torque_Nm = Vec3(0, std::numeric_limits<double>::quiet_NaN(), 0);
  EXPECT_THROW(w.SetAppliedLoad(0, L), std::invalid_argument);
  EXPECT_EQ(w.Step(), kStepOk);
}

TEST(NonFinite, ANanParameterInAModelFileIsRefusedWithItsKeyAndLine) {
  std::ifstream in(DefaultSpineModelPath());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string key = "sacral_slope_deg = { value = 40.0";
  const size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, key.size(), "sacral_slope_deg = { value = nan");
  const int line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 1;
  auto p = LoadSpineParamsText(text, "nan_model.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("nan_model.toml:" + std::to_string(line)), std::string::npos) << p.ErrorText();
  EXPECT_NE(p.ErrorText().find("sacral_slope_deg"), std::string::npos) << p.ErrorText();
  EXPECT_NE(p.ErrorText().find("nan"), std::string::npos) << p.ErrorText();
}

// a scenario run whose load overflows stops as failed (no exception out of Step), says which
// body's load, and keeps the record up to then (the CLI writes it, batch goes on: a failed run is data)
TEST(NonFinite, AScenarioRunStopsAsFailedAndKeepsItsRecord) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml",
                         {"run.settle_s=0", "run.duration_s=0.5"});
  ASSERT_TRUE(sc.ok()) << sc.ErrorText();
  auto runner = ScenarioRunner::Create(sc.value(), LoadSpineParams(DefaultSpineModelPath()).value());
  ASSERT_TRUE(runner.ok()) << runner.ErrorText();
  ScenarioRunner& r = runner.value();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(r.Step());
  const BodyId t1 = r.model().FindBody("T1");
  const double t_fail = r.world().state().time_s;
  r.SetExtraLoad(t1, Vec3(0, 0, std::numeric_limits<double>::infinity()), Vec3::Zero());
  EXPECT_FALSE(r.Step());
  EXPECT_TRUE(r.done() || !r.Step());
  const ScenarioResult res = r.Finish();
  EXPECT_EQ(res.status, "failed");
  EXPECT_NE(res.error.find("non-finite load at t = " + FormatNumber(t_fail) + " s on body 'T1' (force_N [0, 0, inf]"), std::string::npos)
      << res.error;
  EXPECT_NE(res.error.find("from the extra (interactive) load"), std::string::npos) << res.error;
  ASSERT_GE(res.time_s.size(), 10u);  // the record up to the failure
  EXPECT_LE(res.time_s.back(), t_fail);
  for (double x : res.body_position_m) ASSERT_TRUE(std::isfinite(x));
}

}  // namespace
}  // namespace spinelab::sim

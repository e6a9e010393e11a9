#pragma once
// A shipped scenario file run to its summary, for the scenario tests (technique_test,
// adaptive_test): scenarios/NAME.toml with --set overrides, on the default spine model.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {

struct TechniqueRun {
  Scenario scenario;
  ScenarioResult result;
  ScenarioSummary summary;
};

inline TechniqueRun RunFile(const std::string& name, const std::vector<std::string>& overrides = {}) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", overrides);
  EXPECT_TRUE(sc.ok()) << name << ": " << sc.ErrorText();
  auto r = RunScenario(sc.value(), LoadSpineParams(DefaultSpineModelPath()).value());
  EXPECT_TRUE(r.ok()) << name << ": " << r.ErrorText();
  EXPECT_EQ(r.value().status, "ok") << name << ": " << r.value().error;
  TechniqueRun out{sc.value(), r.value(), {}};
  out.summary = Summarize(out.scenario, out.result);
  return out;
}

}  // namespace spinelab::sim

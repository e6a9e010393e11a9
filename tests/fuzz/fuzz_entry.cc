// The fuzzers' entry points (fuzz_entry.h).
#include "fuzz_entry.h"

#include <string>
#include <vector>

#include "spinelab/anatomy/spine.h"
#include "spinelab/io/h5.h"
#include "spinelab/io/results.h"
#include "spinelab/scenario/scenario.h"

namespace spinelab::fuzz {

namespace {
// the model the scenarios are checked against, loaded once
const sim::SpineParams& DefaultParams() {
  static const sim::SpineParams params = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  return params;
}
}  // namespace

int Scenario(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const size_t nul = bytes.find('\0');
  const std::string text = bytes.substr(0, nul);
  std::vector<std::string> overrides;
  for (size_t at = nul; at != std::string::npos && at < bytes.size();) {
    const size_t next = bytes.find('\0', at + 1);
    overrides.push_back(bytes.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1));
    at = next;
  }
  auto s = sim::LoadScenarioText(text, "fuzz.toml", overrides);
  if (s) (void)sim::Validate(s.value(), DefaultParams());
  else (void)s.ErrorText();
  return 0;
}

int Model(const uint8_t* data, size_t size) {
  auto p = sim::LoadSpineParamsText(std::string(reinterpret_cast<const char*>(data), size), "fuzz_model.toml");
  if (!p) {
    (void)p.ErrorText();
    return 0;
  }
  auto d = sim::BuildSpineModel(p.value(), sim::Subject{});
  if (d) (void)sim::Model::Compile(std::move(d).value());
  return 0;
}

int RunFile(const uint8_t* data, size_t size) {
  auto f = io::OpenFileImage(data, size);
  if (!f) return 0;
  const std::vector<std::string> runs = io::ListGroups(f.value(), "runs");
  for (size_t i = 0; i < runs.size() && i < 4; ++i) {
    auto r = io::ReadRun(f.value(), "fuzz.h5", runs[i]);
    if (!r) {
      (void)r.ErrorText();
      continue;
    }
    (void)io::StoredScenario(r.value());
    (void)io::StoredModel(r.value());
  }
  return 0;
}

}  // namespace spinelab::fuzz

// Every key of docs/scenarios.md with a bad value: the message names the file and line, the key,
// the value and what is allowed. The list of keys is read from the docs, so a key documented
// without a bad-value row here fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {
namespace {

// a valid scenario with every table the keys live in ([protocol]: kProtocolBase)
const char* kBase = R"(schema_version = 1
[scenario]
title = "base"
[subject]
[posture]
[run]
duration_s = 1
[[load]]
body = "T1"
force_N = [0, 0, 1]
[[object]]
kind = "box"
size_mm = [100, 100, 100]
touch = "T1"
[[motion]]
rotation_deg = [0, 0, 1]
)";
// the same with the load a drive (its keys' rows)
const char* kDriveBase = R"(schema_version = 1
[scenario]
title = "base"
[subject]
[posture]
[run]
duration_s = 1
[[load]]
body = "T2"
target_rotation_deg = [0, 0, 45]
max_torque_Nm = 70
)";
bool IsDriveKey(const std::string& key) {
  for (const char* k : {"load.0.target_rotation_deg", "load.0.reference_body", "load.0.max_torque_Nm", "load.0.effort_fraction",
                        "load.0.drive_stiffness_Nm_per_deg", "load.0.drive_damping_Nms_per_deg"})
    if (key == k) return true;
  return false;
}
const char* kProtocolBase = R"(schema_version = 1
[scenario]
title = "base"
[run]
duration_s = 1
[[load]]
body = "T1"
force_N = [0, 0, 1]
[protocol]
days = 1
per_day = 1
)";

struct Row {
  const char* key;      // as documented (N = 0 here)
  const char* line;     // the bad line, in the key's table
  const char* value;    // how the message shows the value
  const char* allowed;  // what the message says is allowed
};

// (docs/scenarios.md order)
const Row kRows[] = {
    {"schema_version", "schema_version = 2", "value 2", "allowed: [1, 1]"},
    {"scenario.title", "title = 5", "value 5", "allowed: text in quotes"},
    {"scenario.article", "article = 5", "value 5", "allowed: text in quotes"},
    {"scenario.technique", "technique = true", "value true", "allowed: text in quotes"},
    {"scenario.notice", "notice = 1.5", "value 1.5", "allowed: text in quotes"},
    {"scenario.pops_reported", "pops_reported = 2", "value 2", "allowed: text in quotes"},
    {"subject.body_mass_kg", "body_mass_kg = 500", "value 500", "allowed: [30, 200] kg"},
    {"subject.height_m", "height_m = \"tall\"", "value 'tall'", "allowed: [1.2, 2.2] m"},
    {"subject.bone_density_t_score", "bone_density_t_score = -7", "value -7", "allowed: [-6, 4]"},
    {"subject.ligament_laxity", "ligament_laxity = 0.5", "value 0.5", "allowed: [0, 0.3]"},
    {"subject.tissue", "tissue = \"hot\"", "value 'hot'", "allowed: cold, warm"},
    {"posture.kind", "kind = \"sitting\"", "value 'sitting'", "allowed: hanging, kneeling, prone"},
    {"posture.lying_side", "lying_side = \"up\"", "value 'up'", "allowed: left, right"},
    {"posture.limbs", "limbs = \"arms\"", "value 'arms'", "allowed: bodies, lumped, model"},
    {"posture.trunk_tilt_deg", "trunk_tilt_deg = 100", "value 100", "allowed: [-90, 90] deg"},
    {"posture.pelvis", "pelvis = \"loose\"", "value 'loose'", "allowed: fixed, free, supported"},
    {"posture.muscle_tone", "muscle_tone = -1", "value -1", "allowed: [0, 5]"},
    {"posture.neck_muscle_tone", "neck_muscle_tone = 6", "value 6", "allowed: [0, 5]"},
    {"posture.feet_off_s", "feet_off_s = -1", "value -1", "allowed: [0, 3600] s"},
    {"run.duration_s", "duration_s = 0", "value 0", "allowed: [0.01, 3600] s"},
    {"run.dt_s", "dt_s = 0.1", "value 0.1", "allowed: [1e-05, 0.005] s"},
    {"run.settle_s", "settle_s = 100", "value 100", "allowed: [0, 60] s"},
    {"run.output_rate_Hz", "output_rate_Hz = 0", "value 0", "allowed: [1, 10000] Hz"},
    {"run.step", "step = \"variable\"", "value 'variable'", "allowed: adaptive, fixed"},
    {"run.tolerance_mm", "tolerance_mm = 1", "value 1", "allowed: [1e-06, 0.1] mm"},
    {"run.min_step_s", "min_step_s = 0.01", "value 0.01", "allowed: [1e-05, 0.005] s"},
    {"run.max_step_s", "max_step_s = 0.05", "value 0.05", "allowed: [0.0001, 0.02] s"},
    {"run.seed", "seed = -1", "value -1", "allowed: [0, 4.29497e+09]"},
    {"run.seed", "seed = 2.5", "value 2.5", "is not a whole number; allowed: a whole number in [0, 4.29497e+09]"},
    {"load.0.name", "name = 3", "value 3", "allowed: text in quotes"},
    {"load.0.body", "body = \"T13\"", "value 'T13'", "allowed: head, C1, C2"},
    {"load.0.force_N", "force_N = [0, 0, 2e4]", "value 20000", "allowed: a number with |value| <= 10000 N"},
    {"load.0.torque_Nm", "torque_Nm = [0, 0]", "value [ 0, 0 ]", "allowed: [x, y, z] with |x| <= 1000"},
    {"load.0.point_mm", "point_mm = [0, 600, 0]", "value 600", "allowed: a number with |value| <= 500 mm"},
    {"load.0.frame", "frame = \"local\"", "value 'local'", "allowed: body, world"},
    {"load.0.target_rotation_deg", "target_rotation_deg = [0, 0, 200]", "value 200", "allowed: a number with |value| <= 180 deg"},
    {"load.0.reference_body", "reference_body = \"T5\"", "value 'T5'", "allowed: \"sacrum\" with posture.pelvis = \"fixed\""},
    {"load.0.max_torque_Nm", "max_torque_Nm = 0", "value 0", "allowed: (0, 1000] N·m"},
    {"load.0.effort_fraction", "effort_fraction = 0", "value 0", "allowed: (0, 1] [-]"},
    {"load.0.drive_stiffness_Nm_per_deg", "drive_stiffness_Nm_per_deg = 0", "value 0", "allowed: [0.1, 1000] N·m/deg"},
    {"load.0.drive_damping_Nms_per_deg", "drive_damping_Nms_per_deg = -1", "value -1", "allowed: [0, 100] N·m·s/deg"},
    {"load.0.profile", "profile = \"square\"", "value 'square'", "allowed: constant, oscillation"},
    {"load.0.start_s", "start_s = -1", "value -1", "allowed: [0, 3600] s"},
    {"load.0.ramp_s", "ramp_s = -1", "value -1", "allowed: [0, 3600] s"},
    {"load.0.hold_s", "hold_s = 4000", "value 4000", "allowed: [0, 3600] s"},
    {"load.0.release_s", "release_s = \"x\"", "value 'x'", "allowed: [0, 3600] s"},
    {"load.0.preload_fraction", "preload_fraction = 2", "value 2", "allowed: [0, 1]"},
    {"load.0.dip_fraction", "dip_fraction = 1.5", "value 1.5", "allowed: [0, 1] [-] (of the preload)"},
    {"load.0.dip_s", "dip_s = 0.2", "value 0.2", "allowed: 0 to hold_s"},
    {"load.0.thrust_s", "thrust_s = 0.001", "value 0.001", "allowed: [0.005, 10] s"},
    {"load.0.frequency_Hz", "frequency_Hz = 0", "value 0", "allowed: [0.01, 100] Hz"},
    {"load.0.repetitions", "repetitions = 0", "value 0", "allowed: [1, 100000]"},
    {"load.0.repetitions", "repetitions = 1.5", "value 1.5", "is not a whole number; allowed: a whole number in [1, 100000]"},
    {"load.0.phase", "phase = \"sometimes\"", "value 'sometimes'", "allowed: always, attempt, between"},
    {"object.0.name", "name = 1", "value 1", "allowed: text in quotes"},
    {"object.0.kind", "kind = \"sphere\"", "value 'sphere'", "allowed: box, cylinder, floor, pad"},
    {"object.0.touch", "touch = \"T99\"", "value 'T99'", "allowed: head, C1, C2"},
    {"object.0.side", "side = [0, 0, 0]", "value [ 0, 0, 0 ]", "allowed: a non-zero direction"},
    {"object.0.side_frame", "side_frame = \"local\"", "value 'local'", "allowed: body, world"},
    {"object.0.offset_mm", "offset_mm = [400, 0, 0]", "value 400", "allowed: a number with |value| <= 300 mm"},
    {"object.0.position_mm", "position_mm = [0, 0, 6000]", "value 6000", "allowed: a number with |value| <= 5000 mm"},
    {"object.0.under", "under = \"nothing\"", "value 'nothing'", "allowed: (none)"},
    {"object.0.size_mm", "size_mm = [100, 100, 6000]", "value 6000", "allowed: a number with |value| <= 5000 mm"},
    {"object.0.radius_mm", "radius_mm = 1", "value 1", "allowed: [5, 1000] mm"},
    {"object.0.length_mm", "length_mm = 1", "value 1", "allowed: [10, 5000] mm"},
    {"object.0.axis", "axis = \"z\"", "value 'z'", "allowed: x, y"},
    {"object.0.friction", "friction = 3", "value 3", "allowed: [0, 2]"},
    {"object.0.force_N", "force_N = -1", "value -1", "allowed: [0, 5000] N"},
    {"object.0.mass_kg", "mass_kg = 100", "value 100", "allowed: [0.05, 20] kg"},
    {"object.0.profile", "profile = 2", "value 2", "allowed: constant, oscillation"},
    {"object.0.start_s", "start_s = -2", "value -2", "allowed: [0, 3600] s"},
    {"object.0.ramp_s", "ramp_s = -1", "value -1", "allowed: [0, 3600] s"},
    {"object.0.hold_s", "hold_s = 4000", "value 4000", "allowed: [0, 3600] s"},
    {"object.0.release_s", "release_s = \"x\"", "value 'x'", "allowed: [0, 3600] s"},
    {"object.0.preload_fraction", "preload_fraction = -0.5", "value -0.5", "allowed: [0, 1]"},
    {"object.0.dip_fraction", "dip_fraction = 2", "value 2", "allowed: [0, 1] [-] (of the preload)"},
    {"object.0.dip_s", "dip_s = 0.3", "value 0.3", "allowed: 0 to hold_s"},
    {"object.0.thrust_s", "thrust_s = 20", "value 20", "allowed: [0.005, 10] s"},
    {"object.0.frequency_Hz", "frequency_Hz = 200", "value 200", "allowed: [0.01, 100] Hz"},
    {"object.0.repetitions", "repetitions = 200000", "value 200000", "allowed: [1, 100000]"},
    {"motion.0.body", "body = \"T1\"", "value 'T1'", "allowed: sacrum"},
    {"motion.0.rotation_deg", "rotation_deg = [0, 0, 200]", "value 200", "allowed: a number with |value| <= 180 deg"},
    {"motion.0.translation_mm", "translation_mm = [0, 0, 2000]", "value 2000", "allowed: a number with |value| <= 1000 mm"},
    {"motion.0.profile", "profile = \"wave\"", "value 'wave'", "allowed: constant, oscillation"},
    {"motion.0.start_s", "start_s = -3", "value -3", "allowed: [0, 3600] s"},
    {"motion.0.ramp_s", "ramp_s = 5000", "value 5000", "allowed: [0, 3600] s"},
    {"motion.0.hold_s", "hold_s = -2", "value -2", "allowed: [0, 3600] s"},
    {"motion.0.release_s", "release_s = -0.5", "value -0.5", "allowed: [0, 3600] s"},
    {"motion.0.preload_fraction", "preload_fraction = 3", "value 3", "allowed: [0, 1]"},
    {"motion.0.dip_fraction", "dip_fraction = -1", "value -1", "allowed: [0, 1] [-] (of the preload)"},
    {"motion.0.dip_s", "dip_s = 0.4", "value 0.4", "allowed: 0 to hold_s"},
    {"motion.0.thrust_s", "thrust_s = 0", "value 0", "allowed: [0.005, 10] s"},
    {"motion.0.frequency_Hz", "frequency_Hz = \"fast\"", "value 'fast'", "allowed: [0.01, 100] Hz"},
    {"motion.0.repetitions", "repetitions = 0", "value 0", "allowed: [1, 100000]"},
    {"protocol.days", "days = 400", "value 400", "allowed: [1, 365] days"},
    {"protocol.duration_h", "duration_h = 9000", "value 9000", "allowed: [0.01, 8760] h"},
    {"protocol.every_days", "every_days = 0", "value 0", "allowed: [1, 365] days"},
    {"protocol.per_day", "per_day = 2000", "value 2000", "allowed: [0, 1000]"},
    {"protocol.per_day", "per_day = 0.5", "value 0.5", "is not a whole number; allowed: a whole number in [0, 1000]"},
    {"protocol.first_at_h", "first_at_h = 25", "value 25", "allowed: [0, 24] h"},
    {"protocol.interval_min", "interval_min = 0", "value 0", "allowed: [0.1, 1440] min"},
    {"protocol.attempt_s", "attempt_s = 100", "value 100", "allowed: [0.05, 60] s"},
    {"protocol.hold_s", "hold_s = -1", "value -1", "allowed: [0, 3600] s"},
    {"protocol.window_s", "window_s = 100", "value 100", "allowed: [0, 60] s"},
    {"protocol.sample_min", "sample_min = 0", "value 0", "allowed: [1, 1440] min"},
    {"protocol.rebalance_min", "rebalance_min = 0", "value 0", "allowed: [1, 600] min"},
    {"protocol.settle_s", "settle_s = 0", "value 0", "allowed: [0.1, 60] s"},
    {"protocol.level", "level = \"L6-S1\"", "value 'L6-S1'", "allowed: C0-C1 .. L5-S1"},
};

// the base text with `line` put into the key's table (replacing the key's line there, if any);
// *at = its 1-based line number
std::string WithLine(const Row& row, int* at) {
  const std::string key = row.key;
  const bool protocol = key.rfind("protocol.", 0) == 0;
  std::vector<std::string> lines;
  std::stringstream in(protocol ? kProtocolBase : IsDriveKey(key) ? kDriveBase : kBase);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  const size_t dot = key.find('.');
  std::string header;
  if (dot != std::string::npos) {
    const std::string table = key.substr(0, dot);
    header = key.find(".0.") != std::string::npos ? "[[" + table + "]]" : "[" + table + "]";
  }
  const std::string name = std::string(row.line).substr(0, std::string(row.line).find(' '));
  size_t i = 0;
  if (!header.empty())
    while (i < lines.size() && lines[i] != header) ++i;
  EXPECT_LT(i, lines.size()) << "no table " << header << " for " << key;
  size_t put = header.empty() ? 0 : i + 1;
  bool replaced = false;
  for (size_t j = put; j < lines.size() && (j == put || lines[j][0] != '['); ++j)
    if (lines[j].rfind(name + " =", 0) == 0) {
      lines[j] = row.line;
      put = j;
      replaced = true;
      break;
    }
  if (!replaced && key == "protocol.duration_h") {  // (exactly one of days and duration_h)
    for (size_t j = put; j < lines.size(); ++j)
      if (lines[j].rfind("days =", 0) == 0) lines[j] = row.line, put = j, replaced = true;
  }
  if (!replaced) lines.insert(lines.begin() + static_cast<long>(put), row.line);
  *at = static_cast<int>(put) + 1;
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// every key of the docs' tables ("load.N.ramp_s", `hold_s` on the same row: load.N.hold_s). A
// row that ends in "..." ("`object.N.profile`, `start_s`, ... | pad: time profile of the push, as
// for loads") stands for every key of the load's time profile: the load rows from
// `load.N.profile` up to `load.N.phase` (which is the load's own), under that row's table.
std::set<std::string> DocumentedKeys() {
  std::ifstream in(std::string(SPINELAB_SOURCE_DIR) + "/docs/scenarios.md");
  std::set<std::string> keys;
  std::vector<std::string> load_keys;      // in docs order
  std::vector<std::string> as_for_loads;   // "object.0", "motion.0"
  const std::regex tick("`([^`]+)`");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::string cell = line.substr(1, line.find('|', 1) - 1);
    std::string prefix;
    for (auto m = std::sregex_iterator(cell.begin(), cell.end(), tick); m != std::sregex_iterator(); ++m) {
      std::string k = (*m)[1];
      if (k.rfind("[[", 0) == 0) break;
      if (prefix.empty() && k.find('.') != std::string::npos) prefix = k.substr(0, k.rfind('.'));
      if (k.find('.') == std::string::npos && !prefix.empty()) k = prefix + "." + k;
      const size_t n = k.find(".N.");
      if (n != std::string::npos) k.replace(n, 3, ".0.");
      keys.insert(k);
      if (k.rfind("load.0.", 0) == 0) load_keys.push_back(k);
    }
    if (cell.find("...") != std::string::npos) {
      EXPECT_FALSE(prefix.empty()) << "a '...' row without a key: " << line;
      if (!prefix.empty()) as_for_loads.push_back(prefix.substr(0, prefix.rfind(".N")) + ".0");  // object.N -> object.0
    }
  }
  const auto from = std::find(load_keys.begin(), load_keys.end(), "load.0.profile");
  const auto to = std::find(load_keys.begin(), load_keys.end(), "load.0.phase");
  EXPECT_TRUE(from != load_keys.end() && to != load_keys.end() && from < to) << "the load's profile rows moved";
  if (from < to)
    for (const std::string& table : as_for_loads)
      for (auto k = from; k != to; ++k) keys.insert(table + k->substr(std::string("load.0").size()));
  return keys;
}

TEST(BadInput, EveryDocumentedKeyHasABadValueRow) {
  const std::set<std::string> documented = DocumentedKeys();
  ASSERT_GT(documented.size(), 60u);
  std::set<std::string> rows;
  for (const Row& r : kRows) rows.insert(r.key);
  for (const std::string& k : documented) EXPECT_TRUE(rows.count(k)) << k << " is documented but has no bad-value row";
  for (const std::string& k : rows) EXPECT_TRUE(documented.count(k)) << k << " has a row but is not in docs/scenarios.md";
}

TEST(BadInput, EveryBadValueIsNamedWithFileLineKeyValueAndWhatIsAllowed) {
  const SpineParams params = LoadSpineParams(DefaultSpineModelPath()).value();
  for (const Row& row : kRows) {
    int line = 0;
    const std::string text = WithLine(row, &line);
    const std::string file = ::testing::TempDir() + "bad_" + row.key + ".toml";
    std::ofstream(file) << text;
    auto s = LoadScenario(file);
    const std::vector<Diagnostic> errors = s ? Validate(s.value(), params) : s.errors();
    ASSERT_FALSE(errors.empty()) << row.key << ": accepted\n" << text;
    const std::string where = file + ":" + std::to_string(line);
    bool found = false;
    for (const Diagnostic& d : errors) {
      const std::string m = d.Format();
      found = found || (d.where == where && d.path.rfind(row.key, 0) == 0 && m.find(row.value) != std::string::npos &&
                        m.find(row.allowed) != std::string::npos);
    }
    EXPECT_TRUE(found) << row.key << ": want " << where << ", '" << row.value << "', '" << row.allowed << "'; got\n"
                       << InputError::Join(errors);
  }
}

// the same value given with --set is reported as such, with the file it applies to
TEST(BadInput, ABadOverrideIsNamedAsTheSetThatGaveIt) {
  const std::string file = ::testing::TempDir() + "bad_override_base.toml";
  std::ofstream(file) << kBase;
  for (const char* kv : {"subject.body_mass_kg=500", "load.0.body=\"T13\"", "object.0.axis=z"}) {
    auto s = LoadScenario(file, {kv});
    const std::vector<Diagnostic> errors =
        s ? Validate(s.value(), LoadSpineParams(DefaultSpineModelPath()).value()) : s.errors();
    ASSERT_FALSE(errors.empty()) << kv;
    EXPECT_NE(errors.front().where.find(std::string("--set ") + kv + " (on " + file + ")"), std::string::npos)
        << InputError::Join(errors);
  }
  // malformed --set: no '=', a path that does not exist
  for (const char* kv : {"subject.body_mass_kg", "load.7.body=\"T1\"", "nosuch.table.key=1"}) {
    auto s = LoadScenario(file, {kv});
    ASSERT_FALSE(s.ok()) << kv;
    EXPECT_NE(s.ErrorText().find("--set"), std::string::npos) << s.ErrorText();
  }
}

}  // namespace
}  // namespace spinelab::sim

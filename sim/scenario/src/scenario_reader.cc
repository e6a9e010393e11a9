// The scenario reader: strict TOML loading (every key known, every value where it was given)
// with --set overrides, and the load profiles. Validation is scenario_validate.cc.
#include "spinelab/scenario/scenario.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "scenario_keys.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {

// [SECTION] profiles

void ScenarioLoad::DriveFactors(double t, double* target, double* effort) const {
  const LoadProfile& P = profile;
  const double f = P.Factor(t);
  const double u = t - P.start_s;
  if (u < 0) {
    *target = 0, *effort = 0;
  } else if (P.kind == LoadProfile::Kind::kRampHoldRelease && u >= P.ramp_s + P.hold_s) {
    *target = 1, *effort = f;  // letting go: the effort falls, the tissues turn the body back
  } else {
    *target = f, *effort = 1;
  }
}

double LoadProfile::Factor(double t) const {
  const double u = t - start_s;
  if (u < 0) return 0;
  auto ramp = [](double x, double d) { return d <= 0 ? 1.0 : std::clamp(x / d, 0.0, 1.0); };
  switch (kind) {
    case Kind::kConstant:
      return 1.0;
    case Kind::kRampHoldRelease: {
      if (u < ramp_s) return ramp(u, ramp_s);
      if (u < ramp_s + hold_s) return 1.0;
      return 1.0 - ramp(u - ramp_s - hold_s, release_s);
    }
    case Kind::kThrust: {
      // preload ramp, hold (its last dip_s falling smoothly by dip_fraction of the preload),
      // half-sine thrust from there to the peak and back, release
      const double p = preload_fraction, q = p * (1.0 - dip_fraction);
      if (u < ramp_s) return p * ramp(u, ramp_s);
      if (u < ramp_s + hold_s) {
        const double x = dip_s <= 0 ? 0.0 : std::clamp((u - (ramp_s + hold_s - dip_s)) / dip_s, 0.0, 1.0);
        return p - (p - q) * 0.5 * (1.0 - std::cos(kPi * x));
      }
      const double v = u - ramp_s - hold_s;
      if (v < thrust_s) return q + (1 - q) * std::sin(kPi * v / thrust_s);
      return q * (1.0 - ramp(v - thrust_s, release_s));
    }
    case Kind::kOscillation: {
      if (u > repetitions / frequency_Hz) return 0;
      return std::sin(2 * kPi * frequency_Hz * u);
    }
  }
  return 0;
}

void LoadProfile::Kinks(std::vector<double>* t) const {
  const double a = start_s, b = a + ramp_s;
  switch (kind) {
    case Kind::kConstant:
      t->push_back(a);
      return;
    case Kind::kRampHoldRelease:
      t->insert(t->end(), {a, b, b + hold_s, b + hold_s + release_s});
      return;
    case Kind::kThrust: {
      const double c = b + hold_s;  // the thrust starts; its dip starts dip_s before
      t->insert(t->end(), {a, b, c - dip_s, c, c + thrust_s, c + thrust_s + release_s});
      return;
    }
    case Kind::kOscillation:
      t->insert(t->end(), {a, a + repetitions / frequency_Hz});
      return;
  }
}

double ScenarioObject::PushForce(double t) const { return std::max(kPadTouch_N, force_N * profile.Factor(t)); }

std::vector<double> ScenarioProtocol::AttemptTimes() const {
  std::vector<double> t;
  for (int day = 0; day * 86400.0 < duration_s; day += every_days)
    for (int k = 0; k < per_day; ++k) {
      const double at = day * 86400.0 + first_at_s + k * interval_s;
      if (at < duration_s) t.push_back(at);
    }
  return t;
}

// [SECTION] loading

namespace {

// a value as written in TOML, for messages ("T13" with its quotes, [0, 0] ...)
std::string ValueText(const toml::node& n) {
  std::ostringstream os;
  n.visit([&](const auto& v) { os << v; });
  return os.str();
}

class ScenarioReader {
 public:
  ScenarioReader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}
  // a value given with --set is reported as such (it has no line in the file)
  void SetOverrides(const std::vector<std::pair<std::string, std::string>>& kv) {
    for (const auto& [k, v] : kv) overridden_[k] = v;
  }
  std::vector<Diagnostic>& errors() { return errors_; }

  // keys are dotted ("load.0.body"); toml++ paths index arrays as "load[0].body"
  const toml::node* Node(const std::string& key) {
    seen_.insert(key);
    std::string path;
    std::stringstream ss(key);
    for (std::string part; std::getline(ss, part, '.');) {
      const bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
      path += index ? "[" + part + "]" : (path.empty() ? "" : ".") + part;
    }
    const toml::node* n = root_.at_path(path).node();
    if (n) where_[key] = Where(n, key);
    return n;
  }
  std::map<std::string, std::string>& where() { return where_; }
  int Line(const toml::node* n) const { return n ? static_cast<int>(n->source().begin.line) : 0; }
  // a value given with --set is reported as such (it has no line in the file)
  std::string Where(const toml::node* n, const std::string& key) const {
    if (const auto o = overridden_.find(key); o != overridden_.end()) return "--set " + key + "=" + o->second + " (on " + file_ + ")";
    return file_ + (Line(n) > 0 ? ":" + std::to_string(Line(n)) : "");
  }
  void Error(const toml::node* n, const std::string& key, const std::string& msg) {
    errors_.push_back({Where(n, key), key, msg});
  }

  // a number (its range is checked by Validate, from the key's range in scenario_keys.h)
  double Number(const std::string& key, double def, bool required = false) {
    const std::string unit = internal::RangeOf(key).unit;
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Error(nullptr, key, "missing (required), in " + unit);
      return def;
    }
    const auto v = n->value<double>();
    if (!v) {
      const internal::KeyRange& r = internal::RangeOf(key);
      Error(n, key, "value " + ValueText(*n) + " is not a number; allowed: [" + FormatNumber(r.lo) + ", " + FormatNumber(r.hi) + "] " + unit);
      return def;
    }
    return *v;
  }
  // a number checked here already (stored as an integer, or not stored as given): out of range
  // reports and gives the default
  double Checked(const std::string& key, double def, bool required = false) {
    const internal::KeyRange& r = internal::RangeOf(key);
    const double v = Number(key, def, required);
    if (!std::isfinite(v) || v < r.lo || v > r.hi) {
      Error(Node(key), key, "value " + FormatNumber(v) + " is out of range; allowed: [" + FormatNumber(r.lo) + ", " + FormatNumber(r.hi) + "] " + r.unit);
      return def;
    }
    return v;
  }
  // a count, a seed or a number of days: checked as above, and a whole number (repetitions = 1.5
  // was read as 1)
  double Whole(const std::string& key, double def, bool required = false) {
    const double v = Checked(key, def, required);
    if (v != std::floor(v)) {
      const internal::KeyRange& r = internal::RangeOf(key);
      Error(Node(key), key, "value " + FormatNumber(v) + " is not a whole number; allowed: a whole number in [" +
                                FormatNumber(r.lo) + ", " + FormatNumber(r.hi) + "]" + (*r.unit ? " " + std::string(r.unit) : std::string()));
      return def;
    }
    return v;
  }
  std::string Text(const std::string& key, const std::string& def, const std::set<std::string>& allowed = {},
                    bool required = false) {
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Error(nullptr, key, "missing (required)");
      return def;
    }
    const auto v = n->value<std::string>();
    if (!v || !n->is_string()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Error(n, key, "value " + ValueText(*n) + " is not a string; allowed: " + (list.empty() ? std::string("text in quotes") : list));
      return def;
    }
    if (!allowed.empty() && !allowed.count(*v)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Error(n, key, "value '" + *v + "' is not allowed; allowed: " + list);
    }
    return *v;
  }
  Vec3 Vector(const std::string& key) {
    const double limit = internal::RangeOf(key).hi;
    const std::string unit = internal::RangeOf(key).unit;
    const toml::node* n = Node(key);
    if (!n) return Vec3::Zero();
    const toml::array* a = n->as_array();
    Vec3 out = Vec3::Zero();
    if (!a || a->size() != 3) {
      Error(n, key, "value " + ValueText(*n) + " is not an array of 3 numbers; allowed: [x, y, z] with |x| <= " + FormatNumber(limit) + " " + unit);
      return out;
    }
    for (int i = 0; i < 3; ++i) {
      const auto v = (*a)[i].value<double>();
      if (!v || !std::isfinite(*v) || std::abs(*v) > limit) {
        Error(n, key + "[" + std::to_string(i) + "]", "value " + ValueText((*a)[i]) + " is out of range; allowed: a number with |value| <= " + FormatNumber(limit) + " " + unit);
        continue;
      }
      out[i] = *v;
    }
    return out;
  }

  LoadProfile Profile(const std::string& k) {
    LoadProfile P;
    const std::string kind = Text(k + "profile", "constant", {"constant", "ramp_hold_release", "thrust", "oscillation"});
    P.kind = kind == "ramp_hold_release" ? LoadProfile::Kind::kRampHoldRelease
             : kind == "thrust"          ? LoadProfile::Kind::kThrust
             : kind == "oscillation"     ? LoadProfile::Kind::kOscillation
                                         : LoadProfile::Kind::kConstant;
    P.start_s = Number(k + "start_s", 0);
    P.ramp_s = Number(k + "ramp_s", 0);
    P.hold_s = Number(k + "hold_s", 0);
    P.release_s = Number(k + "release_s", 0);
    P.preload_fraction = Number(k + "preload_fraction", 0);
    P.dip_fraction = Number(k + "dip_fraction", 0);
    P.dip_s = Number(k + "dip_s", 0);
    P.thrust_s = Number(k + "thrust_s", P.thrust_s);
    P.frequency_Hz = Number(k + "frequency_Hz", P.frequency_Hz);
    P.repetitions = static_cast<int>(Whole(k + "repetitions", 1));
    return P;
  }
  const toml::array* TableArray(const std::string& key) {
    const toml::node* n = Node(key);
    if (!n) return nullptr;
    const toml::array* a = n->as_array();
    if (!a) Error(n, key, "value " + ValueText(*n) + " is not an array of tables; allowed: [[" + key + "]] tables");
    return a;
  }

  void CheckUnknown(const toml::table& t, const std::string& prefix) {
    for (const auto& [k, node] : t) {
      const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      // a table or an array of tables that was read ([[load]] is looked up as a whole) still
      // has its own keys checked: a misspelt key inside [[load]] is an error too
      if (const toml::table* sub = node.as_table()) {
        CheckUnknown(*sub, key);
        continue;
      }
      if (const toml::array* arr = node.as_array(); arr && !arr->empty() && (*arr)[0].is_table()) {
        for (size_t i = 0; i < arr->size(); ++i)
          if (const toml::table* sub = (*arr)[i].as_table()) CheckUnknown(*sub, key + "." + std::to_string(i));
        continue;
      }
      if (seen_.count(key)) continue;
      Error(&node, key, "unknown key (check the spelling; docs/scenarios.md lists every key)");
    }
  }

 private:
  const toml::table& root_;
  std::string file_;
  std::set<std::string> seen_;
  std::map<std::string, std::string> overridden_;
  std::map<std::string, std::string> where_;  // key -> where it was given (Scenario::where)
  std::vector<Diagnostic> errors_;
};

// applies "a.b.c=value" to the table; value in TOML syntax (numbers, strings, arrays)
void ApplyOverride(toml::table* root, const std::string& file, const std::string& kv, std::vector<Diagnostic>* errors) {
  const size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) {
    errors->push_back({"--set", kv, "must be key.path=value, e.g. subject.body_mass_kg=60"});
    return;
  }
  const std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    try {
      parsed = toml::parse("v = \"" + value + "\"");  // bare words are strings
    } catch (const toml::parse_error& e) {
      errors->push_back({"--set", key, "value '" + value + "' is not valid: " + std::string(e.description())});
      return;
    }
  }
  // walk to the parent, through tables and [[arrays]] (numeric components)
  std::vector<std::string> parts;
  std::stringstream ss(key);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  toml::node* cur = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* next = nullptr;
    if (toml::table* t = cur->as_table()) {
      next = t->get(parts[i]);
    } else if (toml::array* a = cur->as_array()) {
      char* end = nullptr;
      const long idx = std::strtol(parts[i].c_str(), &end, 10);
      if (*end == '\0' && idx >= 0 && static_cast<size_t>(idx) < a->size()) next = a->get(static_cast<size_t>(idx));
    }
    if (!next) {
      errors->push_back({"--set", key, "'" + parts[i] + "' does not exist in " + file});
      return;
    }
    cur = next;
  }
  toml::table* parent = cur->as_table();
  if (!parent) {
    errors->push_back({"--set", key, "cannot set a value here"});
    return;
  }
  parent->insert_or_assign(parts.back(), *parsed.get("v"));
}

}  // namespace

Expected<Scenario> LoadScenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) return std::vector<Diagnostic>{{path, "", "cannot read scenario file (does it exist?)"}};
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadScenarioText(ss.str(), path, overrides);
}

Expected<Scenario> LoadScenarioText(const std::string& text, const std::string& path, const std::vector<std::string>& overrides) {
  Scenario s;
  s.file = path;
  s.text = text;
  const size_t slash = path.find_last_of('/');
  s.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  if (s.name.size() > 5 && s.name.substr(s.name.size() - 5) == ".toml") s.name.resize(s.name.size() - 5);
  toml::table root;
  try {
    root = toml::parse(s.text, path);
  } catch (const toml::parse_error& e) {
    return std::vector<Diagnostic>{{path + ":" + std::to_string(e.source().begin.line), "",
                                    "TOML syntax error: " + std::string(e.description())}};
  }
  std::vector<Diagnostic> errors;
  for (const std::string& kv : overrides) {
    ApplyOverride(&root, path, kv, &errors);
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) s.overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!errors.empty()) return errors;

  ScenarioReader r(root, path);
  r.SetOverrides(s.overrides);
  r.Checked("schema_version", 0, true);
  s.title = r.Text("scenario.title", "", {}, true);
  s.article = r.Text("scenario.article", "");
  s.technique = r.Text("scenario.technique", "");
  s.notice = r.Text("scenario.notice", "");
  s.pops_reported = r.Text("scenario.pops_reported", "");
  s.subject.body_mass_kg = r.Number("subject.body_mass_kg", 75);
  s.subject.height_m = r.Number("subject.height_m", 1.75);
  s.bone_density_t_score = r.Number("subject.bone_density_t_score", 0);
  s.ligament_laxity = r.Number("subject.ligament_laxity", 0);
  s.cold_tissue = r.Text("subject.tissue", "warm", {"warm", "cold"}) == "cold";
  s.posture = r.Text("posture.kind", "standing",
                     {"standing", "seated", "kneeling", "hanging", "supine", "prone", "side_lying", "quadruped"});
  s.lying_side = r.Text("posture.lying_side", "left", {"left", "right"});
  s.trunk_tilt_rad = r.Number("posture.trunk_tilt_deg", 0) * kDegToRad;
  s.pelvis = r.Text("posture.pelvis", "fixed", {"fixed", "supported", "free"});
  s.muscle_tone = r.Number("posture.muscle_tone", 1.0);
  // the neck keeps its own tone when the trunk relaxes (assumed, default 1: the tone that holds the
  // head in the standing model): the neck extensors stay active in sitting, a few % MVC, more
  // when the neck flexes and in slumped than in upright sitting (Schuldt et al. 1986, Ergonomics
  // 29:1525; Caneiro et al. 2010, Man Ther 15:54); the back's flexion-relaxation (muscle_tone 0.1
  // in desk_day) does not silence them (docs/scenarios.md, posture.neck_muscle_tone)
  s.neck_muscle_tone = r.Number("posture.neck_muscle_tone", 1.0);
  s.feet_off_s = r.Number("posture.feet_off_s", 1.0);
  s.limbs = r.Text("posture.limbs", "model", {"model", "lumped", "bodies"});
  s.duration_s = r.Number("run.duration_s", 5, true);
  s.dt_s = r.Number("run.dt_s", 1e-3);
  // lying: settle onto the floor; upright: into the posture under gravity; hanging settles in the
  // record (the feet leave the floor at feet_off_s); a long protocol settles between its attempts
  const bool upright_settle = s.posture != "hanging" && root.get("protocol") == nullptr;
  s.settle_s = r.Number("run.settle_s", IsLyingPosture(s.posture) ? 1.5 : upright_settle ? 1.0 : 0.0);
  s.output_rate_Hz = r.Number("run.output_rate_Hz", 200);
  s.adaptive = r.Text("run.step", "fixed", {"fixed", "adaptive"}) == "adaptive";
  s.tolerance_m = r.Number("run.tolerance_mm", s.tolerance_m * 1e3) * 1e-3;
  s.min_step_s = r.Number("run.min_step_s", s.min_step_s);
  s.max_step_s = r.Number("run.max_step_s", s.max_step_s);
  s.seed = static_cast<uint64_t>(r.Whole("run.seed", 1));
  if (const toml::array* arr = r.TableArray("load")) {
    {
      for (size_t i = 0; i < arr->size(); ++i) {
        const std::string k = "load." + std::to_string(i) + ".";
        ScenarioLoad L;
        L.name = r.Text(k + "name", "load " + std::to_string(i));
        L.body = r.Text(k + "body", "", {}, true);
        L.force_N = r.Vector(k + "force_N");
        L.torque_Nm = r.Vector(k + "torque_Nm");
        const bool drive = r.Node(k + "target_rotation_deg") != nullptr;
        if (!drive && !r.Node(k + "force_N") && !r.Node(k + "torque_Nm"))  // (a zero given on purpose is fine)
          r.Error(r.Node(k + "body"), k + "force_N", "a load needs `force_N` or `torque_Nm` (neither is given), or `target_rotation_deg` (a drive)");
        if (drive)
          for (const char* key : {"force_N", "torque_Nm", "point_mm", "frame"})
            if (const toml::node* n = r.Node(k + key))
              r.Error(n, k + key, "value " + ValueText(*n) + " is not allowed in a drive (a load with `target_rotation_deg`): the drive's torque comes from its servo; allowed: remove `" + key + "`, or make it a load of its own");
        L.point_m = r.Vector(k + "point_mm") * 1e-3;
        L.body_frame = r.Text(k + "frame", "world", {"world", "body"}) == "body";
        const std::string phase = r.Text(k + "phase", "attempt", {"attempt", "between", "always"});
        L.phase = phase == "between" ? ScenarioLoad::Phase::kBetween
                  : phase == "always" ? ScenarioLoad::Phase::kAlways
                                      : ScenarioLoad::Phase::kAttempt;
        L.profile = r.Profile(k);
        // a drive: a target rotation instead of a force or a torque
        if (r.Node(k + "target_rotation_deg")) {
          L.drive = true;
          L.target_rotation_rad = r.Vector(k + "target_rotation_deg") * kDegToRad;
          L.reference_body = r.Text(k + "reference_body", "sacrum");
          L.max_torque_Nm = r.Number(k + "max_torque_Nm", 0, true);
          L.effort_fraction = r.Number(k + "effort_fraction", 1.0);
          L.drive_stiffness_Nm_per_rad = r.Number(k + "drive_stiffness_Nm_per_deg", 50.0) * kRadToDeg;
          L.drive_damping_Nms_per_rad = r.Number(k + "drive_damping_Nms_per_deg", 1.5) * kRadToDeg;
        } else {
          for (const char* key : {"reference_body", "max_torque_Nm", "effort_fraction", "drive_stiffness_Nm_per_deg", "drive_damping_Nms_per_deg"})
            if (const toml::node* n = r.Node(k + key))
              r.Error(n, k + key, "value " + ValueText(*n) + " is not allowed: a drive's key; allowed only with `target_rotation_deg` (a load without it is a fixed force or torque)");
        }
        s.loads.push_back(L);
      }
    }
  }
  if (const toml::array* arr = r.TableArray("object")) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string k = "object." + std::to_string(i) + ".";
      ScenarioObject o;
      o.name = r.Text(k + "name", "object " + std::to_string(i));
      const std::string kind = r.Text(k + "kind", "floor", {"floor", "box", "cylinder", "pad"}, true);
      o.kind = kind == "box" ? ScenarioObject::Kind::kBox
               : kind == "cylinder" ? ScenarioObject::Kind::kCylinder
               : kind == "pad" ? ScenarioObject::Kind::kPad
                               : ScenarioObject::Kind::kFloor;
      o.has_position = r.Node(k + "position_mm") != nullptr;
      o.position_m = r.Vector(k + "position_mm") * 1e-3;
      o.touch = r.Text(k + "touch", "");
      o.under = r.Text(k + "under", "");
      if (r.Node(k + "side")) {
        const Vec3 side = r.Vector(k + "side");
        if (side.norm() < 1e-9)
          r.Error(r.Node(k + "side"), k + "side", "value " + ValueText(*r.Node(k + "side")) + " is not allowed; allowed: a non-zero direction [x, y, z]");
        else
          o.side = side.normalized();
      }
      o.offset_m = r.Vector(k + "offset_mm") * 1e-3;
      o.side_in_body = r.Text(k + "side_frame", "world", {"world", "body"}) == "body";
      o.size_m = r.Vector(k + "size_mm") * 1e-3;
      o.radius_m = r.Number(k + "radius_mm", 75) * 1e-3;
      o.length_m = r.Number(k + "length_mm", 900) * 1e-3;
      o.axis = r.Text(k + "axis", "y", {"x", "y"})[0];
      o.friction = r.Number(k + "friction", 0.6);
      o.force_N = r.Number(k + "force_N", 0);
      o.mass_kg = r.Number(k + "mass_kg", 0.5);
      o.profile = r.Profile(k);
      s.objects.push_back(o);
    }
  }
  if (const toml::array* arr = r.TableArray("motion")) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string k = "motion." + std::to_string(i) + ".";
      ScenarioMotion m;
      m.name = r.Text(k + "name", "motion " + std::to_string(i));
      m.body = r.Text(k + "body", "sacrum", {"sacrum"});
      m.rotation_rad = r.Vector(k + "rotation_deg") * kDegToRad;
      m.translation_m = r.Vector(k + "translation_mm") * 1e-3;
      if (!r.Node(k + "rotation_deg") && !r.Node(k + "translation_mm"))
        r.Error(arr->get(i), k + "rotation_deg", "a motion needs `rotation_deg` or `translation_mm` (neither is given)");
      m.profile = r.Profile(k);
      s.motions.push_back(m);
    }
  }
  if (const toml::node* pn = root.get("protocol")) {  // (not marked seen: its keys are checked one by one)
    ScenarioProtocol& P = s.protocol;
    P.enabled = true;
    const bool has_days = r.Node("protocol.days") != nullptr, has_hours = r.Node("protocol.duration_h") != nullptr;
    if (has_days == has_hours)
      r.Error(pn, "protocol", "needs exactly one of `days` (1-365) and `duration_h` (0.01-8760)");
    const double days = has_days ? r.Whole("protocol.days", 1) : 0;
    P.duration_s = has_days ? 86400.0 * days : 3600.0 * r.Checked("protocol.duration_h", 1);
    P.every_days = static_cast<int>(r.Whole("protocol.every_days", 1));
    P.per_day = static_cast<int>(r.Whole("protocol.per_day", 0));
    P.first_at_s = 3600 * r.Number("protocol.first_at_h", 9);
    P.interval_s = 60 * r.Number("protocol.interval_min", 30);
    P.attempt_s = r.Number("protocol.attempt_s", 1);
    P.hold_s = r.Number("protocol.hold_s", 0);
    P.window_s = r.Number("protocol.window_s", P.attempt_s);
    P.sample_s = 60 * r.Number("protocol.sample_min", 60);
    P.rebalance_s = 60 * r.Number("protocol.rebalance_min", 10);
    P.settle_s = r.Number("protocol.settle_s", 1);
    P.level = r.Text("protocol.level", "");
  }
  r.CheckUnknown(root, "");
  // the values and the rules between them (also for scenarios built in code)
  s.where = std::move(r.where());
  for (Diagnostic& d : Validate(s)) r.errors().push_back(std::move(d));
  if (!r.errors().empty()) return std::move(r.errors());
  return s;
}

}  // namespace spinelab::sim

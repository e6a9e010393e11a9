// Scenarios: strict TOML loading with overrides, load profiles, and the run loop that records
// what the HDF5 writer stores.
#include "spinelab/sim/scenario.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "spinelab/sim/world.h"

namespace spinelab::sim {

// [SECTION] profiles

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
      // preload ramp, hold, half-sine thrust to the peak, back to the preload, release
      const double p = preload_fraction;
      if (u < ramp_s) return p * ramp(u, ramp_s);
      if (u < ramp_s + hold_s) return p;
      const double v = u - ramp_s - hold_s;
      if (v < thrust_s) return p + (1 - p) * std::sin(kPi * v / thrust_s);
      return p * (1.0 - ramp(v - thrust_s, release_s));
    }
    case Kind::kOscillation: {
      if (u > repetitions / frequency_Hz) return 0;
      return std::sin(2 * kPi * frequency_Hz * u);
    }
  }
  return 0;
}

// [SECTION] loading

namespace {


class ScenarioReader {
 public:
  ScenarioReader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}
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
    return root_.at_path(path).node();
  }
  int Line(const toml::node* n) const { return n ? static_cast<int>(n->source().begin.line) : 0; }
  void Error(const toml::node* n, const std::string& key, const std::string& msg) {
    errors_.push_back({file_ + (Line(n) > 0 ? ":" + std::to_string(Line(n)) : ""), key, msg});
  }

  double Number(const std::string& key, double def, double lo, double hi, const std::string& unit, bool required = false) {
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Error(nullptr, key, "missing (required), in " + unit);
      return def;
    }
    const auto v = n->value<double>();
    if (!v) {
      Error(n, key, "must be a number in " + unit);
      return def;
    }
    if (!std::isfinite(*v) || *v < lo || *v > hi)
      Error(n, key, "value " + FormatNumber(*v) + " is out of range; allowed: [" + FormatNumber(lo) + ", " + FormatNumber(hi) + "] " + unit);
    return *v;
  }
  std::string Text(const std::string& key, const std::string& def, const std::set<std::string>& allowed = {},
                    bool required = false) {
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Error(nullptr, key, "missing (required)");
      return def;
    }
    const auto v = n->value<std::string>();
    if (!v) {
      Error(n, key, "must be a string");
      return def;
    }
    if (!allowed.empty() && !allowed.count(*v)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Error(n, key, "value '" + *v + "' is not allowed; allowed: " + list);
    }
    return *v;
  }
  Vec3 Vector(const std::string& key, double limit, const std::string& unit) {
    const toml::node* n = Node(key);
    if (!n) return Vec3::Zero();
    const toml::array* a = n->as_array();
    Vec3 out = Vec3::Zero();
    if (!a || a->size() != 3) {
      Error(n, key, "must be an array of 3 numbers [x, y, z] in " + unit);
      return out;
    }
    for (int i = 0; i < 3; ++i) {
      const auto v = (*a)[i].value<double>();
      if (!v || !std::isfinite(*v) || std::abs(*v) > limit) {
        Error(n, key + "[" + std::to_string(i) + "]", "must be a number with |value| <= " + FormatNumber(limit) + " " + unit);
        continue;
      }
      out[i] = *v;
    }
    return out;
  }

  void CheckUnknown(const toml::table& t, const std::string& prefix) {
    for (const auto& [k, node] : t) {
      const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (seen_.count(key)) continue;
      if (const toml::table* sub = node.as_table()) {
        CheckUnknown(*sub, key);
        continue;
      }
      if (const toml::array* arr = node.as_array(); arr && !arr->empty() && (*arr)[0].is_table()) {
        for (size_t i = 0; i < arr->size(); ++i)
          if (const toml::table* sub = (*arr)[i].as_table()) CheckUnknown(*sub, key + "." + std::to_string(i));
        continue;
      }
      Error(&node, key, "unknown key (check the spelling; docs/scenarios.md lists every key)");
    }
  }

 private:
  const toml::table& root_;
  std::string file_;
  std::set<std::string> seen_;
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
  Scenario s;
  s.file = path;
  {
    std::ifstream in(path);
    if (!in) return std::vector<Diagnostic>{{path, "", "cannot read scenario file (does it exist?)"}};
    std::stringstream ss;
    ss << in.rdbuf();
    s.text = ss.str();
  }
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
  r.Number("schema_version", 0, 1, 1, "(this spinelab reads schema_version 1)", true);
  s.title = r.Text("scenario.title", "", {}, true);
  s.article = r.Text("scenario.article", "");
  s.technique = r.Text("scenario.technique", "");
  s.notice = r.Text("scenario.notice", "");
  s.subject.body_mass_kg = r.Number("subject.body_mass_kg", 75, 30, 200, "kg");
  s.subject.height_m = r.Number("subject.height_m", 1.75, 1.2, 2.2, "m");
  s.bone_density_t_score = r.Number("subject.bone_density_t_score", 0, -6, 4, "(T-score)");
  r.Text("subject.tissue", "warm", {"warm", "cold"});
  s.posture = r.Text("posture.kind", "standing", {"standing", "seated", "hanging"});
  s.muscle_tone = r.Number("posture.muscle_tone", 1.0, 0, 5, "[-] (multiplier)");
  s.feet_off_s = r.Number("posture.feet_off_s", 1.0, 0, 3600, "s");
  s.duration_s = r.Number("run.duration_s", 5, 0.01, 3600, "s", true);
  s.dt_s = r.Number("run.dt_s", 1e-3, 1e-5, 2e-3, "s");
  s.output_rate_Hz = r.Number("run.output_rate_Hz", 200, 1, 10000, "Hz");
  s.seed = static_cast<uint64_t>(r.Number("run.seed", 1, 0, 4294967295.0, ""));
  if (const toml::node* ln = r.Node("load")) {
    const toml::array* arr = ln->as_array();
    if (!arr) {
      r.Error(ln, "load", "must be an array of tables ([[load]])");
    } else {
      for (size_t i = 0; i < arr->size(); ++i) {
        const std::string k = "load." + std::to_string(i) + ".";
        ScenarioLoad L;
        L.name = r.Text(k + "name", "load " + std::to_string(i));
        L.body = r.Text(k + "body", "", {}, true);
        L.force_N = r.Vector(k + "force_N", 1e4, "N");
        L.torque_Nm = r.Vector(k + "torque_Nm", 1e3, "N·m");
        L.point_m = r.Vector(k + "point_mm", 500, "mm") * 1e-3;
        L.body_frame = r.Text(k + "frame", "world", {"world", "body"}) == "body";
        const std::string kind = r.Text(k + "profile", "constant", {"constant", "ramp_hold_release", "thrust", "oscillation"});
        LoadProfile& P = L.profile;
        P.kind = kind == "ramp_hold_release" ? LoadProfile::Kind::kRampHoldRelease
                 : kind == "thrust"          ? LoadProfile::Kind::kThrust
                 : kind == "oscillation"     ? LoadProfile::Kind::kOscillation
                                             : LoadProfile::Kind::kConstant;
        P.start_s = r.Number(k + "start_s", 0, 0, 3600, "s");
        P.ramp_s = r.Number(k + "ramp_s", 0, 0, 3600, "s");
        P.hold_s = r.Number(k + "hold_s", 0, 0, 3600, "s");
        P.release_s = r.Number(k + "release_s", 0, 0, 3600, "s");
        P.preload_fraction = r.Number(k + "preload_fraction", 0, 0, 1, "[-]");
        P.thrust_s = r.Number(k + "thrust_s", 0.1, 0.005, 10, "s");
        P.frequency_Hz = r.Number(k + "frequency_Hz", 1, 0.01, 100, "Hz");
        P.repetitions = static_cast<int>(r.Number(k + "repetitions", 1, 1, 100000, "[-]"));
        s.loads.push_back(L);
      }
    }
  }
  r.CheckUnknown(root, "");
  if (!r.errors().empty()) return std::move(r.errors());
  return s;
}

// [SECTION] running

Expected<ScenarioResult> RunScenario(const Scenario& sc, const SpineParams& params) {
  SpineBuildOptions bo;
  bo.muscle_tone_scale = sc.muscle_tone;
  if (sc.posture == "hanging") {
    bo.fix_sacrum = false;
    bo.pinned_body = "T2";
    bo.legs_on_pelvis = true;
  }
  auto desc = BuildSpineModel(params, sc.subject, bo);
  if (!desc) return desc.errors();
  std::vector<Diagnostic> errors;
  std::vector<BodyId> load_body;
  for (const ScenarioLoad& L : sc.loads) {
    const BodyId b = desc.value().FindBody(L.body);
    if (b < 0) errors.push_back({sc.file, "load '" + L.name + "'.body", "'" + L.body + "' is not a body; allowed: head, C1..C7, T1..T12, L1..L5, sacrum"});
    load_body.push_back(b);
  }
  if (!errors.empty()) return errors;
  auto compiled = Model::Compile(std::move(desc).value());
  if (!compiled) return compiled.errors();
  auto model = std::make_shared<const Model>(std::move(compiled).value());
  SimOptions so;
  so.dt_s = sc.dt_s;
  auto w = World::Create(model, so);
  if (!w) return w.errors();
  World& world = w.value();
  const ModelDesc& d = model->desc();

  ScenarioResult res;
  for (const auto& b : d.bodies) res.body_names.push_back(b.name);
  for (const auto& l : d.levels) res.level_names.push_back(l.name);
  for (const auto& f : d.facets) res.facet_names.push_back(f.name);
  // hanging: the feet carry everything below the shoulders until they leave the floor
  const BodyId pelvis = d.FindBody("sacrum");
  double below_T2_N = 0;
  if (sc.posture == "hanging")
    for (BodyId b = d.FindBody("T3"); b <= pelvis; ++b) below_T2_N += d.bodies[b].mass_kg * 9.81;
  const int64_t n_steps = std::llround(sc.duration_s / sc.dt_s);
  const int64_t every = std::max<int64_t>(1, std::llround(1.0 / (sc.output_rate_Hz * sc.dt_s)));
  const auto t0 = std::chrono::steady_clock::now();

  auto record = [&]() {
    const StepOutputs& out = world.outputs();
    res.time_s.push_back(world.state().time_s);
    for (const BodyState& b : world.state().bodies) {
      res.body_position_m.insert(res.body_position_m.end(), {b.p_WB.x(), b.p_WB.y(), b.p_WB.z()});
      res.body_orientation.insert(res.body_orientation.end(), {b.q_WB.w(), b.q_WB.x(), b.q_WB.y(), b.q_WB.z()});
    }
    for (const LevelDesc& L : d.levels) {
      const BushingOutput& b = out.bushings[L.bushing];
      // flexion (about y), lateral bending to the right (about x), axial rotation to the left (about z)
      res.level_rotation_rad.insert(res.level_rotation_rad.end(), {b.rotation_rad.y(), b.rotation_rad.x(), b.rotation_rad.z()});
      res.disc_compression_N.push_back(b.compression_N);
      res.disc_shear_N.push_back(b.shear_N);
      res.disc_pressure_Pa.push_back(b.pressure_Pa);
    }
    for (size_t i = 0; i < d.facets.size(); ++i) {
      const FacetOutput& f = out.facets[i];
      res.facet_gap_m.push_back(f.gap_m);
      res.facet_pressure_Pa.push_back(f.pressure_Pa);
      res.facet_contact_N.push_back(f.contact_force_N);
      res.facet_capsule_strain.push_back(f.capsule_strain);
      res.facet_bubble_radius_m.push_back(world.state().capsules[i].radius_m);
    }
  };
  record();
  std::vector<double> gap_at_crack(d.facets.size(), 0.0);
  std::vector<int> open_event(d.facets.size(), -1);  // cavitation rows still collecting sound/jump
  for (int64_t i = 0; i < n_steps; ++i) {
    const double t = world.state().time_s;
    for (size_t k = 0; k < sc.loads.size(); ++k) {
      const ScenarioLoad& L = sc.loads[k];
      const double f = L.profile.Factor(t);
      AppliedLoad a;
      a.force_N = f * L.force_N;
      a.torque_Nm = f * L.torque_Nm;
      a.p_BoP_B = d.bodies[load_body[k]].p_BoV_B + L.point_m;
      a.in_body_frame = L.body_frame;
      world.SetAppliedLoad(load_body[k], a);
    }
    if (below_T2_N > 0) {
      AppliedLoad feet;
      feet.force_N = Vec3(0, 0, below_T2_N * (1.0 - std::clamp((t - sc.feet_off_s) / 2.0, 0.0, 1.0)));
      world.SetAppliedLoad(pelvis, feet);
    }
    const uint32_t st = world.Step();
    ++res.steps;
    if (st != kStepOk) {
      res.status = "failed";
      res.error = "unstable at t = " + std::to_string(world.state().time_s) + " s: " + StepStatusText(st);
      break;
    }
    const StepOutputs& out = world.outputs();
    for (size_t k = 0; k < d.facets.size(); ++k) {
      const FacetOutput& f = out.facets[k];
      if (f.cracked) {
        open_event[k] = static_cast<int>(res.cavitations.size());
        res.cavitations.push_back({world.state().capsules[k].dynamic_since_s, static_cast<int>(k), 0.0, 0.0});
        gap_at_crack[k] = f.gap_m;
      }
      if (open_event[k] >= 0) {
        // the event collects its sound and the joint's opening for 50 ms
        auto& ev = res.cavitations[open_event[k]];
        for (float p : f.sound_Pa) ev.sound_peak_Pa = std::max(ev.sound_peak_Pa, std::abs(static_cast<double>(p)));
        ev.gap_jump_m = std::max(ev.gap_jump_m, f.gap_m - gap_at_crack[k]);
        if (world.state().time_s - ev.time_s > 0.05) open_event[k] = -1;
      }
    }
    if ((i + 1) % every == 0) record();
  }
  res.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

ScenarioSummary Summarize(const Scenario& sc, const ScenarioResult& r) {
  ScenarioSummary out;
  // baseline: when the first load begins (hanging: when the feet start to leave the floor)
  double start = sc.posture == "hanging" ? sc.feet_off_s : sc.duration_s;
  for (const ScenarioLoad& L : sc.loads) start = std::min(start, L.profile.start_s);
  if (sc.loads.empty() && sc.posture != "hanging") start = 0;
  out.baseline_time_s = start;
  const size_t T = r.time_s.size(), L = r.level_names.size(), F = r.facet_names.size();
  size_t t0 = 0;
  while (t0 + 1 < T && r.time_s[t0 + 1] <= start + 1e-9) ++t0;
  out.cavitations = static_cast<int>(r.cavitations.size());
  for (size_t l = 0; l < L; ++l) {
    LevelSummary s;
    s.level = r.level_names[l];
    s.idp_baseline_Pa = r.disc_pressure_Pa[t0 * L + l];
    for (size_t t = t0; t < T; ++t) {
      for (int a = 0; a < 3; ++a)
        s.peak_rotation_deg[a] = std::max(s.peak_rotation_deg[a],
            std::abs(r.level_rotation_rad[(t * L + l) * 3 + a] - r.level_rotation_rad[(t0 * L + l) * 3 + a]) * kRadToDeg);
      s.peak_shear_N = std::max(s.peak_shear_N, r.disc_shear_N[t * L + l]);
      const double d = r.disc_pressure_Pa[t * L + l] - s.idp_baseline_Pa;
      if (std::abs(d) > std::abs(s.idp_change_Pa)) s.idp_change_Pa = d;
    }
    // the level's two facets, by name "<level> L" / "<level> R"
    for (size_t f = 0; f < F; ++f) {
      const std::string& n = r.facet_names[f];
      if (n.compare(0, s.level.size() + 1, s.level + " ") != 0) continue;
      const int side = n.back() == 'L' ? 0 : 1;
      for (size_t t = t0; t < T; ++t) {
        s.peak_facet_contact_N = std::max(s.peak_facet_contact_N, r.facet_contact_N[t * F + f]);
        s.peak_capsule_strain = std::max(s.peak_capsule_strain, r.facet_capsule_strain[t * F + f]);
        s.facet_opening_m[side] = std::max(s.facet_opening_m[side], r.facet_gap_m[t * F + f] - r.facet_gap_m[t0 * F + f]);
      }
    }
    out.levels.push_back(s);
  }
  return out;
}

}  // namespace spinelab::sim

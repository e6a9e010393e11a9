// Validate(Scenario): every value and every rule between values of a scenario, whether it was
// read from a file (messages say file:line, or the --set that gave it) or built in code.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "scenario_keys.h"
#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {

namespace internal {

namespace {
// (keys in the order of docs/scenarios.md)
const KeyRange kRanges[] = {
    {"schema_version", 1, 1, "(this spinelab reads schema_version 1)"},
    {"subject.body_mass_kg", 30, 200, "kg"},
    {"subject.height_m", 1.2, 2.2, "m"},
    {"subject.bone_density_t_score", -6, 4, "(T-score)"},
    {"subject.ligament_laxity", 0, 0.3, "[-] (fraction of slack length)"},
    {"posture.trunk_tilt_deg", -90, 90, "deg"},
    {"posture.muscle_tone", 0, 5, "[-] (multiplier)"},
    {"posture.neck_muscle_tone", 0, 5, "[-] (multiplier)"},
    {"posture.feet_off_s", 0, 3600, "s"},
    {"run.duration_s", 0.01, 3600, "s"},
    {"run.dt_s", 1e-5, 5e-3, "s"},
    {"run.settle_s", 0, 60, "s"},
    {"run.output_rate_Hz", 1, 10000, "Hz"},
    {"run.tolerance_mm", 1e-6, 0.1, "mm"},
    {"run.min_step_s", 1e-5, 5e-3, "s"},
    {"run.max_step_s", 1e-4, 0.02, "s"},
    {"run.seed", 0, 4294967295.0, ""},
    {"load.*.force_N", -1e4, 1e4, "N"},
    {"load.*.torque_Nm", -1e3, 1e3, "N·m"},
    {"load.*.point_mm", -500, 500, "mm"},
    {"load.*.target_rotation_deg", -180, 180, "deg"},
    {"load.*.max_torque_Nm", 0, 1000, "N·m"},
    {"load.*.effort_fraction", 0, 1, "[-]"},
    {"load.*.drive_stiffness_Nm_per_deg", 0.1, 1000, "N·m/deg"},
    {"load.*.drive_damping_Nms_per_deg", 0, 100, "N·m·s/deg"},
    {"object.*.position_mm", -5000, 5000, "mm"},
    {"object.*.side", -1e3, 1e3, "[-] (a direction)"},
    {"object.*.offset_mm", -300, 300, "mm"},
    {"object.*.size_mm", -5000, 5000, "mm"},
    {"object.*.radius_mm", 5, 1000, "mm"},
    {"object.*.length_mm", 10, 5000, "mm"},
    {"object.*.friction", 0, 2, "[-]"},
    {"object.*.force_N", 0, 5000, "N"},
    {"object.*.mass_kg", 0.05, 20, "kg"},
    {"motion.*.rotation_deg", -180, 180, "deg"},
    {"motion.*.translation_mm", -1000, 1000, "mm"},
    // a load profile, under load.*, object.* or motion.*
    {"*.*.start_s", 0, 3600, "s"},
    {"*.*.ramp_s", 0, 3600, "s"},
    {"*.*.hold_s", 0, 3600, "s"},
    {"*.*.release_s", 0, 3600, "s"},
    {"*.*.preload_fraction", 0, 1, "[-]"},
    {"*.*.dip_fraction", 0, 1, "[-] (of the preload)"},
    {"*.*.dip_s", 0, 10, "s"},
    {"*.*.thrust_s", 0.005, 10, "s"},
    {"*.*.frequency_Hz", 0.01, 100, "Hz"},
    {"*.*.repetitions", 1, 100000, "[-]"},
    {"protocol.days", 1, 365, "days"},
    {"protocol.duration_h", 0.01, 8760, "h"},
    {"protocol.every_days", 1, 365, "days"},
    {"protocol.per_day", 0, 1000, "[-] (attempts)"},
    {"protocol.first_at_h", 0, 24, "h"},
    {"protocol.interval_min", 0.1, 1440, "min"},
    {"protocol.attempt_s", 0.05, 60, "s"},
    {"protocol.hold_s", 0, 3600, "s"},
    {"protocol.window_s", 0, 60, "s"},
    {"protocol.sample_min", 1, 1440, "min"},
    {"protocol.rebalance_min", 1, 600, "min"},
    {"protocol.settle_s", 0.1, 60, "s"},
};

const char* kLevels[] = {"C0-C1", "C1-C2", "C2-C3", "C3-C4", "C4-C5", "C5-C6", "C6-C7", "C7-T1", "T1-T2",
                         "T2-T3", "T3-T4", "T4-T5", "T5-T6", "T6-T7", "T7-T8", "T8-T9", "T9-T10",
                         "T10-T11", "T11-T12", "T12-L1", "L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"};
}  // namespace

std::string GenericKey(const std::string& key) {
  std::string out, part;
  size_t i = 0;
  while (i <= key.size()) {
    const size_t dot = key.find('.', i);
    part = key.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
    const bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    out += (out.empty() ? "" : ".") + (index ? std::string("*") : part);
    if (dot == std::string::npos) break;
    i = dot + 1;
  }
  return out;
}

const KeyRange& RangeOf(const std::string& key) {
  const std::string g = GenericKey(key);
  for (const KeyRange& r : kRanges)
    if (g == r.key) return r;
  // a profile key under any array
  const size_t last = g.rfind('.');
  if (last != std::string::npos) {
    const std::string profile = "*.*." + g.substr(last + 1);
    for (const KeyRange& r : kRanges)
      if (profile == r.key && g.find(".*.") != std::string::npos) return r;
  }
  throw std::logic_error("scenario key without a range: " + key);
}

}  // namespace internal

namespace {

class Checker {
 public:
  explicit Checker(const Scenario& s) : s_(s) {}
  std::vector<Diagnostic> errors;

  // where the key was given; a key left at its default: where its element (object.2., protocol.)
  // or its array starts
  std::string Where(const std::string& key) const {
    if (const auto w = s_.where.find(key); w != s_.where.end()) return w->second;
    for (const char* part : {"kind", "body", "name"}) {
      const size_t dot = key.rfind('.');
      if (dot == std::string::npos) break;
      if (const auto w = s_.where.find(key.substr(0, dot + 1) + part); w != s_.where.end()) return w->second;
    }
    if (const auto w = s_.where.find(key.substr(0, key.find('.'))); w != s_.where.end()) return w->second;
    return s_.file;
  }
  void Error(const std::string& key, const std::string& msg) { errors.push_back({Where(key), key, msg}); }
  // `value` in the file's units
  void Number(const std::string& key, double value) {
    const internal::KeyRange& r = internal::RangeOf(key);
    if (!std::isfinite(value) || value < r.lo || value > r.hi)
      Error(key, "value " + FormatNumber(value) + " is out of range; allowed: [" + FormatNumber(r.lo) + ", " +
                     FormatNumber(r.hi) + "] " + r.unit);
  }
  void Vector(const std::string& key, const Vec3& value) {
    const internal::KeyRange& r = internal::RangeOf(key);
    for (int i = 0; i < 3; ++i)
      if (!std::isfinite(value[i]) || value[i] < r.lo || value[i] > r.hi)
        Error(key + "[" + std::to_string(i) + "]", "value " + FormatNumber(value[i]) + " is out of range; allowed: a number with |value| <= " + FormatNumber(r.hi) + " " + r.unit);
  }
  void OneOf(const std::string& key, const std::string& value, std::initializer_list<const char*> allowed) {
    std::string list;
    bool ok = false;
    for (const char* a : allowed) {
      list += (list.empty() ? "" : ", ") + std::string(a);
      ok = ok || value == a;
    }
    if (!ok) Error(key, "value '" + value + "' is not allowed; allowed: " + list);
  }
  void Profile(const std::string& k, const LoadProfile& P) {
    Number(k + "start_s", P.start_s);
    Number(k + "ramp_s", P.ramp_s);
    Number(k + "hold_s", P.hold_s);
    Number(k + "release_s", P.release_s);
    Number(k + "preload_fraction", P.preload_fraction);
    Number(k + "dip_fraction", P.dip_fraction);
    Number(k + "dip_s", P.dip_s);
    if (P.dip_s > P.hold_s)
      Error(k + "dip_s", "value " + FormatNumber(P.dip_s) + " is longer than the hold it ends (hold_s = " + FormatNumber(P.hold_s) +
                             " s); allowed: 0 to hold_s");
    Number(k + "thrust_s", P.thrust_s);
    Number(k + "frequency_Hz", P.frequency_Hz);
    Number(k + "repetitions", P.repetitions);
  }

 private:
  const Scenario& s_;
};

}  // namespace

std::vector<Diagnostic> Validate(const Scenario& s) {
  Checker c(s);
  if (s.title.empty()) c.Error("scenario.title", "missing (required)");
  c.Number("subject.body_mass_kg", s.subject.body_mass_kg);
  c.Number("subject.height_m", s.subject.height_m);
  c.Number("subject.bone_density_t_score", s.bone_density_t_score);
  c.Number("subject.ligament_laxity", s.ligament_laxity);
  c.OneOf("posture.kind", s.posture, {"hanging", "kneeling", "prone", "quadruped", "seated", "side_lying", "standing", "supine"});
  c.OneOf("posture.lying_side", s.lying_side, {"left", "right"});
  c.Number("posture.trunk_tilt_deg", s.trunk_tilt_rad / kDegToRad);
  c.OneOf("posture.pelvis", s.pelvis, {"fixed", "free", "supported"});
  c.Number("posture.muscle_tone", s.muscle_tone);
  if (s.neck_muscle_tone >= 0) c.Number("posture.neck_muscle_tone", s.neck_muscle_tone);
  c.Number("posture.feet_off_s", s.feet_off_s);
  c.OneOf("posture.limbs", s.limbs, {"bodies", "lumped", "model"});
  c.Number("run.duration_s", s.duration_s);
  c.Number("run.dt_s", s.dt_s);
  c.Number("run.settle_s", s.settle_s);
  c.Number("run.output_rate_Hz", s.output_rate_Hz);
  c.Number("run.tolerance_mm", s.tolerance_m * 1e3);
  c.Number("run.min_step_s", s.min_step_s);
  c.Number("run.max_step_s", s.max_step_s);
  if (s.adaptive && s.min_step_s > s.max_step_s)
    c.Error("run.min_step_s", "value " + FormatNumber(s.min_step_s) + " is above run.max_step_s (" + FormatNumber(s.max_step_s) +
                                  " s); allowed: min_step_s <= max_step_s");
  if (s.adaptive && s.protocol.enabled)
    c.Error("run.step", "value 'adaptive' is not allowed in a protocol ([protocol] table); allowed: fixed");
  c.Number("run.seed", static_cast<double>(s.seed));

  for (size_t i = 0; i < s.loads.size(); ++i) {
    const ScenarioLoad& L = s.loads[i];
    const std::string k = "load." + std::to_string(i) + ".";
    if (L.body.empty()) c.Error(k + "body", "missing (required)");
    c.Vector(k + "force_N", L.force_N);
    c.Vector(k + "torque_Nm", L.torque_Nm);
    c.Vector(k + "point_mm", L.point_m * 1e3);
    c.Profile(k, L.profile);
    if (L.drive) {
      // a drive: a servo towards the target rotation, limited by the muscles' effort
      const Vec3 deg = L.target_rotation_rad * kRadToDeg;
      c.Vector(k + "target_rotation_deg", deg);
      if (!(deg.norm() > 0 && deg.norm() <= 180))
        c.Error(k + "target_rotation_deg", "value [" + FormatNumber(deg.x()) + ", " + FormatNumber(deg.y()) + ", " + FormatNumber(deg.z()) +
                                               "] is not allowed; allowed: a rotation vector (axis × angle) of length in (0, 180] deg");
      if (L.reference_body.empty() || L.reference_body == L.body)
        c.Error(k + "reference_body", "value '" + L.reference_body + "' is not allowed; allowed: a held body other than `body` ('" + L.body + "')");
      if (L.reference_body != "sacrum" || s.pelvis != "fixed")
        c.Error(k + "reference_body", "value '" + L.reference_body + "' with posture.pelvis = '" + s.pelvis +
                                          "' is not allowed; allowed: \"sacrum\" with posture.pelvis = \"fixed\" (a drive turns a body against the held pelvis)");
      c.Number(k + "max_torque_Nm", L.max_torque_Nm);
      if (!(L.max_torque_Nm > 0)) c.Error(k + "max_torque_Nm", "value " + FormatNumber(L.max_torque_Nm) + " is out of range; allowed: (0, 1000] N·m");
      c.Number(k + "effort_fraction", L.effort_fraction);
      if (!(L.effort_fraction > 0)) c.Error(k + "effort_fraction", "value " + FormatNumber(L.effort_fraction) + " is out of range; allowed: (0, 1] [-]");
      c.Number(k + "drive_stiffness_Nm_per_deg", L.drive_stiffness_Nm_per_rad * kDegToRad);
      c.Number(k + "drive_damping_Nms_per_deg", L.drive_damping_Nms_per_rad * kDegToRad);
      if (s.protocol.enabled)
        c.Error(k + "target_rotation_deg", "a drive is not allowed in a protocol ([protocol] table); allowed: a load with `torque_Nm` or `force_N`");
    }
    if (!s.protocol.enabled && L.phase != ScenarioLoad::Phase::kAttempt)
      c.Error(k + "phase", "only a scenario with a [protocol] table has phases; allowed here: attempt");
  }
  for (size_t i = 0; i < s.objects.size(); ++i) {
    const ScenarioObject& o = s.objects[i];
    const std::string k = "object." + std::to_string(i) + ".";
    const std::string kind = o.kind == ScenarioObject::Kind::kBox        ? "box"
                             : o.kind == ScenarioObject::Kind::kCylinder ? "cylinder"
                             : o.kind == ScenarioObject::Kind::kPad      ? "pad"
                                                                         : "floor";
    c.Vector(k + "position_mm", o.position_m * 1e3);
    if (!o.under.empty() && (o.kind != ScenarioObject::Kind::kFloor || !o.touch.empty()))
      c.Error(k + "under", "only a floor without `touch` can be placed under another object");
    if (!o.under.empty() && std::none_of(s.objects.begin(), s.objects.begin() + i, [&](const ScenarioObject& x) {
          return x.name == o.under && x.kind != ScenarioObject::Kind::kPad;
        })) {
      std::string names;
      for (size_t j = 0; j < i; ++j) names += (names.empty() ? "" : ", ") + s.objects[j].name;
      c.Error(k + "under", "value '" + o.under + "' is not an object listed before it; allowed: " + (names.empty() ? "(none)" : names));
    }
    if (!(std::abs(o.side.norm() - 1.0) < 1e-9))
      c.Error(k + "side", "value [" + FormatNumber(o.side.x()) + ", " + FormatNumber(o.side.y()) + ", " + FormatNumber(o.side.z()) +
                              "] is not allowed; allowed: a unit direction [x, y, z]");
    c.Vector(k + "offset_mm", o.offset_m * 1e3);
    c.Vector(k + "size_mm", o.size_m * 1e3);
    c.Number(k + "radius_mm", o.radius_m * 1e3);
    c.Number(k + "length_mm", o.length_m * 1e3);
    c.OneOf(k + "axis", std::string(1, o.axis), {"x", "y"});
    c.Number(k + "friction", o.friction);
    c.Number(k + "force_N", o.force_N);
    c.Number(k + "mass_kg", o.mass_kg);
    c.Profile(k, o.profile);
    const bool sized = o.kind == ScenarioObject::Kind::kBox || o.kind == ScenarioObject::Kind::kPad;
    if (sized && !(o.size_m.minCoeff() > 0))
      c.Error(k + "size_mm", "a box or pad needs size_mm = [x, y, z] with every size > 0 mm");
    if (o.kind != ScenarioObject::Kind::kFloor && o.kind != ScenarioObject::Kind::kPad && o.touch.empty() && !o.has_position)
      c.Error(k + "touch", "a " + kind + " needs `touch` (a body) or `position_mm`");
    if (o.side_in_body && o.touch.empty())
      c.Error(k + "side_frame", "\"body\" needs `touch` (the body whose axes `side` is in)");
    if (o.kind == ScenarioObject::Kind::kPad && o.touch.empty())
      c.Error(k + "touch", "a pad needs `touch`: the body it presses on");
  }
  for (size_t i = 0; i < s.motions.size(); ++i) {
    const ScenarioMotion& m = s.motions[i];
    const std::string k = "motion." + std::to_string(i) + ".";
    c.OneOf(k + "body", m.body, {"sacrum"});
    c.Vector(k + "rotation_deg", m.rotation_rad / kDegToRad);
    c.Vector(k + "translation_mm", m.translation_m * 1e3);
    c.Profile(k, m.profile);
  }
  if (!s.motions.empty() && (s.pelvis != "fixed" || s.posture == "hanging"))
    c.Error("motion", "a prescribed motion drives the held pelvis: needs posture.pelvis = \"fixed\" and a posture other than hanging");

  const ScenarioProtocol& P = s.protocol;
  if (P.enabled) {
    if (!(P.duration_s >= 36.0 && P.duration_s <= 8760.0 * 3600))
      c.Error("protocol", "value " + FormatNumber(P.duration_s / 3600) + " h is out of range; allowed: [0.01, 8760] h (or 1..365 days)");
    c.Number("protocol.every_days", P.every_days);
    c.Number("protocol.per_day", P.per_day);
    c.Number("protocol.first_at_h", P.first_at_s / 3600);
    c.Number("protocol.interval_min", P.interval_s / 60);
    c.Number("protocol.attempt_s", P.attempt_s);
    c.Number("protocol.hold_s", P.hold_s);
    c.Number("protocol.window_s", P.window_s);
    c.Number("protocol.sample_min", P.sample_s / 60);
    c.Number("protocol.rebalance_min", P.rebalance_s / 60);
    c.Number("protocol.settle_s", P.settle_s);
    const double last_h = (P.first_at_s + (P.per_day > 0 ? P.per_day - 1 : 0) * P.interval_s) / 3600;
    if (last_h > 24)
      c.Error("protocol.interval_min",
              "the day's last attempt would be at " + FormatNumber(last_h) + " h; allowed: first_at_h + (per_day - 1) x interval_min <= 24 h (the day's attempts end within the day)");
    if (P.window_s > P.attempt_s)
      c.Error("protocol.window_s", "value " + FormatNumber(P.window_s) + " is out of range; allowed: <= attempt_s (" + FormatNumber(P.attempt_s) + " s)");
    if (!P.level.empty() &&
        std::none_of(std::begin(internal::kLevels), std::end(internal::kLevels), [&](const char* l) { return P.level == l; }))
      c.Error("protocol.level", "value '" + P.level + "' is not a level; allowed: C0-C1 .. L5-S1 (e.g. T7-T8)");
  }
  // names: `under` and the viewer find objects by name, and a pad is a body under its name
  for (size_t i = 0; i < s.objects.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (s.objects[j].name == s.objects[i].name)
        c.Error("object." + std::to_string(i) + ".name", "value '" + s.objects[i].name + "' is the name of object " +
                                                            std::to_string(j) + " too; allowed: a name no other object has");
  return c.errors;
}

std::vector<Diagnostic> Validate(const Scenario& s, const SpineParams& params) {
  std::vector<Diagnostic> errors = Validate(s);
  Checker c(s);
  std::string allowed;
  for (const std::string& b : params.body_names) allowed += (allowed.empty() ? "" : ", ") + b;
  const auto is_body = [&](const std::string& name) {
    return std::find(params.body_names.begin(), params.body_names.end(), name) != params.body_names.end();
  };
  const auto body = [&](const std::string& key, const std::string& name) {
    if (!name.empty() && !is_body(name)) c.Error(key, "value '" + name + "' is not a body of the model; allowed: " + allowed);
  };
  for (size_t i = 0; i < s.loads.size(); ++i) body("load." + std::to_string(i) + ".body", s.loads[i].body);
  for (size_t i = 0; i < s.loads.size(); ++i)
    if (s.loads[i].drive) body("load." + std::to_string(i) + ".reference_body", s.loads[i].reference_body);
  for (size_t i = 0; i < s.objects.size(); ++i) {
    const ScenarioObject& o = s.objects[i];
    body("object." + std::to_string(i) + ".touch", o.touch);
    if (o.kind == ScenarioObject::Kind::kPad && is_body(o.name))
      c.Error("object." + std::to_string(i) + ".name",
              "value '" + o.name + "' is the name of a body of the model (a pad is a body under its name); allowed: any other name");
  }
  if (LimbsAsBodies(s, params) && s.posture != "hanging" && s.pelvis != "fixed")
    c.Error(s.limbs == "bodies" ? "posture.limbs" : "posture.pelvis",
            "the limbs as bodies have their poses (standing, seated, supine, prone, side_lying, kneeling, quadruped) on a fixed "
            "pelvis only (posture.kind = '" + s.posture + "', posture.pelvis = '" + s.pelvis +
                "'); allowed: posture.pelvis = \"fixed\", or posture.limbs = \"lumped\" for a supported or free pelvis");
  for (Diagnostic& d : c.errors) errors.push_back(std::move(d));
  return errors;
}

bool LimbsAsBodies(const Scenario& s, const SpineParams& params) {
  return s.limbs == "bodies" || (s.limbs == "model" && params.limbs.model == "bodies");
}

}  // namespace spinelab::sim

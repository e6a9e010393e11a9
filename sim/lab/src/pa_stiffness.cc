// Posterior-anterior stiffness of the prone spine (clinical PA stiffness test) on the scenario
// machinery: a prone scene with a table, a face cradle and a hand pad on the chosen vertebra.
#include "spinelab/lab/pa_stiffness.h"

#include <algorithm>

#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {

namespace {
// the prone scene: a table, a face cradle and (body not empty) a hand pad on `body`
Scenario PaScene(const Subject& subject, const std::string& body) {
  Scenario sc;
  sc.file = "(pa-stiffness)";
  sc.name = "pa_stiffness_" + body;
  sc.title = "PA stiffness at " + body;
  sc.subject = subject;
  sc.posture = "prone";
  sc.muscle_tone = 0.05;      // nearly relaxed prone: the table carries the trunk
  sc.neck_muscle_tone = 0.5;  // the head rests in the face cradle
  sc.settle_s = 1.5;
  sc.duration_s = 3.0;
  sc.output_rate_Hz = 100;
  ScenarioObject table;
  table.name = "table";
  table.kind = ScenarioObject::Kind::kFloor;
  ScenarioObject cradle;
  cradle.name = "face cradle";
  cradle.kind = ScenarioObject::Kind::kBox;
  cradle.touch = "head";
  cradle.size_m = Vec3(0.22, 0.25, 0.15);
  ScenarioObject pad;
  pad.name = "hand";
  pad.kind = ScenarioObject::Kind::kPad;
  pad.touch = body;
  pad.side = Vec3(-1, 0, 0);  // behind the vertebra: the push is perpendicular to the back
  pad.side_in_body = true;
  pad.size_m = Vec3(0.03, 0.06, 0.03);  // [m] hypothenar contact ~3 cm along the spine
  pad.mass_kg = 0.6;
  pad.force_N = 200;
  pad.profile.kind = LoadProfile::Kind::kRampHoldRelease;
  pad.profile.start_s = 0.5;
  pad.profile.ramp_s = 2.0;
  pad.profile.hold_s = 1.0;
  sc.objects = {table, cradle, pad};
  if (body.empty()) {
    sc.name = "prone_rest";
    sc.title = "prone at rest";
    sc.duration_s = 0.01;
    sc.objects = {table, cradle};
  }
  return sc;
}
}  // namespace

Expected<ProneRestResult> MeasureProneRest(const SpineParams& params, const Subject& subject) {
  const Scenario sc = PaScene(subject, "");
  auto runner = ScenarioRunner::Create(sc, params);
  if (!runner) return runner.errors();
  const ScenarioResult& r = runner.value().result();
  const std::vector<ContactOutput>& contacts = runner.value().world().outputs().contacts;
  if (r.status != "ok") return std::vector<Diagnostic>{{sc.file, "prone rest", "run failed: " + r.error}};
  const size_t B = r.body_names.size();
  const auto q = [&](size_t i) {
    const auto& o = r.body_orientation;
    return Quat(o[i * 4], o[i * 4 + 1], o[i * 4 + 2], o[i * 4 + 3]);
  };
  const auto p = [&](size_t i) { return Vec3(Eigen::Map<const Vec3>(&r.body_position_m[i * 3])); };  // t = 0
  const auto find = [&](const std::string& n) {
    return static_cast<size_t>(std::find(r.body_names.begin(), r.body_names.end(), n) - r.body_names.begin());
  };
  const size_t pelvis = find("sacrum"), t7 = find("T7"), st = find("sternum");
  const Vec3 up = Vec3::UnitZ();  // the scenarios' gravity is along -z of W
  const Vec3 left = q(pelvis) * Vec3::UnitY();
  ProneRestResult out;
  const auto on_table = [&](size_t i, ProneRestBody* b) {
    double moment = 0;
    for (const ContactOutput& c : contacts)
      if ((c.a == static_cast<int>(i) && c.b == -1) || (c.b == static_cast<int>(i) && c.a == -1)) {
        b->table_N += c.normal_N;
        moment += c.normal_N * (c.p_W - p(pelvis)).dot(left);
      }
    if (b->table_N > 0) b->table_lateral_m = moment / b->table_N;
  };
  for (size_t i = 0; i < B; ++i) {
    const bool spine = i < static_cast<size_t>(kSpineBodies);
    if (!spine && r.body_names[i] != "sternum" && r.body_names[i].rfind("rib ", 0) != 0) continue;
    ProneRestBody b;
    b.name = r.body_names[i];
    if (spine) b.roll_rad = std::asin(std::clamp((q(i) * Vec3::UnitY()).dot(up), -1.0, 1.0));
    b.lateral_m = (p(i) - p(pelvis)).dot(left);
    on_table(i, &b);
    if (spine) out.max_roll_rad = std::max(out.max_roll_rad, std::abs(b.roll_rad));
    out.bodies.push_back(b);
  }
  if (st < B) out.sternum_off_T7_m = (p(st) - p(t7)).dot(q(t7) * Vec3::UnitY());
  return out;
}

Expected<PaStiffnessResult> MeasurePaStiffness(const SpineParams& params, const Subject& subject,
                                               const std::string& body) {
  const Scenario sc = PaScene(subject, body);
  auto run = RunScenario(sc, params);
  if (!run) return run.errors();
  const ScenarioResult& r = run.value();
  if (r.status != "ok") return std::vector<Diagnostic>{{sc.file, body, "run failed: " + r.error}};
  const auto B = r.body_names.size();
  const auto find = [&](const std::string& n) {
    return static_cast<size_t>(std::find(r.body_names.begin(), r.body_names.end(), n) - r.body_names.begin());
  };
  const size_t ip = find("hand"), iv = find(body);
  if (iv >= B) return std::vector<Diagnostic>{{sc.file, "body", "'" + body + "' is not a body"}};
  PaStiffnessResult out;
  out.body = body;
  // times at which the ramp passes the two force levels
  const double ta = 0.5 + 2.0 * out.force_low_N / 200.0, tb = 0.5 + 2.0 * out.force_high_N / 200.0;
  const auto at = [&](double t) {
    return static_cast<size_t>(std::lower_bound(r.time_s.begin(), r.time_s.end(), t - 1e-9) - r.time_s.begin());
  };
  const size_t a = at(ta), b = at(tb);
  // travel along the push (the pad's z axis at the start)
  const auto& q = r.body_orientation;
  const Quat q0(q[ip * 4], q[ip * 4 + 1], q[ip * 4 + 2], q[ip * 4 + 3]);
  const Vec3 push = q0 * Vec3::UnitZ();
  const auto p = [&](size_t k, size_t i) { return Vec3(Eigen::Map<const Vec3>(&r.body_position_m[(k * B + i) * 3])); };
  out.pad_travel_m = (p(b, ip) - p(a, ip)).dot(push);
  out.vertebra_travel_m = (p(b, iv) - p(a, iv)).dot(push);
  out.stiffness_N_per_m = (out.force_high_N - out.force_low_N) / out.pad_travel_m;
  return out;
}

const std::vector<PaStiffnessTarget>& PaStiffnessTargets() {
  static const std::vector<PaStiffnessTarget> rows = {{"T4", 9.1, "held out"}, {"T7", 10.7, "calibrated"}, {"T10", 11.4, "held out"}};
  return rows;
}

}  // namespace spinelab::sim

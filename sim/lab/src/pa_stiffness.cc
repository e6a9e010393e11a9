// Posterior-anterior stiffness of the prone spine (clinical PA stiffness test) on the scenario
// machinery: a prone scene with a table, a face cradle and a hand pad on the chosen vertebra.
#include "spinelab/lab/pa_stiffness.h"

#include <algorithm>

#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {

Expected<PaStiffnessResult> MeasurePaStiffness(const SpineParams& params, const Subject& subject,
                                               const std::string& body) {
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

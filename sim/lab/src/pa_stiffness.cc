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

namespace {
// the family of each force element of the human model, for the load path: the engine's element
// names carry their anatomy ("disc T7-T8", "costovertebral articulation rib 7 L", ...)
std::string BushingFamily(const BushingDesc& b) {
  const auto starts = [&](const char* p) { return b.name.rfind(p, 0) == 0; };
  if (b.active) return "muscle tone";
  if (starts("disc ")) return "disc";
  if (starts("costovertebral articulation")) return "CV head bushing";
  if (starts("rib bending")) return "rib bending bushing";
  if (starts("thoracic contents")) return "thoracic contents spring";
  if (starts("guide ")) return "hand guide";
  // other bushings (the upper cervical joints, supports): the name without its level and side
  std::string f;
  for (size_t i = 0; i < b.name.size();) {
    size_t j = b.name.find(' ', i);
    if (j == std::string::npos) j = b.name.size();
    const std::string w = b.name.substr(i, j - i);
    if (w.find_first_of("0123456789") == std::string::npos && w != "L" && w != "R") f += (f.empty() ? "" : " ") + w;
    i = j + 1;
  }
  return "bushing " + f;
}
std::string LigamentFamily(const LigamentDesc& l) {
  if (l.name.rfind("capsule CV", 0) == 0) return "CV joint capsule";
  if (l.name.rfind("capsule CT", 0) == 0) return "CT joint capsule";
  if (l.type == "CL") return "facet capsule";
  if (l.type == "ALL" || l.type == "PLL" || l.type == "LF" || l.type == "ISL" || l.type == "SSL" || l.type == "ITL")
    return "spinal ligament " + l.type;
  return "rib ligament " + l.type;  // radiate, costotransverse, superior costotransverse, intercostal
}
std::string SynovialFamily(const SynovialJointDesc& j) {
  if (j.name.rfind("CV ", 0) == 0) return "CV joint";
  if (j.name.rfind("CT ", 0) == 0) return "CT joint";
  return "facet joint";
}
// the kind of body a contact touches
std::string BodyClass(const ModelDesc& d, int b, int pressed) {
  const std::string& n = d.bodies[b].name;
  if (b == pressed) return n + " (pressed)";
  if (n == "sternum") return "sternum";
  if (n.rfind("rib ", 0) == 0) return n.find(" anterior") != std::string::npos ? "anterior rib segments" : "ribs (posterior segments)";
  if (b < kSpineBodies) return "other vertebrae, head, sacrum";
  return "other bodies";
}

// the force every family exerts on each cut's bodies along `push`, at the world's current state
class LoadPathSampler {
 public:
  LoadPathSampler(const World& w, int pressed, int pad, const Vec3& push, std::vector<std::vector<bool>> in_cut)
      : w_(w), d_(w.model().desc()), pressed_(pressed), pad_(pad), push_(push), in_(std::move(in_cut)) {}
  // adds to `slot` (0 touch, 1 low, 2 high) of every cut
  void Sample(int slot, std::vector<std::vector<PaLoadPathFamily>>* fam, double* hand_N) {
    const State& s = w_.state();
    const StepOutputs& o = w_.outputs();
    const auto R = [&](int b) { return b < 0 ? Mat3(Mat3::Identity()) : Mat3(s.bodies[b].q_WB.toRotationMatrix()); };
    const auto P = [&](int b, const Vec3& p_B) { return b < 0 ? p_B : Vec3(s.bodies[b].p_WB + R(b) * p_B); };
    // force F_W on body b from family `name` (the other body: `other`)
    const auto add = [&](const std::string& name, int b, int other, const Vec3& F_W) {
      if (b < 0 || d_.bodies[b].fixed || b == pad_) return;
      const std::string full = (other >= 0 && d_.bodies[other].fixed) ? name + " to the held " + d_.bodies[other].name : name;
      for (size_t c = 0; c < in_.size(); ++c) {
        if (!in_[c][b] || (other >= 0 && in_[c][other])) continue;
        auto& fs = (*fam)[c];
        auto it = std::find_if(fs.begin(), fs.end(), [&](const PaLoadPathFamily& f) { return f.name == full; });
        if (it == fs.end()) it = fs.insert(fs.end(), PaLoadPathFamily{full});
        (slot == 0 ? it->touch_N : slot == 1 ? it->low_N : it->high_N) += F_W.dot(push_);
      }
    };
    for (size_t i = 0; i < d_.bushings.size(); ++i) {
      const BushingDesc& e = d_.bushings[i];
      const Vec3 F = R(e.body_a) * e.X_AF.R * o.bushings[i].force_N;  // on B, in W
      add(BushingFamily(e), e.body_b, e.body_a, F);
      add(BushingFamily(e), e.body_a, e.body_b, -F);
    }
    for (size_t i = 0; i < d_.viscoelastic_bushings.size(); ++i) {
      const ViscoelasticBushingDesc& e = d_.viscoelastic_bushings[i];
      const Vec3 F = R(e.body_a) * e.X_AF.R * o.viscoelastic_bushings[i].force_N;
      const std::string f = e.name.rfind("costal cartilage", 0) == 0 ? "costal cartilage" : "viscoelastic bushing";
      add(f, e.body_b, e.body_a, F);
      add(f, e.body_a, e.body_b, -F);
    }
    for (size_t i = 0; i < d_.ligaments.size(); ++i) {
      const LigamentDesc& e = d_.ligaments[i];
      const Vec3 u = (P(e.body_b, e.p_BoPb_B) - P(e.body_a, e.p_AoPa_A)).normalized();  // A to B
      const double T = o.ligaments[i].force_N;
      add(LigamentFamily(e), e.body_a, e.body_b, T * u);
      add(LigamentFamily(e), e.body_b, e.body_a, -T * u);
    }
    for (size_t i = 0; i < d_.synovial_joints.size(); ++i) {
      const SynovialJointDesc& e = d_.synovial_joints[i];
      const SynovialJointOutput& j = o.synovial_joints[i];
      const Vec3 F = (j.contact_force_N + j.fluid_force_N) * j.n_W;  // on B
      add(SynovialFamily(e), e.body_b, e.body_a, F);
      add(SynovialFamily(e), e.body_a, e.body_b, -F);
    }
    for (const ContactOutput& c : o.contacts) {
      const auto source = [&](int x) { return x < 0 ? d_.environment[-1 - x].name : x == pad_ ? std::string("hand") : std::string("contact"); };
      if (c.a >= 0) add(source(c.b) + " on " + BodyClass(d_, c.a, pressed_), c.a, c.b >= 0 ? c.b : -1, c.force_on_a_N);
      if (c.b >= 0) add(source(c.a) + " on " + BodyClass(d_, c.b, pressed_), c.b, c.a >= 0 ? c.a : -1, -c.force_on_a_N);
      if (c.a == pad_ && c.b >= 0) hand_N[slot] -= c.force_on_a_N.dot(push_);
      if (c.b == pad_ && c.a >= 0) hand_N[slot] += c.force_on_a_N.dot(push_);
    }
    for (int b = 0; b < static_cast<int>(d_.bodies.size()); ++b)
      if (!d_.bodies[b].fixed) add("gravity", b, -1, d_.bodies[b].mass_kg * w_.options().gravity_W);
  }

 private:
  const World& w_;
  const ModelDesc& d_;
  int pressed_, pad_;
  Vec3 push_;
  std::vector<std::vector<bool>> in_;
};
}  // namespace

Expected<PaLoadPathResult> MeasurePaLoadPath(const SpineParams& params, const Subject& subject, const std::string& body) {
  const Scenario sc = PaScene(subject, body);
  auto runner = ScenarioRunner::Create(sc, params);
  if (!runner) return runner.errors();
  ScenarioRunner& run = runner.value();
  const World& w = run.world();
  const ModelDesc& d = w.model().desc();
  const int pad = d.FindBody("hand"), iv = d.FindBody(body);
  if (iv < 0) return std::vector<Diagnostic>{{sc.file, "body", "'" + body + "' is not a body"}};
  const Vec3 push = w.state().bodies[pad].q_WB * Vec3::UnitZ();
  // the cuts: the whole trunk (free bodies but the hand), the pressed vertebra, the rib cage, its front, the sternum
  const size_t B = d.bodies.size();
  std::vector<std::string> names = {"trunk (every free body)", body + " alone", "rib cage (ribs + sternum)",
                                    "front of the cage (anterior rib segments + sternum)", "sternum"};
  std::vector<std::vector<bool>> in(names.size(), std::vector<bool>(B, false));
  for (size_t b = 0; b < B; ++b) {
    const std::string& n = d.bodies[b].name;
    const bool rib = n.rfind("rib ", 0) == 0, sternum = n == "sternum";
    in[0][b] = static_cast<int>(b) != pad && !d.bodies[b].fixed;
    in[1][b] = static_cast<int>(b) == iv;
    in[2][b] = rib || sternum;
    in[3][b] = (rib && n.find(" anterior") != std::string::npos) || sternum;
    in[4][b] = sternum;
  }
  // drop the cuts that are empty (the lumped cage has no ribs)
  std::vector<std::vector<bool>> cuts;
  std::vector<std::string> cut_names;
  for (size_t c = 0; c < in.size(); ++c)
    if (std::find(in[c].begin(), in[c].end(), true) != in[c].end()) cuts.push_back(in[c]), cut_names.push_back(names[c]);
  LoadPathSampler sampler(w, iv, pad, push, cuts);
  std::vector<std::vector<PaLoadPathFamily>> fam(cuts.size());
  PaLoadPathResult out;
  out.body = body;
  double hand[3] = {0, 0, 0};
  // the same instants as MeasurePaStiffness: the ramp's start, 50 N and 200 N (0.5 s + 2 s · F / 200 N)
  const double times[3] = {0.5, 0.5 + 2.0 * 50.0 / 200.0, 0.5 + 2.0 * 200.0 / 200.0};
  // the bodies whose travel is followed (those the model has), and the table's contacts
  const std::string rib = "rib " + body.substr(1);
  std::vector<int> followed;
  for (const std::string& n : {std::string("hand"), body, rib + " L", rib + " R", rib + " L anterior", rib + " R anterior", std::string("sternum")})
    if (d.FindBody(n) >= 0) followed.push_back(d.FindBody(n));
  std::vector<std::vector<Vec3>> pos(3, std::vector<Vec3>(B));
  std::vector<double> table_weight(B, 0.0);
  for (int slot = 0; slot < 3; ++slot) {
    while (w.state().time_s < times[slot] - 1e-9)
      if (!run.Step()) return std::vector<Diagnostic>{{sc.file, body, "run failed: " + run.result().error}};
    sampler.Sample(slot, &fam, hand);
    for (size_t b = 0; b < B; ++b) pos[slot][b] = w.state().bodies[b].p_WB;
    if (slot == 2)
      for (const ContactOutput& c : w.outputs().contacts)
        if (c.b < 0 && c.a >= 0 && d.environment[-1 - c.b].name == "table") table_weight[c.a] += c.normal_N;
        else if (c.a < 0 && c.b >= 0 && d.environment[-1 - c.a].name == "table") table_weight[c.b] += c.normal_N;
  }
  const auto travel = [&](int from, size_t b) { return (pos[2][b] - pos[from][b]).dot(push); };
  for (int b : followed) out.travel.push_back({d.bodies[b].name, travel(0, b), travel(1, b)});
  PaLoadPathResult::Travel t{"table contacts (force-weighted)"};
  double wsum = 0;
  for (size_t b = 0; b < B; ++b)
    if (table_weight[b] > 0) t.from_touch_m += table_weight[b] * travel(0, b), t.from_low_m += table_weight[b] * travel(1, b), wsum += table_weight[b];
  if (wsum > 0) t.from_touch_m /= wsum, t.from_low_m /= wsum;
  out.travel.push_back(t);
  out.hand_touch_N = hand[0], out.hand_low_N = hand[1], out.hand_high_N = hand[2];
  for (size_t c = 0; c < cuts.size(); ++c) {
    PaLoadPathCut cut;
    cut.name = cut_names[c];
    cut.families = fam[c];
    for (const PaLoadPathFamily& f : cut.families)
      cut.residual_touch_N += f.touch_N, cut.residual_low_N += f.low_N, cut.residual_high_N += f.high_N;
    out.cuts.push_back(cut);
  }
  return out;
}

const std::vector<PaStiffnessTarget>& PaStiffnessTargets() {
  static const std::vector<PaStiffnessTarget> rows = {{"T4", 9.1, "held out"}, {"T7", 10.7, "calibrated"}, {"T10", 11.4, "held out"}};
  return rows;
}

}  // namespace spinelab::sim

#include "recording.h"

#include <sstream>

#include "spinelab/io/h5.h"

namespace spinelab::viewer {

namespace {
viz::Frame FrameAt(const sim::ScenarioResult& r, size_t t) {
  const size_t B = r.body_names.size(), F = r.facet_names.size();
  viz::Frame f;
  f.time_s = r.time_s[t];
  for (size_t b = 0; b < B; ++b) {
    const double* p = &r.body_position_m[(t * B + b) * 3];
    const double* q = &r.body_orientation[(t * B + b) * 4];
    f.X_WB.push_back(Pose{Quat(q[0], q[1], q[2], q[3]).normalized().toRotationMatrix(), Vec3(p[0], p[1], p[2])});
  }
  auto slice = [&](const std::vector<double>& v) { return std::vector<double>(v.begin() + t * F, v.begin() + (t + 1) * F); };
  f.facet_gap_m = slice(r.facet_gap_m);
  f.facet_pressure_Pa = slice(r.facet_pressure_Pa);
  f.facet_capsule_strain = slice(r.facet_capsule_strain);
  f.facet_contact_N = slice(r.facet_contact_N);
  f.facet_bubble_radius_m = slice(r.facet_bubble_radius_m);
  const size_t L = r.level_names.size();
  if (r.disc_shear_N.size() >= (t + 1) * L) f.disc_shear_N.assign(r.disc_shear_N.begin() + t * L, r.disc_shear_N.begin() + (t + 1) * L);
  if (r.disc_pressure_Pa.size() >= (t + 1) * L)
    f.disc_pressure_Pa.assign(r.disc_pressure_Pa.begin() + t * L, r.disc_pressure_Pa.begin() + (t + 1) * L);
  return f;
}

Recording FromResult(const sim::Scenario& sc, sim::ModelDesc model, const sim::ScenarioResult& r) {
  Recording rec;
  rec.name = sc.name;
  rec.title = sc.title;
  rec.notice = sc.notice;
  rec.model = std::move(model);
  for (size_t t = 0; t < r.time_s.size(); ++t) rec.frames.push_back(FrameAt(r, t));
  for (const auto& c : r.cavitations) rec.cavitations.push_back({c.time_s, c.facet, c.gap_jump_m, c.sound_Pa});
  return rec;
}
}  // namespace

void AddAppliedForces(const Recording& rec, viz::Frame* f) {
  const sim::Scenario& sc = rec.scenario;
  const double t = f->time_s;
  for (const sim::ScenarioLoad& L : sc.loads) {
    const sim::BodyId b = rec.model.FindBody(L.body);
    if (b < 0 || static_cast<size_t>(b) >= f->X_WB.size() || L.force_N.norm() == 0) continue;
    const Pose& X = f->X_WB[b];
    const Vec3 F = L.profile.Factor(t) * (L.body_frame ? Vec3(X.R * L.force_N) : L.force_N);
    f->applied_forces.push_back({X * (rec.model.bodies[b].p_BoV_B + L.point_m), F});
  }
  for (const sim::ScenarioObject& o : sc.objects) {
    if (o.kind != sim::ScenarioObject::Kind::kPad) continue;
    const sim::BodyId b = rec.model.FindBody(o.name);
    if (b < 0 || static_cast<size_t>(b) >= f->X_WB.size()) continue;
    const Pose& X = f->X_WB[b];
    const Vec3 push = X.R.col(2);  // a pad's z axis is its push direction
    const double F = std::max(2.0, o.force_N * o.profile.Factor(t));
    f->applied_forces.push_back({X.p - push * (F * 0.0005 + 0.02), push * F});
  }
}

viz::Frame FrameFromWorld(const sim::World& w) {
  viz::Frame f;
  f.time_s = w.state().time_s;
  for (const sim::BodyState& b : w.state().bodies) f.X_WB.push_back(Pose{b.q_WB.toRotationMatrix(), b.p_WB});
  const sim::StepOutputs& out = w.outputs();
  for (size_t i = 0; i < out.synovial_joints.size(); ++i) {
    f.facet_gap_m.push_back(out.synovial_joints[i].gap_m);
    f.facet_pressure_Pa.push_back(out.synovial_joints[i].pressure_Pa);
    f.facet_capsule_strain.push_back(out.synovial_joints[i].capsule_strain);
    f.facet_contact_N.push_back(out.synovial_joints[i].contact_force_N);
    f.facet_bubble_radius_m.push_back(w.state().capsules[i].radius_m);
  }
  const sim::ModelDesc& d = w.model().desc();
  for (const sim::JointDesc& L : d.joints) {
    const sim::BushingOutput& b = out.bushings[L.bushing];
    f.disc_shear_N.push_back(b.shear_N);
    f.disc_pressure_Pa.push_back(b.pressure_Pa);
    // the shear (x, y of the force on the upper body in the disc frame F), in W
    const sim::BushingDesc& bd = d.bushings[L.bushing];
    const Mat3 R_WF = (bd.body_a >= 0 ? f.X_WB[bd.body_a].R : Mat3::Identity()) * bd.X_AF.R;
    f.disc_shear_W.push_back(R_WF * Vec3(b.force_N.x(), b.force_N.y(), 0));
  }
  for (const sim::ContactOutput& c : out.contacts) {
    // the force on each body of the pair (environment objects are not drawn with arrows)
    if (c.a >= 0) f.contact_forces.push_back({c.p_W, c.force_on_a_N});
    if (c.b >= 0) f.contact_forces.push_back({c.p_W, -c.force_on_a_N});
  }
  return f;
}

void SyncFromRunner(const sim::ScenarioRunner& runner, Recording* rec) {
  const sim::ScenarioResult& r = runner.result();
  for (size_t t = rec->frames.size(); t < r.time_s.size(); ++t) rec->frames.push_back(FrameAt(r, t));
  // events collect their gap jump for 50 ms after the crack: refresh them all
  rec->cavitations.clear();
  for (const auto& c : r.cavitations) rec->cavitations.push_back({c.time_s, c.facet, c.gap_jump_m, c.sound_Pa});
  // the run's summary once it is over (what came closest to a pop, the comparison panel)
  if (runner.done() && !rec->has_summary) {
    rec->summary = sim::Summarize(rec->scenario, r);
    rec->has_summary = true;
  }
}

Expected<Recording> RecordScenario(const std::string& path, const std::string& model_path) {
  auto params = sim::LoadSpineParams(model_path);
  if (!params) return params.errors();
  auto sc = sim::LoadScenario(path);
  if (!sc) return sc.errors();
  auto model = sim::BuildScenarioModel(sc.value(), params.value());
  if (!model) return model.errors();
  auto r = sim::RunScenario(sc.value(), params.value());
  if (!r) return r.errors();
  Recording rec = FromResult(sc.value(), std::move(model).value(), r.value());
  rec.scenario = sc.value();
  rec.source = path;
  rec.summary = sim::Summarize(sc.value(), r.value());
  rec.has_summary = true;
  return rec;
}

std::vector<std::string> ListRuns(const std::string& h5_path) {
  auto f = io::OpenFileReadOnly(h5_path);
  if (!f) return {};
  return io::ListGroups(f.value(), "runs");
}

Expected<Recording> ReadResults(const std::string& h5_path, const std::string& run_in, const std::string& model_path) {
  auto f = io::OpenFileReadOnly(h5_path);
  if (!f) return f.errors();
  const auto runs = io::ListGroups(f.value(), "runs");
  if (runs.empty()) return std::vector<Diagnostic>{{h5_path, "runs", "no runs in this file"}};
  std::string run = run_in.empty() ? runs.front() : run_in;
  if (std::find(runs.begin(), runs.end(), run) == runs.end()) {
    std::string list;
    for (const auto& r : runs) list += (list.empty() ? "" : ", ") + r;
    return std::vector<Diagnostic>{{h5_path, "--run", "'" + run + "' is not a run of this file; allowed: " + list}};
  }
  const std::string base = "runs/" + run;
  auto text = io::ReadStringAttr(f.value(), base, "scenario_text");
  if (!text) return text.errors();
  auto params = sim::LoadSpineParams(model_path);
  if (!params) return params.errors();
  // the run's --set/--sweep values on top of the stored file (older files have none)
  std::vector<std::string> overrides;
  if (auto o = io::ReadStringAttr(f.value(), base, "overrides")) {
    std::stringstream lines(o.value());
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) overrides.push_back(line);
  }
  auto sc = sim::LoadScenarioText(text.value(), run + ".toml", overrides);
  if (!sc) return sc.errors();
  auto model = sim::BuildScenarioModel(sc.value(), params.value());
  if (!model) return model.errors();
  sim::ScenarioResult r;
  std::vector<uint64_t> dims;
  auto read = [&](const std::string& name, std::vector<double>* out) -> bool {
    auto v = io::ReadDoubles(f.value(), base + "/" + name, &dims);
    if (!v) return false;
    *out = std::move(v).value();
    return true;
  };
  bool ok = read("time", &r.time_s) && read("bodies/position", &r.body_position_m) &&
            read("bodies/orientation", &r.body_orientation) && read("facets/gap", &r.facet_gap_m) &&
            read("facets/fluid_pressure", &r.facet_pressure_Pa) && read("facets/capsule_strain", &r.facet_capsule_strain) &&
            read("facets/contact_force", &r.facet_contact_N) && read("facets/bubble_radius", &r.facet_bubble_radius_m) &&
            read("levels/disc_shear", &r.disc_shear_N) && read("levels/disc_pressure", &r.disc_pressure_Pa);
  auto levels = io::ReadStrings(f.value(), base + "/levels/name");
  if (levels) r.level_names = levels.value();
  if (!ok) return std::vector<Diagnostic>{{h5_path, base, "missing or unreadable datasets (not a spinelab results file?)"}};
  auto bodies = io::ReadStrings(f.value(), base + "/bodies/name");
  auto facets = io::ReadStrings(f.value(), base + "/facets/name");
  if (!bodies || !facets) return std::vector<Diagnostic>{{h5_path, base, "missing body or facet names"}};
  r.body_names = bodies.value();
  r.facet_names = facets.value();
  if (r.body_names.size() != model.value().bodies.size() || r.facet_names.size() != model.value().synovial_joints.size())
    return std::vector<Diagnostic>{{h5_path, base, "the stored run does not match the model rebuilt from its scenario (another model file?)"}};
  std::vector<double> ct, jump, idx;
  if (read("events/cavitation/time", &ct) && read("events/cavitation/gap_jump", &jump)) {
    // facet index from the names (stored as integers)
    auto names = io::ReadStrings(f.value(), base + "/events/cavitation/facet_name");
    std::vector<uint64_t> sdims;
    auto sound = io::ReadDoubles(f.value(), base + "/events/cavitation/sound", &sdims);
    for (size_t i = 0; i < ct.size(); ++i) {
      int fi = 0;
      if (names)
        fi = static_cast<int>(std::find(r.facet_names.begin(), r.facet_names.end(), names.value()[i]) - r.facet_names.begin());
      r.cavitations.push_back({ct[i], fi, jump[i], 0.0, {}});
      if (sound && sdims.size() == 2 && sdims[0] == ct.size())
        for (uint64_t k = 0; k < sdims[1]; ++k) r.cavitations.back().sound_Pa.push_back(static_cast<float>(sound.value()[i * sdims[1] + k]));
    }
  }
  Recording rec = FromResult(sc.value(), std::move(model).value(), r);
  rec.scenario = sc.value();
  rec.source = h5_path + " : " + run;
  return rec;
}

}  // namespace spinelab::viewer

#include "recording.h"


#include "spinelab/io/results.h"

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
  const size_t D = r.drive_names.size();
  if (r.drive_torque_W_Nm.size() >= (t + 1) * D * 3)
    for (size_t k = 0; k < D; ++k) {
      const double* m = &r.drive_torque_W_Nm[(t * D + k) * 3];
      f.drive_torque_W.push_back(Vec3(m[0], m[1], m[2]));
    }
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
  size_t drive = 0;  // the drives in load order (Frame::drive_torque_W)
  for (const sim::ScenarioLoad& L : sc.loads) {
    const sim::BodyId b = rec.model.FindBody(L.body);
    const size_t this_drive = L.drive ? drive++ : 0;
    if (b < 0 || static_cast<size_t>(b) >= f->X_WB.size()) continue;
    const Pose& X = f->X_WB[b];
    const double k = L.profile.Factor(t);
    const Vec3 at = X * (rec.model.bodies[b].p_BoV_B + L.point_m);
    if (L.drive) {
      // a drive: the torque its servo applies at this instant (recorded, or the live world's)
      if (this_drive < f->drive_torque_W.size()) f->applied_torques.push_back({at, f->drive_torque_W[this_drive]});
      continue;
    }
    if (L.force_N.norm() > 0) f->applied_forces.push_back({at, L.Force_W(X.R, k)});
    if (L.torque_Nm.norm() > 0) f->applied_torques.push_back({at, L.Torque_W(X.R, k)});
  }
  for (const sim::ScenarioObject& o : sc.objects) {
    if (o.kind != sim::ScenarioObject::Kind::kPad) continue;
    const sim::BodyId b = rec.model.FindBody(o.name);
    if (b < 0 || static_cast<size_t>(b) >= f->X_WB.size()) continue;
    const Pose& X = f->X_WB[b];
    const Vec3 push = X.R.col(2);  // a pad's z axis is its push direction
    const double F = o.PushForce(t);
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

viz::Frame FrameFromRunner(const sim::ScenarioRunner& runner) {
  viz::Frame f = FrameFromWorld(runner.world());
  for (const sim::DriveSample& x : runner.drives()) f.drive_torque_W.push_back(x.torque_W);
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

TechniqueAxes TechniqueOf(const Recording& rec) {
  TechniqueAxes t;
  t.hanging = rec.scenario.posture == "hanging";
  viz::Frame f;
  for (const sim::BodyDesc& b : rec.model.bodies) f.X_WB.push_back(b.X_WB);
  if (!rec.frames.empty() && rec.frames.front().X_WB.size() == f.X_WB.size()) f.X_WB = rec.frames.front().X_WB;
  // the trunk's axes: pelvis to T1, and T8's anterior and left
  const int pelvis = rec.model.FindBody("sacrum"), t1 = rec.model.FindBody("T1"), t8 = rec.model.FindBody("T8");
  if (pelvis >= 0 && t1 >= 0 && t8 >= 0) {
    t.trunk_W = (f.X_WB[t1].p - f.X_WB[pelvis].p).normalized();
    t.anterior_W = f.X_WB[t8].R.col(0);
    t.left_W = f.X_WB[t8].R.col(1);
  }
  // the loads' second moments over the run (sign-free): the dominant axis is their principal one
  Mat3 MM = Mat3::Zero(), FF = Mat3::Zero();
  constexpr int kSamples = 64;
  const double T = std::max(rec.scenario.duration_s, 1e-3);
  for (int k = 0; k <= kSamples; ++k) {
    f.time_s = T * k / kSamples;
    f.applied_forces.clear();
    f.applied_torques.clear();
    AddAppliedForces(rec, &f);
    for (const auto& a : f.applied_torques) MM += a.torque_W * a.torque_W.transpose();
    for (const auto& a : f.applied_forces) FF += a.force_W * a.force_W.transpose();
    // a drive (seated_twist) applies no set torque: it counts with the torque its muscles may
    // give about its axis (effort x maximum), while its effort lasts
    for (const sim::ScenarioLoad& L : rec.scenario.loads) {
      if (!L.drive || L.target_rotation_rad.norm() <= 0) continue;
      double target = 0, effort = 0;
      L.DriveFactors(f.time_s, &target, &effort);
      const Vec3 tau = (effort * L.effort_fraction * L.max_torque_Nm) * L.target_rotation_rad.normalized();
      MM += tau * tau.transpose();
    }
  }
  auto principal = [&](const Mat3& S, Vec3* axis, double* size) {
    const Eigen::SelfAdjointEigenSolver<Mat3> es(S);
    *axis = es.eigenvectors().col(2);
    *size = std::sqrt(std::max(es.eigenvalues()(2), 0.0) / (kSamples + 1));
  };
  principal(MM, &t.torque_axis_W, &t.torque_Nm);
  principal(FF, &t.force_axis_W, &t.force_N);
  return t;
}

void AttachSkeleton(const sim::SpineParams& params, Recording* rec) {
  rec->skeleton = std::make_shared<const viz::Skeleton>(viz::BuildSkeleton(rec->model, rec->scenario, &params));
}

Expected<Recording> RecordScenario(const std::string& path, const std::string& model_path, const std::vector<std::string>& set) {
  auto params = sim::LoadSpineParams(model_path);
  if (!params) return params.errors();
  auto sc = sim::LoadScenario(path, set);
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
  AttachSkeleton(params.value(), &rec);
  return rec;
}

std::vector<std::string> ListRuns(const std::string& h5_path) {
  auto runs = io::ListRuns(h5_path);
  return runs ? runs.value() : std::vector<std::string>{};
}

Expected<Recording> ReadResults(const std::string& h5_path, const std::string& run_in, const std::string& model_path) {
  auto runs = io::ListRuns(h5_path);
  if (!runs) return runs.errors();
  if (runs.value().empty()) return std::vector<Diagnostic>{{h5_path, "runs", "no runs in this file"}};
  const std::string run = run_in.empty() ? runs.value().front() : run_in;
  auto stored = io::ReadRun(h5_path, run);  // the datasets through io's table (run_layout.h)
  if (!stored) return stored.errors();
  const io::StoredRun& s = stored.value();
  auto sc = io::StoredScenario(s);
  if (!sc) return sc.errors();
  // the model the run ran on (its stored model_text), not today's model file; older files have
  // none and fall back to the model file, saying so
  std::string fallback;
  auto params = s.has_model_text ? io::StoredModel(s) : io::LoadModelSpec(model_path);
  if (!params) return params.errors();
  if (!s.has_model_text) fallback = "this run stores no model_text: the model is today's " + model_path;
  auto model = sim::BuildScenarioModel(sc.value(), params.value());
  if (!model) return model.errors();
  const sim::ScenarioResult& r = s.result;
  if (r.body_names.size() != model.value().bodies.size() || r.facet_names.size() != model.value().synovial_joints.size())
    return std::vector<Diagnostic>{{h5_path, "runs/" + run, "the stored run does not match the model rebuilt from its scenario (another model file?)"}};
  Recording rec = FromResult(sc.value(), std::move(model).value(), r);
  rec.scenario = sc.value();
  rec.source = h5_path + " : " + run;
  if (!fallback.empty()) rec.notice = rec.notice.empty() ? fallback : rec.notice + " (" + fallback + ")";
  AttachSkeleton(params.value(), &rec);
  return rec;
}

}  // namespace spinelab::viewer

// The scenario runner: building the world on the scene, settling into the posture, stepping.
#include "runner_impl.h"
#include "spinelab/anatomy/spine_probe.h"

namespace spinelab::sim {

Expected<ScenarioRunner> ScenarioRunner::Create(const Scenario& sc, const SpineParams& params,
                                                 const std::function<bool()>& cancelled) {
  // the same checks and messages as a scenario read from a file
  if (std::vector<Diagnostic> bad = Validate(sc, params); !bad.empty()) return bad;
  auto impl = std::make_unique<Impl>();
  impl->sc = sc;
  impl->params = params;
  Scene& scene = impl->scene;
  auto desc = BuildScene(sc, params, &scene);
  if (!desc) return desc.errors();
  auto compiled = Model::Compile(std::move(desc).value());
  if (!compiled) return compiled.errors();
  impl->model = std::make_shared<const Model>(std::move(compiled).value());
  const SimOptions so = ScenarioOptions(sc);
  SimOptions world_options = so;
  if (sc.adaptive) world_options.dt_s = kAdaptiveTick_s;  // steps of whole ticks (World::StepTicks)
  auto w = World::Create(impl->model, world_options);
  if (!w) return w.errors();
  impl->world = std::make_unique<World>(std::move(w).value());
  World& world = *impl->world;
  const ModelDesc& d = impl->model->desc();
  const BodyId pelvis = scene.pelvis;
  if (sc.settle_s > 0) {
    // settle into the posture and supports (no cavitation, nothing recorded), then start the
    // clock at 0. The person has held the starting posture for minutes: the joints' fluid has
    // come to its resting pressure (synovial fluid is continually absorbed and
    // replenished, Levick & McDonald 1995 Ann Rheum Dis 54:417; the resting pressure,
    // calibration.md §3, is that of a joint at rest), so neither suction nor pressure carries the
    // posture
    SimOptions quiet = so;
    quiet.synovial.cavitation = false;
    quiet.synovial.fluid_at_rest = true;
    // the posture is the subject's habitual one: settling into it raises no protective tone
    // (tone built here and reset at t = 0 would let the body sag then)
    quiet.reflex.accept_posture = true;
    // and into the equilibrium its supports give: without friction while settling (skin and
    // clothing have shifted until the supports hold no shear). With it, the shear picked up on the
    // way down stayed in and crept out during the record (supine L5-S1 facet gap 0.92 mm after
    // 1.5 s of settling, 0.73 mm after 8 s; frictionless 0.64 mm after either)
    quiet.contact.frictionless = true;
    auto pre = World::Create(impl->model, quiet);
    if (!pre) return pre.errors();
    impl->SetPadLoads(pre.value(), -1.0);
    const int64_t n = std::llround(sc.settle_s / sc.dt_s);
    // quasi-static: velocities decay with a 0.1 s time constant, so the body comes to rest in
    // the posture instead of swinging through it (an upright trunk of low tone sways for seconds)
    const double damping = std::exp(-sc.dt_s / 0.1);
    const bool lying = IsLyingPosture(sc.posture);
    constexpr int kStaticSettleIterations = 2000;
    constexpr uint32_t kNoRestingPose = 1u << 31;  // the settle's own outcomes, beside StepStatus
    constexpr uint32_t kCancelled = 1u << 30;
    const auto stop = [&] { return cancelled && cancelled(); };
    const auto settle = [&]() -> uint32_t {
      if (stop()) return kCancelled;
      // lying: the static equilibrium on the supports, solved (a damped settle leaves the soft
      // modes - the neutral zone, the chest on the table - wherever its path left them: the
      // prone T7 moved 0.5-0.9 mm per halving of the step and the head swung 1-4 mm sideways).
      // Every lying contact is compliant (the head has its own tissue), so the record starts at
      // rest where the solve left it (docs/calibration.md, known weaknesses)
      if (lying && n > 0) {
        int it = pre.value().SolveStatic(kStaticSettleIterations);
        // still swinging between two poses (World::SolveStatic: limbs as bodies, a forearm hanging
        // from its soft joints or lying flat on a roller): on from there, damped
        if (it == -1) it = pre.value().SolveStatic(kStaticSettleIterations, 1e-7, /*damped=*/true);
        return it > 0 ? kStepOk : it == -1 ? kNoRestingPose : kStepSolveFailed;
      }
      for (int64_t i = 0; i < n; ++i) {
        if (stop()) return kCancelled;
        if (const uint32_t st = pre.value().Step(); st != kStepOk) return st;
        pre.value().DampVelocities(damping);
      }
      return kStepOk;
    };
    uint32_t st = settle();
    if (st == kStepOk && lying) {
      // the person has lain there a while: the tissues creep (quiescent advance, no motion),
      // then the body settles into the crept tissues
      pre.value().Rest(120.0);
      st = settle();
    }
    if (st == kCancelled)
      return std::vector<Diagnostic>{{sc.file, "run.settle_s", "cancelled while settling into the posture"}};
    if (st == kNoRestingPose)
      return std::vector<Diagnostic>{{sc.file, "run.settle_s", "the body found no resting pose on its supports in " +
                                                                   std::to_string(kStaticSettleIterations) +
                                                                   " Newton iterations (it still moves: does something roll or slide off?); check the posture and objects"}};
    if (st != kStepOk)
      return std::vector<Diagnostic>{{sc.file, "run.settle_s", "the body did not settle into its supports (" + StepStatusText(st) +
                                                                   "); check the posture and objects"}};
    pre.value().DampVelocities(0.0);  // settled: the record starts from rest
    State s0 = pre.value().SaveState();
    s0.step_index = 0;
    s0.time_s = 0;
    world.RestoreState(s0);
  }
  scene.X_W_pelvis0 = d.bodies[pelvis].X_WB;

  ScenarioResult& res = impl->res;
  for (const auto& b : d.bodies) res.body_names.push_back(b.name);
  for (const auto& l : d.joints) res.level_names.push_back(l.name);
  for (const auto& f : d.synovial_joints) {
    res.facet_names.push_back(f.name);
    res.facet_nucleation_Pa.push_back(
        f.has_capsule ? f.capsule.nucleation_pressure_abs_Pa - f.capsule.atmospheric_pressure_Pa : 0.0);
    res.facet_nociceptor_strain.push_back(f.has_capsule ? f.capsule.nociceptor_strain : 0.0);
    res.facet_pain_strain.push_back(f.has_capsule ? f.capsule.pain_strain : 0.0);
  }
  res.environment = d.environment;
  res.model_file = params.file;
  res.model_text = params.text;
  res.rib_cage_file = scene.rib_cage_file;
  res.rib_cage_text = scene.rib_cage_text;
  // safety: artery rest lengths (every model has the neck); per level the weaker vertebra's strength
  impl->X_WB.resize(d.bodies.size());
  for (size_t b = 0; b < d.bodies.size(); ++b) impl->X_WB[b] = d.bodies[b].X_WB;
  for (const PathDesc& p : d.paths) {
    res.artery_names.push_back(p.name);
    scene.artery_rest_m.push_back(PathLength(p, impl->X_WB));
  }
  const double sL = sc.subject.height_m / params.ref_height_m;
  for (const JointDesc& L : d.joints) {
    scene.strength_N.push_back(std::min(VertebralStrength(params, sc.subject, L.upper, sc.bone_density_t_score),
                                        VertebralStrength(params, sc.subject, L.lower, sc.bone_density_t_score)));
    // the annulus as a thin elliptic ring around the nucleus: outer semi-axes from the smaller
    // endplate, inner from the nucleus' share of the area
    const double a = 0.5 * sL * std::min(params.vb_depth_m[L.upper], params.vb_depth_m[L.lower]);
    const double b = 0.5 * sL * std::min(params.vb_width_m[L.upper], params.vb_width_m[L.lower]);
    const double k_in = std::sqrt(params.nucleus_area_fraction);
    const double t_w = std::sqrt(a * b) * (1 - k_in);
    const double am = 0.5 * (1 + k_in);
    scene.annulus_t_m.push_back(t_w);
    scene.annulus_Am_m2.push_back(kPi * am * a * am * b);
    scene.annulus_wall_m2.push_back(kPi * a * b * (1 - params.nucleus_area_fraction));
  }
  // hanging: the feet carry everything below the shoulders until they leave the floor
  if (sc.posture == "hanging") {
    for (BodyId b = d.FindBody("T3"); b <= pelvis; ++b) scene.below_T2_N += d.bodies[b].mass_kg * -scene.gravity_W.z();
    // the legs as bodies hang from the hips: the feet carry them too
    for (const char* leg : {"thigh L", "shank L", "foot L", "thigh R", "shank R", "foot R"})
      if (const BodyId b = d.FindBody(leg); b >= 0) scene.below_T2_N += d.bodies[b].mass_kg * -scene.gravity_W.z();
  }
  impl->n_steps = std::llround(sc.duration_s / sc.dt_s);
  impl->every = std::max<int64_t>(1, std::llround(1.0 / (sc.output_rate_Hz * sc.dt_s)));
  impl->gap_at_crack.assign(d.synovial_joints.size(), 0.0);
  impl->open_event.assign(d.synovial_joints.size(), -1);
  impl->sum_F.assign(d.bodies.size(), Vec3::Zero());
  impl->sum_T.assign(d.bodies.size(), Vec3::Zero());
  impl->extra_F.assign(d.bodies.size(), Vec3::Zero());
  impl->extra_T.assign(d.bodies.size(), Vec3::Zero());
  for (BodyId b : scene.load_body)
    if (std::find(impl->loaded_bodies.begin(), impl->loaded_bodies.end(), b) == impl->loaded_bodies.end()) impl->loaded_bodies.push_back(b);
  if (scene.below_T2_N > 0 && std::find(impl->loaded_bodies.begin(), impl->loaded_bodies.end(), pelvis) == impl->loaded_bodies.end())
    impl->loaded_bodies.push_back(pelvis);
  // per level the ligaments across it (between its two bodies)
  impl->level_ligaments.resize(d.joints.size());
  for (size_t l = 0; l < d.joints.size(); ++l) impl->level_ligaments[l] = LigamentsAcross(d, static_cast<int>(l));
  impl->target_level = sc.protocol.level.empty() ? -1 : d.FindJoint(sc.protocol.level);
  for (size_t k = 0; k < sc.loads.size(); ++k)
    if (sc.loads[k].drive) impl->drive_loads.push_back(k), res.drive_names.push_back(sc.loads[k].name);
  impl->t0 = std::chrono::steady_clock::now();
  world.AcceptPostureAsBaseline();
  impl->Probe();  // the subject's baseline neutral zones: hypermobility 1
  impl->sample_kind = sc.protocol.enabled ? 0 : 1;
  impl->Record();
  if (sc.adaptive) impl->InitAdaptive();
  return ScenarioRunner(std::move(impl));
}

ScenarioRunner::ScenarioRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScenarioRunner::ScenarioRunner(ScenarioRunner&&) noexcept = default;
ScenarioRunner& ScenarioRunner::operator=(ScenarioRunner&&) noexcept = default;
ScenarioRunner::~ScenarioRunner() = default;

bool ScenarioRunner::done() const { return impl_->step >= impl_->n_steps || impl_->res.status != "ok"; }
const World& ScenarioRunner::world() const { return *impl_->world; }
const ModelDesc& ScenarioRunner::model() const { return impl_->d(); }
const ScenarioResult& ScenarioRunner::result() const { return impl_->res; }
std::vector<DriveSample> ScenarioRunner::drives() const {
  std::vector<DriveSample> out;
  for (size_t k : impl_->drive_loads) out.push_back(impl_->Drive(k));
  return out;
}

void ScenarioRunner::SetExtraLoad(BodyId body, const Vec3& force_W, const Vec3& torque_W) {
  SPINELAB_THROW_UNLESS(body >= 0 && body < static_cast<BodyId>(impl_->extra_F.size()), "body id out of range");
  impl_->extra_F[body] = force_W;
  impl_->extra_T[body] = torque_W;
  if (std::find(impl_->loaded_bodies.begin(), impl_->loaded_bodies.end(), body) == impl_->loaded_bodies.end())
    impl_->loaded_bodies.push_back(body);
}

bool ScenarioRunner::Step() {
  Impl& m = *impl_;
  if (done() || m.Cancelled()) return false;
  if (m.sc.adaptive) return m.AdaptiveStep() && !done();
  if (const std::string bad = m.ApplyLoads(m.world->state().time_s, m.sc.dt_s); !bad.empty()) return m.Fail(bad);
  const uint32_t st = m.world->Step();
  ++m.res.steps;
  ++m.step;
  if (st != kStepOk) return m.Fail(m.UnstableText(st));
  m.CollectEvents();
  if (m.step % m.every == 0) m.Record();
  return !done();
}

bool ScenarioRunner::Impl::StepOnce(bool window) {
  if (Cancelled()) return false;
  if (between_factor > 0 && attempt_on)  // the held posture gives way to the attempt over 0.3 s
    between_factor = std::max(0.0, 1.0 - (world->state().time_s - attempt_start) / 0.3);
  if (!attempt_on && between_ramp > 0)    // and returns after it
    between_factor = std::clamp((world->state().time_s - between_from) / between_ramp, 0.0, 1.0);
  if (const std::string bad = ApplyLoads(world->state().time_s, sc.dt_s); !bad.empty()) return Fail(bad);
  const uint32_t st = world->Step();
  ++res.steps;
  if (st != kStepOk) return Fail(UnstableText(st));
  CollectEvents();
  const int64_t k = std::llround((world->state().time_s - attempt_start) / sc.dt_s);
  if (window && k % every == 0) {
    sample_kind = 1;
    Record();
  }
  return true;
}

void ScenarioRunner::RunToEnd(const std::function<bool()>& cancelled) {
  impl_->cancelled = &cancelled;
  if (impl_->sc.protocol.enabled) {
    impl_->RunProtocol();
  } else {
    while (Step()) {
    }
  }
  impl_->cancelled = nullptr;
}

ScenarioResult ScenarioRunner::Finish() {
  impl_->res.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->t0).count();
  return std::move(impl_->res);
}

Expected<ScenarioResult> RunScenario(const Scenario& sc, const SpineParams& params,
                                     const std::function<bool()>& cancelled) {
  auto runner = ScenarioRunner::Create(sc, params, cancelled);
  if (!runner) return runner.errors();
  runner.value().RunToEnd(cancelled);
  return runner.value().Finish();
}

}  // namespace spinelab::sim

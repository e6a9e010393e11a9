// The scenario runner's state, shared by its parts: runner.cc (create, step), load_schedule.cc,
// recorder.cc (records and events), protocol_run.cc (internal to spinelab_scenario).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "scene.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {

/// [s] the time grid of run.step = "adaptive": every step, kink and output time is whole ticks
constexpr double kAdaptiveTick_s = 1e-6;
/// appends to `out` the sample at time t_s between the one-sample records a (w = 0) and b (w = 1):
/// every series linear in w, each body's quaternion normalised (w = 1: b's values exactly)
void AppendInterpolatedRow(const ScenarioResult& a, const ScenarioResult& b, double w, double t_s, ScenarioResult* out);

struct ScenarioRunner::Impl {
  Scenario sc;
  SpineParams params;
  Scene scene;
  std::shared_ptr<const Model> model;
  std::unique_ptr<World> world;
  ScenarioResult res;
  std::vector<Pose> X_WB;
  std::vector<double> gap_at_crack;
  std::vector<int> open_event;  // cavitation rows still collecting sound/jump
  std::vector<std::vector<float>> event_source;  // per cavitation row: the bubble's sound (its first kPopWindow_s)
  std::vector<Vec3> sum_F, sum_T, extra_F, extra_T;
  std::vector<BodyId> loaded_bodies;
  // drives (loads with a target rotation): per load, its servo's zero (set when it starts), in
  // load order; `drive_started` 0 until then
  std::vector<Servo> drive_servo;
  std::vector<char> drive_started;
  std::vector<size_t> drive_loads;  // the loads that are drives, in load order
  // load k, a drive: its servo now (zero before it starts)
  DriveSample Drive(size_t k) const;
  int64_t n_steps = 0, every = 1, step = 0;
  std::chrono::steady_clock::time_point t0;
  // repeated loading: baseline neutral zones, the last probed hypermobility, per-level ligaments
  std::vector<Vec3> nz0;
  std::vector<double> hyper;
  std::vector<std::vector<int>> level_ligaments;
  // protocols: loads are timed from the current attempt's start; between-loads have a factor
  double attempt_start = 0;
  bool attempt_on = true;
  double between_factor = 0;
  double between_ramp = -1;    // [s] between-loads return over this long (-1: at once)
  double between_from = 0;     // [s] from this time
  int64_t sample_kind = 1;
  int target_level = -1;
  double window_peak_strain = 0;
  // asked before every step while RunToEnd runs (empty otherwise): true stops the run
  const std::function<bool()>* cancelled = nullptr;

  const ModelDesc& d() const { return model->desc(); }
  // why a step failed, for status/error: the time, the check that tripped and the fastest body
  std::string UnstableText(uint32_t st) const {
    const State& state = world->state();
    size_t fast = 0;
    for (size_t i = 1; i < state.bodies.size(); ++i)
      if (state.bodies[i].v_WB.squaredNorm() > state.bodies[fast].v_WB.squaredNorm()) fast = i;
    std::string text = "unstable at t = " + FormatNumber(state.time_s) + " s: " + StepStatusText(st);
    if (!world->failure_detail().empty()) text += " from " + world->failure_detail();
    if (fast < state.bodies.size() && fast < d().bodies.size() && std::isfinite(state.bodies[fast].v_WB.norm()))
      text += "; fastest body '" + d().bodies[fast].name + "' at " + FormatNumber(state.bodies[fast].v_WB.norm()) +
              " m/s, " + FormatNumber(state.bodies[fast].w_WB.norm()) + " rad/s";
    return text + ". Check the loads (one the body cannot bear throws it), or try a smaller run.dt_s";
  }
  void SetPadLoads(World& w, double t) {
    // the practitioner carries the pad's weight; the profile's push comes on top of the touch
    for (size_t k = 0; k < sc.objects.size(); ++k) {
      if (scene.pad_body[k] < 0) continue;
      const BodyId pb = scene.pad_body[k];
      AppliedLoad a;
      const double F = sc.objects[k].PushForce(t);
      a.force_N = F * scene.pad_push_W[k] - d().bodies[pb].mass_kg * scene.gravity_W;
      w.SetAppliedLoad(pb, a);
    }
  }
  void Record() { RecordInto(&res); }
  // one sample of the record appended to `r`
  void RecordInto(ScenarioResult* r);
  // `row` holds only the sample at the current state
  void RecordRow(ScenarioResult* row);
  // the loads on the world for a step of h from time t: the forces (loads, drives, pads, the feet)
  // at t + lead (the fixed step: at its start; the adaptive step: at its middle), a held body's
  // pose at t and its velocity over the step; "" or why they cannot be applied (a non-finite
  // sum: the run fails)
  std::string ApplyLoads(double t, double h, double lead = 0.0);
  // load k, a drive: its servo at time t
  void ApplyDrive(size_t k, double t);
  // the caller asked to stop (RunToEnd's predicate): the run fails as cancelled
  bool Cancelled() {
    if (!cancelled || !*cancelled || !(*cancelled)()) return false;
    return !Fail("cancelled at t = " + FormatNumber(world->state().time_s) + " s");
  }
  // the run stops as failed with `why` (false, for returning)
  bool Fail(const std::string& why) {
    res.status = "failed";
    res.error = why;
    return false;
  }
  void CollectEvents();
  // run.step = "adaptive" (adaptive_step.cc): the time grid is kAdaptiveTick_s; steps, the
  // profile kinks and the output times are whole ticks
  struct Adaptive {
    int64_t min_ticks = 1, max_ticks = 1, out_ticks = 1, next_ticks = 1;
    std::vector<int64_t> kinks;       // ascending, in (0, end)
    int last_contacts = -1;           // contact points of the last step
    std::vector<double> phi, phi_at;  // per joint: its suction / its cracking suction, and when (s; -1: not watched)
    int64_t row_at = -1;              // the tick `row` was recorded at (-1: none)
    ScenarioResult row, row_new;      // one-sample records at step ends (interpolated to the output times)
    State start;                      // the step's start, for a retry
  } ad;
  void InitAdaptive();
  // one accepted adaptive step (retried smaller while its error is above the tolerance), its
  // events and the output samples it passes; false when the run fails
  bool AdaptiveStep();
  void Probe();
  bool StepOnce(bool window);
  bool RunProtocol();
  bool AttemptFacet(int f) const {
    const ModelDesc& md = d();
    if (target_level < 0) return true;
    const std::vector<int>& joints = md.joints[target_level].synovial;
    return std::find(joints.begin(), joints.end(), f) != joints.end();
  }
};
}  // namespace spinelab::sim

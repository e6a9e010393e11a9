// The adaptive step (run.step = "adaptive", docs/integration.md "The adaptive step"): an
// error-controlled step size for the engine's linearly implicit Euler step, events that force
// small steps, steps that end on the load profiles' kinks, and the record interpolated to the
// output rate.
//
// The error estimate is embedded and costs no extra solve: implicit Euler moves a body by h·v₁;
// the trapezoidal rule (second order) over the same step by h·(v₀ + v₁)/2. Their difference,
// h·|v₁ − v₀|/2, estimates the position error of the step (its leading term, h²·|a|/2). Step
// doubling would estimate the same with two more implicit solves per step (three in all); a
// TR-BDF2 step would change the integrator whose fixed-step answers every test and calibration
// rests on. The estimate sees every force the step saw (the tissues, contact, the loads), so a
// load that changes fast makes it large as well. The loads act at the step's middle (the fixed
// step: at its start), so their timing is second order too.
#include "runner_impl.h"

namespace spinelab::sim {

namespace {
// [m] the arm a body's rotation error is counted through (its translation error is counted as
// it is): about a trunk's half-depth, so 0.01 rad of turn weighs like 1 mm (assumed)
constexpr double kTurnArm_m = 0.1;
// [-] joints under more suction than this fraction of their cracking suction are watched (assumed)
constexpr double kWatchFraction = 0.4;
// [-] a joint whose fluid pressure has reached this fraction of its cracking suction is at its
// pop: it steps at min_step_s until it cracks or relaxes (assumed)
constexpr double kNearPopFraction = 0.95;
// [-] a watched joint's step: at most this fraction of the time its pressure, at its current
// rate, takes to reach the cracking suction (assumed)
constexpr double kToPopFraction = 0.2;
// the step-size controller's factors: safety, largest growth, largest cut
constexpr double kSafety = 0.9, kGrow = 2.0, kCut = 0.2;
}  // namespace

void ScenarioRunner::Impl::InitAdaptive() {
  const double tick = kAdaptiveTick_s;
  ad.min_ticks = std::max<int64_t>(1, std::llround(sc.min_step_s / tick));
  ad.max_ticks = std::max<int64_t>(ad.min_ticks, std::llround(sc.max_step_s / tick));
  ad.out_ticks = std::max<int64_t>(1, std::llround(1.0 / (sc.output_rate_Hz * tick)));
  ad.next_ticks = ad.min_ticks;
  n_steps = std::llround(sc.duration_s / tick);  // the end, in ticks
  step = 0;
  std::vector<double> t;
  for (const ScenarioLoad& L : sc.loads) L.profile.Kinks(&t);
  for (const ScenarioObject& o : sc.objects)
    if (o.kind == ScenarioObject::Kind::kPad) o.profile.Kinks(&t);
  for (const ScenarioMotion& m : sc.motions) m.profile.Kinks(&t);
  if (scene.below_T2_N > 0) t.insert(t.end(), {sc.feet_off_s, sc.feet_off_s + 2.0});  // the feet leave the floor
  for (double k : t) {
    const int64_t tk = std::llround(k / tick);
    if (std::isfinite(k) && tk > 0 && tk < n_steps) ad.kinks.push_back(tk);
  }
  std::sort(ad.kinks.begin(), ad.kinks.end());
  ad.kinks.erase(std::unique(ad.kinks.begin(), ad.kinks.end()), ad.kinks.end());
  ad.row_at = -1;
}

bool ScenarioRunner::Impl::AdaptiveStep() {
  if (Cancelled()) return false;
  World& w = *world;
  const ModelDesc& md = d();
  const int64_t now = w.state().step_index;
  // events force small steps: a bubble in its violent phase, a contact that came or went (the
  // next step, below), and a joint on its way to its pop: its fluid pressure, as a fraction φ of
  // its cracking suction, is followed from step to step, and the step is held to a fraction of
  // the time φ takes to reach 1 at its current rate (the smallest step from kNearPopFraction)
  int64_t n = std::clamp(ad.next_ticks, ad.min_ticks, ad.max_ticks);
  const double now_s = w.state().time_s;
  const size_t nj = md.synovial_joints.size();
  if (ad.phi.size() != nj) ad.phi.assign(nj, 0.0), ad.phi_at.assign(nj, -1.0);
  bool suction = false;
  for (size_t i = 0; i < nj; ++i) {
    if (w.state().capsules[i].mode == CapsuleState::kDynamic) n = ad.min_ticks;
    // the pressures of the last force evaluation (this step's start or the last one's)
    suction = suction || (res.facet_nucleation_Pa[i] < 0 && w.last_step_synovial_joints()[i].pressure_Pa <=
                                                              kWatchFraction * res.facet_nucleation_Pa[i]);
  }
  if (suction) {
    const std::vector<SynovialJointOutput>& joints = w.outputs().synovial_joints;  // at the step's start
    for (size_t i = 0; i < nj; ++i) {
      if (!(res.facet_nucleation_Pa[i] < 0)) continue;
      const double phi = joints[i].pressure_Pa / res.facet_nucleation_Pa[i];
      if (phi >= kNearPopFraction) n = ad.min_ticks;
      if (ad.phi_at[i] >= 0 && now_s > ad.phi_at[i] && phi > ad.phi[i] && phi < 1) {
        const double to_pop_s = (1 - phi) / ((phi - ad.phi[i]) / (now_s - ad.phi_at[i]));
        n = std::min(n, std::max<int64_t>(ad.min_ticks, std::llround(kToPopFraction * to_pop_s / kAdaptiveTick_s)));
      }
      ad.phi[i] = phi, ad.phi_at[i] = now_s;
    }
  } else {
    std::fill(ad.phi_at.begin(), ad.phi_at.end(), -1.0);
  }
  // end exactly on the next kink of a load profile and on the run's end
  const auto kink = std::upper_bound(ad.kinks.begin(), ad.kinks.end(), now);
  if (kink != ad.kinks.end()) n = std::min(n, *kink - now);
  n = std::min(n, n_steps - now);
  // the sample at the step's start, if the step passes an output time (kept from the last step)
  const int64_t next_out = (now / ad.out_ticks + 1) * ad.out_ticks;
  ad.start = w.SaveState();
  double err = 0;
  for (;;) {
    const double h = static_cast<double>(n) * kAdaptiveTick_s;
    if (now + n >= next_out && ad.row_at != now) {
      RecordRow(&ad.row);
      ad.row_at = now;
    }
    if (const std::string bad = ApplyLoads(w.state().time_s, h, 0.5 * h); !bad.empty()) return Fail(bad);
    const uint32_t st = w.StepTicks(n);
    err = 0;
    for (size_t b = 0; b < md.bodies.size() && st == kStepOk; ++b) {
      if (model->free_index(static_cast<BodyId>(b)) < 0) continue;
      const BodyState &s0 = ad.start.bodies[b], &s1 = w.state().bodies[b];
      err = std::max({err, 0.5 * h * (s1.v_WB - s0.v_WB).norm(), 0.5 * h * kTurnArm_m * (s1.w_WB - s0.w_WB).norm()});
    }
    const bool too_large = st != kStepOk || !(err <= sc.tolerance_m);
    if (!too_large || n <= ad.min_ticks) {
      if (st != kStepOk) {
        ++res.steps;
        return Fail(UnstableText(st));
      }
      break;
    }
    // retry from the step's start, smaller
    const double cut = st != kStepOk ? kCut : std::clamp(kSafety * std::sqrt(sc.tolerance_m / err), kCut, 1.0);
    n = std::max(ad.min_ticks, static_cast<int64_t>(static_cast<double>(n) * cut));
    w.RestoreState(ad.start);
  }
  ++res.steps;
  step = w.state().step_index;
  // the next step: the error grows as h², so h × sqrt(tol / err), within [cut, grow]; a contact
  // that came or went since the last step starts again from the smallest step
  const double grow = err > 0 ? std::clamp(kSafety * std::sqrt(sc.tolerance_m / err), kCut, kGrow) : kGrow;
  ad.next_ticks = std::max<int64_t>(ad.min_ticks, static_cast<int64_t>(static_cast<double>(n) * grow));
  if (ad.last_contacts >= 0 && w.num_contacts() != ad.last_contacts) ad.next_ticks = ad.min_ticks;
  ad.last_contacts = w.num_contacts();
  CollectEvents();
  // the output samples the step passed, interpolated between its start and its end
  if (step >= next_out) {
    RecordRow(&ad.row_new);
    for (int64_t t = next_out; t <= step; t += ad.out_ticks) {
      const double wt = t == step ? 1.0 : static_cast<double>(t - now) / static_cast<double>(step - now);
      AppendInterpolatedRow(ad.row, ad.row_new, wt, static_cast<double>(t) * kAdaptiveTick_s, &res);
    }
    std::swap(ad.row, ad.row_new);
    ad.row_at = step;
  }
  return res.status == "ok";
}

}  // namespace spinelab::sim

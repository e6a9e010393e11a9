// Protocols: repeated attempts over days, with rests, long-series samples and re-balancing.
#include "runner_impl.h"

namespace spinelab::sim {

bool ScenarioRunner::Impl::RunProtocol() {
  const ScenarioProtocol& P = sc.protocol;
  World& w = *world;
  const double eps = 0.5 * sc.dt_s;
  bool has_between = false;
  for (const ScenarioLoad& L : sc.loads) has_between = has_between || L.phase != ScenarioLoad::Phase::kAttempt;
  between_factor = 1.0;
  attempt_on = false;
  double next_sample = P.sample_s, last_balance = 0;
  auto long_sample = [&] {
    Probe();
    sample_kind = 0;
    Record();
  };
  // the held posture re-balanced (under the between-loads): a short spell of dynamics, so that a
  // joint held open by the last attempt closes as its gas dissolves and the creep shows in the pose
  auto rebalance = [&](double duration_s) {
    const int64_t n = std::llround(duration_s / sc.dt_s);
    for (int64_t i = 0; i < n; ++i)
      if (!StepOnce(false)) return false;
    last_balance = w.state().time_s;
    return true;
  };
  // rest (slow state only) until t_end, with long-series samples and re-balancing on their grids
  auto any_bubble = [&] {
    for (const CapsuleState& c : w.state().capsules)
      if (c.mode != CapsuleState::kNoBubble) return true;
    return false;
  };
  auto advance_to = [&](double t_end) {
    while (w.state().time_s < t_end - eps) {
      // re-balance on its grid while the posture is loaded or a joint holds gas
      const bool balance = has_between || any_bubble();
      double next = std::min(t_end, next_sample);
      if (balance) next = std::min(next, last_balance + P.rebalance_s);
      const double dt = next - w.state().time_s;
      if (dt > eps) {
        while (!w.Rest(dt))  // a bubble still violent: let it settle first
          if (!StepOnce(false)) return false;
      }
      const double t = w.state().time_s;
      if (balance && t >= last_balance + P.rebalance_s - eps) {
        if (t + 0.25 >= t_end)
          last_balance = t;  // due within a quarter second of what comes next: skipped (it re-balances itself)
        else if (!rebalance(0.25))
          return false;
      }
      if (w.state().time_s >= next_sample - eps) {
        long_sample();
        next_sample += P.sample_s;
      }
    }
    return true;
  };
  auto settle = [&] {  // the posture (back) into balance, the between-loads ramped in
    between_from = w.state().time_s;
    between_ramp = 0.5 * P.settle_s;
    const bool ok = rebalance(P.settle_s);
    between_ramp = -1;
    between_factor = 1.0;
    return ok;
  };
  if (!settle()) return false;  // into the posture first
  w.AcceptPostureAsBaseline();
  for (const double t_attempt : P.AttemptTimes()) {
    if (!advance_to(t_attempt)) return false;
    // the attempt: the technique's loads at full rate, recorded in a window
    attempt_start = w.state().time_s;
    attempt_on = true;
    window_peak_strain = 0;
    const size_t cav0 = res.cavitations.size();
    sample_kind = 1;
    Record();
    const int64_t n = std::llround(P.attempt_s / sc.dt_s);
    for (int64_t i = 0; i < n; ++i)
      if (!StepOnce(w.state().time_s - attempt_start < P.window_s - eps)) return false;
    // until every bubble has settled (a pop lasts milliseconds; at most 2 s more)
    auto violent = [&] {
      for (const CapsuleState& c : w.state().capsules)
        if (c.mode == CapsuleState::kDynamic) return true;
      return false;
    };
    for (int64_t i = 0; violent() && i < std::llround(2.0 / sc.dt_s); ++i)
      if (!StepOnce(false)) return false;
    ScenarioResult::Attempt a;
    a.time_s = attempt_start;
    for (size_t c = cav0; c < res.cavitations.size(); ++c) {
      ++a.cavitations;
      a.gap_jump_m = std::max(a.gap_jump_m, res.cavitations[c].gap_jump_m);
      a.cavitated = a.cavitated || AttemptFacet(res.cavitations[c].facet);
    }
    a.peak_capsule_strain = window_peak_strain;
    long_sample();  // probes the hypermobility after the attempt
    if (target_level >= 0) {
      const JointDesc& L = d().joints[target_level];
      double lax = 0;
      int n_caps = 0;
      for (int f : L.synovial)
        if (d().synovial_joints[f].capsule_ligament >= 0) {
          const LigamentState& ls = w.state().ligaments[d().synovial_joints[f].capsule_ligament];
          lax += ls.laxity + ls.laxity_permanent;
          ++n_caps;
        }
      a.laxity_after = n_caps ? lax / n_caps : 0.0;
      a.hypermobility_after = hyper[target_level];
    }
    res.attempts.push_back(a);
    // the attempt's end pose held, then the posture between attempts returns
    if (P.hold_s > 0) {
      while (!w.Rest(P.hold_s))
        if (!StepOnce(false)) return false;
    }
    attempt_on = false;
    if (!settle()) return false;
  }
  if (!advance_to(P.duration_s)) return false;
  long_sample();
  return true;
}

}  // namespace spinelab::sim

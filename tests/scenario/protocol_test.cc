// Long protocols (issue 5): repeated versus occasional popping (laxity, hypermobility, protective
// tone of the neighbours), the refractory period limiting the pops per day, the desk day with and
// without the 30-minute rule, determinism, bad input, and the HDF5 layout of a protocol run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "spinelab/io/h5.h"
#include "spinelab/io/results.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {
namespace {

struct ProtocolRun {
  Scenario sc;
  ScenarioResult r;
  size_t Level(const std::string& n) const {
    return std::find(r.level_names.begin(), r.level_names.end(), n) - r.level_names.begin();
  }
  size_t Facet(const std::string& n) const {
    return std::find(r.facet_names.begin(), r.facet_names.end(), n) - r.facet_names.begin();
  }
  double Max(const std::vector<double>& v, size_t n, size_t i) const {  // largest over time of column i
    double m = -1e300;
    for (size_t t = 0; t < r.time_s.size(); ++t) m = std::max(m, v[t * n + i]);
    return m;
  }
  double Last(const std::vector<double>& v, size_t n, size_t i) const { return v[(r.time_s.size() - 1) * n + i]; }
};

ProtocolRun RunFile(const std::string& name, const std::vector<std::string>& overrides = {}) {
  static const SpineParams params = LoadSpineParams(DefaultSpineModelPath()).value();
  ProtocolRun run;
  run.sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", overrides).value();
  run.r = RunScenario(run.sc, params).value();
  EXPECT_EQ(run.r.status, "ok") << run.r.error;
  return run;
}

// the two 30-day protocols, run once for the tests that compare them
const ProtocolRun& Repeated() {
  static const ProtocolRun r = RunFile("repeated_popping");
  return r;
}
const ProtocolRun& Occasional() {
  static const ProtocolRun r = RunFile("occasional_popping");
  return r;
}

// The three checks of the two 30-day protocols share one test: each protocol takes ~25 s of CPU,
// and ctest runs every test in its own process, so three tests ran both protocols three times.
void LaxityAndHypermobilityOfThePoppedLevelGrowFarMoreThanOccasionally() {
  const ProtocolRun& rep = Repeated();
  const ProtocolRun& occ = Occasional();
  ASSERT_EQ(rep.r.attempts.size(), 300u);
  ASSERT_EQ(occ.r.attempts.size(), 15u);
  const size_t F = rep.r.facet_names.size(), L = rep.r.level_names.size();
  // the popped (left) joint of the target level: lasting slack of its capsule
  const size_t f = rep.Facet("T12-L1 L"), l = rep.Level("T12-L1");
  const double lax_rep = rep.Last(rep.r.facet_laxity, F, f), lax_occ = occ.Last(occ.r.facet_laxity, F, f);
  EXPECT_GT(lax_rep, 0.005) << "repeated popping loosens the capsule by " << lax_rep;
  EXPECT_GT(lax_rep, 2.5 * lax_occ) << "laxity: repeated " << lax_rep << ", occasional " << lax_occ;
  // the level's neutral zone grows (hypermobility), far more with the habit
  const double hi_rep = rep.Last(rep.r.level_hypermobility, L, l) - 1, hi_occ = occ.Last(occ.r.level_hypermobility, L, l) - 1;
  EXPECT_GT(hi_rep, 0.004);
  EXPECT_GT(hi_rep, 2.5 * hi_occ) << "hypermobility - 1: repeated " << hi_rep << ", occasional " << hi_occ;
  // and more than anywhere else in the spine
  for (size_t k = 0; k < L; ++k) {
    if (k == l) continue;
    EXPECT_LT(rep.Last(rep.r.level_hypermobility, L, k) - 1, hi_rep) << rep.r.level_names[k];
  }
  // the per-attempt rows report the same laxity, rising over the month
  EXPECT_NEAR(rep.r.attempts.back().laxity_after, 0.5 * (lax_rep + rep.Last(rep.r.facet_laxity, F, rep.Facet("T12-L1 R"))), 0.2 * lax_rep);
  EXPECT_GT(rep.r.attempts.back().laxity_after, 3 * rep.r.attempts.front().laxity_after);
}

void NeighbouringLevelsStiffen() {
  const ProtocolRun& rep = Repeated();
  const ProtocolRun& occ = Occasional();
  const size_t L = rep.r.level_names.size();
  for (const char* n : {"T11-T12", "L1-L2"}) {
    const double a = rep.Max(rep.r.level_tone, L, rep.Level(n)), b = occ.Max(occ.r.level_tone, L, occ.Level(n));
    EXPECT_GT(a, 0.1) << n;
    EXPECT_GT(a, 2.5 * b) << n << ": protective tone repeated " << a << ", occasional " << b;
  }
  // far from the popped level nothing tightens
  EXPECT_LT(rep.Max(rep.r.level_tone, L, rep.Level("T6-T7")), 0.01);
}

void RefractoryPeriodLimitsThePopsPerDay() {
  const ProtocolRun& rep = Repeated();
  std::map<int, int> pops;
  for (size_t i = 0; i < rep.r.attempts.size(); ++i) {
    const auto& a = rep.r.attempts[i];
    pops[static_cast<int>(a.time_s / 86400)] += a.cavitated;
    // 12 min after a pop of the same joint, the next attempt does not pop it
    if (i > 0 && rep.r.attempts[i - 1].cavitated && a.time_s - rep.r.attempts[i - 1].time_s < 20 * 60) {
      EXPECT_FALSE(a.cavitated) << "attempt at " << a.time_s << " s popped 12 min after a pop";
    }
  }
  ASSERT_EQ(pops.size(), 30u);
  for (const auto& [day, n] : pops) {
    EXPECT_LE(n, 5) << "day " << day << ": ten attempts, at most every other one can pop";
    EXPECT_GE(n, 4) << "day " << day;
  }
  // occasional attempts, two days apart, all pop
  for (const auto& a : Occasional().r.attempts) EXPECT_TRUE(a.cavitated) << a.time_s;
}

TEST(RepeatedPopping, AMonthOfTenAttemptsADayVersusOneEveryTwoDays) {
  {
    SCOPED_TRACE("laxity and hypermobility of the popped level grow far more than occasionally");
    LaxityAndHypermobilityOfThePoppedLevelGrowFarMoreThanOccasionally();
  }
  {
    SCOPED_TRACE("the neighbouring levels stiffen");
    NeighbouringLevelsStiffen();
  }
  {
    SCOPED_TRACE("the refractory period limits the pops per day");
    RefractoryPeriodLimitsThePopsPerDay();
  }
}

TEST(RepeatedPopping, AnAttemptTenMinutesAfterAPopFailsHalfAnHourAfterItSucceeds) {
  const ProtocolRun ten = RunFile("repeated_popping", {"protocol.days=1", "protocol.per_day=2", "protocol.interval_min=10"});
  ASSERT_EQ(ten.r.attempts.size(), 2u);
  EXPECT_TRUE(ten.r.attempts[0].cavitated);
  EXPECT_FALSE(ten.r.attempts[1].cavitated);
  EXPECT_GT(ten.r.attempts[0].gap_jump_m, 0.05e-3);
  const ProtocolRun half = RunFile("repeated_popping", {"protocol.days=1", "protocol.per_day=2", "protocol.interval_min=30"});
  ASSERT_EQ(half.r.attempts.size(), 2u);
  EXPECT_TRUE(half.r.attempts[0].cavitated);
  EXPECT_TRUE(half.r.attempts[1].cavitated);
}

TEST(DeskDay, ThirtyMinuteRuleEndsWithLessCreep) {
  const ProtocolRun desk = RunFile("desk_day"), rule = RunFile("desk_day_30min_rule");
  EXPECT_EQ(rule.r.attempts.size(), 15u);
  EXPECT_NEAR(desk.r.time_s.back(), 8 * 3600.0, 1.0);
  const size_t L = desk.r.level_names.size(), T1 = desk.Level("T1-T2");
  auto trunk_creep = [&](const ProtocolRun& r) {
    double c = 0;
    for (size_t l = T1; l < L; ++l) c += r.Last(r.r.level_creep, L, l);
    return c / (L - T1);
  };
  auto trunk_flexion = [&](const ProtocolRun& r, size_t t) {
    double s = 0;
    for (size_t l = T1; l < L; ++l) s += r.r.level_rotation_rad[(t * L + l) * 3];
    return s;
  };
  const double a = trunk_creep(desk), b = trunk_creep(rule);
  EXPECT_GT(a, 1e-3) << "eight hours of slumped sitting creep the trunk's ligaments";
  EXPECT_LT(b, a) << "creep at the end: desk day " << a << ", with the 30-minute rule " << b;
  // and the slump is less deep at the day's end
  EXPECT_LT(trunk_flexion(rule, rule.r.time_s.size() - 1), trunk_flexion(desk, desk.r.time_s.size() - 1));
  // the creep builds in the first minutes of sitting (no creep at t = 0)
  EXPECT_EQ(desk.r.level_creep[T1], 0.0);
}

// the head's turn from its start (the upright seated posture before the slump), in degrees
double HeadTiltDeg(const ProtocolRun& run, size_t t) {
  const size_t B = run.r.body_names.size();
  const size_t h = std::find(run.r.body_names.begin(), run.r.body_names.end(), "head") - run.r.body_names.begin();
  EXPECT_LT(h, B);
  const double* q0 = &run.r.body_orientation[h * 4];
  const double* q = &run.r.body_orientation[(t * B + h) * 4];
  const double dot = std::abs(q0[0] * q[0] + q0[1] * q[1] + q0[2] * q[2] + q0[3] * q[3]);
  return 2 * std::acos(std::min(1.0, dot)) * 180 / M_PI;
}

// issue 21, "everyday postures are quiet": a desk day neither pops nor strains the neck's capsules
// to pain. The neck keeps its own tone (posture.neck_muscle_tone, default 1) while the back relaxes
// (muscle_tone 0.1): with the neck at the back's 0.1 the head fell ~100 deg as the slump tilted T1
// forward, C2-C3 .. C7-T1 capsules reached 0.26-0.41 and C5-C6 .. C7-T1 popped at 1.5-1.7 s.
TEST(DeskDay, SittingIsQuietTheNeckHoldsTheHead) {
  const ProtocolRun desk = RunFile("desk_day", {"protocol.duration_h=0.5"});
  for (const auto& c : desk.r.cavitations) ADD_FAILURE() << "pop: " << desk.r.facet_names[c.facet] << " at " << c.time_s << " s";
  const size_t F = desk.r.facet_names.size(), T = desk.r.time_s.size();
  int neck = 0;
  for (size_t f = 0; f < F; ++f) {
    if (desk.r.facet_names[f][0] != 'C' || desk.r.facet_pain_strain[f] <= 0) continue;  // the neck's facets, C0-C1 .. C7-T1
    ++neck;
    const double peak = desk.Max(desk.r.facet_capsule_strain, F, f);
    // the threshold is the model's (models/spine_adult.toml pain_strain, 0.34)
    EXPECT_LT(peak, desk.r.facet_pain_strain[f]) << desk.r.facet_names[f];
    EXPECT_LT(peak, 0.2) << desk.r.facet_names[f] << ": measured 0.12-0.15 in the lower neck";
  }
  EXPECT_GE(neck, 14) << "C1-C2 .. C7-T1, both sides";
  // the neck's own flexion (the head on T1: C0-C1 .. C7-T1 summed) stays a few tens of degrees at
  // most: measured 13 deg over the 8 h (61 deg with the back's tone, chin on the chest)
  const size_t L = desk.r.level_names.size(), T1 = desk.Level("T1-T2");
  double neck_flexion = 0, tilt = 0;
  for (size_t t = 0; t < T; ++t) {
    double s = 0;
    for (size_t l = 0; l < T1; ++l) s += desk.r.level_rotation_rad[(t * L + l) * 3];
    neck_flexion = std::max(neck_flexion, s * 180 / M_PI);
    tilt = std::max(tilt, HeadTiltDeg(desk, t));
  }
  EXPECT_LT(neck_flexion, 30) << "deg, head on T1";
  EXPECT_GT(neck_flexion, 3) << "the head does nod forward with the slump";
  // the head follows the slumped thorax (no gaze-keeping reflex in the model: docs/calibration.md):
  // from the upright start it turns ~60 deg in the first half hour (trunk T1-S1 47 deg + neck),
  // 66 deg at 8 h (trunk 53 deg); it fell ~100 deg with the back's tone
  EXPECT_LT(tilt, 70) << "head tilt from the upright start";
}

TEST(Protocol, SameInputsGiveBitwiseIdenticalResults) {
  const ProtocolRun a = RunFile("repeated_popping", {"protocol.days=1", "protocol.per_day=3"});
  const ProtocolRun b = RunFile("repeated_popping", {"protocol.days=1", "protocol.per_day=3"});
  EXPECT_EQ(a.r.time_s, b.r.time_s);
  EXPECT_EQ(a.r.body_position_m, b.r.body_position_m);
  EXPECT_EQ(a.r.facet_laxity, b.r.facet_laxity);
  EXPECT_EQ(a.r.level_hypermobility, b.r.level_hypermobility);
  EXPECT_EQ(a.r.level_tone, b.r.level_tone);
  // the long series is at the reduced rate, the windows at the full rate
  const size_t n_long = std::count(a.r.sample_kind.begin(), a.r.sample_kind.end(), 0);
  EXPECT_GE(n_long, 12u + 3u);  // every 2 h plus one after each attempt
  EXPECT_LT(n_long, 40u);
  EXPECT_EQ(a.r.sample_kind.size(), a.r.time_s.size());
  EXPECT_TRUE(std::is_sorted(a.r.time_s.begin(), a.r.time_s.end()));
}

TEST(Protocol, ARebalanceDueJustBeforeAnAttemptIsSkippedNotLoopedOn) {
  // after the 4-s settle the posture re-balances every 29.93 min: the first is due 0.2 s before the first reach
  const ProtocolRun r = RunFile("desk_day_30min_rule", {"protocol.duration_h=1.2", "protocol.rebalance_min=29.93"});
  EXPECT_EQ(r.r.attempts.size(), 2u);
  EXPECT_NEAR(r.r.time_s.back(), 1.2 * 3600, 1.0);
}

TEST(Protocol, BadInputNamesFileLineKeyValueAndWhatIsAllowed) {
  const std::string head = "schema_version = 1\n[scenario]\ntitle = \"t\"\n[run]\nduration_s = 1.0\n";
  auto errors = [&](const std::string& body) {
    auto s = LoadScenarioText(head + body, "bad.toml");
    EXPECT_FALSE(s.ok());
    return s.ok() ? std::string() : s.ErrorText();
  };
  EXPECT_NE(errors("[protocol]\ndays = 3\nduration_h = 2.0\n").find("exactly one of `days`"), std::string::npos);
  const std::string w = errors("[protocol]\ndays = 1\nattempt_s = 1.0\nwindow_s = 2.0\n");
  EXPECT_NE(w.find("bad.toml:9"), std::string::npos) << w;
  EXPECT_NE(w.find("protocol.window_s"), std::string::npos) << w;
  EXPECT_NE(w.find("<= attempt_s"), std::string::npos) << w;
  EXPECT_NE(errors("[protocol]\ndays = 1\nevery_min = 3\n").find("protocol.every_min: unknown key"), std::string::npos);
  EXPECT_NE(errors("[protocol]\ndays = 1\nlevel = \"T13-L1\"\n").find("allowed: C0-C1 .. L5-S1"), std::string::npos);
  EXPECT_NE(errors("[protocol]\ndays = 1\nper_day = 10\nfirst_at_h = 20.0\ninterval_min = 60.0\n").find("would be at 29 h"), std::string::npos);
  EXPECT_NE(errors("[protocol]\ndays = 1.5\n").find("is not a whole number; allowed: a whole number in [1, 365] days"), std::string::npos);
  EXPECT_NE(errors("[[load]]\nbody = \"T1\"\nphase = \"between\"\n").find("only a scenario with a [protocol]"), std::string::npos);
  EXPECT_NE(errors("[protocol]\ndays = 1\n[[load]]\nbody = \"T1\"\nphase = \"sometimes\"\n").find("allowed: always, attempt, between"), std::string::npos);
}

TEST(Protocol, ResultsFileHoldsTheLongSeriesAndOneRowPerAttempt) {
  const ProtocolRun a = RunFile("repeated_popping", {"protocol.days=1", "protocol.per_day=2"});
  const std::string path = ::testing::TempDir() + "/protocol.h5";
  std::remove(path.c_str());
  {
    auto f = io::CreateFile(path, true).value();
    ASSERT_TRUE(io::WriteRun(f, "rp", a.sc, a.r).ok());
  }
  auto f = io::OpenFileReadOnly(path).value();
  std::vector<uint64_t> dims;
  ASSERT_TRUE(io::ReadDoubles(f, "runs/rp/levels/hypermobility", &dims).ok());
  EXPECT_EQ(dims, (std::vector<uint64_t>{a.r.time_s.size(), 25}));
  ASSERT_TRUE(io::ReadDoubles(f, "runs/rp/facets/laxity", &dims).ok());
  EXPECT_EQ(dims, (std::vector<uint64_t>{a.r.time_s.size(), 50}));
  const auto t = io::ReadDoubles(f, "runs/rp/events/loading/time", &dims).value();
  EXPECT_EQ(t.size(), 2u);
  EXPECT_NEAR(t[0], 9 * 3600.0, 1.0);
  for (const char* d : {"cavitated", "gap_jump", "capsule_strain", "laxity_after", "hypermobility_after"})
    EXPECT_TRUE(io::ReadDoubles(f, std::string("runs/rp/events/loading/") + d, &dims).ok()) << d;
  EXPECT_EQ(io::ReadStringAttr(f, "runs/rp/events/loading/capsule_strain", "units").value(), "-");
}

}  // namespace
}  // namespace spinelab::sim

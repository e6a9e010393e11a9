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
  EXPECT_NE(errors("[protocol]\ndays = 1.5\n").find("a whole number of days"), std::string::npos);
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

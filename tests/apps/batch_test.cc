// Batch plans: sweeps (product and Latin hypercube), run names, bad sweep specs; a run's shard
// and its index row (the end-to-end batch runs are in tests/batch/batch_cli_test.sh).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "spinelab/batch/batch.h"
#include "spinelab/io/h5.h"

namespace {

using namespace spinelab;
using namespace spinelab::io;

const std::string kTwist = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml";
const std::string kHang = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/dead_hang.toml";

TEST(Sweep, RangeHasCountEvenlySpacedValuesWithBothEnds) {
  auto a = ParseSweep("subject.body_mass_kg=60:90:4");
  ASSERT_TRUE(a) << a.ErrorText();
  EXPECT_EQ(a.value().key, "subject.body_mass_kg");
  EXPECT_EQ(a.value().values, (std::vector<std::string>{"60", "70", "80", "90"}));
  EXPECT_TRUE(a.value().is_range && a.value().numeric);
  EXPECT_EQ(ParseSweep("k=5:7:1").value().values, std::vector<std::string>{"5"});
}

TEST(Sweep, ListKeepsItsValuesAndKnowsWhetherTheyAreNumbers) {
  auto a = ParseSweep("subject.tissue=warm, cold");
  ASSERT_TRUE(a);
  EXPECT_EQ(a.value().values, (std::vector<std::string>{"warm", "cold"}));
  EXPECT_FALSE(a.value().numeric);
  EXPECT_TRUE(ParseSweep("posture.muscle_tone=0.5,1,1.5").value().numeric);
}

TEST(Sweep, MalformedSpecsSayWhatIsAllowed) {
  for (const auto& [spec, msg] : std::vector<std::pair<std::string, std::string>>{
           {"subject.body_mass_kg", "must be key.path=start:stop:count"},
           {"=1,2", "must be key.path"},
           {"k=1:2", "must be start:stop:count"},
           {"k=a:2:3", "must be start:stop:count"},
           {"k=1:2:0", "count '0' must be a whole number"},
           {"k=1:2:2.5", "count '2.5' must be a whole number"},
           {"k=1,,2", "has an empty value"}}) {
    auto a = ParseSweep(spec);
    ASSERT_FALSE(a) << spec;
    EXPECT_NE(a.ErrorText().find(msg), std::string::npos) << spec << ": " << a.ErrorText();
    EXPECT_NE(a.ErrorText().find("--sweep"), std::string::npos);
  }
}

TEST(Plan, ProductOfSweepsTimesScenariosFirstSweepSlowest) {
  BatchRequest q;
  q.scenario_files = {kTwist, kHang};
  q.set = {"run.duration_s=1"};
  q.sweeps = {"subject.body_mass_kg=60:80:3", "posture.muscle_tone=0.8,1.2"};
  auto p = PlanBatch(q);
  ASSERT_TRUE(p) << p.ErrorText();
  const BatchPlan& plan = p.value();
  ASSERT_EQ(plan.runs.size(), 2u * 3u * 2u);
  EXPECT_EQ(plan.swept_keys, (std::vector<std::string>{"subject.body_mass_kg", "posture.muscle_tone"}));
  EXPECT_EQ(plan.runs[0].name, "seated_twist__subject.body_mass_kg=60__posture.muscle_tone=0.8");
  EXPECT_EQ(plan.runs[1].name, "seated_twist__subject.body_mass_kg=60__posture.muscle_tone=1.2");
  EXPECT_EQ(plan.runs[2].values, (std::vector<std::string>{"70", "0.8"}));
  EXPECT_EQ(plan.runs[6].scenario_name, "dead_hang");
  // --set first, then the swept values
  EXPECT_EQ(plan.runs[3].overrides,
            (std::vector<std::string>{"run.duration_s=1", "subject.body_mass_kg=70", "posture.muscle_tone=1.2"}));
  std::set<std::string> names;
  for (const auto& r : plan.runs) names.insert(r.name);
  EXPECT_EQ(names.size(), plan.runs.size());
}

TEST(Plan, NoSweepIsOneRunPerScenarioAndTheSameScenarioTwiceGetsTwoNames) {
  BatchRequest q;
  q.scenario_files = {kTwist, kTwist};
  auto p = PlanBatch(q);
  ASSERT_TRUE(p);
  ASSERT_EQ(p.value().runs.size(), 2u);
  EXPECT_EQ(p.value().runs[0].name, "seated_twist");
  EXPECT_EQ(p.value().runs[1].name, "seated_twist__2");
}

TEST(Plan, LatinHypercubeUsesEveryStratumOfEveryAxisOnce) {
  BatchRequest q;
  q.scenario_files = {kTwist};
  q.sweeps = {"subject.body_mass_kg=50:100:2", "subject.height_m=1.5:1.9:2"};
  q.samples = 20;
  q.seed = 7;
  auto p = PlanBatch(q);
  ASSERT_TRUE(p) << p.ErrorText();
  ASSERT_EQ(p.value().runs.size(), 20u);
  const double lo[2] = {50, 1.5}, hi[2] = {100, 1.9};
  for (int d = 0; d < 2; ++d) {
    std::set<int> strata;
    for (const auto& r : p.value().runs) {
      const double v = std::stod(r.values[static_cast<size_t>(d)]);
      ASSERT_GE(v, lo[d]);
      ASSERT_LT(v, hi[d]);
      strata.insert(static_cast<int>((v - lo[d]) / (hi[d] - lo[d]) * 20));
    }
    EXPECT_EQ(strata.size(), 20u) << "axis " << d;
  }
  // the pairing is random: the two axes are not sorted the same way
  int concordant = 0;
  const auto& runs = p.value().runs;
  for (size_t i = 1; i < runs.size(); ++i)
    concordant += (std::stod(runs[i].values[0]) > std::stod(runs[i - 1].values[0])) ==
                  (std::stod(runs[i].values[1]) > std::stod(runs[i - 1].values[1]));
  EXPECT_LT(concordant, 18);
  // overrides carry the exact value (names round it)
  EXPECT_EQ(runs[0].overrides[0], "subject.body_mass_kg=" + runs[0].values[0]);
}

TEST(Plan, LatinHypercubeIsTheSameForTheSameSeedAndDiffersForAnother) {
  BatchRequest q;
  q.scenario_files = {kTwist};
  q.sweeps = {"subject.body_mass_kg=50:100:2", "subject.tissue=warm,cold"};
  q.samples = 8;
  q.seed = 3;
  const auto a = PlanBatch(q).value(), b = PlanBatch(q).value();
  q.seed = 4;
  const auto c = PlanBatch(q).value();
  for (size_t i = 0; i < a.runs.size(); ++i) EXPECT_EQ(a.runs[i].values, b.runs[i].values);
  bool differ = false;
  for (size_t i = 0; i < a.runs.size(); ++i) differ |= a.runs[i].values != c.runs[i].values;
  EXPECT_TRUE(differ);
  EXPECT_NE(a.spec, c.spec);
  // a list axis is sampled by its values: both appear, four times each (8 strata over 2 values)
  int warm = 0;
  for (const auto& r : a.runs) warm += r.values[1] == "warm";
  EXPECT_EQ(warm, 4);
}

TEST(Plan, BadRequestsAreErrors) {
  BatchRequest q;
  EXPECT_NE(PlanBatch(q).ErrorText().find("at least one scenario"), std::string::npos);
  q.scenario_files = {"/nonexistent.toml"};
  EXPECT_NE(PlanBatch(q).ErrorText().find("/nonexistent.toml: cannot read"), std::string::npos);
  q.scenario_files = {kTwist};
  q.samples = 5;
  EXPECT_NE(PlanBatch(q).ErrorText().find("needs at least one --sweep"), std::string::npos);
  q.samples = 0;
  q.sweeps = {"a=1,2", "a=3,4"};
  EXPECT_NE(PlanBatch(q).ErrorText().find("is swept twice"), std::string::npos);
}

TEST(Shard, HoldsTheRunAndItsIndexRowAndABadValueIsAFailedRow) {
  BatchRequest q;
  q.scenario_files = {kTwist};
  q.set = {"run.duration_s=0.3"};
  q.sweeps = {"subject.body_mass_kg=75,20"};
  const BatchPlan plan = PlanBatch(q).value();
  const auto params = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  char tmpl[] = "/tmp/spinelab-shard-XXXXXX";
  const std::string dir = mkdtemp(tmpl);

  const RunRecord ok = ExecuteRun(plan, 0, params);
  EXPECT_EQ(ok.row.status, "ok");
  EXPECT_GT(ok.row.peak_disc_shear_N, 10.0);
  EXPECT_GT(ok.row.peak_capsule_strain, 0.0);
  auto written = WriteShard(dir, plan, ok);
  ASSERT_TRUE(written) << written.ErrorText();
  auto back = ReadShardRow(dir, plan, 0);
  ASSERT_TRUE(back) << back.ErrorText();
  EXPECT_EQ(back.value().peak_disc_shear_N, ok.row.peak_disc_shear_N);
  EXPECT_EQ(back.value().worst_level, ok.row.worst_level);
  // the twist brings some joint under suction, short of a pop: a fraction strictly inside (0, 1)
  EXPECT_GT(ok.row.nearest_pop_fraction, 0.0);
  EXPECT_LT(ok.row.nearest_pop_fraction, 1.0);
  EXPECT_EQ(back.value().nearest_pop_fraction, ok.row.nearest_pop_fraction);
  {
    std::lock_guard<std::mutex> lock(H5Mutex());
    auto f = OpenFileReadOnly(dir + "/" + plan.runs[0].name + ".h5");
    ASSERT_TRUE(f);
    std::vector<uint64_t> dims;
    auto shear = ReadDoubles(f.value(), "runs/" + plan.runs[0].name + "/levels/disc_shear", &dims);
    ASSERT_TRUE(shear);
    EXPECT_EQ(dims[0], ok.result->time_s.size());
  }

  const RunRecord bad = ExecuteRun(plan, 1, params);
  EXPECT_EQ(bad.row.status, "failed");
  EXPECT_NE(bad.row.error.find("subject.body_mass_kg: value 20 is out of range"), std::string::npos) << bad.row.error;
  ASSERT_TRUE(WriteShard(dir, plan, bad));
  EXPECT_EQ(ReadShardRow(dir, plan, 1).value().status, "failed");

  // a shard of another batch is not taken for one of this batch
  BatchRequest other = q;
  other.set = {"run.duration_s=0.4"};
  const BatchPlan plan2 = PlanBatch(other).value();
  EXPECT_NE(ReadShardRow(dir, plan2, 0).ErrorText().find("different batch"), std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace

namespace {

TEST(Study, ARunReadThroughItsLinkRebuildsItsScenarioWithItsValues) {
  // what the viewer does with a study: the stored text plus the run's overrides, read through
  // the external link /runs/<run> -> study.runs/<run>.h5
  char tmpl[] = "/tmp/spinelab-study-XXXXXX";
  const std::string dir = mkdtemp(tmpl), path = dir + "/study.h5";
  const std::string cmd = std::string(SPINELAB_BIN) + " batch " + kHang + " --set run.duration_s=0.3 --sweep subject.body_mass_kg=60,90 -q -o " +
                          path + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::lock_guard<std::mutex> lock(H5Mutex());
  auto f = OpenFileReadOnly(path);
  ASSERT_TRUE(f);
  const std::string run = "runs/dead_hang__subject.body_mass_kg=90";
  auto text = ReadStringAttr(f.value(), run, "scenario_text");
  auto overrides = ReadStringAttr(f.value(), run, "overrides");
  ASSERT_TRUE(text && overrides) << text.ErrorText() << overrides.ErrorText();
  EXPECT_NE(text.value().find("Dead hang"), std::string::npos);
  EXPECT_EQ(overrides.value(), "run.duration_s=0.3\nsubject.body_mass_kg=90\n");
  EXPECT_EQ(ReadIntAttr(f.value(), run, "batch_index").value(), 1);
  std::vector<std::string> lines = {"run.duration_s=0.3", "subject.body_mass_kg=90"};
  auto sc = sim::LoadScenarioText(text.value(), "dead_hang.toml", lines);
  ASSERT_TRUE(sc);
  EXPECT_EQ(sc.value().subject.body_mass_kg, 90.0);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace

namespace {

// the driver `spinelab batch` and Python's spinelab.batch share: the checks before anything
// runs, then runs handed out in plan order, recorded, and a stop (Ctrl-C) that hands out no more
TEST(StudyRunner, HandsOutTheRunsInOrderRecordsThemAndStops) {
  BatchRequest q;
  q.scenario_files = {kTwist};
  q.set = {"run.duration_s=0.2"};
  q.sweeps = {"subject.body_mass_kg=60,20,90"};  // 20 kg: below the allowed range
  const BatchPlan plan = PlanBatch(q).value();
  auto invalid = CheckPlannedRuns(plan, q);
  ASSERT_TRUE(invalid) << invalid.ErrorText();
  EXPECT_EQ(invalid.value(), 1) << "one run cannot use its value: recorded as failed, the rest run";
  BatchRequest none = q;
  none.sweeps = {"subject.body_mass_kg=10,20"};
  auto stop = CheckPlannedRuns(PlanBatch(none).value(), none);
  ASSERT_FALSE(stop);
  EXPECT_NE(stop.ErrorText().find("no run could start"), std::string::npos) << stop.ErrorText();
  EXPECT_NE(stop.ErrorText().find("subject.body_mass_kg"), std::string::npos) << stop.ErrorText();

  const auto params = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  char tmpl[] = "/tmp/spinelab-runner-XXXXXX";
  const std::string dir = mkdtemp(tmpl), path = dir + "/study.h5";
  auto study = Study::Open(path, plan, false, false);
  ASSERT_TRUE(study) << study.ErrorText();
  StudyRunner runner(&study.value());
  EXPECT_EQ(runner.Next(), 0);
  EXPECT_TRUE(runner.Done(WriteShard(study.value().shard_dir(), plan, ExecuteRun(plan, 0, params))));
  EXPECT_EQ(study.value().done_count(), 1);
  runner.Stop();
  EXPECT_TRUE(runner.stopped());
  EXPECT_EQ(runner.Next(), -1) << "stopped: no more runs";
  EXPECT_EQ(runner.error(), "") << "a stop that is no error";
  // a run whose file could not be written stops it, with the cause
  StudyRunner other(&study.value());
  EXPECT_EQ(other.Next(), 1);
  EXPECT_FALSE(other.Done(std::vector<Diagnostic>{{"x.h5", "", "write failed: No space left on device"}}));
  EXPECT_EQ(other.Next(), -1);
  EXPECT_NE(other.error().find("No space left"), std::string::npos) << other.error();
  // the pool through the runner's hooks does the rest; the study then holds every run
  StudyRunner rest(&study.value());
  RunPool(plan, params, study.value().shard_dir(), 2, rest.Hooks());
  ASSERT_TRUE(study.value().Flush());
  EXPECT_EQ(study.value().done_count(), 3);
  EXPECT_EQ(study.value().failed_count(), 1);
  EXPECT_EQ(rest.error(), "");
}

}  // namespace

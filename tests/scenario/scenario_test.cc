// Scenarios: load profiles, strict loading with specific errors, overrides, and the physics of
// the seated twist (one side opens, the other is loaded).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {
namespace {

std::string Data(const std::string& f) { return std::string(SPINELAB_TESTDATA) + "/scenarios/" + f; }
std::string Scenario(const std::string& f) { return std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + f; }

TEST(LoadProfile, RampHoldReleaseAndThrust) {
  LoadProfile p;
  p.kind = LoadProfile::Kind::kRampHoldRelease;
  p.start_s = 1;
  p.ramp_s = 2;
  p.hold_s = 1;
  p.release_s = 1;
  EXPECT_EQ(p.Factor(0.5), 0.0);
  EXPECT_NEAR(p.Factor(2.0), 0.5, 1e-12);
  EXPECT_EQ(p.Factor(3.5), 1.0);
  EXPECT_NEAR(p.Factor(4.5), 0.5, 1e-12);
  EXPECT_EQ(p.Factor(6.0), 0.0);
  LoadProfile t;
  t.kind = LoadProfile::Kind::kThrust;
  t.preload_fraction = 0.2;
  t.ramp_s = 0.3;
  t.hold_s = 0.2;
  t.thrust_s = 0.1;
  t.release_s = 0.5;
  EXPECT_NEAR(t.Factor(0.4), 0.2, 1e-12);   // preload held
  EXPECT_NEAR(t.Factor(0.55), 1.0, 1e-12);  // peak of the half-sine
  EXPECT_NEAR(t.Factor(0.6), 0.2, 1e-12);   // back to the preload
  EXPECT_EQ(t.Factor(2.0), 0.0);
  // the clinician's dip: the preload falls by dip_fraction of itself over the hold's last dip_s,
  // the thrust rises from there and falls back to it
  LoadProfile d = t;
  d.dip_fraction = 0.25;
  d.dip_s = 0.1;
  EXPECT_NEAR(d.Factor(0.39), 0.2, 1e-12);              // the preload held before the dip
  EXPECT_NEAR(d.Factor(0.45), 0.2 - 0.5 * 0.05, 1e-12);  // half-way down the dip
  EXPECT_NEAR(d.Factor(0.5 - 1e-9), 0.15, 1e-9);         // dipped by a quarter as the thrust starts
  EXPECT_NEAR(d.Factor(0.55), 1.0, 1e-12);               // the same peak
  EXPECT_NEAR(d.Factor(0.6), 0.15, 1e-12);               // back to the dipped preload, then released
  EXPECT_NEAR(d.Factor(0.85), 0.075, 1e-12);
  EXPECT_EQ(d.Factor(2.0), 0.0);
}

TEST(ScenarioFile, EveryShippedScenarioLoads) {
  for (const char* f : {"seated_twist.toml", "chair_twist.toml", "lying_knee_twist.toml", "upper_back_hand_pressure.toml",
                        "standing_back_bend.toml", "foam_roller_thoracic.toml", "foam_roller_lumbar.toml",
                        "seated_figure4_lean.toml", "kneeling_hip_flexor_lunge.toml", "neck_stretches.toml",
                        "partner_gentle_pressure.toml", "dead_hang.toml", "overhead_reach.toml", "childs_pose_reach.toml",
                        "kneeling_lat_stretch.toml", "worlds_greatest_stretch.toml", "gym_rack_twist_jerk.toml",
                        "thoracic_thrust.toml", "lumbar_side_posture_thrust.toml", "lumbar_side_posture_positioning.toml",
                        "cervical_rotation_thrust.toml", "thoracic_thrust_osteoporosis.toml"}) {
    auto s = LoadScenario(Scenario(f));
    EXPECT_TRUE(s.ok()) << f << ": " << s.ErrorText();
    EXPECT_FALSE(s.value().title.empty());
    EXPECT_FALSE(s.value().article.empty()) << f << " must say which article it models";
  }
}

TEST(ScenarioFile, MalformedFilesGiveTheirSpecificError) {
  struct Case {
    const char* file;
    const char* expect;
  };
  for (const Case& c : {Case{"unknown_key.toml", "unknown_key.toml:6: subject.shoe_size: unknown key"},
                        // inside an array of tables too (the array itself is read as a whole)
                        Case{"unknown_key_in_load.toml", "unknown_key_in_load.toml:8: load.0.torqe_Nm: unknown key"},
                        Case{"unknown_key_in_object.toml", "unknown_key_in_object.toml:9: object.0.frction: unknown key"},
                        Case{"motion_without_motion.toml", "motion.0.rotation_deg: a motion needs `rotation_deg` or `translation_mm`"},
                        Case{"load_without_force.toml", "load_without_force.toml:7: load.0.force_N: a load needs `force_N` or `torque_Nm`"},
                        Case{"out_of_range.toml", "subject.body_mass_kg: value 500 is out of range; allowed: [30, 200] kg"},
                        Case{"bad_profile.toml", "load.0.profile: value 'wiggle' is not allowed; allowed: constant, oscillation, ramp_hold_release, thrust"},
                        Case{"syntax.toml", "syntax.toml:2: TOML syntax error"},
                        Case{"missing.toml", "cannot read scenario file"},
                        Case{"bad_object_kind.toml", "bad_object_kind.toml:7: object.0.kind: value 'trampoline' is not allowed; allowed: box, cylinder, floor, pad"},
                        Case{"pad_without_touch.toml", "object.0.touch: a pad needs `touch`: the body it presses on"},
                        Case{"bad_motion_body.toml", "motion.0.body: value 'T7' is not allowed; allowed: sacrum"},
                        Case{"zero_side.toml", "zero_side.toml:9: object.0.side: value [ 0.0, 0.0, 0.0 ] is not allowed; allowed: a non-zero direction"},
                        Case{"under_missing.toml", "object.0.under: value 'roller' is not an object listed before it"},
                        Case{"bad_posture.toml", "posture.kind: value 'handstand' is not allowed"},
                        // drives (a load with target_rotation_deg)
                        Case{"drive_with_torque.toml", "drive_with_torque.toml:10: load.0.torque_Nm: value [ 0.0, 0.0, 15.0 ] is not allowed in a drive"},
                        Case{"drive_free_pelvis.toml", "load.0.reference_body: value 'sacrum' with posture.pelvis = 'free' is not allowed; allowed: \"sacrum\" with posture.pelvis = \"fixed\""},
                        Case{"drive_zero_target.toml", "drive_zero_target.toml:8: load.0.target_rotation_deg: value [0, 0, 0] is not allowed; allowed: a rotation vector (axis × angle) of length in (0, 180] deg"},
                        Case{"drive_effort_above_one.toml", "drive_effort_above_one.toml:10: load.0.effort_fraction: value 1.5 is out of range; allowed: [0, 1]"},
                        Case{"drive_key_without_target.toml", "drive_key_without_target.toml:9: load.0.effort_fraction: value 0.5 is not allowed: a drive's key; allowed only with `target_rotation_deg`"},
                        Case{"drive_without_strength.toml", "load.0.max_torque_Nm: missing (required), in N·m"}}) {
    auto s = LoadScenario(Data(c.file));
    ASSERT_FALSE(s.ok()) << c.file;
    EXPECT_NE(s.ErrorText().find(c.expect), std::string::npos) << c.file << ":\n" << s.ErrorText();
  }
  // a load on a body the model does not have fails before the run
  auto bad = LoadScenario(Data("bad_body.toml"));
  ASSERT_TRUE(bad.ok());
  auto r = RunScenario(bad.value(), LoadSpineParams(DefaultSpineModelPath()).value());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.ErrorText().find("bad_body.toml:7: load.0.body: value 'T13' is not a body of the model; allowed: head, C1, C2"),
            std::string::npos)
      << r.ErrorText();
  // a lying body that finds no resting pose (it slides off a sloped floor while settling
  // without friction) fails before t = 0 and says so
  auto slope = LoadScenario(Data("no_resting_pose.toml"));
  ASSERT_TRUE(slope.ok()) << slope.ErrorText();
  auto rs = RunScenario(slope.value(), LoadSpineParams(DefaultSpineModelPath()).value());
  ASSERT_FALSE(rs.ok());
  EXPECT_NE(rs.ErrorText().find("run.settle_s: the body found no resting pose on its supports in 2000 Newton iterations"),
            std::string::npos)
      << rs.ErrorText();
}

TEST(ScenarioFile, OverridesApplyAndAreValidated) {
  auto s = LoadScenario(Scenario("seated_twist.toml"), {"subject.body_mass_kg=60", "load.0.effort_fraction=0.5"});
  ASSERT_TRUE(s.ok()) << s.ErrorText();
  EXPECT_EQ(s.value().subject.body_mass_kg, 60);
  EXPECT_EQ(s.value().loads[0].effort_fraction, 0.5);
  // seated_twist's load is a drive: a torque on top of it is refused, naming the --set
  auto torque = LoadScenario(Scenario("seated_twist.toml"), {"load.0.torque_Nm=[0, 0, 20]"});
  ASSERT_FALSE(torque.ok());
  EXPECT_NE(torque.ErrorText().find("--set load.0.torque_Nm=[0, 0, 20] (on "), std::string::npos) << torque.ErrorText();
  EXPECT_NE(torque.ErrorText().find("is not allowed in a drive"), std::string::npos) << torque.ErrorText();
  EXPECT_EQ(s.value().overrides.size(), 2u);
  auto bad = LoadScenario(Scenario("seated_twist.toml"), {"subject.body_mass_kg=900"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.ErrorText().find("value 900 is out of range"), std::string::npos);
  // the bad value is reported as the override it came from, not as a line of the file
  EXPECT_NE(bad.ErrorText().find("--set subject.body_mass_kg=900 (on "), std::string::npos) << bad.ErrorText();
  auto typed = LoadScenario(Scenario("seated_twist.toml"), {"load.0.torqe_Nm=[0, 0, 20]"});
  ASSERT_FALSE(typed.ok());
  EXPECT_NE(typed.ErrorText().find("load.0.torqe_Nm: unknown key"), std::string::npos) << typed.ErrorText();
  auto nokey = LoadScenario(Scenario("seated_twist.toml"), {"subjekt.body_mass_kg=60"});
  ASSERT_FALSE(nokey.ok());
  EXPECT_NE(nokey.ErrorText().find("'subjekt' does not exist"), std::string::npos) << nokey.ErrorText();
}

// a scenario built in code gets the checks and the messages of one read from a file
// (Validate, called by the reader and by the runner)
TEST(Validate, CodeBuiltScenariosGetTheFileChecksAndMessages) {
  auto file = LoadScenario(Scenario("chair_twist.toml"), {"object.0.friction=3"});
  ASSERT_FALSE(file.ok());
  sim::Scenario sc = LoadScenario(Scenario("chair_twist.toml")).value();
  EXPECT_TRUE(Validate(sc).empty()) << Validate(sc).front().Format();
  sc.where.clear();
  sc.file.clear();
  sc.objects[0].friction = 3;
  sc.loads[0].profile.thrust_s = 0;
  sc.subject.body_mass_kg = std::nan("");
  ScenarioObject pad;
  pad.kind = ScenarioObject::Kind::kPad;  // no touch, no size
  sc.objects.push_back(pad);
  const std::vector<Diagnostic> bad = Validate(sc);
  auto has = [&](const std::string& key, const std::string& text) {
    for (const Diagnostic& d : bad)
      if (d.path == key && d.message.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("object.0.friction", "value 3 is out of range; allowed: [0, 2] [-]"));
  // the same words as from the file (there with where it was given: here the --set)
  EXPECT_NE(file.ErrorText().find("object.0.friction: value 3 is out of range; allowed: [0, 2] [-]"), std::string::npos)
      << file.ErrorText();
  EXPECT_NE(file.ErrorText().find("--set object.0.friction=3 (on "), std::string::npos) << file.ErrorText();
  EXPECT_TRUE(has("load.0.thrust_s", "allowed: [0.005, 10] s"));
  EXPECT_TRUE(has("subject.body_mass_kg", "value nan is out of range"));
  const std::string k = "object." + std::to_string(sc.objects.size() - 1) + ".";
  EXPECT_TRUE(has(k + "touch", "a pad needs `touch`"));
  EXPECT_TRUE(has(k + "size_mm", "every size > 0 mm"));
  EXPECT_EQ(bad.size(), 5u);
  // the runner refuses it with the same diagnostics, before building anything
  auto run = RunScenario(sc, LoadSpineParams(DefaultSpineModelPath()).value());
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.errors().size(), bad.size());
}

// the first `duration_s` of a shipped scenario (its baseline: every technique starts at >= 1 s)
ScenarioResult RunBaseline(const char* name, const char* duration_s) {
  static const SpineParams params = LoadSpineParams(DefaultSpineModelPath()).value();
  auto r = RunScenario(LoadScenario(Scenario(name), {std::string("run.duration_s=") + duration_s}).value(), params).value();
  EXPECT_EQ(r.status, "ok") << name << ": " << r.error;
  return r;
}

// The person has held the starting posture a while: the record starts with every joint's fluid
// at the resting pressure, −2.4 ± 0.4 cmH2O (calibration.md §3), whatever the posture pressed or
// opened at the settled gap (before the fluid was equilibrated, upright thoracic joints started
// at ~+2 kPa and the prone neck at ~−260 kPa).
TEST(Baseline, EveryJointStartsAtTheRestingPressure) {
  for (const char* name : {"seated_twist.toml", "thoracic_thrust.toml", "lumbar_side_posture_thrust.toml"}) {
    const ScenarioResult r = RunBaseline(name, "0.05");
    const size_t F = r.facet_names.size();
    ASSERT_EQ(r.facet_pressure_Pa.size() % F, 0u);
    const double rest_Pa = -2.4 * 98.0665;
    for (size_t f = 0; f < F; ++f)
      EXPECT_NEAR(r.facet_pressure_Pa[f], rest_Pa, 0.4 * 98.0665) << name << " " << r.facet_names[f];
  }
}

// The relaxed second before a technique is a baseline, not the end of a fall: the body has
// settled into the posture (quasi-statically, the tone it holds accepted) before t = 0. Starting
// from the built posture, the heads of the upright scenarios sank ~13 mm in that second; on hands
// and knees, the protective tone the settling built (reset at t = 0) let the hanging head drop
// 6-15 mm.
TEST(Baseline, TheBodyIsStillBeforeTheTechniqueBegins) {
  for (const char* name : {"seated_twist.toml", "chair_twist.toml", "overhead_reach.toml", "childs_pose_reach.toml", "kneeling_lat_stretch.toml"}) {
    const ScenarioResult r = RunBaseline(name, "0.9");
    const size_t B = r.body_names.size(), T = r.time_s.size();
    double drift = 0;
    for (size_t t = 0; t < T; ++t)
      for (size_t b = 0; b < 26; ++b) {  // the spine's bodies (not a practitioner's hand)
        double d2 = 0;
        for (int k = 0; k < 3; ++k) {
          const double d = r.body_position_m[(t * B + b) * 3 + k] - r.body_position_m[b * 3 + k];
          d2 += d * d;
        }
        drift = std::max(drift, std::sqrt(d2));
      }
    EXPECT_LT(drift, 0.5e-3) << name << ": a body moved " << drift * 1e3 << " mm in the baseline second";
  }
}

TEST(SeatedTwist, OpensTheTurningSideAndLoadsTheOther) {
  auto sc = LoadScenario(Scenario("seated_twist.toml")).value();
  auto r = RunScenario(sc, LoadSpineParams(DefaultSpineModelPath()).value()).value();
  ASSERT_EQ(r.status, "ok") << r.error;
  for (double v : r.disc_shear_N) ASSERT_TRUE(std::isfinite(v));
  const ScenarioSummary s = Summarize(sc, r);
  int lumbar = 0, loaded = 0;
  for (const LevelSummary& l : s.levels) {
    if (l.level[0] != 'L') continue;
    ++lumbar;
    // turning left opens the left facets more than the right ones, and presses the right ones
    EXPECT_GT(l.facet_opening_m[0], 2.0 * l.facet_opening_m[1]) << l.level;
    loaded += l.peak_facet_contact_N > 10.0;
    EXPECT_GT(l.peak_rotation_deg[2], 0.4) << l.level;  // the turn reaches every lumbar joint (~2 deg each at end range, Pearcy 1985)
  }
  EXPECT_EQ(lumbar, 5);
  EXPECT_GE(loaded, 2) << "the closing (right) facets carry contact force";
  // thoracic levels rotate most (Wilke 2017: thoracic axial ROM ~10 deg per level vs lumbar ~3)
  const auto& t7 = s.levels[14];
  const auto& l3 = s.levels[22];
  EXPECT_GT(t7.peak_rotation_deg[2], 1.5 * l3.peak_rotation_deg[2]);
  // any cracks happen on the opening (left) side
  for (const auto& c : r.cavitations) EXPECT_EQ(r.facet_names[c.facet].back(), 'L') << r.facet_names[c.facet];
}

}  // namespace
}  // namespace spinelab::sim

namespace spinelab::sim {
namespace {

TEST(Scenarios, EveryShippedScenarioRunsToCompletionWithFiniteValues) {
  const auto params = LoadSpineParams(DefaultSpineModelPath()).value();
  for (const char* f : {"seated_twist", "chair_twist", "dead_hang", "gym_rack_twist_jerk", "standing_back_bend",
                        "neck_stretches", "overhead_reach", "seated_figure4_lean"}) {
    auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + f + ".toml");
    ASSERT_TRUE(sc.ok()) << f << ": " << sc.ErrorText();
    auto r = RunScenario(sc.value(), params);
    ASSERT_TRUE(r.ok()) << f;
    EXPECT_EQ(r.value().status, "ok") << f << ": " << r.value().error;
    for (const auto* v : {&r.value().body_position_m, &r.value().disc_shear_N, &r.value().facet_gap_m,
                          &r.value().facet_pressure_Pa})
      for (double x : *v) ASSERT_TRUE(std::isfinite(x)) << f;
  }
}

TEST(Summary, NamesTheJointThatCameClosestToAPop) {
  // three joints over three samples; the load begins at t = 1 s (the baseline): the suction
  // before it does not count, and nearness is the fraction of each joint's own cracking suction
  sim::Scenario sc;
  sc.duration_s = 2.0;
  ScenarioLoad load;
  load.profile.start_s = 1.0;
  sc.loads.push_back(load);
  ScenarioResult r;
  r.time_s = {0.0, 1.0, 2.0};
  r.facet_names = {"A L", "B L", "C L"};
  r.facet_nucleation_Pa = {-500e3, -250e3, 0.0};  // C has no capsule
  r.facet_pressure_Pa = {-490e3, -10e3, -900e3,   // t = 0: before the load
                         -100e3, -20e3, -900e3,   // t = 1
                         -200e3, -150e3, -900e3};  // t = 2: A at 40 %, B at 60 %
  for (auto* v : {&r.facet_gap_m, &r.facet_contact_N, &r.facet_capsule_strain}) v->assign(9, 0.0);
  const ScenarioSummary s = Summarize(sc, r);
  EXPECT_EQ(s.closest_pop_facet, 1);
  EXPECT_DOUBLE_EQ(s.closest_pop_pressure_Pa, -150e3);
  EXPECT_DOUBLE_EQ(s.closest_pop_threshold_Pa, -250e3);
  // a joint that cracked (after the baseline) got all the way, whatever the samples caught
  r.cavitations.push_back({1.5, 0, 1e-3, 0.0, {}});
  const ScenarioSummary popped = Summarize(sc, r);
  EXPECT_EQ(popped.closest_pop_facet, 0);
  EXPECT_DOUBLE_EQ(popped.closest_pop_pressure_Pa, -500e3);
  r.cavitations.clear();
  // nothing under suction: no joint is named
  r.facet_pressure_Pa.assign(9, 1e3);
  EXPECT_EQ(Summarize(sc, r).closest_pop_facet, -1);
}

// the summary's capsule thresholds are each level's own, from the model's capsules (the lower of
// its two), not a number of the summary's
TEST(Summary, CapsuleThresholdsComeFromTheModel) {
  auto sc = LoadScenario(Scenario("seated_twist.toml"), {"run.duration_s=0.05"}).value();
  SpineParams params = LoadSpineParams(DefaultSpineModelPath()).value();
  auto r = RunScenario(sc, params).value();
  const ScenarioSummary s = Summarize(sc, r);
  const ModelDesc m = BuildScenarioModel(sc, params).value();
  for (const LevelSummary& l : s.levels) {
    const JointDesc& J = m.joints[m.FindJoint(l.level)];
    double noci = 0, pain = 0;
    for (int f : J.synovial) {
      const SynovialJointDesc& e = m.synovial_joints[f];
      if (!e.has_capsule) continue;
      noci = noci > 0 ? std::min(noci, e.capsule.nociceptor_strain) : e.capsule.nociceptor_strain;
      pain = pain > 0 ? std::min(pain, e.capsule.pain_strain) : e.capsule.pain_strain;
    }
    EXPECT_DOUBLE_EQ(l.nociceptor_strain, noci) << l.level;
    EXPECT_DOUBLE_EQ(l.pain_strain, pain) << l.level;
  }
  EXPECT_DOUBLE_EQ(s.levels[10].nociceptor_strain, 0.11);  // models/spine_adult.toml, Lu et al. 2005
}

// the one-line headline of a run (the CLI's table, the batch index): the peaks over the levels,
// and the worst level is the one with the largest annulus shear; none when no level has any
TEST(Summary, HeadlineTakesThePeaksOverTheLevels) {
  ScenarioSummary s;
  EXPECT_EQ(Headline(s).worst_level, "");
  LevelSummary a, b;
  a.level = "T6-T7", b.level = "L4-L5";
  a.peak_annulus_shear_Pa = 2e5, b.peak_annulus_shear_Pa = 3e5;
  a.peak_shear_N = 40, b.peak_shear_N = 10;
  a.peak_capsule_strain = 0.05, b.peak_capsule_strain = 0.2;
  a.peak_fracture_risk = 0.4, b.peak_fracture_risk = 0.1;
  a.peak_shear_change_N = 7, b.peak_shear_change_N = 3;
  s.levels = {a, b};
  s.peak_artery_strain[0] = 0.01, s.peak_artery_strain[1] = 0.03;
  ScenarioHeadline h = Headline(s);
  EXPECT_EQ(h.worst_level, "L4-L5");
  EXPECT_DOUBLE_EQ(h.peak_annulus_shear_Pa, 3e5);
  EXPECT_DOUBLE_EQ(h.peak_shear_N, 40);
  EXPECT_DOUBLE_EQ(h.peak_shear_change_N, 7);
  EXPECT_DOUBLE_EQ(h.peak_capsule_strain, 0.2);
  EXPECT_DOUBLE_EQ(h.peak_fracture_risk, 0.4);
  EXPECT_DOUBLE_EQ(h.peak_artery_strain, 0.03);
  for (LevelSummary& l : s.levels) l.peak_annulus_shear_Pa = 0;
  EXPECT_EQ(Headline(s).worst_level, "");
}

TEST(StandingBackBend, ExtensionLoadsTheFacets) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/standing_back_bend.toml").value();
  auto r = RunScenario(sc, LoadSpineParams(DefaultSpineModelPath()).value()).value();
  const ScenarioSummary s = Summarize(sc, r);
  // facet contact at the baseline (relaxed standing) against the peak while leaning back
  const size_t F = r.facet_names.size();
  size_t t0 = 0;
  while (r.time_s[t0] < s.baseline_time_s) ++t0;
  double base = 0, peak = 0;
  for (size_t f = 0; f < F; ++f) {
    if (r.facet_names[f][0] != 'L') continue;
    base += r.facet_contact_N[t0 * F + f];
    double m = 0;
    for (size_t t = t0; t < r.time_s.size(); ++t) m = std::max(m, r.facet_contact_N[t * F + f]);
    peak += m;
  }
  EXPECT_GT(peak, base + 50.0) << "lumbar facet contact summed over L1-S1: baseline " << base << " N, peak " << peak << " N";
  // and it is extension: the lumbar levels rotate backwards
  for (const LevelSummary& l : s.levels)
    if (l.level[0] == 'L') {
      EXPECT_GT(l.peak_rotation_deg[0], 1.0) << l.level;
    }
}

// RunToEnd's cancel predicate (Ctrl-C in Python) is asked before every step: the run stops as
// failed, saying when, with the record up to then; the same steps as an uncancelled run
TEST(ScenarioRunner, ACancelledRunStopsBeforeTheNextStepAndKeepsItsRecord) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml", {"run.duration_s=0.5"}).value();
  const SpineParams params = LoadSpineParams(DefaultSpineModelPath()).value();
  int asked = 0;
  auto runner = ScenarioRunner::Create(sc, params).value();
  runner.RunToEnd([&] { return ++asked > 100; });
  auto r = runner.Finish();
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.error, "cancelled at t = 0.4 s");  // 100 steps of 4 ms
  EXPECT_EQ(r.steps, 100);
  EXPECT_EQ(asked, 101);
  auto full = RunScenario(sc, params).value();
  EXPECT_EQ(full.status, "ok");
  EXPECT_EQ(full.steps, 125);
  ASSERT_LT(r.body_position_m.size(), full.body_position_m.size());
  EXPECT_TRUE(std::equal(r.body_position_m.begin(), r.body_position_m.end(), full.body_position_m.begin()))
      << "the record up to the cancel is the uncancelled run's";
  // a protocol stops too (between attempts it steps while re-balancing)
  auto protocol = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/repeated_popping.toml").value();
  auto p = RunScenario(protocol, params, [n = 0]() mutable { return ++n > 2000; }).value();
  EXPECT_EQ(p.status, "failed");
  EXPECT_EQ(p.error.rfind("cancelled at t = ", 0), 0u) << p.error;
}

// Create's cancel predicate is asked while the scenario settles into its posture (before every
// settling step; Ctrl-C in Python while a Simulation or a run starts): Create fails, saying so
TEST(ScenarioRunner, ACancelWhileSettlingStopsCreate) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml", {"run.duration_s=0.5"}).value();
  const SpineParams params = LoadSpineParams(DefaultSpineModelPath()).value();
  const int64_t settle_steps = std::llround(sc.settle_s / sc.dt_s);
  ASSERT_GT(settle_steps, 20);
  int asked = 0;
  auto r = ScenarioRunner::Create(sc, params, [&] { return ++asked > 20; });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.ErrorText().find("cancelled while settling into the posture"), std::string::npos) << r.ErrorText();
  EXPECT_EQ(asked, 21) << "stops at the first step it is told to";
  // never cancelled: asked once before the settle and before each of its steps, then the same
  // run as without a predicate
  int total = 0;
  auto whole = RunScenario(sc, params, [&] { return ++total < 0; }).value();
  EXPECT_EQ(whole.status, "ok");
  EXPECT_EQ(total, 1 + settle_steps + whole.steps);
  EXPECT_EQ(whole.body_position_m, RunScenario(sc, params).value().body_position_m);
  // RunScenario passes it on: a cancel while settling is an error, not a failed record
  auto early = RunScenario(sc, params, [] { return true; });
  EXPECT_FALSE(early.ok());
}

}  // namespace
}  // namespace spinelab::sim

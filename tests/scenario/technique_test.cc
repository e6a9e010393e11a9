// What the technique scenarios must show (issue 4), asserted from the run records and summaries:
// twist versus traction, rate, roller, back bend, neck artery, bone density, side posture, and
// the placement of objects. Each test runs the shipped scenario files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "spinelab/lab/pa_stiffness.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/state.h"
#include "spinelab/sim/world.h"
#include "technique_run.h"

namespace spinelab::sim {
namespace {

const LevelSummary& Level(const TechniqueRun& r, const std::string& name) {
  for (const LevelSummary& l : r.summary.levels)
    if (l.level == name) return l;
  ADD_FAILURE() << "no level " << name;
  return r.summary.levels.front();
}

size_t TimeIndex(const ScenarioResult& r, double t) {
  return static_cast<size_t>(std::lower_bound(r.time_s.begin(), r.time_s.end(), t - 1e-9) - r.time_s.begin());
}

TEST(TwistVersusTraction, TwistShearsTheDiscsTractionDecompressesThem) {
  const TechniqueRun twist = RunFile("seated_twist"), hang = RunFile("dead_hang");
  // annulus shear stress the technique adds: thoracolumbar and lumbar discs (L5-S1, on the
  // sloped sacrum, is pulled obliquely by the hang and is reported, not compared)
  double sum_twist = 0, sum_hang = 0;
  for (const char* l : {"T11-T12", "T12-L1", "L1-L2", "L2-L3", "L3-L4", "L4-L5"}) {
    const double a = Level(twist, l).peak_annulus_shear_Pa, b = Level(hang, l).peak_annulus_shear_Pa;
    EXPECT_GT(a, 1.5 * b) << l << ": twist " << a << " Pa, hang " << b << " Pa";
    sum_twist += a, sum_hang += b;
  }
  EXPECT_GT(sum_twist, 2.5 * sum_hang) << "several times: twist " << sum_twist << ", hang " << sum_hang;
  // the hang unloads the lumbar discs below their standing pressure
  for (const char* l : {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"})
    EXPECT_LT(Level(hang, l).idp_change_Pa, -100e3) << l;
  // the hang opens both facets of a level alike; the twist opens one side and loads the other
  int opened = 0;
  for (const LevelSummary& l : hang.summary.levels) {
    const double left = l.facet_opening_m[0], right = l.facet_opening_m[1];
    if (std::max(left, right) < 0.1e-3) continue;
    ++opened;
    EXPECT_NEAR(left, right, 0.15 * std::max(left, right)) << l.level;
  }
  EXPECT_GE(opened, 3);
  int loaded = 0;
  for (const char* l : {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"}) {
    EXPECT_GT(Level(twist, l).facet_opening_m[0], 4 * Level(twist, l).facet_opening_m[1]) << l;
    loaded += Level(twist, l).peak_facet_contact_N > Level(hang, l).peak_facet_contact_N + 5;
  }
  EXPECT_GE(loaded, 2) << "the closing (right) lumbar facets carry contact force in the twist";
}

// the dead hang from the hands (limbs as bodies): no vertebra is held, and as the feet leave the
// floor the latissimus lines from the humeri to the lumbar spine and pelvis stretch, and the
// lumbar discs are pulled apart by the pelvis and legs
TEST(TwistVersusTraction, TheDeadHangHangsFromTheHandsThroughTheSpineAndTheLats) {
  const TechniqueRun hang = RunFile("dead_hang");
  auto d = BuildScenarioModel(hang.scenario, LoadSpineParams(DefaultSpineModelPath()).value());
  ASSERT_TRUE(d.ok()) << d.ErrorText();
  const ModelDesc& m = d.value();
  for (const BodyDesc& b : m.bodies) EXPECT_FALSE(b.fixed) << b.name;
  for (const BushingDesc& b : m.bushings)
    if (b.body_a == kGround) {
      EXPECT_EQ(m.bodies[b.body_b].name.rfind("forearm and hand", 0), 0u) << b.name << " holds a trunk body";
    }
  const ScenarioResult& r = hang.result;
  const size_t B = r.body_names.size();
  ASSERT_EQ(B, m.bodies.size());
  auto point = [&](size_t k, BodyId b, const Vec3& p_B) {
    const double* q = &r.body_orientation[(k * B + b) * 4];
    const Eigen::Quaterniond Q(q[0], q[1], q[2], q[3]);
    return Vec3(Vec3(&r.body_position_m[(k * B + b) * 3]) + Q.toRotationMatrix() * p_B);
  };
  const size_t k0 = TimeIndex(r, hang.scenario.feet_off_s), k1 = r.time_s.size() - 1;
  int lats = 0, stretched = 0;
  for (const LigamentDesc& e : m.ligaments) {
    if (e.type != "latissimus dorsi") continue;
    ++lats;
    auto strain = [&](size_t k) { return (point(k, e.body_b, e.p_BoPb_B) - point(k, e.body_a, e.p_AoPa_A)).norm() / e.slack_length_m - 1; };
    EXPECT_GT(strain(k1), 0.0) << e.name << " is taut in the hang";
    stretched += strain(k1) > strain(k0) + 0.005;
  }
  EXPECT_EQ(lats, 12);
  EXPECT_GE(stretched, 8) << "the lats take up load as the feet leave the floor";
  // the pelvis and legs hang from the lumbar spine: L1-S1 leave compression once the feet are off
  const size_t L = r.level_names.size();
  for (size_t l = 20; l < L; ++l) EXPECT_LT(r.disc_compression_N[k1 * L + l], 5.0) << r.level_names[l];
}

TEST(TwistVersusTraction, TheLumbarSpineTakesItsShareOfASeatedTwist) {
  // held out (not fitted): in 45° trunk rotation each lumbar level turns 1.2-1.7°, ~16 % of the
  // twist (Fujii et al. 2007, Eur Spine J 16:1867, MRI in vivo); the thorax, whose levels turn
  // 10-12° at 7.5 N·m in vitro against 2-6° in the lumbar spine (calibration targets), takes
  // the rest. The twist is a drive to Fujii's 45° at an effort the muscles can give (issue 21;
  // before, a fixed 15 N·m turned T1-S1 16.2°, 21 % of it lumbar). Model: T1-S1 42.3°, L1-S1
  // 7.7° (18 %), 1.38-1.81° per lumbar level
  const TechniqueRun twist = RunFile("seated_twist");
  double lumbar = 0, total = 0;
  for (const LevelSummary& l : twist.summary.levels) {
    if (l.level[0] == 'C') continue;  // T1-S1
    total += l.peak_rotation_deg[2];
    if (l.level[0] == 'L') lumbar += l.peak_rotation_deg[2];
  }
  EXPECT_GT(total, 35.0) << "driven to the end of range (Fujii: 45°), not a 16° nudge";
  EXPECT_LE(total, 46.0) << "not past the target";
  // Fujii's share with a band of a quarter of it (the share of one subject group, SD not read)
  EXPECT_NEAR(lumbar / total, 0.16, 0.04) << "L1-S1 " << lumbar << " of T1-S1 " << total << " deg";
  for (const char* l : {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"}) {
    EXPECT_GT(Level(twist, l).peak_rotation_deg[2], 1.2 - 0.3) << l << " (Fujii: 1.2-1.7 deg per level)";
    EXPECT_LT(Level(twist, l).peak_rotation_deg[2], 1.7 + 0.3) << l << " (Fujii: 1.2-1.7 deg per level)";
  }
  for (const char* l : {"T5-T6", "T8-T9"}) EXPECT_GT(Level(twist, l).peak_rotation_deg[2], Level(twist, "L3-L4").peak_rotation_deg[2]) << l;
}

TEST(SelfTwists, TheDriveTurnsTheTrunkUntilTheEffortIsSpentAndLetsGo) {
  // seated_twist's drive: T2 against the held pelvis towards 45°, its torque never above the
  // effort the subject gives (0.7 of 70 N·m); at that effort the tissues hold the trunk short of
  // the target, so the muscles' limit, not the target, decides where it stops; released, it
  // pushes no more
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml");
  ASSERT_TRUE(sc.ok()) << sc.ErrorText();
  const ScenarioLoad& L = sc.value().loads.at(0);
  ASSERT_TRUE(L.drive);
  const double limit = L.effort_fraction * L.max_torque_Nm;
  auto runner = ScenarioRunner::Create(sc.value(), LoadSpineParams(DefaultSpineModelPath()).value());
  ASSERT_TRUE(runner.ok()) << runner.ErrorText();
  ScenarioRunner& r = runner.value();
  double peak = 0, held_deg = 0;
  bool saturated_in_hold = false;
  while (r.Step()) {
    const double t = r.world().state().time_s;
    const ServoOutput o = r.world().servo_output(0);
    peak = std::max(peak, std::abs(o.torque_Nm));
    if (t > 5.8 && t < 5.9) held_deg = o.angle_rad * kRadToDeg, saturated_in_hold = o.saturated;
    if (t > 7.05) EXPECT_EQ(o.torque_Nm, 0.0) << "let go at t = " << t;
  }
  EXPECT_EQ(r.result().status, "ok");
  EXPECT_LE(peak, limit + 1e-9);
  EXPECT_GT(peak, 0.99 * limit) << "it gives all the effort it has at the end of range";
  EXPECT_TRUE(saturated_in_hold);
  EXPECT_GT(held_deg, 35.0);
  EXPECT_LT(held_deg, 45.0) << "held short of the target by the tissues";
  // the record (drives/ datasets): per sample the servo's torque, in W and about the axis (the
  // vertical: + turns T2 left, towards the target), never above its cap, at the cap when
  // saturated; its rotation and target; let go, nothing
  const ScenarioResult& res = r.result();
  ASSERT_EQ(res.drive_names, std::vector<std::string>{L.name});
  const size_t T = res.time_s.size();
  ASSERT_EQ(res.drive_torque_W_Nm.size(), 3 * T);
  ASSERT_EQ(res.drive_saturated.size(), T);
  int at_cap = 0;
  for (size_t t = 0; t < T; ++t) {
    const double tau = res.drive_torque_Nm[t], cap = res.drive_limit_Nm[t];
    const Vec3 tau_W(res.drive_torque_W_Nm[3 * t], res.drive_torque_W_Nm[3 * t + 1], res.drive_torque_W_Nm[3 * t + 2]);
    EXPECT_NEAR(tau_W.norm(), std::abs(tau), 1e-9) << "t = " << res.time_s[t];
    if (std::abs(tau) > 1) EXPECT_GT(tau * tau_W.normalized().z(), 0.99 * std::abs(tau)) << "about the vertical (+: to the left)";
    EXPECT_LE(std::abs(tau), cap + 1e-12) << "t = " << res.time_s[t];
    EXPECT_LE(cap, limit + 1e-12);
    if (res.drive_saturated[t]) {
      EXPECT_EQ(std::abs(tau), cap) << "t = " << res.time_s[t];
      ++at_cap;
    }
    if (res.time_s[t] > 7.05) EXPECT_EQ(cap, 0.0) << "let go at t = " << res.time_s[t];
    EXPECT_LE(res.drive_target_rad[t], L.target_rotation_rad.norm() + 1e-12);
    if (res.time_s[t] > 5.8 && res.time_s[t] < 5.9) {
      EXPECT_NEAR(res.drive_rotation_rad[t] * kRadToDeg, held_deg, 0.5) << "the rotation the servo measures";
      EXPECT_NEAR(res.drive_target_rad[t], L.target_rotation_rad.norm(), 1e-12) << "the target held";
    }
  }
  EXPECT_GT(at_cap, 0);
  const DriveSample now = r.drives().at(0);
  EXPECT_EQ(now.torque_Nm, res.drive_torque_Nm[T - 1]) << "the last record is the drive now";
  EXPECT_EQ(now.rotation_rad, res.drive_rotation_rad[T - 1]);
  // the summary: the peak torque, the cap, the time at it, how far it turned
  const ScenarioSummary sum = Summarize(sc.value(), res);
  ASSERT_EQ(sum.drives.size(), 1u);
  EXPECT_EQ(sum.drives[0].name, L.name);
  EXPECT_NEAR(sum.drives[0].peak_torque_Nm, peak, 0.02 * limit);
  EXPECT_NEAR(sum.drives[0].limit_Nm, limit, 1e-12);
  EXPECT_GT(sum.drives[0].saturated_s, 0.5) << "it holds at its cap through the hold";
  EXPECT_GT(sum.drives[0].peak_rotation_rad * kRadToDeg, 35.0);
  EXPECT_LT(sum.drives[0].peak_rotation_rad * kRadToDeg, 45.0);
  EXPECT_NEAR(sum.drives[0].target_rad, L.target_rotation_rad.norm(), 1e-12);
}

TEST(SelfTwists, TheChairsBackrestHoldsTheLowerBack) {
  // chair_twist is the seated twist's drive (the other way) with the backrest behind L2: the
  // trunk turns as far, but the lower back turns less (its friction on the backrest), so the
  // rotation concentrates above it, where seed 001 says the release is felt
  const TechniqueRun chair = RunFile("chair_twist"), twist = RunFile("seated_twist");
  auto shares = [](const TechniqueRun& r, double* total) {
    double lumbar = 0;
    *total = 0;
    for (const LevelSummary& l : r.summary.levels) {
      if (l.level[0] == 'C') continue;
      *total += std::abs(l.peak_rotation_deg[2]);
      if (l.level[0] == 'L') lumbar += std::abs(l.peak_rotation_deg[2]);
    }
    return lumbar / *total;
  };
  double chair_total = 0, twist_total = 0;
  const double chair_lumbar = shares(chair, &chair_total), twist_lumbar = shares(twist, &twist_total);
  EXPECT_GT(chair_total, 25.0) << "a drive to the end of range";
  EXPECT_LT(chair_lumbar, 0.75 * twist_lumbar) << "lumbar share: chair " << chair_lumbar << ", seated " << twist_lumbar;
}

TEST(GymRackTwistJerk, RateMattersAtASimilarRotation) {
  const TechniqueRun jerk = RunFile("gym_rack_twist_jerk"), twist = RunFile("seated_twist");
  // final (held) rotation of the trunk, T1 to the sacrum, is similar
  auto held = [](const TechniqueRun& r, double t) {
    const size_t L = r.result.level_names.size(), k = TimeIndex(r.result, t), k0 = TimeIndex(r.result, 1.0);
    double sum = 0;
    for (size_t l = 8; l < L; ++l) sum += r.result.level_rotation_rad[(k * L + l) * 3 + 2] - r.result.level_rotation_rad[(k0 * L + l) * 3 + 2];
    return sum * kRadToDeg;
  };
  const double a = held(jerk, 2.45), b = held(twist, 5.9);
  EXPECT_NEAR(a, b, 0.15 * b) << "held trunk rotation: jerk " << a << " deg, seated twist " << b << " deg";
  // both are drives to the same 45° end of range (issue 21), the jerk in 0.1 s at full effort
  // with the arms' yank on top: it loads every trunk disc more (model 1.17-1.36x from T2-T3 to
  // L3-L4, 1.9-2.8x at L4-S1, 1.23x at the peak; issue 20's fixed-torque runs gave 1.4-2.7x at
  // the peak, when the twist stopped at 16°)
  double shear_a = 0, shear_b = 0, caps_a = 0, caps_b = 0;
  for (const LevelSummary& l : jerk.summary.levels) shear_a = std::max(shear_a, l.peak_annulus_shear_Pa), caps_a = std::max(caps_a, l.peak_capsule_strain);
  for (const LevelSummary& l : twist.summary.levels) shear_b = std::max(shear_b, l.peak_annulus_shear_Pa), caps_b = std::max(caps_b, l.peak_capsule_strain);
  EXPECT_GT(shear_a, 1.05 * shear_b) << "peak annulus shear: jerk " << shear_a << ", seated twist " << shear_b << " Pa";
  for (size_t l = 9; l < jerk.summary.levels.size(); ++l)  // T2-T3 .. L5-S1
    EXPECT_GT(jerk.summary.levels[l].peak_annulus_shear_Pa, 1.05 * twist.summary.levels[l].peak_annulus_shear_Pa) << jerk.summary.levels[l].level;
  EXPECT_GT(caps_a, caps_b + 0.01);
  // the same end of range pops the same joints; the rate shows in time: the jerk's pops come
  // within a few tens of milliseconds, the slow twist's spread over its ramp
  EXPECT_GE(jerk.summary.cavitations, twist.summary.cavitations);
  auto spread = [](const ScenarioResult& r) {
    double lo = 1e9, hi = -1e9;
    for (const auto& c : r.cavitations) lo = std::min(lo, c.time_s), hi = std::max(hi, c.time_s);
    return r.cavitations.empty() ? 0.0 : hi - lo;
  };
  ASSERT_GT(twist.summary.cavitations, 1);
  EXPECT_LT(spread(jerk.result), 0.03) << "the jerk's pops";
  EXPECT_GT(spread(twist.result), 0.2) << "the seated twist's pops";
  // each pop keeps its sound (what the viewer plays and the HDF5 stores): its peak is the event's
  for (const auto& c : jerk.result.cavitations) {
    ASSERT_FALSE(c.sound_Pa.empty());
    EXPECT_LE(c.sound_Pa.size(), static_cast<size_t>(0.02 * kSoundSampleRate_Hz));
    double peak = 0;
    for (float p : c.sound_Pa) peak = std::max(peak, std::abs(static_cast<double>(p)));
    EXPECT_NEAR(peak, c.sound_peak_Pa, 1e-6 + 0.05 * c.sound_peak_Pa);
    EXPECT_GT(peak, 0.01);
  }
}

TEST(FoamRollerThoracic, ExtensionConcentratesOverTheRoller) {
  const TechniqueRun r = RunFile("foam_roller_thoracic");
  double thoracic = 0, lumbar = 0;
  for (const char* l : {"T4-T5", "T5-T6", "T6-T7", "T7-T8", "T8-T9"}) thoracic += Level(r, l).peak_rotation_deg[0];
  for (const char* l : {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"}) lumbar += Level(r, l).peak_rotation_deg[0];
  EXPECT_GT(thoracic, 4 * lumbar) << "thoracic " << thoracic << " deg, lumbar " << lumbar << " deg";
  // and it is extension (negative flexion) at the levels around the roller
  const size_t L = r.result.level_names.size(), t0 = TimeIndex(r.result, 1.0), t1 = TimeIndex(r.result, 5.0);
  double ext = 0;
  for (size_t l = 11; l <= 15; ++l) ext += r.result.level_rotation_rad[(t1 * L + l) * 3] - r.result.level_rotation_rad[(t0 * L + l) * 3];
  EXPECT_LT(ext, -0.5 * kDegToRad);
  // the roller rests on the floor under the upper back
  ASSERT_EQ(r.result.environment.size(), 2u);
  const EnvironmentDesc& roller = r.result.environment[0];
  const EnvironmentDesc& floor = r.result.environment[1];
  EXPECT_NEAR(roller.X_WE.p.z() - roller.half_extents_m.x(), floor.X_WE.p.z(), 1e-9);
}

TEST(StandingBackBend, ExtensionRaisesFacetContactForces) {
  const TechniqueRun r = RunFile("standing_back_bend");
  const size_t F = r.result.facet_names.size(), t0 = TimeIndex(r.result, r.summary.baseline_time_s);
  double base = 0, peak = 0;
  for (size_t f = 0; f < F; ++f) {
    if (r.result.facet_names[f][0] != 'L') continue;
    base += r.result.facet_contact_N[t0 * F + f];
    peak += Level(r, r.result.facet_names[f].substr(0, r.result.facet_names[f].size() - 2)).peak_facet_contact_N / 2;
  }
  EXPECT_GT(peak, base + 50.0);
}

TEST(CervicalRotationThrust, ReportsVertebralArteryStrainOnTheFarSide) {
  const TechniqueRun r = RunFile("cervical_rotation_thrust");
  ASSERT_TRUE(r.summary.has_arteries);
  ASSERT_EQ(r.result.artery_strain.size(), 2 * r.result.time_s.size());
  // turning the head to the left stretches the right artery most (Symons et al. 2002: ~6 % in
  // manipulation, failure at 39-62 %)
  EXPECT_GT(r.summary.peak_artery_strain[1], 2 * r.summary.peak_artery_strain[0]);
  EXPECT_GT(r.summary.peak_artery_strain[1], 0.02);
  EXPECT_LT(r.summary.peak_artery_strain[1], 0.39);
  // most of the turn happens at C1-C2
  double neck = 0;
  for (int l = 0; l < 8; ++l) neck += r.summary.levels[l].peak_rotation_deg[2];
  EXPECT_GT(Level(r, "C1-C2").peak_rotation_deg[2], 0.35 * neck);
}

TEST(ThoracicThrust, OsteoporosisRaisesTheFractureRiskOfTheSameThrust) {
  const TechniqueRun normal = RunFile("thoracic_thrust"), weak = RunFile("thoracic_thrust_osteoporosis");
  double a = 0, b = 0;
  for (const LevelSummary& l : normal.summary.levels) a = std::max(a, l.peak_fracture_risk);
  for (const LevelSummary& l : weak.summary.levels) b = std::max(b, l.peak_fracture_risk);
  // T-score -3: BMD 0.685 of the young mean, strength ~ BMD^2 = 0.47: the same load is ~2.1x the risk
  EXPECT_NEAR(b / a, 1.0 / std::pow(1 - 3 * 0.105, 2), 0.05);
}

TEST(ThoracicThrust, ThePushOpensTheFacetsAboveTheTarget) {
  const TechniqueRun r = RunFile("thoracic_thrust");
  // T7 is pushed forward relative to T6: the T6-T7 facets open, the T7-T8 facets close; the
  // lumbar spine bends as the thorax sinks ~44 mm into the table under the clinician's 532 N
  // (T6-T7 0.43 mm, L3-L4 0.11 mm)
  EXPECT_GT(Level(r, "T6-T7").facet_opening_m[0], 0.3e-3);
  EXPECT_GT(Level(r, "T6-T7").facet_opening_m[0], 3 * Level(r, "L3-L4").facet_opening_m[0]);
  EXPECT_LT(Level(r, "T7-T8").facet_opening_m[0], 0.2 * Level(r, "T6-T7").facet_opening_m[0]);
  // with the lumped cage nothing pops (docs/calibration.md, known weaknesses): of the thoracic
  // joints T6-T7 comes nearest, ~60 % of the cracking suction (-303 of -501 kPa); the head's
  // jolt takes C2-C3 to ~65 %
  EXPECT_TRUE(r.result.cavitations.empty());
  const size_t F = r.result.facet_names.size();
  std::vector<double> lowest(F, 0.0);
  for (size_t k = TimeIndex(r.result, r.summary.baseline_time_s); k < r.result.time_s.size(); ++k)
    for (size_t f = 0; f < F; ++f) lowest[f] = std::min(lowest[f], r.result.facet_pressure_Pa[k * F + f]);
  size_t nearest = F;
  for (size_t f = 0; f < F; ++f)
    if (r.result.facet_names[f][0] == 'T' && (nearest == F || lowest[f] < lowest[nearest])) nearest = f;
  ASSERT_LT(nearest, F);
  EXPECT_EQ(r.result.facet_names[nearest].rfind("T6-T7", 0), 0u) << r.result.facet_names[nearest];
  ASSERT_GE(r.summary.closest_pop_facet, 0);
  const double threshold = r.summary.closest_pop_threshold_Pa;
  EXPECT_GT(lowest[nearest] / threshold, 0.5);
  EXPECT_LT(lowest[nearest] / threshold, 1.0);
}

// The thrust's force at the hand and at the table, stepped through the run: the contact force on
// the hand pad and the table's reaction (above its value just before the preload), both along
// the vertical
struct ContactAndTable {
  double hand_peak_N = 0, table_peak_N = 0, table_peak_time_s = 0, hand_peak_time_s = 0, cradle_at_peak_N = 0;
};
ContactAndTable HandAndTableForces(const std::string& name, const std::vector<std::string>& overrides = {}) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + name + ".toml", overrides).value();
  auto runner = ScenarioRunner::Create(sc, LoadSpineParams(DefaultSpineModelPath()).value());
  EXPECT_TRUE(runner.ok()) << runner.ErrorText();
  ScenarioRunner& r = runner.value();
  const BodyId hand = r.model().FindBody("practitioner's hand");
  EXPECT_GE(hand, 0);
  ContactAndTable out;
  double table0 = -1, cradle0 = 0;
  while (r.Step()) {
    double on_hand = 0, on_table = 0, on_cradle = 0;
    for (const ContactOutput& c : r.world().outputs().contacts) {
      // the force on a (a body); b is a body or an environment object (-1 - its index)
      if (c.b == -1) on_table += c.force_on_a_N.z();  // environment 0: the treatment table
      if (c.a == -1) on_table -= c.force_on_a_N.z();
      if (c.b == -2) on_cradle += c.force_on_a_N.z();  // environment 1: the face cradle
      if (c.a == -2) on_cradle -= c.force_on_a_N.z();
      if (c.a == hand) on_hand += c.force_on_a_N.z();  // the back pushes the hand up
      if (c.b == hand) on_hand -= c.force_on_a_N.z();
    }
    const double t = r.world().state().time_s;
    if (table0 < 0 && t >= sc.objects[2].profile.start_s) table0 = on_table, cradle0 = on_cradle;
    if (table0 >= 0 && on_table - table0 > out.table_peak_N)
      out.table_peak_N = on_table - table0, out.table_peak_time_s = t, out.cradle_at_peak_N = on_cradle - cradle0;
    if (on_hand > out.hand_peak_N) out.hand_peak_N = on_hand, out.hand_peak_time_s = t;
  }
  EXPECT_EQ(r.result().status, "ok") << r.result().error;
  return out;
}

TEST(ThoracicThrust, TheTableCarriesTheClinicianForce) {
  // the clinician's 532 N at the contact (Thomas et al., CMCC: 532 +/- 71 N at the hand, 658 +/- 33
  // N at the table, ratio 1.27 +/- 0.25, "consistent with deformable body models"). The model: the
  // hand's contact force peaks at 508 N (the 0.6-kg hand lags its push), the table's extra
  // reaction at 308 N 44 ms later and the face cradle's at +61 N: 0.61 of the contact. The rest goes
  // into the held pelvis, and rigid vertebrae on soft slices add no rebound: the model does not
  // reproduce the 1.27 (docs/calibration.md, known weaknesses); asserted is what it does
  const ContactAndTable f = HandAndTableForces("thoracic_thrust");
  EXPECT_NEAR(f.hand_peak_N, 532.0, 0.1 * 532.0) << "at " << f.hand_peak_time_s << " s";
  EXPECT_NEAR(f.hand_peak_time_s, 2.5 + 0.125 / 2, 0.01) << "the contact peaks with the push";
  EXPECT_GT(f.table_peak_N, 0.4 * f.hand_peak_N) << "at " << f.table_peak_time_s << " s";
  EXPECT_LT(f.table_peak_N + f.cradle_at_peak_N, f.hand_peak_N) << "the held pelvis takes a share";
  EXPECT_GT(f.table_peak_time_s, f.hand_peak_time_s) << "the thorax reaches the table after the hand";
  std::printf("thoracic_thrust: hand peak %.1f N at %.4f s, table extra peak %.1f N at %.4f s (face cradle %+.1f N), ratio %.3f\n",
              f.hand_peak_N, f.hand_peak_time_s, f.table_peak_N, f.table_peak_time_s, f.cradle_at_peak_N, f.table_peak_N / f.hand_peak_N);
}

TEST(LumbarSidePosture, TheThrustCavitatesMoreJointsThanThePositioning) {
  const TechniqueRun thrust = RunFile("lumbar_side_posture_thrust"), position = RunFile("lumbar_side_posture_positioning");
  EXPECT_GT(thrust.summary.cavitations, position.summary.cavitations);
  // the extra cracks come during the thrust (5.5-5.7 s), at lumbar or thoracolumbar levels
  int during = 0;
  for (const auto& c : thrust.result.cavitations)
    if (c.time_s > 5.45 && c.time_s < 5.8) {
      ++during;
      EXPECT_NE(thrust.result.facet_names[c.facet].find('L'), std::string::npos) << thrust.result.facet_names[c.facet];
    }
  EXPECT_GE(during, 1);

  // Held out (not in the calibration data): MRI joint space of L4-L5 and L5-S1 in side posture
  // minus supine, Cramer et al. 2012 (JMPT 35:614, 40 healthy subjects): upside joints +0.75 mm
  // after the thrust (men 1.01, women 0.49), +0.52 mm with positioning alone (P = .03 between
  // them), downside -0.17 mm. In acute low-back pain (Cramer et al. 2013, JMPT 36:203) the
  // margin changed sign between visits (thrust 0.23 / 0.89 mm, positioning 0.66 / 0.65 mm, SD
  // 0.5-0.9 mm), so only its sign is asserted. The model: upside +0.75 / +0.67 mm, downside
  // -0.77 mm (the downside closes too far; docs/calibration.md, known weaknesses). Asserted: the
  // order, and the upside sizes within half of Cramer's either way.
  const TechniqueRun supine = RunFile("lying_knee_twist", {"run.duration_s=1.0"});
  auto gap = [](const TechniqueRun& r, const std::string& facet, double t) {
    const auto& names = r.result.facet_names;
    const size_t f = std::find(names.begin(), names.end(), facet) - names.begin();
    EXPECT_LT(f, names.size()) << facet;
    return r.result.facet_gap_m[TimeIndex(r.result, t) * names.size() + f];
  };
  auto gapping = [&](const TechniqueRun& r, const char* side) {  // mean over L4-L5, L5-S1 [mm]
    double sum = 0;
    for (const char* l : {"L4-L5 ", "L5-S1 "})
      sum += gap(r, l + std::string(side), 7.5) - gap(supine, l + std::string(side), 0.95);
    return 0.5e3 * sum;
  };
  const double smt = gapping(thrust, "R"), spp = gapping(position, "R");  // lying on the left
  EXPECT_GT(smt, spp) << "the thrust gaps the upside joints more (Cramer 2012: by 0.23 mm)";
  EXPECT_GT(smt, gapping(thrust, "L") + 0.5) << "upside above downside (Cramer: 0.92 mm apart)";
  EXPECT_GT(spp, gapping(position, "L") + 0.5) << "upside above downside with positioning";
  EXPECT_NEAR(smt, 0.75, 0.375) << "upside gapping after the thrust (Cramer: +0.75 mm)";
  EXPECT_NEAR(spp, 0.52, 0.26) << "upside gapping with positioning alone (Cramer: +0.52 mm)";
}

TEST(PaStiffness, ProneThoracicStiffnessMatchesEdmondston1999) {
  // calibrated at T7 (10.7 N/mm); T4 (9.1) and T10 (11.4) are held out
  const auto params = LoadSpineParams(DefaultSpineModelPath()).value();
  struct Row {
    const char* body;
    double measured_N_per_mm, tolerance;
  };
  for (const Row& row : {Row{"T7", 10.7, 0.15}, Row{"T4", 9.1, 0.35}, Row{"T10", 11.4, 0.35}}) {
    auto r = MeasurePaStiffness(params, Subject{}, row.body);
    ASSERT_TRUE(r.ok()) << r.ErrorText();
    EXPECT_NEAR(r.value().stiffness_N_per_m * 1e-3, row.measured_N_per_mm, row.tolerance * row.measured_N_per_mm) << row.body;
    EXPECT_GT(r.value().pad_travel_m, r.value().vertebra_travel_m) << "the hand also compresses the skin";
  }
}

TEST(Contact, SameAnswerAtHalfTheStep) {
  // compliant contact is part of the implicit step: a prone static push converges in dt (the
  // lying start is solved statically, so it is the same at every step)
  auto travel = [](const char* dt, bool friction) {
    // (at the 200 N these numbers were measured with; the scenario's thrust is 532 N)
    std::vector<std::string> set = {std::string("run.dt_s=") + dt, "object.2.force_N=200", "object.2.profile=\"ramp_hold_release\"",
                                    "object.2.ramp_s=2", "object.2.hold_s=0.5"};
    if (!friction) set.push_back("object.0.friction=0");
    const TechniqueRun r = RunFile("thoracic_thrust", set);
    const size_t B = r.result.body_names.size(), a = TimeIndex(r.result, 1.0), b = TimeIndex(r.result, 3.4);
    const size_t t7 = 14;  // head, C1-C7, T1..T7
    EXPECT_EQ(r.result.body_names[t7], "T7");
    return r.result.body_position_m[(b * B + t7) * 3 + 2] - r.result.body_position_m[(a * B + t7) * 3 + 2];
  };
  // with the table's friction (as shipped) and without: 17.711 / 17.715 / 17.716 mm and 22.782 /
  // 22.787 / 22.789 mm at 1 / 0.5 / 0.25 ms, 1 ms 0.04 % off the first-order limit 2·finer − fine
  // either way. Before the head had its own tissue it rested on the face cradle through Bullet's
  // impulse contact: 6.8 % off with friction (1.5 % without); with the hand pad's contact coupled
  // explicitly to T7, 5.6 %; with the damped settle (start 0.9 mm deeper at 1 ms), 3.6 %
  for (const bool friction : {true, false}) {
    const double coarse = travel("0.001", friction), fine = travel("0.0005", friction), finer = travel("0.00025", friction);
    const double limit = 2 * finer - fine;
    EXPECT_LT(coarse, -5e-3) << "T7 moves forward under 200 N";
    EXPECT_NEAR(coarse, limit, 0.01 * std::abs(limit)) << friction << ": " << coarse << " " << fine << " " << finer;
    EXPECT_LE(std::abs(fine - limit), std::abs(coarse - limit)) << friction << ": " << coarse << " " << fine << " " << finer;
  }
}

TEST(Scenarios, EveryShippedScenarioLoadsRunsAndSaysWhatItModels) {
  const auto params = LoadSpineParams(DefaultSpineModelPath()).value();
  for (const char* f : {"lying_knee_twist", "upper_back_hand_pressure", "foam_roller_lumbar", "kneeling_hip_flexor_lunge",
                        "partner_gentle_pressure", "childs_pose_reach", "kneeling_lat_stretch", "worlds_greatest_stretch"}) {
    const TechniqueRun r = RunFile(f);
    EXPECT_FALSE(r.scenario.article.empty()) << f;
    EXPECT_FALSE(r.scenario.notice.empty()) << f;
    EXPECT_GE(r.summary.baseline_time_s, 1.0) << f << ": hold the posture relaxed for a second first";
    for (const auto* v : {&r.result.body_position_m, &r.result.disc_shear_N, &r.result.facet_gap_m, &r.result.fracture_risk,
                          &r.result.artery_strain})
      for (double x : *v) ASSERT_TRUE(std::isfinite(x)) << f;
  }
}

}  // namespace
}  // namespace spinelab::sim

namespace spinelab::sim {
namespace {

TEST(Subject, BaselineLaxityEnlargesTheMotionUnderTheSameLoad) {
  auto rotation = [](const char* laxity) {
    std::vector<double> deg;
    for (const LevelSummary& l : RunFile("standing_back_bend", {std::string("subject.ligament_laxity=") + laxity}).summary.levels)
      deg.push_back(l.peak_rotation_deg[0]);
    return deg;
  };
  const std::vector<double> normal = rotation("0"), lax = rotation("0.05");
  ASSERT_EQ(normal.size(), lax.size());
  double sum_normal = 0, sum_lax = 0;
  for (size_t l = 0; l < normal.size(); ++l) {
    EXPECT_GT(lax[l], normal[l]) << "level " << l << ": the slacker ligaments let every level move more";
    sum_normal += normal[l];
    sum_lax += lax[l];
  }
  // 5 % slack enlarges the summed flexion peak by 1.8 % (60.84 -> 61.92 deg; neck 16.54 -> 16.88, T1-S1
  // 44.30 -> 45.04, every level +1.5-2.2 %). It was > 2 % while the neck followed the back's 0.2 tone:
  // a floppy neck hung on its ligaments, so their slack counted for more. With the neck at its own
  // tone (issue 21) the muscles carry more of the head and the ligaments' share, and with it the
  // effect of their slack, is smaller: the assertion is > 1 %, not > 2 % (docs/scenarios.md)
  EXPECT_GT(sum_lax, sum_normal * 1.01) << "lax " << sum_lax << " deg, normal " << sum_normal << " deg";
  auto bad = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/standing_back_bend.toml", {"subject.ligament_laxity=0.5"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.ErrorText().find("subject.ligament_laxity: value 0.5 is out of range"), std::string::npos) << bad.ErrorText();
}

}  // namespace
}  // namespace spinelab::sim

namespace spinelab::sim {
namespace {

TEST(Scenarios, SeatedTwistAnswersHoldAtAQuarterOfTheStep) {
  // issue 8: the whole spine's answers at the scenario's own step within 2 % of a 4x smaller step
  const double dt = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml").value().dt_s;
  EXPECT_GE(dt, 0.004);  // the step the speed figures are quoted at (benchmarks/README.md)
  const ScenarioSummary a = RunFile("seated_twist").summary,
                        b = RunFile("seated_twist", {"run.dt_s=" + FormatNumber(dt / 4)}).summary;
  ASSERT_EQ(a.cavitations, b.cavitations);
  // the floor of the stress tolerance: 1 kPa, or 0.2 % of the run's largest stress (driven to its
  // end of range, issue 21, the twist's annulus peaks at ~2.7 MPa, and T1-T2, above the driven
  // T2, carries ~12 kPa of transients from the pops below it: 11.5 kPa at 4 ms, 14.0 at 1 ms)
  double peak_stress = 0;
  for (const LevelSummary& l : b.levels) peak_stress = std::max(peak_stress, l.peak_annulus_shear_Pa);
  const double stress_floor = std::max(1e3, 0.002 * peak_stress);
  for (size_t l = 8; l < a.levels.size(); ++l) {  // the trunk: T1-T2 .. L5-S1
    const LevelSummary &x = a.levels[l], &y = b.levels[l];
    EXPECT_NEAR(x.peak_rotation_deg[2], y.peak_rotation_deg[2], 0.02 * y.peak_rotation_deg[2] + 1e-3) << x.level;
    EXPECT_NEAR(x.peak_shear_change_N, y.peak_shear_change_N, 0.02 * y.peak_shear_change_N + 0.5) << x.level;
    EXPECT_NEAR(x.peak_annulus_shear_Pa, y.peak_annulus_shear_Pa, 0.02 * y.peak_annulus_shear_Pa + stress_floor) << x.level;
  }
}

// sitting, kneeling and lying with the girdle and limbs as bodies (issue 21): the run goes to the
// end with finite values, and the floor (mat, table) carries the legs: a leg off the floor would
// drop, its relaxed joints turning freely (1 N·m/rad) through the tens of degrees of range the
// pose leaves, so the knees and feet staying where the pose put them means the contacts hold them
TEST(LimbPoses, SittingKneelingAndLyingRunWithTheLimbsAsBodiesOnTheFloor) {
  // foam_roller_lumbar (the forearms lie across the roller) and kneeling_lat_stretch (the arms
  // hang from the shoulders) settle only through the damped static solve (World::SolveStatic)
  for (const char* name : {"cervical_rotation_thrust", "kneeling_hip_flexor_lunge", "thoracic_thrust", "foam_roller_lumbar",
                           "kneeling_lat_stretch"}) {
    const TechniqueRun run = RunFile(name, {"posture.limbs=bodies", "run.duration_s=1.5"});
    const ScenarioResult& r = run.result;
    ASSERT_FALSE(r.time_s.empty()) << name;
    EXPECT_NEAR(r.time_s.back(), 1.5, 0.02) << name;
    for (double v : r.body_position_m) ASSERT_TRUE(std::isfinite(v)) << name;
    for (double v : r.disc_compression_N) ASSERT_TRUE(std::isfinite(v)) << name;
    const size_t B = r.body_names.size(), k1 = r.time_s.size() - 1;
    int legs = 0;
    for (size_t b = 0; b < B; ++b) {
      const std::string& n = r.body_names[b];
      if (n.rfind("shank", 0) != 0 && n.rfind("foot", 0) != 0) continue;
      ++legs;
      const double z0 = r.body_position_m[b * 3 + 2], z1 = r.body_position_m[(k1 * B + b) * 3 + 2];
      EXPECT_NEAR(z1, z0, 0.03) << name << ": " << n << " is carried by the floor";
    }
    EXPECT_EQ(legs, 4) << name;
  }
}

// bad input: the limbs as bodies stand, sit, lie and kneel on a fixed pelvis; a supported pelvis is refused
TEST(LimbPoses, ALimbPoseNeedsAFixedPelvis) {
  auto sc = LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/neck_stretches.toml",
                         {"posture.limbs=bodies", "posture.pelvis=supported"});
  ASSERT_TRUE(sc.ok()) << sc.ErrorText();
  auto r = RunScenario(sc.value(), LoadSpineParams(DefaultSpineModelPath()).value());
  ASSERT_FALSE(r.ok());
  const std::string e = r.ErrorText();
  EXPECT_NE(e.find("neck_stretches.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("posture.limbs"), std::string::npos) << e;
  EXPECT_NE(e.find("posture.pelvis = 'supported'"), std::string::npos) << e;
  EXPECT_NE(e.find("allowed: posture.pelvis = \"fixed\""), std::string::npos) << e;
}

}  // namespace
}  // namespace spinelab::sim

// Calibration targets as tests: per-level range of motion inside the literature ranges
// (models/calibration_targets.toml), lumbar level shares, preload stiffening, convergence.
#include <gtest/gtest.h>

#include "spinelab/lab/calibration.h"
#include "spinelab/lab/flexibility.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {
namespace {

class Calibrated : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    params_ = new SpineParams(LoadSpineParams(DefaultSpineModelPath()).value());
    targets_ = new CalibrationTargets(LoadCalibrationTargets(DefaultTargetsPath()).value());
    SpineBuildOptions o;
    o.muscle_tone = false;
    o.rib_cage = false;  // Wilke et al. 2017's thoracic segments kept only their rib stumps
    spine_ = new ModelDesc(BuildSpineModel(*params_, Subject{}, o).value());
  }
  static void TearDownTestSuite() {
    delete params_;
    delete targets_;
    delete spine_;
  }
  static SpineParams* params_;
  static CalibrationTargets* targets_;
  static ModelDesc* spine_;
};
SpineParams* Calibrated::params_ = nullptr;
CalibrationTargets* Calibrated::targets_ = nullptr;
ModelDesc* Calibrated::spine_ = nullptr;

TEST_F(Calibrated, EveryLevelIsInsideItsLiteratureRange) {
  ASSERT_EQ(targets_->levels.size(), 25u);
  for (const RomTarget& t : targets_->levels) {
    const auto r = RunFlexibilityTest(*spine_, t.level, RomOptionsFor(t)).value();
    ASSERT_EQ(r.status, "ok") << t.level;
    const double fe = r.fe_rom_rad * kRadToDeg, lb = r.lb_rom_rad * kRadToDeg, ar = r.ar_rom_rad * kRadToDeg;
    EXPECT_GE(fe, t.fe_deg[0]) << t.level << " flexion-extension (" << t.source << ")";
    EXPECT_LE(fe, t.fe_deg[2]) << t.level << " flexion-extension (" << t.source << ")";
    EXPECT_GE(lb, t.lb_deg[0]) << t.level << " lateral bending";
    EXPECT_LE(lb, t.lb_deg[2]) << t.level << " lateral bending";
    EXPECT_GE(ar, t.ar_deg[0]) << t.level << " axial rotation";
    EXPECT_LE(ar, t.ar_deg[2]) << t.level << " axial rotation";
    // left and right are mirror images
    EXPECT_NEAR(r.dir[2].rotation_rad, r.dir[3].rotation_rad, 1e-6) << t.level;
    EXPECT_NEAR(r.dir[4].rotation_rad, r.dir[5].rotation_rad, 1e-6) << t.level;
    // a stiffening curve: the neutral zone is a part of the range, not all of it
    EXPECT_GT(r.fe_nz_rad, 0.0) << t.level;
    EXPECT_LT(r.fe_nz_rad, r.fe_rom_rad) << t.level;
  }
}

TEST_F(Calibrated, LumbarLevelSharesFollowChristophy2012) {
  std::array<std::array<double, 5>, 3> rom{};
  for (int i = 0; i < 5; ++i) {
    const std::string level = "L" + std::to_string(i + 1) + (i < 4 ? "-L" + std::to_string(i + 2) : "-S1");
    const auto r = RunFlexibilityTest(*spine_, level, RomOptionsFor(*targets_->Find(level))).value();
    rom[0][i] = r.fe_rom_rad;
    rom[1][i] = r.lb_rom_rad;
    rom[2][i] = r.ar_rom_rad;
  }
  for (int ax = 0; ax < 3; ++ax) {
    double sum = 0;
    for (double v : rom[ax]) sum += v;
    for (int i = 0; i < 5; ++i)
      EXPECT_NEAR(rom[ax][i] / sum, targets_->lumbar_shares[ax][i], targets_->share_tolerance)
          << "axis " << ax << " level L" << i + 1;
  }
}

TEST_F(Calibrated, PreloadStiffensLikeGardnerMorseAndStokes2004) {
  for (const char* level : {"L2-L3", "L4-L5"}) {
    const double r250 = PreloadStiffnessRatio(*spine_, level, 250), r500 = PreloadStiffnessRatio(*spine_, level, 500);
    // per level ±15 % (the ±10 % target applies to the two-level mean the paper reports)
    EXPECT_NEAR(r250, targets_->ratio_250N, 0.15 * targets_->ratio_250N) << level;
    EXPECT_NEAR(r500, targets_->ratio_500N, 0.15 * targets_->ratio_500N) << level;
    EXPECT_GT(r500, r250);
  }
}

TEST_F(Calibrated, HalvingTheStepChangesRomByLessThanOnePercent) {
  for (const char* level : {"C1-C2", "T7-T8", "L4-L5"}) {
    FlexibilityOptions a = RomOptionsFor(*targets_->Find(level)), b = a;
    a.dt_s = 1e-3;
    b.dt_s = 5e-4;
    const auto ra = RunFlexibilityTest(*spine_, level, a).value(), rb = RunFlexibilityTest(*spine_, level, b).value();
    EXPECT_NEAR(ra.fe_rom_rad, rb.fe_rom_rad, 0.01 * rb.fe_rom_rad) << level;
    EXPECT_NEAR(ra.lb_rom_rad, rb.lb_rom_rad, 0.01 * rb.lb_rom_rad) << level;
    EXPECT_NEAR(ra.ar_rom_rad, rb.ar_rom_rad, 0.01 * rb.ar_rom_rad) << level;
  }
}

TEST_F(Calibrated, FacetsCarryLoadInExtensionAndContralateralRotation) {
  // lumbar facets: contact in extension, and in left axial rotation mainly on the right
  const auto r = RunFlexibilityTest(*spine_, "L2-L3", RomOptionsFor(*targets_->Find("L2-L3"))).value();
  const auto& ext = r.dir[static_cast<int>(LoadDirection::kExtension)];
  const auto& axl = r.dir[static_cast<int>(LoadDirection::kAxialLeft)];
  EXPECT_GT(ext.peak_facet_force_N[0], 1.0);
  EXPECT_GT(axl.peak_facet_force_N[1], 10.0);
  EXPECT_GT(axl.peak_facet_force_N[1], 3.0 * axl.peak_facet_force_N[0]);
}

TEST_F(Calibrated, TheRibCageStiffensTheThoracicSpineLikeLiebsch2017) {
  // whole-body models carry the anterior rib cage at T1-T2 .. T9-T10; specimen models (and the
  // disc calibration, on Wilke 2017's rib-stump segments) do not
  auto count = [](const ModelDesc& m) {
    int n = 0;
    for (const BushingDesc& b : m.bushings) n += b.name.rfind("rib cage ", 0) == 0;
    return n;
  };
  EXPECT_EQ(count(BuildSpineModel(*params_, Subject{}).value()), 9);
  EXPECT_EQ(count(*spine_), 0);
  EXPECT_EQ(count(BuildSpineModel(*params_, Subject{}, PassiveSpineOptions()).value()), 0);
  // removing it raises the T1-T12 range at ±2 N·m as removing the anterior rib cage did in six
  // specimens: +52.2 % FE, +42.0 % LB, +94.4 % AR (model +52 / +42 / +95 %)
  const RibCageRom rc = MeasureRibCageRom(*params_, targets_->rib_cage_moment_Nm);
  for (int ax = 0; ax < 3; ++ax) {
    EXPECT_NEAR(rc.increase(ax), targets_->rib_cage_rom_increase[ax], targets_->rib_cage_tolerance)
        << "axis " << ax << ": intact " << rc.intact_rad[ax] * kRadToDeg << " deg, stumps " << rc.stumps_rad[ax] * kRadToDeg;
    EXPECT_LT(rc.intact_rad[ax], rc.stumps_rad[ax]);
  }
}

TEST(Flexibility, BadOptionsAndLevelsAreRejected) {
  const auto spine = BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value();
  FlexibilityOptions o;
  o.moment_Nm = -2;
  auto r = RunFlexibilityTest(spine, "T7-T8", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.ErrorText().find("moment_Nm"), std::string::npos);
  auto r2 = RunFlexibilityTest(spine, "T7-T9", FlexibilityOptions{});
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.ErrorText().find("'T7-T9' is not a level"), std::string::npos) << r2.ErrorText();
  EXPECT_NE(r2.ErrorText().find("T7-T8"), std::string::npos) << "lists the allowed levels";
}

}  // namespace
}  // namespace spinelab::sim

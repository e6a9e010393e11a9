// The spine model file and builder: structure, masses, and every kind of bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {
namespace {

std::string ReadDefault() {
  std::ifstream in(DefaultSpineModelPath());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// writes `text` to a temporary model file and loads it
Expected<SpineParams> LoadText(const std::string& text) {
  // one file per test: ctest runs tests in parallel processes
  const std::string path = ::testing::TempDir() + "/spine_model_" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml";
  std::ofstream(path) << text;
  return LoadSpineParams(path);
}

TEST(SpineModel, DefaultFileLoadsAndBuilds) {
  auto p = LoadSpineParams(DefaultSpineModelPath());
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  auto d = BuildSpineModel(p.value(), Subject{});
  ASSERT_TRUE(d.ok()) << d.ErrorText();
  const ModelDesc& m = d.value();
  EXPECT_EQ(m.bodies.size(), 26u);
  EXPECT_EQ(m.joints.size(), 25u);
  EXPECT_EQ(m.synovial_joints.size(), 50u);
  EXPECT_EQ(m.reflexes.size(), 25u);
  EXPECT_EQ(m.bodies.front().name, "head");
  EXPECT_EQ(m.bodies.back().name, "sacrum");
  EXPECT_TRUE(m.bodies.back().fixed);
  EXPECT_EQ(m.joints[14].name, "T7-T8");
  ASSERT_EQ(m.joints[14].synovial.size(), 2u);
  EXPECT_EQ(m.synovial_joints[m.joints[14].synovial[0]].name, "T7-T8 L");
  EXPECT_EQ(m.synovial_joints[m.joints[14].synovial[1]].name, "T7-T8 R");
  // the level's protective tone senses its neighbours' four facets, not its own
  EXPECT_EQ(m.reflexes[14].sensors.size(), 4u);
  for (int f : m.reflexes[14].sensors) EXPECT_TRUE(m.synovial_joints[f].name.rfind("T6-T7", 0) == 0 || m.synovial_joints[f].name.rfind("T8-T9", 0) == 0);
  // every level has its seven ligament types (ALL/PLL absent at C0-C1 and C1-C2)
  int n_all = 0;
  for (const auto& l : m.ligaments) n_all += l.type == "ALL";
  EXPECT_EQ(n_all, 23);
  EXPECT_TRUE(Model::Compile(m).ok());
}

TEST(SpineModel, MassesScaleWithTheSubject) {
  auto p = LoadSpineParams(DefaultSpineModelPath()).value();
  SpineBuildOptions no_arms;
  no_arms.arms = false;
  auto total = [&](double mass, double height) {
    double sum = 0;
    const ModelDesc d = BuildSpineModel(p, Subject{mass, height}, no_arms).value();
    for (const auto& b : d.bodies) sum += b.mass_kg;
    return sum;
  };
  const double m75 = total(75, 1.75);
  // head + neck + trunk levels + pelvis: about half the body (Pearsall 1996; Plagenhoef 1983)
  EXPECT_GT(m75, 0.40 * 75);
  EXPECT_LT(m75, 0.60 * 75);
  EXPECT_NEAR(total(60, 1.75) / m75, 60.0 / 75.0, 1e-12);
  // the head is 6 % of body mass; lumbar L5 2.6 % (Pearsall 1996)
  const auto d = BuildSpineModel(p, Subject{}, no_arms).value();
  EXPECT_NEAR(d.bodies[0].mass_kg, 4.5, 1e-9);
  EXPECT_NEAR(d.bodies[24].mass_kg, 0.026 * 75, 1e-9);
  // taller subject: longer spine
  const auto tall = BuildSpineModel(p, Subject{75, 1.95}).value();
  EXPECT_NEAR(tall.bodies[0].X_WB.p.z() / d.bodies[0].X_WB.p.z(), 1.95 / 1.75, 0.02);
}

TEST(SpineModel, StandingPostureIsBalancedOverThePelvis) {
  const auto d = BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value();
  // head above the sacrum, 0.55-0.75 m higher, within 10 cm fore-aft (sagittal balance: the
  // C7 plumb line of healthy adults falls within a few cm of S1's posterior corner)
  const Vec3 head = d.bodies[0].X_WB.p;
  EXPECT_GT(head.z(), 0.55);
  EXPECT_LT(head.z(), 0.75);
  EXPECT_LT(std::abs(head.x()), 0.10);
  EXPECT_EQ(head.y(), 0.0);  // left-right symmetric
}

TEST(SpineModel, SubjectOutOfRangeIsRejected) {
  auto p = LoadSpineParams(DefaultSpineModelPath()).value();
  auto d = BuildSpineModel(p, Subject{500, 1.75});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.ErrorText().find("subject.body_mass_kg: value 500"), std::string::npos) << d.ErrorText();
  EXPECT_NE(d.ErrorText().find("[30, 200] kg"), std::string::npos);
}

TEST(SpineModel, MissingFileIsAClearError) {
  auto p = LoadSpineParams("/nonexistent/spine.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("/nonexistent/spine.toml"), std::string::npos) << p.ErrorText();
}

TEST(SpineModel, SyntaxErrorNamesTheLine) {
  std::string t = ReadDefault();
  t += "\nbroken = = 3\n";
  auto p = LoadText(t);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("TOML syntax error"), std::string::npos) << p.ErrorText();
  EXPECT_NE(p.ErrorText().find(".toml:"), std::string::npos);
}

TEST(SpineModel, UnknownKeyIsAnErrorWithItsLine) {
  std::string t = ReadDefault();
  t = std::regex_replace(t, std::regex("\\[posture\\]\\n"), "[posture]\npelvic_tilt_deg = { value = 3, source = \"assumed: x\" }\n");
  auto p = LoadText(t);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("posture.pelvic_tilt_deg: unknown key"), std::string::npos) << p.ErrorText();
  EXPECT_TRUE(std::regex_search(p.ErrorText(), std::regex("\\.toml:\\d+: posture.pelvic_tilt_deg")));
}

TEST(SpineModel, OutOfRangeValueNamesKeyValueAndRange) {
  std::string t = ReadDefault();
  t = std::regex_replace(t, std::regex("sacral_slope_deg = \\{ value = 40.0"), "sacral_slope_deg = { value = 140.0");
  auto p = LoadText(t);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("posture.sacral_slope_deg: value 140 is out of range; allowed: [0, 80] deg"),
            std::string::npos) << p.ErrorText();
}

TEST(SpineModel, ParameterWithoutSourceIsRejected) {
  std::string t = ReadDefault();
  t = std::regex_replace(t, std::regex("rest_gap_mm = \\{ value = 0.5, source = \"[^\"]*\" \\}"), "rest_gap_mm = { value = 0.5, source = \"my guess\" }");
  auto p = LoadText(t);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("facets.rest_gap_mm.source"), std::string::npos) << p.ErrorText();
  EXPECT_NE(p.ErrorText().find("names no paper/year"), std::string::npos);
}

TEST(SpineModel, WrongArrayLengthSaysWhatIsExpected) {
  std::string t = ReadDefault();
  t = std::regex_replace(t, std::regex("disc_height_mm.value = \\[3, 3, "), "disc_height_mm.value = [3, ");
  auto p = LoadText(t);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("levels.disc_height_mm.value: has 24 entries; must have 25 (one per level)"),
            std::string::npos) << p.ErrorText();
}

TEST(SpineModel, EveryParameterHasAUnitfulKeyAndASource) {
  auto p = LoadSpineParams(DefaultSpineModelPath()).value();
  EXPECT_GT(p.origins.size(), 60u);
  const std::regex unit("(_mm|_mm2|_deg|_kg|_m|_MPa|_kPa|_N_per_mm|_Nm_per_rad|_Nm_per_rad2|_Nms_per_rad|_Ns_per_m|_s_per_m|_s|_ms|_ml|_ml_per_kPa|_cmH2O|_um|_kg_per_m3|_Pa_s|_N_per_m|_K|_m2_per_s|_mol_per_m3_kPa|_cm2|_cm|_Hz|_min|_h|_days|_per_s|_Nm|_N|_per_strain|fraction|ratio|share|strain|gain|exponent|factor|scale|prestrain)$");
  for (const auto& o : p.origins) {
    EXPECT_TRUE(std::regex_search(o.key, unit)) << o.key << " has no unit suffix";
    EXPECT_FALSE(o.source.empty()) << o.key;
  }
}

}  // namespace
}  // namespace spinelab::sim

namespace spinelab::sim {
namespace {

TEST(SpineGeometry, EveryVertebraHasItsPartsAndFacetsFaceEachOther) {
  const auto d = BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value();
  auto find = [](const BodyDesc& b, const std::string& part) -> const GeometryPrimitive* {
    for (const auto& g : b.geometry)
      if (g.part == part) return &g;
    return nullptr;
  };
  for (int i = 1; i < 25; ++i) {  // C1..L5
    const BodyDesc& b = d.bodies[i];
    for (const char* part : {"body", "pedicle L", "pedicle R", "lamina L", "lamina R", "spinous process",
                             "transverse process L", "transverse process R", "facet superior L",
                             "facet superior R", "facet inferior L", "facet inferior R"})
      EXPECT_NE(find(b, part), nullptr) << b.name << " lacks " << part;
    // the spinous process lies behind the vertebral body
    const Vec3 sp = find(b, "spinous process")->X_BG.p, body = find(b, "body")->X_BG.p;
    EXPECT_LT(sp.x(), body.x() - 0.02) << b.name;
    EXPECT_FALSE(b.shapes.empty()) << b.name;
  }
  // at rest the inferior facet of the upper body faces the superior facet of the lower body
  // across the articular clearance
  for (const JointDesc& L : d.joints) {
    for (char side : {'L', 'R'}) {
      const std::string s(1, side);
      const GeometryPrimitive* sup = find(d.bodies[L.lower], "facet superior " + s);
      const GeometryPrimitive* inf = find(d.bodies[L.upper], "facet inferior " + s);
      ASSERT_TRUE(sup && inf) << L.name;
      const Pose Xs = d.bodies[L.lower].X_WB * sup->X_BG, Xi = d.bodies[L.upper].X_WB * inf->X_BG;
      EXPECT_NEAR(Xs.R.col(2).dot(Xi.R.col(2)), 1.0, 1e-12) << L.name;  // parallel surfaces
      const double gap = Xs.R.col(2).dot(Xi.p - Xs.p);
      const double clearance = d.synovial_joints[L.synovial[side == 'L' ? 0 : 1]].rest_gap_m;
      EXPECT_NEAR(gap, clearance + 2 * 0.0005, 1e-9) << L.name;  // centres of two 1 mm discs
      EXPECT_LT((Xi.p - Xs.p - gap * Xs.R.col(2)).norm(), 1e-9) << L.name;  // face to face
    }
  }
}

}  // namespace
}  // namespace spinelab::sim

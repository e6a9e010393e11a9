// The run dataset table (io/run_layout.h): a run written with io::WriteRun comes back from
// io::ReadRun with every table dataset equal, with the scenario and model it ran on; bad input
// names the file and the run.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "spinelab/io/results.h"

namespace {

using namespace spinelab;

struct TwistRun {
  sim::Scenario sc;
  sim::SpineParams params;
  sim::ScenarioResult r;
};

const TwistRun& ShortTwist() {
  static const TwistRun run = [] {
    TwistRun x;
    x.sc = sim::LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml", {"run.duration_s=0.1"}).value();
    x.params = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
    x.r = sim::RunScenario(x.sc, x.params).value();
    // every row table non-empty: two cracks (pops of different lengths: zero-padded) and two attempts
    x.r.cavitations.push_back({0.01, 3, 1e-4, 0.2, {0.1f, -0.2f, 0.3f}});
    x.r.cavitations.push_back({0.05, 7, 2e-4, 0.1, {0.5f}});
    x.r.attempts.push_back({0.0, true, 2, 2e-4, 0.12, 0.01, 1.1});
    x.r.attempts.push_back({0.05, false, 0, 0.0, 0.08, 0.02, 1.2});
    // a scene object (the seated twist has none): a turned box
    sim::EnvironmentDesc box;
    box.name = "box";
    box.shape = sim::EnvShape::kBox;
    box.X_WE.R = Eigen::AngleAxisd(0.3, Vec3(0, 0, 1)).toRotationMatrix();
    box.X_WE.p = Vec3(0.1, -0.2, 0.3);
    box.half_extents_m = Vec3(0.2, 0.3, 0.4);
    x.r.environment.push_back(box);
    return x;
  }();
  return run;
}

std::string Write(const std::string& name, const TwistRun& x) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::remove(path.c_str());
  auto f = io::CreateFile(path, true);
  EXPECT_TRUE(f.ok()) << f.ErrorText();
  EXPECT_TRUE(io::WriteFileHeader(f.value()));
  auto w = io::WriteRun(f.value(), "twist", x.sc, x.r);
  EXPECT_TRUE(w.ok()) << w.ErrorText();
  return path;
}

TEST(RunLayout, ReadRunGivesBackEveryTableDatasetAndWhatRan) {
  const TwistRun& x = ShortTwist();
  ASSERT_FALSE(x.r.time_s.empty());
  ASSERT_FALSE(x.r.artery_names.empty());
  ASSERT_FALSE(x.r.environment.empty());
  const std::string path = Write("layout_round_trip.h5", x);
  auto s = io::ReadRun(path, "twist");
  ASSERT_TRUE(s.ok()) << s.ErrorText();
  const io::StoredRun& st = s.value();
  size_t n = 0;
  for (const io::RunDataset& d : io::RunDatasets()) {
    const io::RunColumn want = io::RunValue(d, x.r);
    ASSERT_TRUE(st.columns.count(d.name)) << d.name;
    const io::RunColumn& got = st.columns.at(d.name);
    EXPECT_EQ(got.dims, want.dims) << d.name;
    // bit for bit, as stored
    ASSERT_EQ(got.d.size(), want.d.size()) << d.name;
    if (!got.d.empty()) {  // (an empty vector's data() may be null, which memcmp must not get: UBSan)
      EXPECT_EQ(std::memcmp(got.d.data(), want.d.data(), got.d.size() * sizeof(double)), 0) << d.name;
    }
    EXPECT_EQ(got.i, want.i) << d.name;
    EXPECT_EQ(got.s, want.s) << d.name;
    // and back in the result's fields: the same values (a pose's quaternion goes through a rotation matrix)
    const io::RunColumn again = io::RunValue(d, st.result);
    if (std::string(d.name) == "scene/object_pose") {
      ASSERT_EQ(again.d.size(), want.d.size());
      for (size_t k = 0; k < want.d.size(); ++k) EXPECT_NEAR(again.d[k], want.d[k], 1e-12) << d.name << "[" << k << "]";
    } else {
      EXPECT_TRUE(again == want) << d.name;
    }
    ++n;
  }
  EXPECT_EQ(n, io::RunDatasets().size());
  EXPECT_EQ(st.scenario, "seated_twist");
  EXPECT_EQ(st.scenario_text, x.sc.text);
  EXPECT_EQ(st.overrides, std::vector<std::string>{"run.duration_s=0.1"});
  ASSERT_TRUE(st.has_model_text);
  EXPECT_EQ(st.model_text, x.params.text);
  EXPECT_EQ(st.model_file, x.params.file);
  EXPECT_EQ(st.status, "ok");
  EXPECT_EQ(st.steps, x.r.steps);
  // the stored scenario and model are the ones that ran
  auto sc = io::StoredScenario(st);
  ASSERT_TRUE(sc.ok()) << sc.ErrorText();
  EXPECT_EQ(sc.value().name, "seated_twist");
  EXPECT_EQ(sc.value().duration_s, 0.1);
  auto model = io::StoredModel(st);
  ASSERT_TRUE(model.ok()) << model.ErrorText();
  EXPECT_EQ(model.value().text, x.params.text);
  EXPECT_EQ(model.value().file, path + ":twist");
}

// the drives/ datasets (issue 21): a drive's torque, cap, saturation, rotation and target per
// sample come back from io::ReadRun bit for bit, into the result's fields; a run without drives
// writes none and reads back with none
TEST(RunLayout, TheDrivesTorqueComesBackAndARunWithoutDrivesHasNone) {
  TwistRun x = ShortTwist();
  ASSERT_EQ(x.r.drive_names.size(), 1u) << "seated_twist has one drive";
  const size_t T = x.r.time_s.size();
  // distinct values in every cell (the short run ends before the drive starts: all zero)
  for (size_t t = 0; t < T; ++t) {
    for (int a = 0; a < 3; ++a) x.r.drive_torque_W_Nm[3 * t + a] = 0.1 * t + 0.01 * a - 1.0 / 3.0;
    x.r.drive_torque_Nm[t] = 2.5 * t + 1.0 / 7.0;
    x.r.drive_limit_Nm[t] = 49.0 - 0.5 * t;
    x.r.drive_saturated[t] = static_cast<int64_t>(t % 2);
    x.r.drive_rotation_rad[t] = 0.01 * t + 1e-17;
    x.r.drive_target_rad[t] = 0.785 - 0.001 * t;
  }
  const std::string path = Write("layout_drives.h5", x);
  auto s = io::ReadRun(path, "twist");
  ASSERT_TRUE(s.ok()) << s.ErrorText();
  const sim::ScenarioResult& r = s.value().result;
  EXPECT_EQ(r.drive_names, x.r.drive_names);
  EXPECT_EQ(r.drive_torque_W_Nm, x.r.drive_torque_W_Nm);
  EXPECT_EQ(r.drive_torque_Nm, x.r.drive_torque_Nm);
  EXPECT_EQ(r.drive_limit_Nm, x.r.drive_limit_Nm);
  EXPECT_EQ(r.drive_saturated, x.r.drive_saturated);
  EXPECT_EQ(r.drive_rotation_rad, x.r.drive_rotation_rad);
  EXPECT_EQ(r.drive_target_rad, x.r.drive_target_rad);
  EXPECT_EQ(s.value().columns.at("drives/torque").dims, (std::vector<uint64_t>{T, 1, 3}));
  // without drives: no drives/ dataset in the file, nothing read back, the rest as before
  TwistRun none = ShortTwist();
  none.r.drive_names.clear();
  for (auto* v : {&none.r.drive_torque_W_Nm, &none.r.drive_torque_Nm, &none.r.drive_limit_Nm, &none.r.drive_rotation_rad,
                  &none.r.drive_target_rad})
    v->clear();
  none.r.drive_saturated.clear();
  const std::string path2 = Write("layout_no_drives.h5", none);
  auto s2 = io::ReadRun(path2, "twist");
  ASSERT_TRUE(s2.ok()) << s2.ErrorText();
  for (const io::RunDataset& d : io::RunDatasets())
    EXPECT_EQ(s2.value().columns.count(d.name), std::string(d.name).rfind("drives/", 0) == 0 ? 0u : 1u) << d.name;
  EXPECT_TRUE(s2.value().result.drive_names.empty());
  EXPECT_TRUE(s2.value().result.drive_torque_Nm.empty());
  EXPECT_EQ(s2.value().result.facet_pressure_Pa, none.r.facet_pressure_Pa);
}

TEST(RunLayout, TheModelFileKeepsItsText) {
  const auto p = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  EXPECT_NE(p.text.find("schema_version"), std::string::npos);
  auto again = sim::LoadSpineParamsText(p.text, "copy.toml");
  ASSERT_TRUE(again.ok()) << again.ErrorText();
  EXPECT_EQ(again.value().file, "copy.toml");
  EXPECT_EQ(again.value().muscle_stiffness_Nm_per_rad, p.muscle_stiffness_Nm_per_rad);
  auto bad = sim::LoadSpineParamsText(p.text + "\nbroken = = 3\n", "copy.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.ErrorText().find("copy.toml:"), std::string::npos) << bad.ErrorText();
}

TEST(RunLayout, AMissingRunNamesTheFileTheRunAndTheRunsThere) {
  const std::string path = Write("layout_missing_run.h5", ShortTwist());
  auto s = io::ReadRun(path, "nosuch");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ErrorText().find(path), std::string::npos) << s.ErrorText();
  EXPECT_NE(s.ErrorText().find("'nosuch' is not a run of this file; runs: twist"), std::string::npos) << s.ErrorText();
  auto none = io::ReadRun(::testing::TempDir() + "/no_such_file.h5", "twist");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.ErrorText().find("no_such_file.h5"), std::string::npos) << none.ErrorText();
}

TEST(RunLayout, ARunWithoutModelTextReadsButHasNoStoredModel) {
  TwistRun x = ShortTwist();
  x.r.model_text.clear();
  const std::string path = Write("layout_no_model.h5", x);
  auto s = io::ReadRun(path, "twist");
  ASSERT_TRUE(s.ok()) << s.ErrorText();
  EXPECT_FALSE(s.value().has_model_text);
  auto m = io::StoredModel(s.value());
  ASSERT_FALSE(m.ok());
  for (const std::string& part : {path, std::string("runs/twist@model_text"), std::string("run 'twist' has no model_text")})
    EXPECT_NE(m.ErrorText().find(part), std::string::npos) << part << " in " << m.ErrorText();
}

}  // namespace

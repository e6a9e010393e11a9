// The viewer's app state driven through its command queue, without GL or a window: playback
// time, seeking, stepping, picking, the plot's facet, explore loads on a live run, loading.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "app_state.h"
#include "viewer_toy_recording.h"

namespace spinelab::viewer {
namespace {

// applies one command; the refusal message ("" when applied)
std::string Do(AppState* s, Command c) {
  CommandQueue q;
  q.Push(std::move(c));
  const std::vector<std::string> refused = ApplyCommands(s, &q);
  EXPECT_TRUE(q.empty());
  return refused.empty() ? "" : refused.front();
}

TEST(ViewerCamera, ProjectsTheTargetToTheViewportCentreAndNothingBehindTheEye) {
  Camera c;
  SetView("back", &c);
  const Vec3 target = c.target.cast<double>();
  const auto centre = ProjectToViewport(c, target, 440, 0, 840, 720);
  ASSERT_TRUE(centre);
  EXPECT_NEAR(centre->x(), 440 + 420, 1e-3);
  EXPECT_NEAR(centre->y(), 360, 1e-3);
  // up in the world is up on the screen (smaller y), and the subject's right (-y) is on the
  // viewer's right when seen from behind
  const auto up = ProjectToViewport(c, target + Vec3(0, 0, 0.1), 440, 0, 840, 720);
  const auto right = ProjectToViewport(c, target + Vec3(0, -0.1, 0), 440, 0, 840, 720);
  ASSERT_TRUE(up && right);
  EXPECT_LT(up->y(), 360);
  EXPECT_GT(right->x(), 860);
  const Vec3 behind = c.Eye().cast<double>() + (c.Eye() - c.target).normalized().cast<double>();
  EXPECT_FALSE(ProjectToViewport(c, behind, 440, 0, 840, 720)) << "a point behind the eye has no place on screen";
}

TEST(ViewerCamera, TheCloseUpLooksAlongTheJointsSurfacesFromTheMainCamerasSide) {
  viz::CloseUp cu;
  cu.centre_W = Vec3(0.1, 0.02, 0.5);
  cu.radius_m = 0.006;
  for (const Vec3& n : {Vec3(1, 0, 0), Vec3(0.3, -0.9, 0.3).normalized(), Vec3(0, 0, 1)}) {
    cu.normal_W = n;
    Camera main;
    const Camera c = CloseUpCamera(cu, main);
    const Eigen::Vector3f view = (c.Eye() - c.target).normalized();
    EXPECT_NEAR(view.dot(n.cast<float>()), 0, 1e-5) << "across the normal, so the gap shows";
    EXPECT_GE(view.dot(main.Eye() - c.target), 0) << "from the side the main camera sees";
    EXPECT_LT((c.target - cu.centre_W.cast<float>()).norm(), 1e-6);
    // the capsule (1.15 r) fits in the view with a margin
    EXPECT_GT(c.distance_m * std::tan(0.5f * c.fov_rad), 1.15 * cu.radius_m);
    EXPECT_LT(c.distance_m * std::tan(0.5f * c.fov_rad), 3 * cu.radius_m);
  }
  cu.gap_m = 3e-3;  // wide open: the drawn gap (x5, 15 mm) fits too
  EXPECT_GT(CloseUpCamera(cu, Camera{}).distance_m * std::tan(0.3f), 0.5 * viz::kCloseUpGapScale * 3e-3);
  const Viewport vp = CloseUpViewport(1280, 720);
  EXPECT_GE(vp.x, SceneViewX(1280)) << "inside the 3D view, right of the panel";
  EXPECT_LE(vp.x + vp.width, 1280);
  EXPECT_GT(vp.width, 150);
}

TEST(ViewerApp, TheCloseUpShowsThePickedJointElseTheFollowedOneAndCanBeHidden) {
  AppState s = ToyState();
  s.plot_facet = 1;
  EXPECT_EQ(CloseUpFacet(s), 1);
  ASSERT_EQ(Do(&s, PickJoint{0}), "");
  EXPECT_EQ(CloseUpFacet(s), 0);
  ASSERT_EQ(Do(&s, ClearPick{}), "");
  s.plot_facet = 1;
  EXPECT_EQ(CloseUpFacet(s), 1) << "no pick: the plot's joint";
  EXPECT_TRUE(s.scene.closeup);
  ASSERT_EQ(Do(&s, ShowCloseUp{false}), "");
  EXPECT_FALSE(s.scene.closeup);
}

TEST(ViewerApp, TheSkinIsOffByDefaultAndTheCommandShowsIt) {
  AppState s = ToyState();
  EXPECT_FALSE(s.scene.skin) << "off by default: the facet colours read best without it";
  ASSERT_EQ(Do(&s, ShowSkin{true}), "");
  EXPECT_TRUE(s.scene.skin);
  ASSERT_EQ(Do(&s, ShowSkin{false}), "");
  EXPECT_FALSE(s.scene.skin);
  ASSERT_EQ(Do(&s, SetCameraView{"auto"}), "") << "auto is a view";
  EXPECT_NE(Do(&s, SetCameraView{"front"}), "") << "refused";
}

TEST(ViewerApp, PlayAdvancesBySpeedTimesTheFrameTime) {
  AppState s = ToyState();
  ASSERT_EQ(Do(&s, SetSpeed{2.f}), "");
  ASSERT_EQ(Do(&s, Play{}), "");
  AdvanceFrame(&s, 0.1);
  EXPECT_DOUBLE_EQ(s.t_s, 0.2);
  EXPECT_EQ(s.frame_index, 2u);
  EXPECT_DOUBLE_EQ(s.frame.time_s, 0.2) << "the frame on screen is the one at the playback time";
  ASSERT_EQ(Do(&s, Pause{}), "");
  AdvanceFrame(&s, 0.3);
  EXPECT_DOUBLE_EQ(s.t_s, 0.2) << "paused: time stands";
}

TEST(ViewerApp, SeekClampsToTheRunsTimeRangeAndRefusesNonFiniteTimes) {
  AppState s = ToyState();
  EXPECT_EQ(Do(&s, Seek{-5.0}), "");
  EXPECT_EQ(s.t_s, 0.0);
  EXPECT_EQ(Do(&s, Seek{99.0}), "");
  EXPECT_EQ(s.t_s, 1.0);
  EXPECT_EQ(Do(&s, Seek{0.55}), "");
  EXPECT_EQ(s.t_s, 0.55);
  const std::string why = Do(&s, Seek{std::numeric_limits<double>::quiet_NaN()});
  EXPECT_NE(why.find("not finite"), std::string::npos) << why;
  EXPECT_EQ(s.t_s, 0.55) << "a refused command changes nothing";
  ASSERT_EQ(Do(&s, Pause{}), "");
  AdvanceFrame(&s, 1.0 / 60);
  EXPECT_EQ(s.frame_index, 6u) << "the first frame at or after 0.55 s";
}

TEST(ViewerApp, StepForwardGoesToTheNextFrameAndPauses) {
  AppState s = ToyState();
  ASSERT_EQ(Do(&s, Seek{0.3}), "");
  AdvanceFrame(&s, 0.0);
  ASSERT_EQ(s.frame_index, 3u);
  EXPECT_EQ(Do(&s, StepForward{}), "");
  EXPECT_DOUBLE_EQ(s.t_s, 4 * kFrameStep_s);
  EXPECT_FALSE(s.playing);
  ASSERT_EQ(Do(&s, Seek{1.0}), "");
  AdvanceFrame(&s, 0.0);
  EXPECT_EQ(Do(&s, StepForward{}), "");
  EXPECT_DOUBLE_EQ(s.t_s, 1.0) << "the last frame stays the last";
}

TEST(ViewerApp, SpeedIsClampedToItsRange) {
  AppState s = ToyState();
  EXPECT_EQ(Do(&s, SetSpeed{1000.f}), "");
  EXPECT_EQ(s.speed, kMaxSpeed);
  EXPECT_EQ(Do(&s, SetSpeed{0.f}), "");
  EXPECT_EQ(s.speed, kMinSpeed);
  EXPECT_NE(Do(&s, SetSpeed{std::numeric_limits<float>::infinity()}), "");
  EXPECT_EQ(s.speed, kMinSpeed);
}

TEST(ViewerApp, ARecordedRunLoopsInteractivelyAndStopsAtTheEndHeadless) {
  AppState looping = ToyState(false), headless = ToyState(true);
  for (AppState* s : {&looping, &headless}) {
    ASSERT_EQ(Do(s, Seek{0.95}), "");
    AdvanceFrame(s, 0.1);
  }
  EXPECT_EQ(looping.t_s, 0.0) << "past the end: back to the start";
  EXPECT_EQ(headless.t_s, 1.0) << "--frames: stays at the end";
}

TEST(ViewerApp, PickJointOutOfRangeIsRefused) {
  AppState s = ToyState();
  std::string why = Do(&s, PickJoint{2});
  EXPECT_NE(why.find("joint 2"), std::string::npos) << why;
  EXPECT_NE(why.find("0..1"), std::string::npos) << why;
  EXPECT_NE(Do(&s, PickJoint{-1}), "");
  EXPECT_EQ(s.scene.selected_facet, -1);
  EXPECT_FALSE(s.plot_chosen);
  EXPECT_EQ(Do(&s, PickBody{1}), "");
  EXPECT_EQ(s.scene.selected_body, 1);
  EXPECT_EQ(Do(&s, PickJoint{1}), "");
  EXPECT_EQ(s.scene.selected_facet, 1);
  EXPECT_EQ(s.scene.selected_body, -1) << "a facet and a body are not picked at once";
  EXPECT_EQ(s.plot_facet, 1) << "the plot shows the picked joint";
  EXPECT_TRUE(s.plot_chosen);
  EXPECT_NE(Do(&s, PickBody{7}), "");
  EXPECT_EQ(s.scene.selected_facet, 1);
  EXPECT_EQ(Do(&s, ClearPick{}), "");
  EXPECT_EQ(s.scene.selected_facet, -1);
}

TEST(ViewerApp, ThePlotFollowsTheRunUntilAFacetIsChosen) {
  AppState s = ToyState();
  AdvanceFrame(&s, 0.0);
  EXPECT_EQ(s.plot_facet, 1) << "no pop, no summary: the deepest suction (the right facet)";
  s.rec.cavitations.push_back({0.5, 0, 0.4e-3, {}});
  AdvanceFrame(&s, 0.0);
  EXPECT_EQ(s.plot_facet, 0) << "the first to pop";
  EXPECT_NE(Do(&s, SetPlotFacet{2}), "");
  EXPECT_EQ(Do(&s, SetPlotFacet{1}), "");
  AdvanceFrame(&s, 0.0);
  EXPECT_EQ(s.plot_facet, 1) << "chosen: it stays";
}

TEST(ViewerApp, ThePopsThePlaybackPassesAreHeardAtUpTo4x) {
  AppState s = ToyState(true);
  s.rec.cavitations = {{0.25, 0, 0.4e-3, {}}, {0.75, 1, 0.4e-3, {}}};
  EXPECT_EQ(AdvanceFrame(&s, 0.3), std::vector<size_t>{0});
  EXPECT_EQ(AdvanceFrame(&s, 0.3), std::vector<size_t>{});
  EXPECT_EQ(AdvanceFrame(&s, 0.3), std::vector<size_t>{1});
  ASSERT_EQ(Do(&s, Seek{0.0}), "");
  ASSERT_EQ(Do(&s, SetSpeed{8.f}), "");
  AdvanceFrame(&s, 0.0);
  EXPECT_TRUE(AdvanceFrame(&s, 0.1).empty()) << "faster than 4x the pops are not played";
}

TEST(ViewerApp, CommandsApplyInTheOrderTheyWereQueued) {
  AppState s = ToyState();
  CommandQueue q;
  q.Push(Seek{0.3});
  q.Push(Pause{});
  q.Push(Seek{0.7});
  q.Push(PickJoint{9});  // refused, the rest still applies
  q.Push(SetFacetQuantity{viz::FacetQuantity::kGap});
  const std::vector<std::string> refused = ApplyCommands(&s, &q);
  EXPECT_EQ(refused.size(), 1u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(s.t_s, 0.7);
  EXPECT_FALSE(s.playing);
  EXPECT_EQ(s.scene.facet_quantity, viz::FacetQuantity::kGap);
}

TEST(ViewerApp, ViewsPanelsAndExploreRefuseWhatDoesNotExist) {
  AppState s = ToyState();
  EXPECT_NE(Do(&s, SetCameraView{"below"}), "");
  EXPECT_EQ(Do(&s, SetCameraView{"back"}), "");
  EXPECT_FLOAT_EQ(s.camera.yaw_rad, static_cast<float>(kPi));
  s.panel_visible = {true, true};
  EXPECT_NE(Do(&s, ShowPanel{2, false}), "");
  EXPECT_EQ(Do(&s, ShowPanel{1, false}), "");
  EXPECT_FALSE(s.panel_visible[1]);
  const std::string why = Do(&s, ExploreApply{0, {1, 0, 0}, 0, 0});
  EXPECT_NE(why.find("live"), std::string::npos) << why;
}

TEST(ViewerApp, LoadRunOfAMissingFileIsRefusedAndKeepsWhatIsShown) {
  AppState s = ToyState();
  ASSERT_EQ(Do(&s, Seek{0.4}), "");
  LoadRun load;
  load.source.scenario = "/nonexistent/scenario.toml";
  load.source.model = sim::DefaultSpineModelPath();
  const std::string why = Do(&s, load);
  EXPECT_NE(why.find("/nonexistent/scenario.toml"), std::string::npos) << why;
  EXPECT_EQ(s.rec.name, "toy");
  EXPECT_EQ(s.t_s, 0.4);
}

// a results file that crashes libhdf5 (tests/fuzz/regressions/hdf5_library/): the viewer's
// playback says the file is damaged (io::ReadRun reads it in a child process) and goes on
TEST(ViewerApp, LoadRunOfADamagedResultsFileIsRefusedAndKeepsWhatIsShown) {
  AppState s = ToyState();
  ASSERT_EQ(Do(&s, Seek{0.4}), "");
  LoadRun load;
  load.source.results = std::string(SPINELAB_SOURCE_DIR) + "/tests/fuzz/regressions/hdf5_library/h5hg_read_vlen_heap_id.h5";
  load.source.model = sim::DefaultSpineModelPath();
  const std::string why = Do(&s, load);
  // (signal 11; under ASan its abort, 6)
  EXPECT_NE(why.find(load.source.results + ": damaged HDF5 file (the HDF5 library crashed reading it: signal "), std::string::npos)
      << why;
  EXPECT_EQ(s.rec.name, "toy");
  EXPECT_EQ(s.t_s, 0.4);
}

// a live scenario: the runner steps to the playback time; an explore traction on T7-T8 lifts T8
TEST(ViewerApp, ExploreApplyLoadsTheLevelOfALiveRun) {
  Source src;
  src.scenario = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/dead_hang.toml";
  src.model = sim::DefaultSpineModelPath();
  src.explore = true;
  ViewSettings settings;
  settings.headless = true;
  auto a = LoadAppState(src, settings), b = LoadAppState(src, settings);
  ASSERT_TRUE(a) << a.ErrorText();
  ASSERT_TRUE(b) << b.ErrorText();
  AppState &loaded = a.value(), &free = b.value();
  ASSERT_EQ(loaded.mode, Mode::kLive);
  ASSERT_TRUE(loaded.explore_open);
  const int level = loaded.explore.level;
  ASSERT_EQ(loaded.rec.model.joints[level].name, kDefaultExploreLevel);
  EXPECT_NE(Do(&loaded, ExploreApply{static_cast<int>(loaded.rec.model.joints.size()), {}, 0, 0}), "");
  ExploreApply pull{level, {0, 0, 0}, 300.f, 0.f};
  ASSERT_EQ(Do(&loaded, pull), "");
  const int upper = loaded.rec.model.joints[level].upper;
  EXPECT_EQ(loaded.scene.selected_body, upper);
  EXPECT_EQ(loaded.explore.traction_N, 300.f);
  for (int n = 0; n < 12; ++n) {
    AdvanceFrame(&loaded, 1.0 / 60);
    AdvanceFrame(&free, 1.0 / 60);
  }
  EXPECT_NEAR(loaded.live_time_s, 12.0 / 60, 1e-3) << "simulated up to the playback time";
  EXPECT_DOUBLE_EQ(loaded.t_s, free.t_s);
  const double lift_m = loaded.frame.X_WB[upper].p.z() - free.frame.X_WB[upper].p.z();
  EXPECT_GT(lift_m, 1e-5) << "300 N of traction along T8's axis lifts it";
}

}  // namespace
}  // namespace spinelab::viewer

namespace spinelab::viewer {
namespace {

// a recording of a scenario's model and loads, without running it (what TechniqueOf reads)
Recording Unrun(const std::string& name) {
  Recording rec;
  rec.scenario = sim::LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/" + name + ".toml").value();
  rec.model = sim::BuildScenarioModel(rec.scenario, sim::LoadSpineParams(sim::DefaultSpineModelPath()).value()).value();
  return rec;
}
Eigen::Vector3f EyeDirection(const Camera& c) { return (c.Eye() - c.target).normalized(); }

TEST(ViewerCamera, ATwistIsSeenFromBehindAndAboveAHangFromTheFrontAThrustFromTheSide) {
  // the choice from the technique's axes alone: upright trunk along z, front +x, left +y
  TechniqueAxes twist;
  twist.torque_axis_W = Vec3::UnitZ(), twist.torque_Nm = 15;
  Camera c;
  ChooseView(twist, &c);
  EXPECT_LT(EyeDirection(c).x(), -0.4f) << "behind";
  EXPECT_GT(EyeDirection(c).z(), 0.4f) << "above";
  TechniqueAxes hang;
  hang.hanging = true;
  ChooseView(hang, &c);
  EXPECT_GT(EyeDirection(c).x(), 0.6f) << "in front";
  EXPECT_LT(std::abs(EyeDirection(c).z()), 0.4f) << "about level";
  TechniqueAxes thrust;  // prone: the trunk along x, a push down into the back
  thrust.trunk_W = Vec3::UnitX(), thrust.anterior_W = -Vec3::UnitZ(), thrust.left_W = -Vec3::UnitY();
  thrust.force_axis_W = Vec3::UnitZ(), thrust.force_N = 500;
  ChooseView(thrust, &c);
  EXPECT_GT(std::abs(EyeDirection(c).y()), 0.8f) << "from the side, square to the push and the trunk";
  // a moment about a level axis across the trunk (a bend) is seen along that axis
  TechniqueAxes bend;
  bend.torque_axis_W = Vec3::UnitY(), bend.torque_Nm = 10;
  ChooseView(bend, &c);
  EXPECT_GT(EyeDirection(c).y(), 0.8f) << "from the subject's left";
}

TEST(ViewerCamera, TheScenariosLoadsChooseTheirView) {
  Camera c;
  const TechniqueAxes twist = TechniqueOf(Unrun("seated_twist"));
  EXPECT_GT(std::abs(twist.torque_axis_W.z()), 0.9) << "the twist's moment is about the vertical";
  ChooseView(twist, &c);
  EXPECT_LT(EyeDirection(c).x(), -0.4f) << "the seated twist from behind";
  EXPECT_GT(EyeDirection(c).z(), 0.4f) << "and above";
  const TechniqueAxes hang = TechniqueOf(Unrun("dead_hang"));
  EXPECT_TRUE(hang.hanging);
  ChooseView(hang, &c);
  EXPECT_GT(EyeDirection(c).dot(hang.anterior_W.cast<float>()), 0.6f) << "the hang from the front";
  const TechniqueAxes thrust = TechniqueOf(Unrun("thoracic_thrust"));
  ChooseView(thrust, &c);
  EXPECT_GT(std::abs(EyeDirection(c).dot(thrust.left_W.cast<float>())), 0.75f) << "the thrust from the side";
}

}  // namespace
}  // namespace spinelab::viewer

namespace spinelab::viewer {
namespace {

// a drive's arrow is the torque its servo applies at that instant (drives/torque), not a set
// torque: none before it pushes, its recorded value at each frame, labelled in N·m
TEST(ViewerArrows, ADrivesArrowShowsTheTorqueItsServoAppliesThen) {
  Recording R = ToyRecording();
  sim::ScenarioLoad drive;
  drive.name = "turn the upper body";
  drive.body = "upper";
  drive.drive = true;
  drive.target_rotation_rad = Vec3(0, 0, 0.5);
  drive.max_torque_Nm = 40;
  R.scenario.loads.push_back(drive);
  sim::ScenarioLoad push;  // an ordinary load keeps its own arrow
  push.name = "push";
  push.body = "lower";
  push.force_N = Vec3(100, 0, 0);
  R.scenario.loads.push_back(push);
  for (int i = 0; i < kFrames; ++i) R.frames[i].drive_torque_W = {Vec3(0, 0, 4.0 * i)};
  viz::Frame f0 = R.frames[0], f5 = R.frames[5];
  AddAppliedForces(R, &f0);
  AddAppliedForces(R, &f5);
  ASSERT_EQ(f0.applied_torques.size(), 1u);
  EXPECT_EQ(f0.applied_torques[0].torque_W, Vec3::Zero()) << "no torque before the servo pushes";
  ASSERT_EQ(f5.applied_torques.size(), 1u);
  EXPECT_EQ(f5.applied_torques[0].torque_W, Vec3(0, 0, 20)) << "the recorded torque at 0.5 s";
  EXPECT_EQ(f5.applied_torques[0].at_W, f5.X_WB[1].p) << "on the driven body";
  ASSERT_EQ(f5.applied_forces.size(), 1u);
  viz::SceneOptions opt;
  opt.arrows = true;
  const std::vector<viz::Label> labels = viz::ArrowLabels(f5, opt);
  bool torque_label = false;
  for (const viz::Label& l : labels) torque_label |= l.text == "20 N\u00b7m";
  EXPECT_TRUE(torque_label) << "labelled with the torque then";
  EXPECT_TRUE(viz::ArrowLabels(f0, opt).size() == 1u) << "a zero torque gets no arrow or label (the push's only)";
}

// the same from a run: the frames a recording makes from a result carry its drives/torque, and a
// live run's frame at the head the torque the servo applies now
TEST(ViewerArrows, RecordedAndLiveFramesCarryTheDrivesTorque) {
  auto sc = sim::LoadScenario(std::string(SPINELAB_SOURCE_DIR) + "/scenarios/seated_twist.toml", {"run.duration_s=1.6"});
  ASSERT_TRUE(sc.ok()) << sc.ErrorText();
  const sim::SpineParams params = sim::LoadSpineParams(sim::DefaultSpineModelPath()).value();
  auto runner = sim::ScenarioRunner::Create(sc.value(), params);
  ASSERT_TRUE(runner.ok()) << runner.ErrorText();
  Recording R;
  R.scenario = sc.value();
  R.model = runner.value().model();
  while (runner.value().Step()) {
  }
  SyncFromRunner(runner.value(), &R);
  const sim::ScenarioResult& r = runner.value().result();
  ASSERT_EQ(R.frames.size(), r.time_s.size());
  const size_t T = r.time_s.size();
  ASSERT_EQ(R.frames.back().drive_torque_W.size(), 1u);
  const Vec3 last(r.drive_torque_W_Nm[3 * (T - 1)], r.drive_torque_W_Nm[3 * (T - 1) + 1], r.drive_torque_W_Nm[3 * (T - 1) + 2]);
  EXPECT_EQ(R.frames.back().drive_torque_W[0], last);
  EXPECT_GT(last.norm(), 1.0) << "the drive pushes 0.6 s into its ramp";
  const viz::Frame live = FrameFromRunner(runner.value());
  ASSERT_EQ(live.drive_torque_W.size(), 1u);
  EXPECT_EQ(live.drive_torque_W[0], runner.value().drives()[0].torque_W);
}

}  // namespace
}  // namespace spinelab::viewer

// Lessons (lessons/*.toml): the reader's checks with their messages, every shipped lesson reads,
// and the player's steps (slow motion at a pop, the teacher's pause, Next/Back, the headless
// pause) on a toy recording, without GL.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "app_state.h"
#include "lesson.h"
#include "viewer_toy_recording.h"

namespace spinelab::viewer {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

const std::string kScenario = std::string("scenario = \"") + SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml\"\n";

std::string Errors(const std::string& body) {
  auto L = LoadLesson(Write("bad_lesson.toml", "schema_version = 1\n[lesson]\ntitle = \"t\"\n" + body));
  return L ? "" : L.ErrorText();
}

TEST(ViewerLesson, EveryShippedLessonReads) {
  const std::vector<std::string> files = ListLessons(std::string(SPINELAB_SOURCE_DIR) + "/lessons");
  ASSERT_GE(files.size(), 6u) << "twist-vs-traction and one per theme";
  for (const std::string& f : files) {
    auto L = LoadLesson(f);
    ASSERT_TRUE(L) << L.ErrorText();
    EXPECT_FALSE(L.value().title.empty()) << f;
    for (const LessonStep& st : L.value().steps) {
      EXPECT_FALSE(st.caption.empty()) << f << ":" << st.line;
      EXPECT_FALSE(st.scenarios.empty()) << f << ":" << st.line;
    }
  }
  EXPECT_EQ(LessonPath("twist-vs-traction", std::string(SPINELAB_SOURCE_DIR) + "/lessons"),
            std::string(SPINELAB_SOURCE_DIR) + "/lessons/twist_vs_traction.toml");
}

TEST(ViewerLesson, BadLessonsAreRefusedWithFileLineKeyAndWhatIsAllowed) {
  struct Case {
    std::string body, expect;
  };
  const std::vector<Case> cases = {
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "colour = 1\n", "bad_lesson.toml:7: step.0.colour: unknown key; allowed:"},
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "view = \"front\"\n", "step.0.view: \"front\"; allowed: auto, side, back, top, above_back"},
      {"[[step]]\ncaption = \"a\"\nscenario = \"nope.toml\"\n", "step.0.scenario: \"nope.toml\": no such scenario file"},
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "table = true\n", "step.0.table: the comparison table needs two runs"},
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "from_s = 2.0\nto_s = 1.0\n", "step.0.to_s: 1 s is not after from_s = 2 s"},
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "speed = 500.0\n", "step.0.speed: 500.0 is out of range; allowed 0.01 .. 100"},
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "quantity = \"colour\"\n", "step.0.quantity: \"colour\"; allowed: gap, fluid_pressure"},
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "pause = \"yes\"\n", "step.0.pause: 'yes' is not true or false"},
      {"[[step]]\ncaption = \"a\"\n", "step.0.scenario: the first step names what to show"},
      {"[[step]]\n" + kScenario, "step.0.caption: missing"},
      {"", "step: missing: the lesson needs at least one [[step]]"},
      {"[[step]]\ncaption = \"a\"\ncompare = [\"x.toml\"]\n", "step.0.compare: 1 files; compare takes two"},
      {"[[step]]\ncaption = \"a\"\n" + kScenario + "set = [\"run.duration_s\"]\n", "\"run.duration_s\" is not key.path=value"},
      {"[[step]\n", "bad_lesson.toml:4"},
  };
  for (const Case& c : cases) {
    const std::string e = Errors(c.body);
    EXPECT_NE(e.find(c.expect), std::string::npos) << "lesson body:\n" << c.body << "\ngave: " << e;
  }
  EXPECT_NE(Errors("").find("bad_lesson.toml"), std::string::npos);
  auto missing = LoadLesson(::testing::TempDir() + "/no_such_lesson.toml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.ErrorText().find("no such lesson file"), std::string::npos);
  // a focus that is not a level of the model: found when the run is loaded
  const std::string path = Write("focus_lesson.toml", "schema_version = 1\n[lesson]\ntitle = \"t\"\n[[step]]\ncaption = \"a\"\n" +
                                                        kScenario + "focus = \"L9-L10\"\nto_s = 0.5\n");
  auto st = LoadLessonState(path, std::string(SPINELAB_SOURCE_DIR) + "/models/spine_adult.toml", {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.ErrorText().find("focus_lesson.toml:4: focus: \"L9-L10\" is not a level"), std::string::npos) << st.ErrorText();
}

// a two-step lesson on the toy recording (0..1 s) with a pop at 0.5 s
AppState ToyLesson(bool headless, bool pause_first = true) {
  LessonProgress P;
  LessonStep a;
  a.caption = "first";
  a.scenarios = {"toy.toml"};
  a.to_s = 0.8;
  a.speed = 1;
  a.slow_speed = 0.1f;
  a.slow_window_s = 0.05;
  a.pause = pause_first;
  LessonStep b = a;
  b.caption = "second";
  b.from_s = 0.2;
  b.to_s = -1;
  b.slow_speed = 0;
  b.speed = 2;
  b.focus = "lower-upper";
  P.lesson.title = "toy";
  P.lesson.steps = {a, b};
  LessonProgress::Runs r;
  r.key = LessonRunsKey(a);
  r.rec = ToyRecording();
  r.rec.cavitations.push_back({0.5, 1, 1e-4, {}});
  P.runs.push_back(r);
  ViewSettings vs;
  vs.headless = headless;
  return StartLesson(std::move(P), vs);
}

TEST(ViewerLesson, SlowMotionAtThePopPauseForTheTeacherThenNext) {
  AppState s = ToyLesson(false);
  ASSERT_TRUE(s.lesson);
  EXPECT_EQ(s.lesson->step, 0);
  double t_before_pop = 0, slowest = 1;
  for (int n = 0; n < 400 && !s.lesson->waiting; ++n) {
    AdvanceLesson(&s, 0.01);
    slowest = std::min(slowest, static_cast<double>(s.speed));
    if (s.t_s < 0.44) t_before_pop = s.t_s;
    AdvanceFrame(&s, 0.01);
  }
  EXPECT_FLOAT_EQ(static_cast<float>(slowest), 0.1f) << "slow motion within 50 ms of the pop";
  EXPECT_GT(t_before_pop, 0.4);
  ASSERT_TRUE(s.lesson->waiting) << "the step ended and waits";
  EXPECT_NEAR(s.t_s, 0.8, 1e-9) << "at the step's end";
  EXPECT_FALSE(s.playing);
  for (int n = 0; n < 500; ++n) AdvanceLesson(&s, 0.01), AdvanceFrame(&s, 0.01);
  EXPECT_EQ(s.lesson->step, 0) << "a live lesson waits for the teacher however long";
  CommandQueue q;
  q.Push(LessonNext{});
  EXPECT_TRUE(ApplyCommands(&s, &q).empty());
  EXPECT_EQ(s.lesson->step, 1);
  EXPECT_NEAR(s.t_s, 0.2, 1e-9) << "the next step starts at its from_s";
  EXPECT_TRUE(s.playing);
  EXPECT_EQ(s.speed, 2.f);
  EXPECT_FLOAT_EQ(s.camera.distance_m, kLessonFocusDistance_m) << "closed in on the focus level";
  EXPECT_EQ(s.scene.selected_body, 1);
  q.Push(LessonNext{});
  const auto refused = ApplyCommands(&s, &q);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].find("last step"), std::string::npos);
  q.Push(LessonBack{});
  EXPECT_TRUE(ApplyCommands(&s, &q).empty());
  EXPECT_EQ(s.lesson->step, 0);
  EXPECT_EQ(s.t_s, 0.0);
}

TEST(ViewerLesson, HeadlessLessonsGoOnAfterThePauseAndFinish) {
  AppState s = ToyLesson(true);
  int ended = 0, frames = 0;
  for (; frames < 2000 && !s.lesson->finished; ++frames) {
    AdvanceLesson(&s, 1.0 / 30);
    ended += s.lesson->step_ended;
    AdvanceFrame(&s, 1.0 / 30);
  }
  EXPECT_TRUE(s.lesson->finished);
  EXPECT_EQ(ended, 2) << "each step ends once";
  // step 1: 0.8 s, slowed to 0.1x for ~0.1 s of run (~1 s); two pauses of 1.5 s; step 2: 0.8 s at 2x
  const double expect_s = 0.7 + 1.0 + 2 * kHeadlessLessonPause_s + 0.4;
  EXPECT_NEAR(frames / 30.0, expect_s, 0.3);
  // a step without a pause goes straight on (its end frame shown first)
  AppState t = ToyLesson(true, false);
  for (int n = 0; n < 2000 && t.lesson->step == 0; ++n) AdvanceLesson(&t, 1.0 / 30), AdvanceFrame(&t, 1.0 / 30);
  EXPECT_EQ(t.lesson->step, 1);
  EXPECT_LT(t.lesson->waited_s, 1e-9) << "no pause waited";
}

}  // namespace
}  // namespace spinelab::viewer

// The viewer's state and its changes (see app_state.h). Outline of a frame in the app loop:
// AdvanceFrame (time, live simulation, the frame to show) -> panels push commands ->
// ApplyCommands -> draw.
#include "app_state.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <type_traits>

namespace spinelab::viewer {

namespace {

constexpr double kHeadTolerance_s = 1e-9;  // [s] playback at the live head shows the world now
constexpr int kLiveStepBudget = 20000;     // live steps per frame at most (bounded work per frame)

size_t FrameIndexAt(const Recording& R, double t) {
  const size_t k = std::lower_bound(R.frames.begin(), R.frames.end(), t,
                                    [](const viz::Frame& f, double x) { return f.time_s < x; }) - R.frames.begin();
  return std::min(k, R.frames.size() - 1);
}

void CopyLiveInfo(AppState* s) {
  const sim::ScenarioRunner& live = *s->live;
  s->live_time_s = live.world().state().time_s;
  s->live_status = live.result().status;
  s->live_error = live.result().error;
}

// the joint that matters while the user has chosen none: the first to pop, else the one the
// summary names closest to a pop, else the one with the deepest suction so far
int FollowedFacet(const AppState& s) {
  const Recording& R = s.rec;
  if (!R.cavitations.empty()) return R.cavitations.front().facet;
  if (R.has_summary && R.summary.closest_pop_facet >= 0) return R.summary.closest_pop_facet;
  int facet = s.plot_facet;
  double lowest = 0;
  for (const viz::Frame& fr : R.frames)
    for (size_t fi = 0; fi < fr.facet_pressure_Pa.size(); ++fi)
      if (fr.facet_pressure_Pa[fi] < lowest) lowest = fr.facet_pressure_Pa[fi], facet = static_cast<int>(fi);
  return facet;
}

template <class V>
int CountOf(const V& v) {
  return static_cast<int>(std::size(v));
}

std::string OutOfRange(const char* what, int value, int count) {
  return std::string(what) + " " + std::to_string(value) + " is not in the model (0.." + std::to_string(count - 1) + ")";
}

}  // namespace

void FrameFigure(AppState* s) {
  viz::SceneOptions o = s->scene;
  o.skeleton = s->rec.skeleton;
  FrameDrawList(viz::BuildDrawList(s->rec.model, s->frame, o), &s->camera);
  if (s->rec2) s->camera.distance_m *= 0.8f;
}

bool ApplyView(const std::string& name, AppState* s) {
  if (name == "auto") {
    ChooseView(TechniqueOf(s->rec), &s->camera);
    return true;
  }
  return SetView(name, &s->camera);
}

AppState MakeAppState(Recording rec, std::optional<Recording> rec2, const ViewSettings& settings) {
  AppState s;
  s.mode = rec2 ? Mode::kCompare : Mode::kRecorded;
  s.rec = std::move(rec);
  s.rec2 = std::move(rec2);
  s.t_s = s.t_prev_s = s.rec.frames.front().time_s;
  s.t_end_s = std::max(s.rec.frames.back().time_s, s.rec2 ? s.rec2->frames.back().time_s : 0.0);
  s.speed = settings.speed;
  s.headless = settings.headless;
  s.frame = s.rec.frames.front();
  // the bones show the figure; the trunk's contact slices are there to inspect contacts (panel)
  s.scene.tissue = !s.rec.skeleton;
  s.scene.skin = settings.skin;
  FrameFigure(&s);
  ApplyView(settings.view, &s);
  for (int i = 0; i < CountOf(kFacetQuantityNames); ++i)
    if (settings.quantity == kFacetQuantityNames[i]) s.scene.facet_quantity = static_cast<viz::FacetQuantity>(i);
  const auto& levels = s.rec.model.joints;
  s.explore.level = 0;
  for (int l = 0; l < CountOf(levels); ++l)
    if (levels[l].name == kDefaultExploreLevel) s.explore.level = l;
  return s;
}

namespace {

}  // namespace

std::string LessonRunsKey(const LessonStep& st) {
  std::string k;
  for (const std::string& f : st.scenarios) k += f + "|";
  for (const std::string& kv : st.set) k += kv + ";";
  return k;
}

namespace {

// the run's level by name, or -1
int LevelIndex(const sim::ModelDesc& M, const std::string& name) {
  for (int l = 0; l < CountOf(M.joints); ++l)
    if (M.joints[l].name == name) return l;
  return -1;
}

// shows step k: its runs, camera, colours, window and speed; the panels stay as they are
void EnterLessonStep(AppState* s, int k) {
  LessonProgress& P = *s->lesson;
  P.step = k;
  P.waiting = false, P.waited_s = 0;
  const LessonStep& st = P.lesson.steps[k];
  const std::string key = LessonRunsKey(st);
  for (const LessonProgress::Runs& r : P.runs)
    if (r.key == key && s->lesson_runs != key) {
      s->rec = r.rec;
      s->rec2 = r.rec2;
      s->mode = r.rec2 ? Mode::kCompare : Mode::kRecorded;
      s->t_end_s = std::max(s->rec.frames.back().time_s, s->rec2 ? s->rec2->frames.back().time_s : 0.0);
      s->lesson_runs = key;
      s->scene.selected_facet = s->scene.selected_body = -1;
      s->plot_chosen = false;
    }
  s->t_s = s->t_prev_s = std::clamp(st.from_s, s->rec.frames.front().time_s, s->t_end_s);
  s->frame_index = FrameIndexAt(s->rec, s->t_s);
  s->frame = s->rec.frames[s->frame_index];
  s->speed = st.speed;
  s->playing = true;
  for (int i = 0; i < CountOf(kFacetQuantityNames); ++i)
    if (st.quantity == kFacetQuantityNames[i]) s->scene.facet_quantity = static_cast<viz::FacetQuantity>(i);
  for (int i = 0; i < CountOf(kDiscQuantityNames); ++i)
    if (st.disc == kDiscQuantityNames[i]) s->scene.disc_quantity = static_cast<viz::DiscQuantity>(i);
  // the camera: the whole figure, or closed in on the focus level; then the step's view
  FrameFigure(s);
  if (const int l = LevelIndex(s->rec.model, st.focus); l >= 0) {
    const sim::JointDesc& J = s->rec.model.joints[l];
    s->camera.target = (0.5 * (s->frame.X_WB[J.upper].p + s->frame.X_WB[J.lower].p)).cast<float>();
    s->camera.distance_m = kLessonFocusDistance_m;
    s->scene.selected_body = J.upper;
  }
  if (!st.view.empty()) ApplyView(st.view, s);
}

bool PopNear(const Recording& R, double t, double window_s) {
  return std::any_of(R.cavitations.begin(), R.cavitations.end(), [&](const Recording::Event& e) { return std::abs(e.time_s - t) <= window_s; });
}

}  // namespace

Expected<AppState> LoadLessonState(const std::string& lesson_path, const std::string& model_path, const ViewSettings& settings) {
  auto lesson = LoadLesson(lesson_path);
  if (!lesson) return lesson.errors();
  LessonProgress P;
  P.lesson = std::move(lesson).value();
  std::vector<Diagnostic> errors;
  for (const LessonStep& st : P.lesson.steps) {
    const std::string key = LessonRunsKey(st);
    auto have = std::find_if(P.runs.begin(), P.runs.end(), [&](const LessonProgress::Runs& r) { return r.key == key; });
    if (have == P.runs.end()) {
      LessonProgress::Runs r;
      r.key = key;
      for (size_t i = 0; i < st.scenarios.size(); ++i) {
        auto rec = RecordScenario(st.scenarios[i], model_path, st.set);
        if (!rec) {
          for (Diagnostic d : rec.errors()) {
            d.message += " (" + P.lesson.file + ":" + std::to_string(st.line) + ")";
            errors.push_back(d);
          }
          break;
        }
        if (rec.value().frames.empty()) {
          errors.push_back({P.lesson.file + ":" + std::to_string(st.line), "scenario", st.scenarios[i] + ": the run has no frames"});
          break;
        }
        if (i == 0) r.rec = std::move(rec).value(); else r.rec2 = std::move(rec).value();
      }
      if (!errors.empty()) break;
      P.runs.push_back(std::move(r));
      have = P.runs.end() - 1;
    }
    if (!st.focus.empty() && LevelIndex(have->rec.model, st.focus) < 0)
      errors.push_back({P.lesson.file + ":" + std::to_string(st.line), "focus", "\"" + st.focus + "\" is not a level of the model (e.g. L4-L5, T7-T8, C5-C6)"});
  }
  if (!errors.empty()) return errors;
  return StartLesson(std::move(P), settings);
}

AppState StartLesson(LessonProgress P, const ViewSettings& settings) {
  AppState s = MakeAppState(P.runs.front().rec, P.runs.front().rec2, settings);
  s.lesson = std::move(P);
  s.lesson_runs.clear();
  EnterLessonStep(&s, 0);
  return s;
}

void AdvanceLesson(AppState* s, double frame_s) {
  if (!s->lesson) return;
  LessonProgress& P = *s->lesson;
  P.step_ended = false;
  if (P.finished) return;
  const LessonStep& st = P.lesson.steps[P.step];
  const bool last = P.step + 1 >= CountOf(P.lesson.steps);
  if (P.waiting) {
    // a step without a pause goes on in the frame after its end (the end is drawn first); a
    // pause waits for the teacher (headless: kHeadlessLessonPause_s)
    const bool go_on = (!st.pause && !last) ||
                       (s->headless && ((P.waited_s += frame_s) >= kHeadlessLessonPause_s || P.jump_to_ends));
    if (go_on) {
      if (!last) EnterLessonStep(s, P.step + 1);
      else P.finished = true;
    }
    return;
  }
  // slow motion through the pops (either run), at the step's speed elsewhere
  const bool slow = st.slow_speed > 0 && (PopNear(s->rec, s->t_s, st.slow_window_s) || (s->rec2 && PopNear(*s->rec2, s->t_s, st.slow_window_s)));
  s->speed = slow ? st.slow_speed : st.speed;
  const double end = st.to_s > 0 ? std::min(st.to_s, s->t_end_s) : s->t_end_s;
  if (P.jump_to_ends && s->headless) s->t_s = end;
  if (s->t_s >= end - 1e-9) {
    s->t_s = end;
    P.step_ended = true;
    P.waiting = true;
    if (st.pause || last) s->playing = false;
  }
}

double PlaybackLength_s(const AppState& s) {
  double end = s.rec.frames.back().time_s;
  if (s.rec2) end = std::max(end, s.rec2->frames.back().time_s);
  if (s.live) end = s.rec.scenario.protocol.enabled ? s.rec.scenario.protocol.duration_s : s.rec.scenario.duration_s;
  return std::max(0.0, end - s.t_s);
}

Expected<AppState> LoadAppState(const Source& src, const ViewSettings& settings) {
  Recording R;
  std::optional<Recording> R2;
  std::optional<sim::ScenarioRunner> live;
  if (!src.compare.empty()) {
    if (src.compare.size() != 2)
      return std::vector<Diagnostic>{{"", "--compare", std::to_string(src.compare.size()) + " scenarios given; compare takes two"}};
    for (size_t i = 0; i < 2; ++i) {
      auto rec = RecordScenario(src.compare[i], src.model);
      if (!rec) return rec.errors();
      if (i == 0) R = std::move(rec).value(); else R2 = std::move(rec).value();
    }
  } else if (!src.results.empty()) {
    auto rec = ReadResults(src.results, src.run, src.model);
    if (!rec) return rec.errors();
    R = std::move(rec).value();
  } else if (!src.scenario.empty()) {
    auto params = sim::LoadSpineParams(src.model);
    std::vector<std::string> set = src.set;
    if (src.explore) set.push_back("run.duration_s=3600");
    auto sc = params ? sim::LoadScenario(src.scenario, set) : Expected<sim::Scenario>(params.errors());
    auto runner = sc ? sim::ScenarioRunner::Create(sc.value(), params.value()) : Expected<sim::ScenarioRunner>(sc.errors());
    if (!runner) return runner.errors();
    live.emplace(std::move(runner).value());
    R.name = sc.value().name;
    R.title = sc.value().title;
    R.notice = sc.value().notice;
    R.source = src.scenario + " (live)";
    R.scenario = sc.value();
    R.model = live->model();
    AttachSkeleton(params.value(), &R);
    SyncFromRunner(*live, &R);
  } else {
    return std::vector<Diagnostic>{{"", "", "nothing to show: give --scenario, --results or --compare"}};
  }
  if (R.frames.empty()) return std::vector<Diagnostic>{{R.source, "", "the run has no frames"}};
  AppState s = MakeAppState(std::move(R), std::move(R2), settings);
  s.source = src;
  if (live) {
    s.mode = Mode::kLive;
    s.explore_open = src.explore;
    s.live = std::move(live);
    CopyLiveInfo(&s);
  }
  return s;
}

double StepLiveTo(sim::ScenarioRunner* live, double t_s) {
  const auto s0 = std::chrono::steady_clock::now();
  int budget = kLiveStepBudget;
  while (!live->done() && live->world().state().time_s < t_s - 1e-12 && budget-- > 0) live->Step();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count() * 1e3;
}

std::vector<size_t> AdvanceFrame(AppState* s, double step_s) {
  Recording& R = s->rec;
  if (s->playing) s->t_s += step_s * s->speed;
  if (s->live) {
    // simulate up to the playback time (bounded work per frame), then show the live state
    sim::ScenarioRunner& live = *s->live;
    s->sim_ms_per_frame = StepLiveTo(&live, s->t_s);
    SyncFromRunner(live, &R);
    s->t_end_s = live.world().state().time_s;
    CopyLiveInfo(s);
    if (s->live_status != "ok") s->playing = false;
  }
  if (s->t_s > s->t_end_s) s->t_s = (s->headless || s->live) ? s->t_end_s : R.frames.front().time_s;
  s->frame_index = FrameIndexAt(R, s->t_s);
  // the pops the playback passed (at up to kMaxAudibleSpeed; slow motion plays them too)
  std::vector<size_t> pops;
  if (s->playing && s->speed <= kMaxAudibleSpeed)
    for (size_t i = 0; i < R.cavitations.size(); ++i)
      if (R.cavitations[i].time_s > s->t_prev_s && R.cavitations[i].time_s <= s->t_s) pops.push_back(i);
  s->t_prev_s = s->t_s;
  const bool at_head = s->live && s->t_s >= s->t_end_s - kHeadTolerance_s;
  s->frame = at_head ? FrameFromRunner(*s->live) : R.frames[s->frame_index];
  AddAppliedForces(R, &s->frame);
  if (!s->plot_chosen) s->plot_facet = FollowedFacet(*s);
  s->plot_facet = std::clamp(s->plot_facet, 0, std::max(0, CountOf(R.model.synovial_joints) - 1));
  return pops;
}

int CloseUpFacet(const AppState& s) { return s.scene.selected_facet >= 0 ? s.scene.selected_facet : s.plot_facet; }

namespace {

// one command; a message when it is refused (the state is then unchanged)
std::string Apply(AppState* s, const Command& command) {
  const sim::ModelDesc& M = s->rec.model;
  return std::visit(
      [&](const auto& c) -> std::string {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, Play>) {
          s->playing = true;
        } else if constexpr (std::is_same_v<C, Pause>) {
          s->playing = false;
        } else if constexpr (std::is_same_v<C, Seek>) {
          if (!std::isfinite(c.t_s)) return "Seek: time " + std::to_string(c.t_s) + " s is not finite";
          s->t_s = std::clamp(c.t_s, s->rec.frames.front().time_s, s->t_end_s);
        } else if constexpr (std::is_same_v<C, StepForward>) {
          s->t_s = s->rec.frames[std::min(s->frame_index + 1, s->rec.frames.size() - 1)].time_s;
          s->playing = false;
        } else if constexpr (std::is_same_v<C, SetSpeed>) {
          if (!std::isfinite(c.speed)) return "SetSpeed: speed is not finite";
          s->speed = std::clamp(c.speed, kMinSpeed, kMaxSpeed);
        } else if constexpr (std::is_same_v<C, PickJoint>) {
          if (c.facet < 0 || c.facet >= CountOf(M.synovial_joints)) return "PickJoint: " + OutOfRange("joint", c.facet, CountOf(M.synovial_joints));
          s->scene.selected_facet = c.facet;
          s->scene.selected_body = -1;
          s->plot_facet = c.facet, s->plot_chosen = true;  // the plot shows the picked joint
        } else if constexpr (std::is_same_v<C, PickBody>) {
          if (c.body < 0 || c.body >= CountOf(M.bodies)) return "PickBody: " + OutOfRange("body", c.body, CountOf(M.bodies));
          s->scene.selected_body = c.body;
          s->scene.selected_facet = -1;
        } else if constexpr (std::is_same_v<C, ClearPick>) {
          s->scene.selected_body = s->scene.selected_facet = -1;
        } else if constexpr (std::is_same_v<C, SetPlotFacet>) {
          if (c.facet < 0 || c.facet >= CountOf(M.synovial_joints)) return "SetPlotFacet: " + OutOfRange("joint", c.facet, CountOf(M.synovial_joints));
          s->plot_facet = c.facet, s->plot_chosen = true;
        } else if constexpr (std::is_same_v<C, SetFacetQuantity>) {
          s->scene.facet_quantity = c.quantity;
        } else if constexpr (std::is_same_v<C, SetDiscQuantity>) {
          s->scene.disc_quantity = c.quantity;
        } else if constexpr (std::is_same_v<C, ShowArrows>) {
          s->scene.arrows = c.on;
        } else if constexpr (std::is_same_v<C, ShowTissue>) {
          s->scene.tissue = c.on;
        } else if constexpr (std::is_same_v<C, ShowSkin>) {
          s->scene.skin = c.on;
        } else if constexpr (std::is_same_v<C, ShowCloseUp>) {
          s->scene.closeup = c.on;
        } else if constexpr (std::is_same_v<C, ShowPanel>) {
          if (c.panel < 0 || c.panel >= CountOf(s->panel_visible)) return "ShowPanel: no panel " + std::to_string(c.panel);
          s->panel_visible[c.panel] = c.visible;
        } else if constexpr (std::is_same_v<C, SetCameraView>) {
          if (!ApplyView(c.name, s)) return "SetCameraView: no view '" + c.name + "' (auto, side, back, top, above_back)";
        } else if constexpr (std::is_same_v<C, FitView>) {
          FrameFigure(s);
        } else if constexpr (std::is_same_v<C, OrbitCamera>) {
          Orbit(c.dx_px, c.dy_px, &s->camera);
        } else if constexpr (std::is_same_v<C, PanCamera>) {
          Pan(c.dx_px, c.dy_px, &s->camera);
        } else if constexpr (std::is_same_v<C, ZoomCamera>) {
          Zoom(c.wheel, &s->camera);
        } else if constexpr (std::is_same_v<C, ExploreApply>) {
          if (!s->live) return "ExploreApply: explore needs a scenario simulated live (--scenario)";
          if (c.level < 0 || c.level >= CountOf(M.joints)) return "ExploreApply: " + OutOfRange("level", c.level, CountOf(M.joints));
          for (float v : {c.torque_Nm[0], c.torque_Nm[1], c.torque_Nm[2], c.traction_N, c.pa_N})
            if (!std::isfinite(v)) return "ExploreApply: a load is not finite";
          // on the level's upper vertebra, in its own axes (x anterior, y left, z up)
          const sim::JointDesc& L = M.joints[c.level];
          const Mat3 Rb = s->live->world().state().bodies[L.upper].q_WB.toRotationMatrix();
          s->live->SetExtraLoad(L.upper, Rb * Vec3(c.pa_N, 0, c.traction_N), Rb * Vec3(c.torque_Nm[1], c.torque_Nm[0], c.torque_Nm[2]));
          s->explore = c;
          s->scene.selected_body = L.upper;
        } else if constexpr (std::is_same_v<C, LessonNext>) {
          if (!s->lesson) return "LessonNext: no lesson is given (--lesson)";
          if (s->lesson->step + 1 >= CountOf(s->lesson->lesson.steps)) return "LessonNext: this is the last step";
          EnterLessonStep(s, s->lesson->step + 1);
        } else if constexpr (std::is_same_v<C, LessonBack>) {
          if (!s->lesson) return "LessonBack: no lesson is given (--lesson)";
          EnterLessonStep(s, std::max(0, s->lesson->step - 1));
        } else if constexpr (std::is_same_v<C, LoadRun>) {
          ViewSettings settings;
          settings.speed = s->speed;
          settings.headless = s->headless;
          auto loaded = LoadAppState(c.source, settings);
          if (!loaded) return "LoadRun: " + loaded.ErrorText();
          AppState next = std::move(loaded).value();
          next.scene.facet_quantity = s->scene.facet_quantity;  // the view settings stay
          next.scene.disc_quantity = s->scene.disc_quantity;
          next.scene.arrows = s->scene.arrows;
          next.scene.tissue = s->scene.tissue;
          next.scene.skin = s->scene.skin;
          next.panel_visible = s->panel_visible;
          next.audio_available = s->audio_available;
          *s = std::move(next);
        }
        return {};
      },
      command);
}

}  // namespace

std::vector<std::string> ApplyCommands(AppState* s, CommandQueue* queue) {
  std::vector<std::string> refused;
  for (const Command& c : queue->Take())
    if (std::string why = Apply(s, c); !why.empty()) refused.push_back(std::move(why));
  return refused;
}

SourceList ListSources(const std::string& model_path) {
  namespace fs = std::filesystem;
  SourceList out;
  const fs::path dir = fs::path(model_path).parent_path().parent_path() / "scenarios";
  out.scenario_dir = dir.string();
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto sc = sim::LoadScenario(f.string());
    out.scenarios.emplace_back(f.string(), sc ? sc.value().title : "(invalid: spinelab run it for the errors)");
  }
  for (const auto& e : fs::directory_iterator("results", ec))
    if (e.path().extension() == ".h5") out.results.emplace_back(e.path().string(), ListRuns(e.path().string()));
  return out;
}

}  // namespace spinelab::viewer

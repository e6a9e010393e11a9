#pragma once
// The viewer's state in one struct, and the functions that change it: loading what to show,
// advancing the playback each frame, and applying the panels' commands. No GL and no ImGui here:
// tests/apps/viewer_app_test.cc drives it headless.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "camera.h"
#include "commands.h"
#include "lesson.h"
#include "recording.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/viz/scene.h"

namespace spinelab::viewer {

inline constexpr float kMinSpeed = 0.01f, kMaxSpeed = 100.f;  ///< [-] playback speed range
/// The pops play at up to this speed (slow motion plays them too).
inline constexpr float kMaxAudibleSpeed = 4.f;
/// The facet colour quantities by name (the --quantity option), in viz::FacetQuantity order.
inline constexpr const char* kFacetQuantityNames[] = {"gap", "fluid_pressure", "capsule_strain", "contact_force"};
/// The level the explore panel starts on (else the first).
inline constexpr const char* kDefaultExploreLevel = "T7-T8";

enum class Mode {
  kRecorded,  ///< a recorded run (a results file)
  kLive,      ///< a scenario simulated frame by frame
  kCompare,   ///< two recorded runs side by side, same time and camera
};

struct AppState;
/// Frames the whole figure as drawn (its bones, lumped limbs included): camera target and distance.
void FrameFigure(AppState* s);
/// Turns the camera to a named view (kViewNames); "auto": the view in which the run's technique
/// shows (ChooseView on TechniqueOf the run). False for a name not in kViewNames.
bool ApplyView(const std::string& name, AppState* s);

/// How the view starts (the command line).
struct ViewSettings {
  std::string quantity = "capsule_strain";  ///< one of kFacetQuantityNames
  std::string view = "auto";                ///< one of kViewNames
  bool skin = false;                        ///< the translucent body surface (--skin)
  float speed = 1;                          ///< [-]
  bool headless = false;                    ///< --frames: playback stops at the end instead of looping
};

/// A lesson being given: its steps, where it is, and the runs it shows (recorded once at load).
struct LessonProgress {
  Lesson lesson;
  int step = 0;
  bool waiting = false;      ///< the step has ended: paused for the teacher (LessonNext goes on)
  double waited_s = 0;       ///< [s] of frame time waited (headless: goes on after kHeadlessLessonPause_s)
  bool step_ended = false;   ///< the step ended in this frame (the step's screenshot)
  bool finished = false;     ///< the last step has ended (and been waited for)
  bool jump_to_ends = false; ///< headless screenshots only: each step shows its end at once, one frame's pause
  struct Runs {
    std::string key;         ///< the scenarios and overrides
    Recording rec;
    std::optional<Recording> rec2;
  };
  std::vector<Runs> runs;    ///< one per distinct step source
};
/// [s] a headless lesson (video, screenshots) holds each teacher's pause this long.
inline constexpr double kHeadlessLessonPause_s = 1.5;
/// [m] camera distance when a step focuses on one level.
inline constexpr float kLessonFocusDistance_m = 0.45f;

struct AppState {
  Mode mode = Mode::kRecorded;
  Source source;
  Recording rec;                           ///< the run shown (compare: the left one)
  std::optional<Recording> rec2;           ///< compare: the right-hand run
  std::optional<sim::ScenarioRunner> live; ///< live: the runner (only ApplyCommands and AdvanceFrame touch it)
  // [SECTION] playback
  double t_s = 0;            ///< [s] playback time
  double t_end_s = 0;        ///< [s] end of what can be shown (live: the simulation's head)
  double t_prev_s = 0;       ///< [s] playback time one frame ago (the pops passed in between play)
  bool playing = true;
  float speed = 1;           ///< [-] simulated seconds per second of frame time
  bool headless = false;     ///< fixed frames (--frames): at the end the playback stays there; else a
                             ///< recorded run starts again (live: waits at the simulation's head)
  size_t frame_index = 0;    ///< rec.frames index at t_s
  viz::Frame frame;          ///< the frame on screen (live at the head: the world now), with applied forces
  // [SECTION] view
  Camera camera;
  viz::SceneOptions scene;   ///< quantities, toggles, the picked facet or body
  std::vector<viz::DrawItem> drawn;  ///< the scene as last drawn (single view), for picking
  std::vector<bool> panel_visible;   ///< per panel table row
  // [SECTION] plot: the facet plotted; until one is chosen it follows the run (first pop, else
  // the closest to one, else the deepest suction so far)
  int plot_facet = 0;
  bool plot_chosen = false;
  // [SECTION] live and explore
  ExploreApply explore;          ///< the explore load last applied (level, torque, forces)
  bool explore_open = false;     ///< the explore panel starts open (--explore)
  double live_time_s = 0;        ///< [s] the simulation's time
  double sim_ms_per_frame = 0;   ///< [ms] wall time spent simulating in the last frame
  std::string live_status = "ok", live_error;
  bool audio_available = false;  ///< an audio device plays the pops
  // [SECTION] lesson (--lesson)
  std::optional<LessonProgress> lesson;
  std::string lesson_runs;  ///< the LessonProgress::Runs key shown
};

/// Loads what to show (simulating a live scenario's first frame, or recording both compare
/// runs) and sets the view up; errors name the file and what is wrong.
Expected<AppState> LoadAppState(const Source& source, const ViewSettings& settings);
/// Loads a lesson (lesson.h): reads and checks it, records every run its steps show (once each),
/// checks each step's focus level against its run's model, and starts the first step.
Expected<AppState> LoadLessonState(const std::string& lesson_path, const std::string& model_path, const ViewSettings& settings);
/// The state showing the first step of a lesson whose runs are recorded (P.runs: one per distinct
/// LessonRunsKey of its steps); LoadLessonState and the tests use it.
AppState StartLesson(LessonProgress progress, const ViewSettings& settings);
/// The key of a step's runs in LessonProgress::runs (its scenarios and overrides).
std::string LessonRunsKey(const LessonStep& step);
/// The lesson's part of a frame, before AdvanceFrame: slow motion near a pop, the step's end
/// (pause for the teacher, or the next step), the headless pause. No-op without a lesson.
void AdvanceLesson(AppState* state, double frame_s);

/// [s] of run time from the playback time to the end of the run: a recording's last frame, a
/// live scenario's duration (a protocol: its length); for a video's frame count.
double PlaybackLength_s(const AppState& s);
/// The state for recordings already made (tests, LoadAppState): time at the first frame, the
/// camera framing the first frame.
AppState MakeAppState(Recording rec, std::optional<Recording> rec2, const ViewSettings& settings);

/// Live: steps the runner until its time reaches `t_s` [s] (at most kLiveStepBudget steps, the
/// bounded work of a frame) or the run is done; returns the wall time it took [ms]. It touches
/// the runner only, so it may run on another thread while the frame is drawn, as long as nothing
/// else touches the runner meanwhile (main.cc simulates the next frame's time during the draw).
double StepLiveTo(sim::ScenarioRunner* live, double t_s);

/// One frame of playback, `step_s` [s] of frame time: advances the time by step × speed while
/// playing, simulates a live run up to it (bounded work), wraps or clamps at the end, finds the
/// frame to show and lets the plot follow the run. Returns the cavitations (rec.cavitations
/// indices) the playback passed, to be heard.
std::vector<size_t> AdvanceFrame(AppState* state, double step_s);

/// The joint the close-up shows: the picked one, else the one the plot follows (the first pop's,
/// else the one closest to a pop).
int CloseUpFacet(const AppState& s);

/// Applies the queued commands in order and empties the queue. Returns a message per refused
/// command (it changed nothing).
std::vector<std::string> ApplyCommands(AppState* state, CommandQueue* queue);

/// What the empty viewer offers: the scenarios next to the model's folder (path, title) and the
/// runs of the results files in results/.
struct SourceList {
  std::string scenario_dir;
  std::vector<std::pair<std::string, std::string>> scenarios;              ///< path, title
  std::vector<std::pair<std::string, std::vector<std::string>>> results;  ///< file, its runs
};
SourceList ListSources(const std::string& model_path);

}  // namespace spinelab::viewer

#pragma once
// What the panels (and the mouse over the scene) ask the app to do. Panels read a const AppState
// and push commands; the app loop applies the queue once per frame, in order, in one place
// (ApplyCommands, app_state.h). A command that does not fit the state (a joint that is not in the
// model, a time that is not finite) is refused with a message and changes nothing.
//
// Design: commands instead of panels writing the state directly, so the panels can be tested
// without GL and the runner, the recording and the camera have one writer. Rejected
// alternatives: panels taking AppState& (ImGui's demo style; every panel could then reach the
// runner), and callbacks per widget (the order of effects would depend on the drawing order).
#include <array>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "spinelab/viz/scene.h"

namespace spinelab::viewer {

/// What to show: a scenario simulated live, a run of a results file, or two scenarios side by
/// side (recorded). Exactly one of scenario, results, compare is set.
struct Source {
  std::string scenario;              ///< scenario file, simulated live
  std::string results, run;          ///< results file and its run (empty: the first)
  std::vector<std::string> compare;  ///< two scenario files, recorded then shown side by side
  std::vector<std::string> set;      ///< scenario overrides key.path=value (live scenarios)
  bool explore = false;              ///< live: run on past the scenario's end, explore panel open
  std::string model;                 ///< spine model file
};

// [SECTION] playback
struct Play {};
struct Pause {};
struct Seek {
  double t_s = 0;  ///< [s] clamped to the run's time range
};
struct StepForward {};  ///< to the next recorded frame, paused
struct SetSpeed {
  float speed = 1;  ///< [-] playback speed, clamped to kMinSpeed..kMaxSpeed
};
// [SECTION] picking and the plot
struct PickJoint {
  int facet = -1;  ///< synovial joint index of the model
};
struct PickBody {
  int body = -1;  ///< body index of the model
};
struct ClearPick {};
struct SetPlotFacet {
  int facet = -1;  ///< synovial joint index; the plot stops following the run
};
// [SECTION] how the scene is drawn
struct SetFacetQuantity {
  viz::FacetQuantity quantity = viz::FacetQuantity::kCapsuleStrain;
};
struct SetDiscQuantity {
  viz::DiscQuantity quantity = viz::DiscQuantity::kNone;
};
struct ShowArrows {
  bool on = true;
};
struct ShowTissue {
  bool on = true;
};
struct ShowSkin {  ///< the translucent body surface around the bones
  bool on = true;
};
struct ShowCloseUp {  ///< the inset close-up of the picked (or followed) joint
  bool on = true;
};
struct ShowPanel {
  int panel = -1;  ///< index in the panel table
  bool visible = true;
};
// [SECTION] camera
struct SetCameraView {
  std::string name;  ///< one of kViewNames (camera.h)
};
struct FitView {};
struct OrbitCamera {
  float dx_px = 0, dy_px = 0;
};
struct PanCamera {
  float dx_px = 0, dy_px = 0;
};
struct ZoomCamera {
  float wheel = 0;  ///< notches (positive: closer)
};
// [SECTION] explore (live scenarios)
/// The extra load on the upper vertebra of a level, in that vertebra's own axes (x anterior,
/// y left, z up), re-expressed in the world from its orientation when applied; it stays on the
/// runner until the next ExploreApply. The level's upper vertebra becomes the picked body.
struct ExploreApply {
  int level = -1;                       ///< joint (level) index of the model
  std::array<float, 3> torque_Nm{};     ///< [N m] flexion (about y), lateral bending (about x), axial (about z)
  float traction_N = 0;                 ///< [N] along the vertebra's z
  float pa_N = 0;                       ///< [N] posterior-anterior push, along its x
};
// [SECTION] lessons
struct LessonNext {};  ///< the teacher goes on to the next step
struct LessonBack {};  ///< back to the step before (it plays again)
// [SECTION] what is loaded
struct LoadRun {
  Source source;  ///< replaces what is shown; refused (nothing changes) when it cannot be loaded
};

using Command = std::variant<Play, Pause, Seek, StepForward, SetSpeed, PickJoint, PickBody, ClearPick, SetPlotFacet,
                             SetFacetQuantity, SetDiscQuantity, ShowArrows, ShowTissue, ShowSkin, ShowCloseUp, ShowPanel, SetCameraView, FitView,
                             OrbitCamera, PanCamera, ZoomCamera, ExploreApply, LessonNext, LessonBack, LoadRun>;

/// The commands of one frame, in the order they were pushed.
class CommandQueue {
 public:
  void Push(Command command) { commands_.push_back(std::move(command)); }
  const std::vector<Command>& commands() const { return commands_; }
  bool empty() const { return commands_.empty(); }
  /// Hands the commands over and empties the queue.
  std::vector<Command> Take() { return std::exchange(commands_, {}); }

 private:
  std::vector<Command> commands_;
};

}  // namespace spinelab::viewer

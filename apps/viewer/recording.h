#pragma once
// A run to play back: the model it ran on, its frames and its events, from a results file or
// from simulating a scenario.
#include <string>
#include <vector>

#include "camera.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/world.h"
#include "spinelab/viz/scene.h"
#include "spinelab/viz/skeleton.h"

namespace spinelab::viewer {

struct Recording {
  std::string name, title, notice, source;
  sim::ModelDesc model;
  std::vector<viz::Frame> frames;
  struct Event {
    double time_s;
    int facet;
    double gap_jump_m;
    std::vector<float> sound_Pa;  ///< the pop at 10 cm, 44.1 kHz (may be empty)
  };
  std::vector<Event> cavitations;
  sim::Scenario scenario;        ///< what was run (for the applied-load arrows)
  /// the figure as bones (viz::BuildSkeleton on the model, its posture and its params), made
  /// once when the run is loaded
  std::shared_ptr<const viz::Skeleton> skeleton;
  bool has_summary = false;
  sim::ScenarioSummary summary;  ///< whole-run summary (recorded runs)
};

/// Adds the scenario's applied forces at the frame's time (loads with a force, hand pads' pushes)
/// and torques (loads with a torque; a drive's: the torque its servo applies, frame.drive_torque_W).
void AddAppliedForces(const Recording& rec, viz::Frame* frame);
/// The frame of a live world (poses and facet values now).
viz::Frame FrameFromWorld(const sim::World& world);
/// The frame of a live run: its world's, with the torques its drives apply now.
viz::Frame FrameFromRunner(const sim::ScenarioRunner& runner);
/// Appends the records the runner made since `rec` was last synced (frames and cavitations).
void SyncFromRunner(const sim::ScenarioRunner& runner, Recording* rec);

/// What the run's technique does to the trunk (camera.h ChooseView): its applied moments' and
/// forces' dominant axes and sizes over the run, sampled on the first frame's poses, the trunk's
/// axes there, and whether it hangs.
TechniqueAxes TechniqueOf(const Recording& rec);
/// Builds rec->skeleton from its model and scenario on `params` (the model's parameters).
void AttachSkeleton(const sim::SpineParams& params, Recording* rec);
/// Simulates the scenario (whole run, with the overrides `set`) and records every frame.
Expected<Recording> RecordScenario(const std::string& scenario_path, const std::string& model_path,
                                   const std::vector<std::string>& set = {});
/// Reads run `run` (empty: the first) of a results file (io::ReadRun); the model is rebuilt from
/// the stored scenario text on the stored model_text (`model_path` only for files without one).
Expected<Recording> ReadResults(const std::string& h5_path, const std::string& run, const std::string& model_path);
/// The runs in a results file.
std::vector<std::string> ListRuns(const std::string& h5_path);

}  // namespace spinelab::viewer

#pragma once
// Lessons (lessons/*.toml, docs/viewer.md "Lessons"): scripted steps for a class, each with a
// caption in plain words, the run(s) to show, where the camera goes, the playback window and
// speed, slow motion at the pops, the comparison table and a pause for the teacher. A lesson is
// data a teacher can write; it is read and checked with the care of a scenario (file:line, key,
// value and what is allowed; unknown keys refused). No GL here.
#include <string>
#include <vector>

#include "spinelab/sim/status.h"

namespace spinelab::viewer {

struct LessonStep {
  int line = 0;                        ///< where the step starts in the file
  std::string caption;                 ///< plain words for the class
  std::vector<std::string> scenarios;  ///< one (shown alone) or two (side by side); resolved paths
  std::vector<std::string> set;        ///< scenario overrides key.path=value (both scenarios)
  std::string view;                    ///< side | back | top ("": as the step before)
  std::string focus;                   ///< a level ("L4-L5") the camera closes in on ("": the whole figure)
  std::string quantity;                ///< facet colour (kFacetQuantityNames; "": as before)
  std::string disc;                    ///< none | shear | pressure ("": as before)
  double from_s = 0;                   ///< [s] playback starts here (run time)
  double to_s = -1;                    ///< [s] and ends here (< 0: the run's end)
  float speed = 1;                     ///< [-] playback speed
  float slow_speed = 0;                ///< [-] speed within slow_window_s of a pop (0: no slow motion)
  double slow_window_s = 0.15;         ///< [s] either side of a pop
  bool table = false;                  ///< show the side-by-side comparison table
  bool pause = true;                   ///< at the end, wait for the teacher (Next)
};

struct Lesson {
  std::string file, title, summary;
  std::vector<LessonStep> steps;
};

inline constexpr const char* kDiscQuantityNames[] = {"none", "shear", "pressure"};

/// The lesson file for `name_or_path`: an existing file, else `<lessons_dir>/<name>.toml` with
/// dashes read as underscores (--lesson twist-vs-traction).
std::string LessonPath(const std::string& name_or_path, const std::string& lessons_dir);
/// Reads and checks a lesson (scenario paths are relative to the lesson file's folder and must
/// exist; a focus level is checked when its run is loaded). Every problem is reported.
Expected<Lesson> LoadLesson(const std::string& path);
/// The lessons in a folder (sorted file names).
std::vector<std::string> ListLessons(const std::string& lessons_dir);

}  // namespace spinelab::viewer

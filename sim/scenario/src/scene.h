// The scene of a scenario run: the spine model in its posture, on its supports, with the
// scenario's objects and pads placed against the trunk (internal to spinelab_scenario).
#pragma once

#include <vector>

#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/options.h"

namespace spinelab::sim {

// what the runner needs of the scene beside the model desc
struct Scene {
  Vec3 gravity_W = Vec3::Zero();      // [m/s²] the run's (ScenarioOptions)
  std::vector<BodyId> load_body;
  std::vector<BodyId> pad_body;       // per object (-1 unless a pad)
  std::vector<Vec3> pad_push_W;       // per object: unit push direction
  BodyId pelvis = -1;
  Pose X_W_pelvis0;                   // held pelvis at the start (motions)
  double below_T2_N = 0;              // hanging: weight the feet carry until they leave the floor
  std::vector<double> artery_rest_m;  // per path
  std::vector<double> strength_N;     // per level: the weaker of its two vertebrae
  std::vector<double> annulus_Am_m2, annulus_t_m, annulus_wall_m2;  // per level: Bredt area, wall, wall area
  std::string rib_cage_text, rib_cage_file;  // the rib cage file it built the cage from (bodies), else empty
};

// the engine options a scenario runs with (gravity and everything else at the engine defaults)
SimOptions ScenarioOptions(const Scenario& sc);

// builds the model desc for the scenario: posture, supports, objects, pads
Expected<ModelDesc> BuildScene(const Scenario& sc, const SpineParams& params, Scene* scene);

}  // namespace spinelab::sim

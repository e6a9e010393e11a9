#pragma once
/// @file limb_pose.h
/// The pose a scenario's girdle and limbs take (AddLimbBodies' pose name and the hip flexion that
/// takes up the trunk's tilt): the scene builds the limbs as bodies in it, and the viewer draws
/// lumped limbs in it (viz/skeleton.h), so the poses have one home ([limbs] pose_*_deg).
#include <string>

#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {

struct ScenarioLimbPose {
  std::string pose;             ///< one of LimbPoseNames(): the posture, side_lying as side_lying_<side>
  double hip_flexion_rad = 0;   ///< [rad] the trunk's tilt taken up at both hips (face down: the other way)
};
ScenarioLimbPose LimbPoseOf(const Scenario& sc);

}  // namespace spinelab::sim

#pragma once
// A recording built in the test (no simulation) for the viewer's app and panel tests.
#include <optional>

#include "app_state.h"

namespace spinelab::viewer {

inline constexpr double kFrameStep_s = 0.1;  // the toy recording's frame spacing
inline constexpr int kFrames = 11;           // 0 .. 1 s

// Two bodies, one level between them with two facets; frames every 0.1 s from 0 to 1 s.
inline Recording ToyRecording() {
  Recording R;
  R.name = R.title = "toy";
  R.source = "toy (built in the test)";
  for (const char* name : {"lower", "upper"}) {
    sim::BodyDesc b;
    b.name = name;
    R.model.bodies.push_back(b);
  }
  for (const char* name : {"F L", "F R"}) {
    sim::SynovialJointDesc f;
    f.name = name;
    R.model.synovial_joints.push_back(f);
  }
  sim::JointDesc L;
  L.name = "lower-upper";
  L.lower = 0, L.upper = 1;
  L.synovial = {0, 1};
  R.model.joints.push_back(L);
  for (int i = 0; i < kFrames; ++i) {
    viz::Frame f;
    f.time_s = i * kFrameStep_s;
    f.X_WB = {Pose{Mat3::Identity(), Vec3(0, 0, 0)}, Pose{Mat3::Identity(), Vec3(0, 0, 0.03)}};
    f.facet_gap_m = {0.5e-3, 0.5e-3};
    f.facet_pressure_Pa = {-1e3 * i, -2e3 * i};  // the right facet's suction is deeper
    f.facet_capsule_strain = {0.01, 0.02};
    f.facet_contact_N = {0, 0};
    f.facet_bubble_radius_m = {0, 0};
    R.frames.push_back(f);
  }
  return R;
}

inline AppState ToyState(bool headless = false) {
  ViewSettings settings;
  settings.headless = headless;
  return MakeAppState(ToyRecording(), std::nullopt, settings);
}

}  // namespace spinelab::viewer

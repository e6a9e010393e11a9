#pragma once
/// @file probe.h
/// StaticProbe: a model's element forces with its bodies held at given poses, at rest, without a
/// World (no Bullet, no contact, no gravity, no applied loads): for quasi-static probes such as a
/// joint's passive moment (the hypermobility index) or the creep calibration. Capsule fluid is
/// held at its resting pressure, so it exerts no force. Every element type of the table is
/// evaluated, so a probe sees the same laws a World does.

#include <memory>
#include <vector>

#include "spinelab/sim/math.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::sim {

class StaticProbe {
 public:
  /// Probes `model` (compiled).
  explicit StaticProbe(std::shared_ptr<const Model> model);
  StaticProbe(StaticProbe&&) noexcept;
  StaticProbe& operator=(StaticProbe&&) noexcept;
  ~StaticProbe();

  /// Evaluates every element with body i at X_WB[i] (n_bodies poses), every body at rest, with
  /// the slow state of `ligaments` (their slack; empty: none).
  void Evaluate(const std::vector<Pose>& X_WB, const std::vector<LigamentState>& ligaments);
  /// [F; τ] in W [N, N·m], τ about the body's centre of mass: what the elements exert on free body
  /// `body` at the last Evaluate. Zero for a fixed body.
  Vec6 GeneralizedForce(BodyId body) const;
  /// Element outputs of the last Evaluate.
  const StepOutputs& outputs() const;
  /// The strain the slow laws see for ligament i at the last Evaluate [-]: its fibre strain plus,
  /// for a synovial joint's capsular fibre, the joint's opening.
  double SlowStrain(int ligament) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spinelab::sim

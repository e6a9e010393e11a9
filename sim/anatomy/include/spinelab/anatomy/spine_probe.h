#pragma once
/// @file spine_probe.h
/// Quasi-static probes of a spinal level's passive elements (docs/repeated_loading.md): the
/// neutral-zone probe behind the hypermobility index, and the level probe the creep calibration
/// turns to its equilibrium.

#include <memory>
#include <vector>

#include "spinelab/sim/math.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/probe.h"
#include "spinelab/sim/state.h"

namespace spinelab::sim {

/// One level's passive elements (its segment, ExtractSegment: disc, joint and rib-cage bushings,
/// not muscle tone; ligaments; facet cartilage; no capsule fluid), evaluated with the level's upper body turned about an axis of
/// the disc mid-frame through its centre, everything else at the model's rest pose.
class LevelProbe {
 public:
  static constexpr double kMaxProbe_rad = 0.35;  ///< [rad] bracket of the probe angles
  LevelProbe(const ModelDesc& model, int level);
  /// Passive moment [N·m] about disc-frame axis `axis` (0 x, 1 y, 2 z) on the upper body turned
  /// by `theta_rad`; `slow_strain` (may be null) receives, per ligament of the model, the strain
  /// the slow laws see at that pose (0 for the other levels' ligaments).
  double PassiveMoment(const State& state, int axis, double theta_rad, std::vector<double>* slow_strain) const;
  /// θ in [lo, hi] [rad] where the passive moment balances `applied_Nm`, assuming the passive
  /// moment falls with θ (bisection).
  double Balance(const State& state, int axis, double applied_Nm, double lo_rad, double hi_rad) const;
  /// The source model's indices of the level's ligaments.
  const std::vector<int>& ligaments() const;

 private:
  struct Segment;
  std::shared_ptr<Segment> seg_;  // the level's segment and its probe (shared: copies share scratch)
};

/// Quasi-static neutral-zone probe of level `level`: the upper body turned about the disc
/// mid-frame's x, y, z axes (rest poses of the model; translation held) until the level's passive
/// elements — disc, ligaments with the slow state's slack from `state`, facet cartilage; no
/// muscles, no capsule fluid — balance ±`moment_Nm`. Returns θ(+M) − θ(−M) per axis [rad]
/// (lateral bending, flexion-extension, axial rotation in the disc frame's x, y, z order).
/// `state.ligaments` may be empty (no slack).
Vec3 LevelNeutralZone(const ModelDesc& model, const State& state, int level, double moment_Nm);

/// The three neutral-zone ranges of every level [rad] (LevelNeutralZone).
std::vector<Vec3> NeutralZones(const ModelDesc& model, const State& state, double moment_Nm);

/// Hypermobility index of each level: the largest ratio, over the three axes, of its neutral
/// zone now to the same at baseline (1: as the subject was; 1.1: a tenth more play).
std::vector<double> HypermobilityIndex(const std::vector<Vec3>& now, const std::vector<Vec3>& baseline);

}  // namespace spinelab::sim

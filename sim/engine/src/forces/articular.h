#pragma once
// Synovial joint surfaces (a facet, later a rib joint): gap along the articular normal and cartilage contact (elastic foundation with
// Hunt–Crossley damping). Law: SynovialJointDesc in spinelab/sim/model.h. The capsule (fluid pressure,
// cavitation) plugs in on top of the gap measured here.

#include "forces/assembly.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

/// Gap g [m], its rate [m/s], the surface point P and normal n in W, and Q in W.
struct ArticularKinematics {
  double gap_m = 0;
  double gap_rate_m_per_s = 0;
  Vec3 p_WP = Vec3::Zero();
  Vec3 p_WQ = Vec3::Zero();
  Vec3 n_W = Vec3::UnitZ();
  Vec3 v_rel_W = Vec3::Zero();  // velocity of Q on B minus the coincident point of A
};
ArticularKinematics ComputeArticularKinematics(const sim::SynovialJointDesc& e, const BodyKin& a,
                                       const BodyKin& b);

/// Elastic contact force [N] at cartilage compression δ >= 0 [m] and dF/dδ [N/m].
double CartilageContactForce(const sim::SynovialJointDesc& e, double compression_m, double* dF_dcompression);

/// Adds the contact force and tangent; returns the kinematics it used (for the capsule).
ArticularKinematics AddArticularForces(const sim::SynovialJointDesc& e, const BodyKin& a, const BodyKin& b,
                               ForceAssembly* assembly, sim::SynovialJointOutput* out);

double ArticularPotentialEnergy(const sim::SynovialJointDesc& e, const BodyKin& a, const BodyKin& b);

}  // namespace spinelab::internal

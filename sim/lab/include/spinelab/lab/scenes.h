#pragma once
/// @file scenes.h
/// Canonical scenes shared by tests, benchmarks and the peer comparison (STYLE.md §1).

#include "spinelab/sim/model.h"
#include "spinelab/sim/world.h"

namespace spinelab::sim {

/// The "bushing chain" reference problem (shared/reference/bushing_chain.md): 25 boxes 0.03 m
/// apart along z, body 0 welded, 24 linear bushings k_t = 1e6 N/m, c_t = 500 N·s/m,
/// k_r = 60 N·m/rad, c_r = 0.5 N·m·s/rad, gravity −9.81 m/s² along z.
/// Exact static answer under the final 5 N·m torque: twist 2 rad, top drop 4.4145 mm.
/// `k_rot_Nm_per_rad` replaces k_r (the peer comparison's stable asymmetric variant).
ModelDesc MakeBushingChain(double k_rot_Nm_per_rad = 60);

/// Load of the reference problem at time t [s]: τ_z = 5 N·m·min(t / 1 s, 1) on the top body,
/// plus `flexion_moment_Nm` about world x (the asymmetric variant uses 1 N·m).
void ApplyBushingChainLoad(World* world, double time_s, double flexion_moment_Nm = 0.0);

/// A violent thoracic twist (the gym "rack twist" jerk): on the standing spine (default model,
/// after `kTwistSettle_s` of standing), a torque about +z (to the left) on T1 ramped to 60 N·m
/// over 0.1 s, released at 0.3 s. Call before every step with the time since the twist began
/// (negative: not yet). Cracks several left lumbar facets (the side that gaps in left rotation).
constexpr double kTwistSettle_s = 0.3;
void ApplyTwistThrust(World* world, double time_since_start_s);

/// Twist of the top body about world z [rad], 2·atan2(q_z, q_w), unwrapped towards `reference`.
double TopTwist(const World& world, double reference_rad);

}  // namespace spinelab::sim

#pragma once
// Facet joint capsule: synovial pressure from the fluid volume balance, cavitation (nucleation,
// Rayleigh–Plesset bubble integrated with Boost.Odeint inside each world step), the radiated
// sound, and gas exchange (refractory period). Model: CapsuleParams in spinelab/sim/model.h,
// docs/capsule.md.

#include <vector>

#include "forces/assembly.h"
#include "forces/articular.h"
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::internal {

constexpr double kGasConstant = 8.314462618;  // [J/(mol·K)]

/// Liquid pressure (gauge) [Pa] for opening Δg = g − g_rest [m], bubble volume V [m³],
/// drawn-in volume [m³] and the capsule's volume rate dV_c/dt = dV/dt − A·dg/dt [m³/s];
/// `compliance` (may be null) receives the branch's C [m³/Pa].
double LiquidPressure(const sim::CapsuleParams& c, double area_m2, double dgap_m, double bubble_m3,
                      double drawn_m3, double capsule_rate_m3_per_s, double* compliance);

/// Volume the capsule's contents take up besides the bubble and the joint's opening [m³]: the
/// drawn-in capsule wall plus the synovial fluid gained (> 0) or drained (< 0) since rest.
inline double Occupied(const sim::CapsuleState& s) { return s.drawn_in_m3 + s.fluid_m3; }

/// A joint held at gap g for minutes: its fluid content brings it to the resting pressure there
/// (the draw-in folded in). A joint holding gas keeps its own balance.
void RestFluidAtGap(const sim::SynovialJointDesc& e, double gap_m, sim::CapsuleState* s);

/// Bubble volume [m³] of a capsule state.
double BubbleVolume(const sim::CapsuleState& s);
/// dV/dt of the bubble [m³/s]: 4πR²Ṙ while violent, 0 when quasi-static or absent.
double BubbleVolumeRate(const sim::CapsuleState& s);

/// Pressure force on the articular surfaces and its tangent (plus outputs).
void AddCapsuleForces(const sim::SynovialJointDesc& e, const sim::CapsuleState& s, const BodyKin& a,
                      const BodyKin& b, const ArticularKinematics& k, ForceAssembly* assembly,
                      sim::SynovialJointOutput* out);

/// Numerical settings of the capsule sub-integration.
struct CapsuleSolverOptions {
  double rel_tol = 1e-7;           // [-] Rayleigh–Plesset relative tolerance (odeint dopri5)
  bool allow_nucleation = true;    // false: cavitation disabled (pressure still acts)
};

/// Gap of a facet over one step: values and rates at both ends, interpolated by a cubic
/// Hermite so the gap rate stays continuous from step to step (no artificial clicks).
struct GapPath {
  double g0_m = 0, g1_m = 0;                  // [m]
  double rate0_m_per_s = 0, rate1_m_per_s = 0;  // [m/s]
};

/// Advances the capsule from t0 over h [s] while its gap follows `path`.
/// Fills out->cracked and out->sound_Pa.
void AdvanceCapsule(const sim::SynovialJointDesc& e, const GapPath& path, double t0_s, double h_s,
                    const CapsuleSolverOptions& opt, sim::CapsuleState* s, sim::SynovialJointOutput* out);

/// Advances a quiescent capsule (fixed gap, quasi-static bubble) over a long interval, e.g. the
/// minutes between two manipulations, with an adaptive ODE step. Returns false if the bubble was
/// still dynamic (call AdvanceCapsule until it settles first).
bool AdvanceCapsuleQuiescent(const sim::SynovialJointDesc& e, double gap_m, double duration_s,
                             sim::CapsuleState* s);

}  // namespace spinelab::internal

#pragma once
/// @file laws.h
/// The force elements' laws as pure functions, for lab tests that check or drive one law alone
/// (the creep calibration, a capsule's volume balance). The World uses the same functions; the
/// laws themselves are documented at their descriptions in model.h.

#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

namespace spinelab::sim {

/// Elastic tension [N] of a ligament at strain ε [-] (LigamentDesc: toe region, then linear).
double LigamentTension(const LigamentDesc& ligament, double strain);

/// Advances a fibre's slow state (creep, recovery, laxity; LigamentSlowParams) over h [s] at the
/// fibre strain `fibre_strain` [-] held over h. Exact exponentials: any h is stable.
void AdvanceFibreSlowState(const LigamentSlowParams& params, double fibre_strain, double h_s, LigamentState* state);

/// Residual [m³] of a capsule's fluid volume balance (CapsuleParams) at an output of the joint:
/// V_bubble − A·Δg + V_occupied + τ_recoil·dV_c/dt − C·(P − P_rest); zero to rounding when the
/// pressure solves the balance.
double CapsuleVolumeResidual(const SynovialJointDesc& joint, const CapsuleState& capsule,
                             const SynovialJointOutput& output);

}  // namespace spinelab::sim

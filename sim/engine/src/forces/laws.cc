// Public forms of the element laws (laws.h), forwarding to the element files.
#include "spinelab/sim/laws.h"

#include "forces/capsule.h"
#include "forces/ligament.h"

namespace spinelab::sim {

double LigamentTension(const LigamentDesc& e, double strain) { return internal::LigamentElasticForce(e, strain, nullptr); }

void AdvanceFibreSlowState(const LigamentSlowParams& p, double fibre_strain, double h_s, LigamentState* s) {
  internal::AdvanceLigamentSlow(p, fibre_strain, h_s, s);
}

double CapsuleVolumeResidual(const SynovialJointDesc& f, const CapsuleState& cs, const SynovialJointOutput& out) {
  double C = 0;
  const double rate = internal::BubbleVolumeRate(cs) - f.area_m2 * out.gap_rate_m_per_s;
  internal::LiquidPressure(f.capsule, f.area_m2, out.gap_m - f.rest_gap_m, out.bubble_volume_m3, internal::Occupied(cs), rate, &C);
  return out.bubble_volume_m3 - f.area_m2 * (out.gap_m - f.rest_gap_m) + internal::Occupied(cs) + f.capsule.recoil_time_s * rate -
         C * (out.pressure_Pa - f.capsule.rest_pressure_Pa);
}

}  // namespace spinelab::sim

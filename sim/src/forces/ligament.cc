#include "forces/ligament.h"

#include <algorithm>
#include <cmath>

namespace spinelab::internal {

double LigamentElasticForce(const sim::LigamentDesc& e, double strain, double* dF_dstrain) {
  const double kL0 = e.stiffness_N_per_m * e.slack_length_m;
  const double et = e.toe_strain;
  if (strain <= 0) {
    if (dF_dstrain) *dF_dstrain = 0;
    return 0;
  }
  if (strain < et) {
    if (dF_dstrain) *dF_dstrain = kL0 * strain / et;
    return kL0 * strain * strain / (2.0 * et);
  }
  if (dF_dstrain) *dF_dstrain = kL0;
  return kL0 * (strain - 0.5 * et);
}

namespace {
double StrainEnergy(const sim::LigamentDesc& e, double strain) {
  const double kL0sq = e.stiffness_N_per_m * e.slack_length_m * e.slack_length_m;
  const double et = e.toe_strain;
  if (strain <= 0) return 0;
  if (strain < et) return kL0sq * strain * strain * strain / (6.0 * et);
  return kL0sq * (et * et / 6.0 + 0.5 * (strain * strain - et * et) - 0.5 * et * (strain - et));
}
}  // namespace

void AddLigamentForces(const sim::LigamentDesc& e, const BodyKin& a, const BodyKin& b,
                       ForceAssembly* assembly, sim::LigamentOutput* out) {
  const Vec3 p_WPa = a.R_WB * e.p_AoPa_A + a.p_WB;
  const Vec3 p_WPb = b.R_WB * e.p_BoPb_B + b.p_WB;
  const Vec3 d = p_WPb - p_WPa;
  const double L = d.norm();
  const double L0 = e.slack_length_m;
  const double strain = (L - L0) / L0;
  double dF_de = 0;
  const double F_el = LigamentElasticForce(e, strain, &dF_de);
  double F = 0;
  if (F_el > 0 && L > 0) {
    const Vec3 u = d / L;
    const Vec3 v_rel = b.PointVelocity(p_WPb) - a.PointVelocity(p_WPa);
    const double Ldot = u.dot(v_rel);
    F = std::max(0.0, F_el + e.damping_Ns_per_m * Ldot);
    if (assembly) {
      // tension pulls B towards A and A towards B
      assembly->AddForce(b.free_index, p_WPb - b.p_WB, -F * u);
      assembly->AddForce(a.free_index, p_WPa - a.p_WB, F * u);
      // tangent: axial stiffness plus the geometric (string) stiffness F/L across
      const Mat3 uu = u * u.transpose();
      const Mat3 K = (dF_de / L0) * uu + (F_el / L) * (Mat3::Identity() - uu);
      const Mat3 C = e.damping_Ns_per_m * uu;
      assembly->AddPointPair(a.free_index, p_WPa - a.p_WB, b.free_index, p_WPb - b.p_WB, K, C,
                             v_rel);
    }
  }
  if (out) {
    out->length_m = L;
    out->strain = strain;
    out->force_N = F;
  }
}

double LigamentPotentialEnergy(const sim::LigamentDesc& e, const BodyKin& a, const BodyKin& b) {
  const Vec3 p_WPa = a.R_WB * e.p_AoPa_A + a.p_WB;
  const Vec3 p_WPb = b.R_WB * e.p_BoPb_B + b.p_WB;
  const double strain = ((p_WPb - p_WPa).norm() - e.slack_length_m) / e.slack_length_m;
  return StrainEnergy(e, strain);
}

}  // namespace spinelab::internal

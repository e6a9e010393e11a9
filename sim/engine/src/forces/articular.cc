#include "forces/articular.h"

#include <algorithm>
#include <cmath>

namespace spinelab::internal {

ArticularKinematics ComputeArticularKinematics(const sim::SynovialJointDesc& e, const BodyKin& a,
                                       const BodyKin& b) {
  ArticularKinematics k;
  k.p_WP = a.R_WB * e.p_AoP_A + a.p_WB;
  k.n_W = a.R_WB * e.n_A;
  k.p_WQ = b.R_WB * e.p_BoQ_B + b.p_WB;
  k.gap_m = e.rest_gap_m + k.n_W.dot(k.p_WQ - k.p_WP);
  // rate: Q's velocity relative to A's material point at Q, along n (n turns with A)
  k.v_rel_W = b.PointVelocity(k.p_WQ) - a.PointVelocity(k.p_WQ);
  k.gap_rate_m_per_s = k.n_W.dot(k.v_rel_W);
  return k;
}

double CartilageContactForce(const sim::SynovialJointDesc& e, double compression_m, double* dF_dcompression) {
  if (compression_m <= 0) {
    if (dF_dcompression) *dF_dcompression = 0;
    return 0;
  }
  const double h = e.cartilage_thickness_m;
  const double r = compression_m / h;
  const double AE = e.area_m2 * e.cartilage_modulus_Pa;
  const double sr = std::sqrt(r);
  if (dF_dcompression) *dF_dcompression = 1.5 * AE * sr / h;
  return AE * r * sr;
}

ArticularKinematics AddArticularForces(const sim::SynovialJointDesc& e, const BodyKin& a, const BodyKin& b,
                               ForceAssembly* assembly, sim::SynovialJointOutput* out) {
  const ArticularKinematics k = ComputeArticularKinematics(e, a, b);
  const double compression = -k.gap_m;
  double F = 0;
  if (compression > 0) {
    double dF = 0;
    const double F_el = CartilageContactForce(e, compression, &dF);
    const double closing_speed = -k.gap_rate_m_per_s;
    F = std::max(0.0, F_el * (1.0 + e.damping_s_per_m * closing_speed));
    if (assembly) {
      // pushes B along the opening normal, A the other way, both at Q
      assembly->AddForce(b.free_index, k.p_WQ - b.p_WB, F * k.n_W);
      assembly->AddForce(a.free_index, k.p_WQ - a.p_WB, -F * k.n_W);
      const Mat3 nn = k.n_W * k.n_W.transpose();
      const Mat3 K = dF * (1.0 + e.damping_s_per_m * std::max(0.0, closing_speed)) * nn;
      const Mat3 C = (F_el * e.damping_s_per_m) * nn;
      assembly->AddPointPair(a.free_index, k.p_WQ - a.p_WB, b.free_index, k.p_WQ - b.p_WB, K, C,
                             k.v_rel_W);
    }
  }
  if (out) {
    out->gap_m = k.gap_m;
    out->gap_rate_m_per_s = k.gap_rate_m_per_s;
    out->contact_force_N = F;
    out->p_WP = k.p_WP;
    out->n_W = k.n_W;
  }
  return k;
}

double ArticularPotentialEnergy(const sim::SynovialJointDesc& e, const BodyKin& a, const BodyKin& b) {
  const ArticularKinematics k = ComputeArticularKinematics(e, a, b);
  const double c = -k.gap_m;
  if (c <= 0) return 0;
  const double h = e.cartilage_thickness_m;
  return e.area_m2 * e.cartilage_modulus_Pa * h * std::pow(c / h, 2.5) / 2.5;
}

}  // namespace spinelab::internal

#include "forces/bushing.h"

#include <algorithm>
#include <cmath>

namespace spinelab::internal {

double AxisMoment(const sim::AxisLaw& law, double theta, double* tangent) {
  // neutral zone: linear; beyond it: quadratic growth of the moment (linear growth of stiffness)
  const bool pos = theta >= 0;
  const double nz = pos ? law.nz_pos : law.nz_neg;
  const double k2 = pos ? law.k2_pos : law.k2_neg;
  const double excess = std::max(0.0, std::abs(theta) - nz);
  const double sign = pos ? 1.0 : -1.0;
  if (tangent) *tangent = law.k0 + 2.0 * k2 * excess;
  return law.k0 * theta + sign * k2 * excess * excess;
}

double AxisEnergy(const sim::AxisLaw& law, double theta) {
  const bool pos = theta >= 0;
  const double nz = pos ? law.nz_pos : law.nz_neg;
  const double k2 = pos ? law.k2_pos : law.k2_neg;
  const double excess = std::max(0.0, std::abs(theta) - nz);
  return 0.5 * law.k0 * theta * theta + k2 * excess * excess * excess / 3.0;
}

namespace {
struct BushingKinematics {
  Mat3 R_WF;
  Vec3 p_WMo;       // [m] origin of M (force application point) in W
  Vec3 p_F;         // [m] deflection in F
  Vec3 theta_F;     // [rad] rotation vector of R_FM
  Vec3 v_rel_W;     // [m/s] velocity of Mo on B minus the coincident point of A, in W
  Vec3 w_rel_W;     // [rad/s] ω_B − ω_A in W
};

BushingKinematics ComputeKinematics(const sim::BushingDesc& e, const BodyKin& a,
                                    const BodyKin& b) {
  BushingKinematics k;
  k.R_WF = a.R_WB * e.X_AF.R;
  const Vec3 p_WFo = a.R_WB * e.X_AF.p + a.p_WB;
  const Mat3 R_WM = b.R_WB * e.X_BM.R;
  k.p_WMo = b.R_WB * e.X_BM.p + b.p_WB;
  k.p_F = k.R_WF.transpose() * (k.p_WMo - p_WFo);
  k.theta_F = RotationVector(k.R_WF.transpose() * R_WM);
  k.v_rel_W = b.PointVelocity(k.p_WMo) - a.PointVelocity(k.p_WMo);
  k.w_rel_W = b.w_WB - a.w_WB;
  return k;
}
}  // namespace

void AddBushingForces(const sim::BushingDesc& e, const BodyKin& a, const BodyKin& b,
                      ForceAssembly* assembly, sim::BushingOutput* out, double rot_scale) {
  const sim::BushingParams& P = e.params;
  const BushingKinematics k = ComputeKinematics(e, a, b);
  const Vec3 pdot_F = k.R_WF.transpose() * k.v_rel_W;
  const Vec3 w_F = k.R_WF.transpose() * k.w_rel_W;

  // axial stiffness depends on the side; compression feeds the preload stiffening
  const bool compressed = k.p_F.z() < 0;
  const double kz = compressed ? P.k_axial_compression : P.k_trans.z();
  const double compression = compressed ? -P.k_axial_compression * k.p_F.z() : 0.0;
  const double s = (P.preload_gain > 0 && compression > 0)
                       ? 1.0 + P.preload_gain * std::pow(compression / 1000.0, P.preload_exponent)
                       : 1.0;

  // translational force on B, in F
  const Vec3 k_t(s * P.k_trans.x(), s * P.k_trans.y(), kz);
  const Vec3 f_F = -(k_t.cwiseProduct(k.p_F)) - P.c_trans.cwiseProduct(pdot_F) + P.bias_force;

  // moments on B, in F
  Vec3 m_F, k_r;
  for (int i = 0; i < 3; ++i) {
    double tangent = 0;
    const double M = AxisMoment(P.rot[i], k.theta_F[i], &tangent);
    m_F[i] = -rot_scale * s * M - P.c_rot[i] * w_F[i] + P.bias_moment[i];
    k_r[i] = rot_scale * s * tangent;
  }

  const Vec3 F_W = k.R_WF * f_F;
  const Vec3 tau_W = k.R_WF * m_F;
  if (assembly) {
    // equal and opposite at the same world point, so the pair's moments cancel exactly
    assembly->AddForce(b.free_index, k.p_WMo - b.p_WB, F_W);
    assembly->AddForce(a.free_index, k.p_WMo - a.p_WB, -F_W);
    assembly->AddTorque(b.free_index, tau_W);
    assembly->AddTorque(a.free_index, -tau_W);
    const Mat3 Kt = k.R_WF * k_t.asDiagonal() * k.R_WF.transpose();
    const Mat3 Ct = k.R_WF * P.c_trans.asDiagonal() * k.R_WF.transpose();
    assembly->AddPointPair(a.free_index, k.p_WMo - a.p_WB, b.free_index, k.p_WMo - b.p_WB, Kt, Ct,
                           k.v_rel_W);
    const Mat3 Kr = k.R_WF * k_r.asDiagonal() * k.R_WF.transpose();
    const Mat3 Cr = k.R_WF * P.c_rot.asDiagonal() * k.R_WF.transpose();
    assembly->AddRotPair(a.free_index, b.free_index, Kr, Cr, k.w_rel_W);
  }
  if (out) {
    out->deflection_m = k.p_F;
    out->rotation_rad = k.theta_F;
    out->force_N = f_F;
    out->moment_Nm = m_F;
    out->compression_N = std::max(0.0, f_F.z());  // pushing B up = compressed
    out->shear_N = std::hypot(f_F.x(), f_F.y());
    out->pressure_Pa = P.area_m2 > 0 ? P.idp_factor * out->compression_N / P.area_m2 : 0.0;
  }
}

double BushingPotentialEnergy(const sim::BushingDesc& e, const BodyKin& a, const BodyKin& b) {
  const sim::BushingParams& P = e.params;
  const BushingKinematics k = ComputeKinematics(e, a, b);
  const double kz = k.p_F.z() < 0 ? P.k_axial_compression : P.k_trans.z();
  double E = 0.5 * (P.k_trans.x() * k.p_F.x() * k.p_F.x() + P.k_trans.y() * k.p_F.y() * k.p_F.y() +
                    kz * k.p_F.z() * k.p_F.z());
  for (int i = 0; i < 3; ++i) E += AxisEnergy(P.rot[i], k.theta_F[i]);
  return E;
}

// [SECTION] the element type

namespace {

class BushingType final : public sim::ElementType {
 public:
  const char* name() const override { return "bushing"; }
  void Init(const sim::ModelDesc& d, sim::State*, sim::StepOutputs* o) const override { o->bushings.resize(d.bushings.size()); }
  void AddForces(ElementContext& ctx, ForceAssembly* asmb) const override {
    const sim::ModelDesc& d = ctx.model;
    for (size_t i = 0; i < d.bushings.size(); ++i) {
      const sim::BushingDesc& e = d.bushings[i];
      const double tone = e.reflex >= 0 ? ctx.state.reflexes[e.reflex].tone : 0.0;
      AddBushingForces(e, ctx.Kin(e.body_a), ctx.Kin(e.body_b), asmb, &ctx.outputs.bushings[i], 1.0 + tone);
    }
  }
  double PotentialEnergy(const ElementContext& ctx) const override {
    double E = 0;
    for (const sim::BushingDesc& e : ctx.model.bushings) E += BushingPotentialEnergy(e, ctx.Kin(e.body_a), ctx.Kin(e.body_b));
    return E;
  }
  void Couplings(const sim::ModelDesc& d, std::vector<std::pair<sim::BodyId, sim::BodyId>>* pairs) const override {
    for (const sim::BushingDesc& e : d.bushings) pairs->emplace_back(e.body_a, e.body_b);
  }
};

}  // namespace

const sim::ElementType& BushingElementType() {
  static const BushingType type;
  return type;
}

}  // namespace spinelab::internal

#include "forces/contact.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spinelab::internal {

namespace {
constexpr double kRigid = std::numeric_limits<double>::infinity();

// the soft tissue of body b at the world point p, where its surface faces along n_out_W: normal
// stiffness [N/m] and damping [N·s/m] per contact point. The front of its first shape may be
// softer (the chest and abdomen, pressed towards the spine), only where the surface faces
// forwards: the flank a side-lying trunk rests on is not the front wall; a stiffness of 0 in the
// description means rigid
struct TissueLaw {
  double k = kRigid, c = 0;
};
TissueLaw Tissue(const sim::BodyDesc& b, const BodyKin& k, const Vec3& p_W, const Vec3& n_out_W) {
  if (b.contact_stiffness_N_per_m <= 0) return {kRigid, b.contact_damping_Ns_per_m};
  if (b.anterior_contact_stiffness_N_per_m > 0 && !b.shapes.empty()) {
    const Vec3 p_B = k.R_WB.transpose() * (p_W - k.p_WB);
    const Vec3& a_B = b.anterior_axis_B;
    const double facing_forward = (k.R_WB.transpose() * n_out_W).dot(a_B);
    if (p_B.dot(a_B) > b.shapes.front().center_B.dot(a_B) && facing_forward > std::sqrt(0.5)) {
      const double c = b.anterior_contact_damping_Ns_per_m > 0 ? b.anterior_contact_damping_Ns_per_m
                                                                : b.contact_damping_Ns_per_m;
      return {b.anterior_contact_stiffness_N_per_m, c};
    }
  }
  return {b.contact_stiffness_N_per_m, b.contact_damping_Ns_per_m};
}
}  // namespace

void AddContactForces(const sim::ModelDesc& model, const std::vector<ContactPoint>& points,
                      const std::vector<BodyKin>& kin, const ContactLawOptions& options,
                      ForceAssembly* assembly, std::vector<sim::ContactOutput>* out) {
  out->clear();
  static const BodyKin kGroundKin;
  for (const ContactPoint& c : points) {
    const bool a_body = c.a >= 0, b_body = c.b >= 0;
    const BodyKin& ka = a_body ? kin[c.a] : kGroundKin;
    const BodyKin& kb = b_body ? kin[c.b] : kGroundKin;
    const sim::BodyDesc* A = a_body ? &model.bodies[c.a] : nullptr;
    const sim::BodyDesc* B = b_body ? &model.bodies[c.b] : nullptr;
    const Vec3 p = 0.5 * (c.p_A + c.p_B);
    // a hand pad sets the pair's stiffness (its own tissue and the skin under it); otherwise the
    // two tissues act in series (an environment object is rigid)
    double k = 0, damping = 0;
    if (A && A->prop) {
      k = A->contact_stiffness_N_per_m, damping = A->contact_damping_Ns_per_m;
    } else if (B && B->prop) {
      k = B->contact_stiffness_N_per_m, damping = B->contact_damping_Ns_per_m;
    } else {
      // n points from B to A: A's surface faces along -n, B's along +n
      const TissueLaw t1 = A ? Tissue(*A, ka, p, -c.n_BA) : TissueLaw{}, t2 = B ? Tissue(*B, kb, p, c.n_BA) : TissueLaw{};
      k = std::isinf(t1.k) ? t2.k : std::isinf(t2.k) ? t1.k : t1.k * t2.k / (t1.k + t2.k);
      damping = t1.c + t2.c;
    }
    if (std::isinf(k) && options.rigid_stiffness_N_per_m > 0) k = options.rigid_stiffness_N_per_m, damping = 0;
    if (!(k > 0) || std::isinf(k)) continue;
    double mu = 0.6;  // [-] skin on a hand (assumed)
    if (!a_body) mu = model.environment[-1 - c.a].friction;
    if (!b_body) mu = model.environment[-1 - c.b].friction;
    if (options.frictionless) mu = 0;

    const Vec3& n = c.n_BA;
    const Vec3 v_rel = ka.PointVelocity(p) - kb.PointVelocity(p);  // A relative to B
    const double vn = v_rel.dot(n);
    const double fn = std::max(0.0, k * c.depth_m - damping * vn);
    const Vec3 vt = v_rel - vn * n;
    double ct = mu > 0 ? options.friction_damping_Ns_per_m : 0.0;
    Vec3 ft = -ct * vt;
    const double ft_norm = ft.norm();
    if (ft_norm > mu * fn) {  // sliding: Coulomb limit; the tangent damping that gives it
      ft *= mu * fn / ft_norm;
      ct = mu * fn / std::max(vt.norm(), 1e-12);
    }
    const Vec3 F_A = fn * n + ft;
    if (assembly) {
      assembly->AddForce(ka.free_index, p - ka.p_WB, F_A);
      assembly->AddForce(kb.free_index, p - kb.p_WB, -F_A);
      const Mat3 nn = n * n.transpose();
      const Mat3 K = fn > 0 ? Mat3(k * nn) : Mat3::Zero();
      const Mat3 C = (fn > 0 ? damping : 0.0) * nn + ct * (Mat3::Identity() - nn);
      // fully coupled: a hand pad is a border body of the tridiagonal system (ForceAssembly). An
      // explicit coupling of its stiff friction damper to the vertebra fed energy into the
      // still baseline (the prone neck swayed ~2 mm at 6 Hz with a resting pad)
      assembly->AddPointPair(kb.free_index, p - kb.p_WB, ka.free_index, p - ka.p_WB, K, C, v_rel);
    }
    out->push_back({c.a, c.b, p, n, fn, F_A});
  }
}

namespace {

class ContactType final : public sim::ElementType {
 public:
  const char* name() const override { return "contact"; }
  void AddForces(ElementContext& ctx, ForceAssembly* asmb) const override {
    ContactLawOptions law;
    law.frictionless = ctx.options.contact.frictionless;
    if (ctx.static_solve) law.rigid_stiffness_N_per_m = kStaticSolveRigidStiffness_N_per_m;
    AddContactForces(ctx.model, ctx.contacts, ctx.kin, law, asmb, &ctx.outputs.contacts);
  }
};

}  // namespace

const sim::ElementType& ContactElementType() {
  static const ContactType type;
  return type;
}

}  // namespace spinelab::internal

#pragma once
// ForceAssembly: collects generalized forces and the implicit-step matrix
//   A = M + h·C + h²·K
// over free bodies (6 dofs each: COM velocity in W, angular velocity in W), and solves
// A·Δv = h·f_eff. Elements report their tangent stiffness K and damping C as 3×3 blocks between
// two material points (or two bodies' rotations); the assembly maps them through the point
// Jacobians J = [I, −[r]×] and adds the stiffness correction −h·K·v_rel to f (linearly implicit
// Euler, Baraff & Witkin 1998). Storage is block-banded when every element couples free bodies
// at most `bandwidth` apart in the free-body order (a spine chain: 1, block-tridiagonal; a body
// interleaved with each vertebra: 2); otherwise dense. A banded system may end in a
// few border bodies (a practitioner's hand pad) coupled to any chain body and to each other:
// the solve then eliminates the chain first (Schur complement on the border: 6 extra forward
// sweeps per touching border body), so a hand's contact with a vertebra is as implicit as the rest.
//
// Design note. Rejected alternatives: (1) Eigen::SimplicialLDLT with triplet assembly: the sort
// in setFromTriplets costs more than the whole step for 300 elements; (2) always dense LLT:
// O(n³) = 1e6 flops per step for 150 dofs. The block-banded Cholesky solve is O(n·b²·6³) for
// bandwidth b (b = 1: the block Thomas algorithm).

#include <vector>

#include <Eigen/Dense>

#include "spinelab/sim/math.h"

namespace spinelab::internal {

/// Kinematics of one body (or the ground) as elements see them.
struct BodyKin {
  Vec3 p_WB = Vec3::Zero();   // [m] COM in W
  Mat3 R_WB = Mat3::Identity();
  Vec3 v_WB = Vec3::Zero();   // [m/s]
  Vec3 w_WB = Vec3::Zero();   // [rad/s]
  int free_index = -1;        // -1: ground or fixed (no dofs)

  /// Velocity in W of the material point of this body currently at p_W.
  Vec3 PointVelocity(const Vec3& p_W) const { return v_WB + w_WB.cross(p_W - p_WB); }
};

/// Cholesky factor L·Lᵀ of a symmetric positive definite 6×6 matrix (its lower triangle is read).
struct Cholesky6 {
  double L[6][6];
  double inv_diag[6];
  bool Compute(const Mat6& A);  ///< false if A is not positive definite
  void ForwardInPlace(double* x) const;   ///< x ← L⁻¹·x
  void BackwardInPlace(double* x) const;  ///< x ← L⁻ᵀ·x
};

class ForceAssembly {
 public:
  /// Prepares for n free bodies; h is the step [s]. With `banded`, the last `num_border` free
  /// bodies may couple to any body; the others only to bodies at most `bandwidth` (>= 1) apart.
  void Reset(int num_free, bool banded, double h, int num_border = 0, int bandwidth = 1);

  /// Force F_W [N] at the point r_W [m] from the COM of free body fi (fi < 0: ignored).
  void AddForce(int fi, const Vec3& r_W, const Vec3& F_W) {
    if (fi < 0) return;
    f_[fi].head<3>() += F_W;
    f_[fi].tail<3>() += r_W.cross(F_W);
  }
  /// Pure torque [N·m] in W on free body fi.
  void AddTorque(int fi, const Vec3& tau_W) {
    if (fi < 0) return;
    f_[fi].tail<3>() += tau_W;
  }
  /// Tangent of a force F_b = −K·(x_b − x_a) − C·(v_b − v_a) between the material point at r_a
  /// (from A's COM) and at r_b (from B's COM); v_rel = v_b − v_a of the points [m/s]. K and C
  /// must be symmetric (every element's are: springs and dampers along directions, or in a frame).
  void AddPointPair(int fa, const Vec3& r_a, int fb, const Vec3& r_b, const Mat3& K,
                    const Mat3& C, const Vec3& v_rel);
  /// Tangent of a moment τ_b = −K·θ − C·(ω_b − ω_a) between two bodies' rotations.
  void AddRotPair(int fa, int fb, const Mat3& K, const Mat3& C, const Vec3& w_rel);
  /// Mass and rotational inertia (in W) of free body fi.
  void AddMass(int fi, double mass, const Mat3& I_W);

  /// Generalized force of free body fi: [F; τ] in W.
  const Vec6& force(int fi) const { return f_[fi]; }
  bool AllFinite() const;

  /// Solves A·Δv = h·f_eff; dv has 6 entries per free body. False if A is not SPD.
  bool Solve(std::vector<Vec6>* dv);

 private:
  void AddBlock(int i, int j, const Mat6& block);  // adds to (i,j) and its transpose (j,i)
  void AddDiag(int i, const Mat6& block);
  void AddDiag(int i, const Mat3& tl, const Mat3& tr, const Mat3& bl, const Mat3& br);
  void AddBlock(int i, int j, const Mat3& tl, const Mat3& tr, const Mat3& bl, const Mat3& br);

  bool FactorChain();                                             // chol_, u_ of the chain
  void Forward(const Vec6* b, Vec6* z, int first = 0) const;      // z = L⁻¹·b; b_i = 0 for i < first
  void Backward(const Vec6* z, Vec6* x) const;                     // x = L⁻ᵀ·z (T = L·Lᵀ)
  Mat6& BorderBlock(int i, int p) { return border_[i * nb_ + p]; }  // A_(chain i, border p)
  Mat6& Band(int i, int d) { return band_[i * bw_ + d - 1]; }       // A_(i, i+d), 1 <= d <= bw
  Mat6& U(int i, int d) { return u_[i * bw_ + d - 1]; }             // U_(i, i+d) = L_i⁻¹·(reduced A_(i, i+d))
  const Mat6& U(int i, int d) const { return u_[i * bw_ + d - 1]; }
  template <class F>
  void WithDiag(int i, F&& f) {  // calls f(A_ii) wherever A_ii is stored (fixed-size 6×6 either way)
    if (!tridiagonal_) f(dense_.block<6, 6>(6 * i, 6 * i));
    else if (i < nc_) f(diag_[i]);
    else f(border_dense_.block<6, 6>(6 * (i - nc_), 6 * (i - nc_)));
  }

  int n_ = 0;
  int nc_ = 0;  // chain bodies (tridiagonal part): free indices 0..nc_−1
  int nb_ = 0;  // border bodies: free indices nc_..n_−1
  int bw_ = 1;  // chain bandwidth: A_ij = 0 for |i − j| > bw_ (chain bodies)
  bool tridiagonal_ = true;
  double h_ = 0;
  std::vector<Vec6> f_;        // (n) generalized forces, incl. the −h·K·v_rel correction
  std::vector<Mat6> diag_;     // (nc) A_ii (tridiagonal storage)
  std::vector<Mat6> band_;     // (nc·bw) A_i,i+d for d = 1..bw (banded storage; zero past the end)
  std::vector<Mat6> border_;   // (nc·nb) A_(chain i, border p) (tridiagonal storage)
  Eigen::MatrixXd border_dense_;  // (6nb x 6nb) border-border block (tridiagonal storage)
  std::vector<int> border_first_;  // (nb) first chain body coupled to border body p (nc: none)
  Eigen::MatrixXd dense_;      // (6n x 6n) when not tridiagonal
  // solver scratch
  std::vector<Cholesky6> chol_;
  std::vector<Mat6> u_;  // (nc·bw) U_i,i+d: the factor's blocks above the diagonal, L = Uᵀ there
  std::vector<Vec6> z_;  // L_i⁻¹·y_i
  std::vector<Vec6> rhs_, v_border_;  // chain right-hand side; columns of L⁻¹·B
};

}  // namespace spinelab::internal

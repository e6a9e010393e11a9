#include "forces/assembly.h"

#include <cmath>

namespace spinelab::internal {

namespace {
// J_aᵀ·G·J_b for point Jacobians J = [I, −[r]×]: the 6×6 block between two points.
Mat6 PointBlock(const Vec3& r_a, const Mat3& G, const Vec3& r_b) {
  const Mat3 Sa = Skew(r_a), Sb = Skew(r_b);
  Mat6 B;
  B.topLeftCorner<3, 3>() = G;
  B.topRightCorner<3, 3>() = -G * Sb;
  B.bottomLeftCorner<3, 3>() = Sa * G;
  B.bottomRightCorner<3, 3>() = -Sa * G * Sb;
  return B;
}
}  // namespace

void ForceAssembly::Reset(int num_free, bool tridiagonal, double h) {
  n_ = num_free;
  tridiagonal_ = tridiagonal;
  h_ = h;
  f_.assign(n_, Vec6::Zero());
  diag_.assign(n_, Mat6::Zero());
  if (tridiagonal_) {
    upper_.assign(n_ > 0 ? n_ - 1 : 0, Mat6::Zero());
  } else {
    dense_.setZero(6 * n_, 6 * n_);
  }
}

void ForceAssembly::AddDiag(int i, const Mat6& block) {
  if (tridiagonal_) {
    diag_[i] += block;
  } else {
    dense_.block<6, 6>(6 * i, 6 * i) += block;
  }
}

void ForceAssembly::AddBlock(int i, int j, const Mat6& block) {
  if (tridiagonal_) {
    // compile-time check guarantees |i − j| == 1
    if (j == i + 1) {
      upper_[i] += block;
    } else {
      upper_[j] += block.transpose();
    }
  } else {
    dense_.block<6, 6>(6 * i, 6 * j) += block;
    dense_.block<6, 6>(6 * j, 6 * i) += block.transpose();
  }
}

void ForceAssembly::AddPointPair(int fa, const Vec3& r_a, int fb, const Vec3& r_b, const Mat3& K,
                                 const Mat3& C, const Vec3& v_rel) {
  // stiffness correction: the spring force expected at the end of the step
  const Vec3 dF = h_ * (K * v_rel);
  AddForce(fa, r_a, dF);
  AddForce(fb, r_b, -dF);
  // matrix blocks of G = h²K + hC through the point Jacobians
  const Mat3 G = h_ * h_ * K + h_ * C;
  if (fa >= 0) AddDiag(fa, PointBlock(r_a, G, r_a));
  if (fb >= 0) AddDiag(fb, PointBlock(r_b, G, r_b));
  if (fa >= 0 && fb >= 0) AddBlock(fa, fb, -PointBlock(r_a, G, r_b));
}

void ForceAssembly::AddRotPair(int fa, int fb, const Mat3& K, const Mat3& C, const Vec3& w_rel) {
  const Vec3 dtau = h_ * (K * w_rel);
  AddTorque(fa, dtau);
  AddTorque(fb, -dtau);
  const Mat3 G = h_ * h_ * K + h_ * C;
  Mat6 B = Mat6::Zero();
  B.bottomRightCorner<3, 3>() = G;
  if (fa >= 0) AddDiag(fa, B);
  if (fb >= 0) AddDiag(fb, B);
  if (fa >= 0 && fb >= 0) AddBlock(fa, fb, -B);
}

void ForceAssembly::AddMass(int fi, double mass, const Mat3& I_W) {
  if (fi < 0) return;
  Mat6 B = Mat6::Zero();
  B.topLeftCorner<3, 3>() = mass * Mat3::Identity();
  B.bottomRightCorner<3, 3>() = I_W;
  AddDiag(fi, B);
}

bool ForceAssembly::AllFinite() const {
  for (const Vec6& f : f_) {
    if (!f.allFinite()) return false;
  }
  return true;
}

bool ForceAssembly::Solve(std::vector<Vec6>* dv) {
  dv->assign(n_, Vec6::Zero());
  if (n_ == 0) return true;
  if (!tridiagonal_) {
    Eigen::VectorXd rhs(6 * n_);
    for (int i = 0; i < n_; ++i) rhs.segment<6>(6 * i) = h_ * f_[i];
    Eigen::LLT<Eigen::MatrixXd> llt(dense_);
    if (llt.info() != Eigen::Success) return false;
    const Eigen::VectorXd x = llt.solve(rhs);
    for (int i = 0; i < n_; ++i) (*dv)[i] = x.segment<6>(6 * i);
    return x.allFinite();
  }
  // block Thomas algorithm: forward elimination with D_i = A_ii − A_i,i−1·D_{i−1}⁻¹·A_i−1,i
  d_.resize(n_);
  llt_.resize(n_);
  y_.resize(n_);
  d_[0] = diag_[0];
  y_[0] = h_ * f_[0];
  llt_[0].compute(d_[0]);
  if (llt_[0].info() != Eigen::Success) return false;
  for (int i = 1; i < n_; ++i) {
    const Mat6& U = upper_[i - 1];           // A_{i-1,i}; A_{i,i-1} = Uᵀ
    const Mat6 X = llt_[i - 1].solve(U);     // D_{i-1}⁻¹·U
    d_[i] = diag_[i] - U.transpose() * X;
    y_[i] = h_ * f_[i] - X.transpose() * y_[i - 1];
    llt_[i].compute(d_[i]);
    if (llt_[i].info() != Eigen::Success) return false;
  }
  // back substitution
  (*dv)[n_ - 1] = llt_[n_ - 1].solve(y_[n_ - 1]);
  for (int i = n_ - 2; i >= 0; --i) {
    (*dv)[i] = llt_[i].solve(y_[i] - upper_[i] * (*dv)[i + 1]);
  }
  for (const Vec6& x : *dv) {
    if (!x.allFinite()) return false;
  }
  return true;
}

}  // namespace spinelab::internal

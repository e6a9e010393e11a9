#include "forces/assembly.h"

#include <cmath>

namespace spinelab::internal {

namespace {
// G·[r]×: row i is (row_i(G) × r)ᵀ, since g·(r × v) = v·(g × r). With [r]×·G (column j is
// r × col_j(G)) these give the blocks of J_aᵀ·G·J_b for point Jacobians J = [I, −[r]×]:
//   [G, −G·[r_b]×; [r_a]×·G, −[r_a]×·G·[r_b]×]
// without forming a skew matrix (a 3×3 product costs 27 multiplications, a cross product 6).
inline Mat3 TimesSkew(const Mat3& G, const Vec3& r) {
  Mat3 out;
  for (int i = 0; i < 3; ++i) {
    out(i, 0) = G(i, 1) * r.z() - G(i, 2) * r.y();
    out(i, 1) = G(i, 2) * r.x() - G(i, 0) * r.z();
    out(i, 2) = G(i, 0) * r.y() - G(i, 1) * r.x();
  }
  return out;
}
inline Mat3 SkewTimes(const Vec3& r, const Mat3& G) {
  Mat3 out;
  for (int j = 0; j < 3; ++j) {
    out(0, j) = r.y() * G(2, j) - r.z() * G(1, j);
    out(1, j) = r.z() * G(0, j) - r.x() * G(2, j);
    out(2, j) = r.x() * G(1, j) - r.y() * G(0, j);
  }
  return out;
}
}  // namespace

bool Cholesky6::Compute(const Mat6& A) {
  for (int j = 0; j < 6; ++j) {
    double s = A(j, j);
    for (int k = 0; k < j; ++k) s -= L[j][k] * L[j][k];
    if (!(s > 0)) return false;
    const double d = std::sqrt(s);
    L[j][j] = d;
    inv_diag[j] = 1.0 / d;
    for (int i = j + 1; i < 6; ++i) {
      double t = A(i, j);
      for (int k = 0; k < j; ++k) t -= L[i][k] * L[j][k];
      L[i][j] = t * inv_diag[j];
    }
  }
  return true;
}

void Cholesky6::ForwardInPlace(double* x) const {
  for (int i = 0; i < 6; ++i) {
    double t = x[i];
    for (int k = 0; k < i; ++k) t -= L[i][k] * x[k];
    x[i] = t * inv_diag[i];
  }
}

void Cholesky6::BackwardInPlace(double* x) const {
  for (int i = 5; i >= 0; --i) {
    double t = x[i];
    for (int k = i + 1; k < 6; ++k) t -= L[k][i] * x[k];
    x[i] = t * inv_diag[i];
  }
}

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

void ForceAssembly::AddDiag(int i, const Mat3& tl, const Mat3& tr, const Mat3& bl, const Mat3& br) {
  auto add = [&](auto&& D) {
    D.template topLeftCorner<3, 3>() += tl;
    D.template topRightCorner<3, 3>() += tr;
    D.template bottomLeftCorner<3, 3>() += bl;
    D.template bottomRightCorner<3, 3>() += br;
  };
  if (tridiagonal_) add(diag_[i]); else add(dense_.block<6, 6>(6 * i, 6 * i));
}

void ForceAssembly::AddBlock(int i, int j, const Mat3& tl, const Mat3& tr, const Mat3& bl, const Mat3& br) {
  // (i, j) gets the block, (j, i) its transpose
  auto add = [&](auto&& B) {
    B.template topLeftCorner<3, 3>() += tl;
    B.template topRightCorner<3, 3>() += tr;
    B.template bottomLeftCorner<3, 3>() += bl;
    B.template bottomRightCorner<3, 3>() += br;
  };
  auto add_transposed = [&](auto&& B) {
    B.template topLeftCorner<3, 3>() += tl.transpose();
    B.template topRightCorner<3, 3>() += bl.transpose();
    B.template bottomLeftCorner<3, 3>() += tr.transpose();
    B.template bottomRightCorner<3, 3>() += br.transpose();
  };
  if (tridiagonal_) {
    // compile-time check guarantees |i − j| == 1
    if (j == i + 1) add(upper_[i]); else add_transposed(upper_[j]);
  } else {
    add(dense_.block<6, 6>(6 * i, 6 * j));
    add_transposed(dense_.block<6, 6>(6 * j, 6 * i));
  }
}

void ForceAssembly::AddPointPair(int fa, const Vec3& r_a, int fb, const Vec3& r_b, const Mat3& K,
                                 const Mat3& C, const Vec3& v_rel) {
  // stiffness correction: the spring force expected at the end of the step
  const Vec3 dF = h_ * (K * v_rel);
  AddForce(fa, r_a, dF);
  AddForce(fb, r_b, -dF);
  // matrix blocks of G = h²K + hC through the point Jacobians (TimesSkew above). G is symmetric,
  // so [r]×·G = −(G·[r]×)ᵀ and −[r]×·G·[r]× = [r]×·(−G·[r]×): five cross-product passes in all
  const Mat3 G = h_ * h_ * K + h_ * C;
  const Mat3 GSa = TimesSkew(G, r_a), GSb = TimesSkew(G, r_b);
  if (fa >= 0) AddDiag(fa, G, -GSa, -GSa.transpose(), -SkewTimes(r_a, GSa));
  if (fb >= 0) {
    AddDiag(fb, G, -GSb, -GSb.transpose(), -SkewTimes(r_b, GSb));
    if (fa >= 0) AddBlock(fa, fb, -G, GSb, GSa.transpose(), SkewTimes(r_a, GSb));
  }
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
  // block Thomas algorithm in Cholesky form. With D_i = L_i·L_iᵀ, W_i = L_i⁻¹·A_i,i+1 and
  // z_i = L_i⁻¹·y_i:  D_i = A_ii − W_{i−1}ᵀ·W_{i−1},  y_i = h·f_i − W_{i−1}ᵀ·z_{i−1},
  // Δv_i = L_i⁻ᵀ·(z_i − W_i·Δv_{i+1}): only triangular solves with fixed-size 6×6 factors
  chol_.resize(n_);
  w_.resize(n_);
  z_.resize(n_);
  if (!chol_[0].Compute(diag_[0])) return false;
  z_[0] = h_ * f_[0];
  chol_[0].ForwardInPlace(z_[0].data());
  for (int i = 1; i < n_; ++i) {
    Mat6& W = w_[i - 1];
    W = upper_[i - 1];  // A_{i-1,i}
    for (int c = 0; c < 6; ++c) chol_[i - 1].ForwardInPlace(W.col(c).data());
    if (!chol_[i].Compute(diag_[i] - W.transpose() * W)) return false;
    z_[i] = h_ * f_[i] - W.transpose() * z_[i - 1];
    chol_[i].ForwardInPlace(z_[i].data());
  }
  (*dv)[n_ - 1] = z_[n_ - 1];
  chol_[n_ - 1].BackwardInPlace((*dv)[n_ - 1].data());
  for (int i = n_ - 2; i >= 0; --i) {
    (*dv)[i] = z_[i] - w_[i] * (*dv)[i + 1];
    chol_[i].BackwardInPlace((*dv)[i].data());
  }
  for (const Vec6& x : *dv) {
    if (!x.allFinite()) return false;
  }
  return true;
}

}  // namespace spinelab::internal

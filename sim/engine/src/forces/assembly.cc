#include "forces/assembly.h"

#include <algorithm>
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

void ForceAssembly::Reset(int num_free, bool banded, double h, int num_border, int bandwidth) {
  n_ = num_free;
  tridiagonal_ = banded;
  nb_ = banded ? std::clamp(num_border, 0, num_free) : 0;
  nc_ = n_ - nb_;
  bw_ = std::max(1, bandwidth);
  h_ = h;
  f_.assign(n_, Vec6::Zero());
  if (tridiagonal_) {
    diag_.assign(nc_, Mat6::Zero());
    band_.assign(static_cast<size_t>(nc_) * bw_, Mat6::Zero());
    border_.assign(static_cast<size_t>(nc_) * nb_, Mat6::Zero());
    border_dense_.setZero(6 * nb_, 6 * nb_);
    border_first_.assign(nb_, nc_);
  } else {
    dense_.setZero(6 * n_, 6 * n_);
  }
}

void ForceAssembly::AddDiag(int i, const Mat6& block) {
  WithDiag(i, [&](auto&& D) { D += block; });
}

void ForceAssembly::AddBlock(int i, int j, const Mat6& block) {
  // (i, j) gets the block, (j, i) its transpose
  if (!tridiagonal_) {
    dense_.block<6, 6>(6 * i, 6 * j) += block;
    dense_.block<6, 6>(6 * j, 6 * i) += block.transpose();
  } else if (i < nc_ && j < nc_) {
    // chain bodies couple only within the band (World checks every element)
    if (j > i) Band(i, j - i) += block; else Band(j, i - j) += block.transpose();
  } else if (i < nc_) {
    BorderBlock(i, j - nc_) += block;
    border_first_[j - nc_] = std::min(border_first_[j - nc_], i);
  } else if (j < nc_) {
    BorderBlock(j, i - nc_) += block.transpose();
    border_first_[i - nc_] = std::min(border_first_[i - nc_], j);
  } else {
    border_dense_.block<6, 6>(6 * (i - nc_), 6 * (j - nc_)) += block;
    border_dense_.block<6, 6>(6 * (j - nc_), 6 * (i - nc_)) += block.transpose();
  }
}

void ForceAssembly::AddDiag(int i, const Mat3& tl, const Mat3& tr, const Mat3& bl, const Mat3& br) {
  WithDiag(i, [&](auto&& D) {
    D.template topLeftCorner<3, 3>() += tl;
    D.template topRightCorner<3, 3>() += tr;
    D.template bottomLeftCorner<3, 3>() += bl;
    D.template bottomRightCorner<3, 3>() += br;
  });
}

void ForceAssembly::AddBlock(int i, int j, const Mat3& tl, const Mat3& tr, const Mat3& bl, const Mat3& br) {
  // (i, j) gets the block, (j, i) its transpose; the quarters in place where storage allows
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
  if (!tridiagonal_) {
    add(dense_.block<6, 6>(6 * i, 6 * j));
    add_transposed(dense_.block<6, 6>(6 * j, 6 * i));
  } else if (i < nc_ && j < nc_) {
    // chain bodies couple only within the band (World checks every element)
    if (j > i) add(Band(i, j - i)); else add_transposed(Band(j, i - j));
  } else {
    Mat6 B;
    B << tl, tr, bl, br;
    AddBlock(i, j, B);  // a border body's coupling
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
  // only the rotation quarters: the blocks are [0, 0; 0, G]
  const Mat3 G = h_ * h_ * K + h_ * C;
  if (fa >= 0) WithDiag(fa, [&](auto&& D) { D.template bottomRightCorner<3, 3>() += G; });
  if (fb >= 0) WithDiag(fb, [&](auto&& D) { D.template bottomRightCorner<3, 3>() += G; });
  if (fa >= 0 && fb >= 0) AddBlock(fa, fb, Mat3::Zero(), Mat3::Zero(), Mat3::Zero(), -G);
}

void ForceAssembly::AddMass(int fi, double mass, const Mat3& I_W) {
  if (fi < 0) return;
  WithDiag(fi, [&](auto&& D) {
    D(0, 0) += mass;
    D(1, 1) += mass;
    D(2, 2) += mass;
    D.template bottomRightCorner<3, 3>() += I_W;
  });
}

bool ForceAssembly::AllFinite() const {
  for (const Vec6& f : f_) {
    if (!f.allFinite()) return false;
  }
  return true;
}

bool ForceAssembly::FactorChain() {
  // block Cholesky of the banded chain, T = L·Lᵀ, row by row. The factor's off-diagonal blocks
  // are kept transposed, U_j,i = L_i,jᵀ = L_j⁻¹·(A_j,i − Σ_k U_k,jᵀ·U_k,i) for the rows
  // j = i − bw .. i − 1 (k over the rows above j inside both bands), and the diagonal block
  // L_i is the Cholesky factor of D_i = A_ii − Σ_j U_j,iᵀ·U_j,i: only triangular solves with
  // fixed-size 6×6 factors. With bw = 1 this is the block Thomas algorithm (U = L_i−1⁻¹·A_i−1,i).
  chol_.resize(nc_);
  u_.resize(static_cast<size_t>(nc_) * bw_);  // U(i, d) with i + d >= nc_ is never read
  z_.resize(nc_);
  if (!chol_[0].Compute(diag_[0])) return false;
  for (int i = 1; i < nc_; ++i) {
    const int j0 = std::max(0, i - bw_);
    for (int j = j0; j < i; ++j) {
      Mat6& Uji = U(j, i - j);
      Uji = Band(j, i - j);  // A_j,i
      for (int k = j0; k < j; ++k) Uji -= U(k, j - k).transpose() * U(k, i - k);
      for (int c = 0; c < 6; ++c) chol_[j].ForwardInPlace(Uji.col(c).data());
    }
    Mat6 D = diag_[i] - U(i - 1, 1).transpose() * U(i - 1, 1);
    for (int j = i - 2; j >= j0; --j) D -= U(j, i - j).transpose() * U(j, i - j);
    if (!chol_[i].Compute(D)) return false;
  }
  return true;
}

void ForceAssembly::Forward(const Vec6* b, Vec6* z, int first) const {
  // z_i = L_i⁻¹·(b_i − Σ_j U_j,iᵀ·z_j); zero above the first non-zero b_i
  for (int i = 0; i < first; ++i) z[i].setZero();
  z[first] = b[first];
  chol_[first].ForwardInPlace(z[first].data());
  for (int i = first + 1; i < nc_; ++i) {
    z[i] = b[i] - U(i - 1, 1).transpose() * z[i - 1];
    for (int j = i - 2; j >= std::max(first, i - bw_); --j) z[i] -= U(j, i - j).transpose() * z[j];
    chol_[i].ForwardInPlace(z[i].data());
  }
}

void ForceAssembly::Backward(const Vec6* z, Vec6* x) const {
  // x_i = L_i⁻ᵀ·(z_i − Σ_d U_i,i+d·x_i+d)
  x[nc_ - 1] = z[nc_ - 1];
  chol_[nc_ - 1].BackwardInPlace(x[nc_ - 1].data());
  for (int i = nc_ - 2; i >= 0; --i) {
    x[i] = z[i] - U(i, 1) * x[i + 1];
    for (int d = 2; d <= bw_ && i + d < nc_; ++d) x[i] -= U(i, d) * x[i + d];
    chol_[i].BackwardInPlace(x[i].data());
  }
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
  rhs_.resize(nc_);
  for (int i = 0; i < nc_; ++i) rhs_[i] = h_ * f_[i];
  if (nc_ > 0 && !FactorChain()) return false;
  if (nc_ > 0) Forward(rhs_.data(), z_.data());  // z = L⁻¹·h·f_chain
  if (nb_ > 0) {
    // border: [T B; Bᵀ D]·[x; u] = [r; s]. With V = L⁻¹·B and z = L⁻¹·r:
    // (D − Vᵀ·V)·u = s − Vᵀ·z,  x = L⁻ᵀ·(z − V·u). One forward sweep per column of B (from
    // the first chain body it touches), one backward sweep in all; a pad touching nothing: none
    const int m = 6 * nb_;
    v_border_.resize(static_cast<size_t>(nc_) * m);
    Eigen::MatrixXd S = border_dense_;
    Eigen::VectorXd s(m);
    for (int p = 0; p < nb_; ++p) s.segment<6>(6 * p) = h_ * f_[nc_ + p];
    auto V = [&](int c) { return v_border_.data() + static_cast<size_t>(c) * nc_; };
    for (int c = 0; c < m; ++c) {
      const int p = c / 6, k = c % 6, first = border_first_[p];
      if (first >= nc_) continue;  // not coupled to the chain this step
      for (int i = first; i < nc_; ++i) rhs_[i] = BorderBlock(i, p).col(k);
      Forward(rhs_.data(), V(c), first);
      for (int i = first; i < nc_; ++i) s(c) -= V(c)[i].dot(z_[i]);
    }
    for (int c = 0; c < m; ++c) {
      const int fc = border_first_[c / 6];
      if (fc >= nc_) continue;
      for (int r = 0; r <= c; ++r) {
        const int fr = border_first_[r / 6];
        if (fr >= nc_) continue;
        double d = 0;
        for (int i = std::max(fc, fr); i < nc_; ++i) d += V(r)[i].dot(V(c)[i]);
        S(r, c) -= d;
        if (r != c) S(c, r) -= d;
      }
    }
    Eigen::LLT<Eigen::MatrixXd> llt(S);
    if (llt.info() != Eigen::Success) return false;
    const Eigen::VectorXd u = llt.solve(s);
    for (int p = 0; p < nb_; ++p) (*dv)[nc_ + p] = u.segment<6>(6 * p);
    for (int c = 0; c < m; ++c) {
      const int fc = border_first_[c / 6];
      if (fc >= nc_) continue;
      for (int i = fc; i < nc_; ++i) z_[i] -= u(c) * V(c)[i];
    }
  }
  if (nc_ > 0) Backward(z_.data(), dv->data());
  for (const Vec6& x : *dv) {
    if (!x.allFinite()) return false;
  }
  return true;
}

}  // namespace spinelab::internal

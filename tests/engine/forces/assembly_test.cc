// The implicit-step assembly against the textbook formula: A = M + Σ Jᵀ(h²K + hC)J with point
// Jacobians J = [I, −[r]×], built densely here and solved with Eigen, must equal what the
// assembly's blocks and its fixed-size block Thomas solve give.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "forces/assembly.h"

namespace spinelab {
namespace {

using internal::ForceAssembly;
using Mat = Eigen::MatrixXd;

constexpr double kH = 2e-3;

struct Pair {
  int a, b;  // free body indices (-1: ground)
  Vec3 ra, rb;
  Mat3 K, C;
  Vec3 v_rel;
};

// J of the point at r of body i in the 18-dof system: velocity of the point = J·v
Mat PointJ(int i, const Vec3& r) {
  Mat J = Mat::Zero(3, 18);
  if (i < 0) return J;
  J.block<3, 3>(0, 6 * i) = Mat3::Identity();
  J.block<3, 3>(0, 6 * i + 3) = -Skew(r);
  return J;
}

TEST(Assembly, BlocksAndThomasSolveEqualTheDenseTextbookSystem) {
  Mat3 K1, K2;
  K1 << 5e4, 1e3, -2e3, 1e3, 3e4, 500, -2e3, 500, 8e4;
  const Vec3 n = Vec3(0.3, -0.5, 0.8).normalized();
  K2 = 4e4 * n * n.transpose() + 900 * (Mat3::Identity() - n * n.transpose());
  const std::vector<Pair> pairs = {
      {0, 1, Vec3(0.01, 0.02, -0.015), Vec3(-0.012, 0.01, 0.02), K1, 0.01 * K1, Vec3(0.3, 0.1, -0.2)},
      {1, 2, Vec3(0.02, -0.01, 0.03), Vec3(0.005, 0.015, -0.02), K2, 30 * n * n.transpose(), Vec3(-0.1, 0.2, 0.05)},
      {-1, 0, Vec3::Zero(), Vec3(0.0, 0.03, 0.01), 0.5 * K1, 0.02 * K1, Vec3(0.0, -0.1, 0.1)},
  };
  ForceAssembly asmb;
  asmb.Reset(3, true, kH);
  Mat A = Mat::Zero(18, 18);
  Eigen::VectorXd f = Eigen::VectorXd::Zero(18);
  for (int i = 0; i < 3; ++i) {
    Mat3 I = Mat3::Identity() * (0.01 + 0.002 * i);
    I(0, 1) = I(1, 0) = 0.001;
    asmb.AddMass(i, 1.0 + 0.3 * i, I);
    A.block<3, 3>(6 * i, 6 * i) += (1.0 + 0.3 * i) * Mat3::Identity();
    A.block<3, 3>(6 * i + 3, 6 * i + 3) += I;
  }
  for (const Pair& p : pairs) {
    asmb.AddPointPair(p.a, p.ra, p.b, p.rb, p.K, p.C, p.v_rel);
    const Mat Jrel = PointJ(p.b, p.rb) - PointJ(p.a, p.ra);  // v_b − v_a of the points
    A += Jrel.transpose() * (kH * kH * p.K + kH * p.C) * Jrel;
    // the stiffness correction −h·K·v_rel on b, +h·K·v_rel on a, at the points
    f -= Jrel.transpose() * (kH * p.K * p.v_rel);
  }
  std::vector<Vec6> dv;
  ASSERT_TRUE(asmb.Solve(&dv));
  const Eigen::VectorXd x = A.llt().solve(kH * f);
  for (int i = 0; i < 3; ++i) {
    EXPECT_LT((dv[i] - x.segment<6>(6 * i)).norm(), 1e-9 * x.norm()) << "body " << i;
    EXPECT_GT(x.segment<6>(6 * i).norm(), 1e-9);
  }
}

// J of the point at r of body i in an n-body system
Mat PointJn(int n, int i, const Vec3& r) {
  Mat J = Mat::Zero(3, 6 * n);
  if (i < 0) return J;
  J.block<3, 3>(0, 6 * i) = Mat3::Identity();
  J.block<3, 3>(0, 6 * i + 3) = -Skew(r);
  return J;
}

// adds the point pairs to the assembly and to the dense textbook system (A, f)
void AddPairs(const std::vector<Pair>& pairs, int n, ForceAssembly* asmb, Mat* A, Eigen::VectorXd* f) {
  for (const Pair& p : pairs) {
    asmb->AddPointPair(p.a, p.ra, p.b, p.rb, p.K, p.C, p.v_rel);
    const Mat Jrel = PointJn(n, p.b, p.rb) - PointJn(n, p.a, p.ra);
    *A += Jrel.transpose() * (kH * kH * p.K + kH * p.C) * Jrel;
    *f -= Jrel.transpose() * (kH * p.K * p.v_rel);
  }
}

// the assembly's solve equals the dense solve of A·x = h·f, body by body
void ExpectSolvesLikeDense(ForceAssembly* asmb, const Mat& A, const Eigen::VectorXd& f, int n, const std::string& what) {
  std::vector<Vec6> dv;
  ASSERT_TRUE(asmb->Solve(&dv)) << what;
  const Eigen::VectorXd x = A.llt().solve(kH * f);
  for (int i = 0; i < n; ++i) {
    EXPECT_LT((dv[i] - x.segment<6>(6 * i)).norm(), 1e-9 * x.norm()) << what << ", body " << i;
    EXPECT_GT(x.segment<6>(6 * i).norm(), 1e-9);
  }
}

TEST(Assembly, BorderBodiesCoupleToAnyChainBodyAndSolveLikeTheDenseSystem) {
  // a chain 0-1-2-3 and two border bodies (hand pads, free indices 4 and 5) touching bodies 0,
  // 2 and 3 and each other: the bordered Thomas solve must equal the dense textbook system
  constexpr int n = 6;
  Mat3 K1;
  K1 << 5e4, 1e3, -2e3, 1e3, 3e4, 500, -2e3, 500, 8e4;
  const Vec3 nrm = Vec3(0.3, -0.5, 0.8).normalized();
  const Mat3 Kc = 2e4 * nrm * nrm.transpose();
  const Mat3 Cc = 50 * nrm * nrm.transpose() + 2e4 * (Mat3::Identity() - nrm * nrm.transpose());  // stiff friction damper
  const std::vector<Pair> pairs = {
      {0, 1, Vec3(0.01, 0.02, -0.015), Vec3(-0.012, 0.01, 0.02), K1, 0.01 * K1, Vec3(0.3, 0.1, -0.2)},
      {1, 2, Vec3(0.02, -0.01, 0.03), Vec3(0.005, 0.015, -0.02), K1, 0.02 * K1, Vec3(-0.1, 0.2, 0.05)},
      {2, 3, Vec3(-0.01, 0.0, 0.02), Vec3(0.0, 0.01, -0.01), 0.7 * K1, 0.01 * K1, Vec3(0.05, 0.0, 0.1)},
      {-1, 0, Vec3::Zero(), Vec3(0.0, 0.03, 0.01), 0.5 * K1, 0.02 * K1, Vec3(0.0, -0.1, 0.1)},
      {4, 2, Vec3(0.0, 0.0, -0.015), Vec3(-0.07, 0.01, 0.0), Kc, Cc, Vec3(0.01, -0.02, 0.03)},
      {0, 4, Vec3(-0.06, 0.0, 0.01), Vec3(0.0, 0.01, 0.015), Kc, Cc, Vec3(-0.02, 0.0, 0.01)},
      {3, 5, Vec3(-0.05, 0.02, 0.0), Vec3(0.01, 0.0, -0.01), Kc, Cc, Vec3(0.0, 0.04, -0.01)},
      {4, 5, Vec3(0.02, 0.0, 0.0), Vec3(-0.02, 0.0, 0.0), 0.1 * Kc, 0.1 * Cc, Vec3(0.01, 0.01, 0.0)},
  };
  ForceAssembly asmb;
  asmb.Reset(n, true, kH, 2);
  Mat A = Mat::Zero(6 * n, 6 * n);
  Eigen::VectorXd f = Eigen::VectorXd::Zero(6 * n);
  for (int i = 0; i < n; ++i) {
    const double m = i < 4 ? 1.0 + 0.3 * i : 0.6;
    Mat3 I = Mat3::Identity() * (0.01 + 0.002 * i);
    I(0, 1) = I(1, 0) = 0.001;
    asmb.AddMass(i, m, I);
    A.block<3, 3>(6 * i, 6 * i) += m * Mat3::Identity();
    A.block<3, 3>(6 * i + 3, 6 * i + 3) += I;
    const Vec3 F(0.1 * i, -2.0 + i, 9.81 * m), T(0.01, -0.02 * i, 0.005);
    asmb.AddForce(i, Vec3(0.001, 0.0, 0.002), F);
    asmb.AddTorque(i, T);
    f.segment<3>(6 * i) += F;
    f.segment<3>(6 * i + 3) += Vec3(0.001, 0.0, 0.002).cross(F) + T;
  }
  AddPairs(pairs, n, &asmb, &A, &f);
  ExpectSolvesLikeDense(&asmb, A, f, n, "chain with border bodies");
}

TEST(Assembly, BandedChainsSolveLikeTheDenseSystem) {
  // a chain of 7 bodies coupled up to 2 (then 3) apart, as a vertebra with a body interleaved
  // beside it would be, plus one border body touching two of them: the banded block Cholesky
  // must equal the dense textbook system
  Mat3 K1;
  K1 << 5e4, 1e3, -2e3, 1e3, 3e4, 500, -2e3, 500, 8e4;
  for (const int bw : {2, 3}) {
    constexpr int n = 8, nb = 1;
    std::vector<Pair> pairs;
    for (int i = 0; i + 1 < n - nb; ++i)
      pairs.push_back({i, i + 1, Vec3(0.01, 0.02 * i, -0.015), Vec3(-0.012, 0.01, 0.02), (1.0 + 0.1 * i) * K1, 0.01 * K1, Vec3(0.3, 0.1 * i, -0.2)});
    for (int i = 0; i + bw < n - nb; i += 2)
      pairs.push_back({i, i + bw, Vec3(0.0, -0.03, 0.01), Vec3(0.02, 0.0, -0.01), 0.4 * K1, 0.02 * K1, Vec3(-0.1, 0.05, 0.1)});
    pairs.push_back({-1, 0, Vec3::Zero(), Vec3(0.0, 0.03, 0.01), 0.5 * K1, 0.02 * K1, Vec3(0.0, -0.1, 0.1)});
    pairs.push_back({7, 2, Vec3(0.0, 0.0, -0.015), Vec3(-0.07, 0.01, 0.0), 0.2 * K1, 0.05 * K1, Vec3(0.01, -0.02, 0.03)});
    pairs.push_back({5, 7, Vec3(-0.05, 0.02, 0.0), Vec3(0.01, 0.0, -0.01), 0.2 * K1, 0.05 * K1, Vec3(0.0, 0.04, -0.01)});
    ForceAssembly asmb;
    asmb.Reset(n, true, kH, nb, bw);
    Mat A = Mat::Zero(6 * n, 6 * n);
    Eigen::VectorXd f = Eigen::VectorXd::Zero(6 * n);
    for (int i = 0; i < n; ++i) {
      const double m = 0.5 + 0.2 * i;
      Mat3 I = Mat3::Identity() * (0.01 + 0.002 * i);
      I(0, 2) = I(2, 0) = 0.001;
      asmb.AddMass(i, m, I);
      A.block<3, 3>(6 * i, 6 * i) += m * Mat3::Identity();
      A.block<3, 3>(6 * i + 3, 6 * i + 3) += I;
      const Vec3 F(0.1 * i, -2.0 + i, 9.81 * m);
      asmb.AddForce(i, Vec3(0.001, 0.0, 0.002), F);
      f.segment<3>(6 * i) += F;
      f.segment<3>(6 * i + 3) += Vec3(0.001, 0.0, 0.002).cross(F);
    }
    const Mat3 Kr = Vec3(20, 30, 40).asDiagonal(), Cr = Vec3(0.1, 0.2, 0.1).asDiagonal();
    asmb.AddRotPair(1, 1 + bw, Kr, Cr, Vec3(0.2, -0.1, 0.3));
    {
      Mat Jw = Mat::Zero(3, 6 * n);
      Jw.block<3, 3>(0, 6 * (1 + bw) + 3) = Mat3::Identity();
      Jw.block<3, 3>(0, 6 * 1 + 3) = -Mat3::Identity();
      A += Jw.transpose() * (kH * kH * Kr + kH * Cr) * Jw;
      f -= Jw.transpose() * (kH * Kr * Vec3(0.2, -0.1, 0.3));
    }
    AddPairs(pairs, n, &asmb, &A, &f);
    ExpectSolvesLikeDense(&asmb, A, f, n, "bandwidth " + std::to_string(bw));
  }
}

TEST(Assembly, ANonPositiveSystemIsReportedNotSolved) {
  ForceAssembly a;
  a.Reset(2, true, 1e-3);
  a.AddMass(0, 1.0, Mat3::Identity() * 0.01);
  a.AddMass(1, -1.0, Mat3::Identity() * 0.01);  // a negative mass: not positive definite
  std::vector<Vec6> dv;
  EXPECT_FALSE(a.Solve(&dv));
}

}  // namespace
}  // namespace spinelab

#pragma once
/// @file math.h
/// Eigen aliases and small rotation helpers used throughout spinelab (SI units, radians).
/// Frame notation follows Drake's monogram convention: p_AB_C is the position of B relative to A
/// expressed in C; R_AB rotates vectors from B to A; X_AB is the pose of B in A.

#include <cmath>

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace spinelab {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
using Vec6 = Eigen::Matrix<double, 6, 1>;
using Mat6 = Eigen::Matrix<double, 6, 6>;
using Quat = Eigen::Quaterniond;

/// Rigid pose: rotation R (B to parent) and translation p (origin of B in parent), both SI.
struct Pose {
  Mat3 R = Mat3::Identity();  ///< [-] rotation from child to parent frame
  Vec3 p = Vec3::Zero();      ///< [m] child origin in parent frame

  Vec3 operator*(const Vec3& v) const { return R * v + p; }
  Pose operator*(const Pose& o) const { return Pose{R * o.R, R * o.p + p}; }
  Pose Inverse() const { return Pose{R.transpose(), -(R.transpose() * p)}; }
};

/// Skew-symmetric cross-product matrix: Skew(a) * b == a.cross(b).
inline Mat3 Skew(const Vec3& a) {
  Mat3 s;
  s << 0, -a.z(), a.y(), a.z(), 0, -a.x(), -a.y(), a.x(), 0;
  return s;
}

/// Rotation vector (axis * angle, |angle| <= pi) of a rotation matrix (the SO(3) log map).
inline Vec3 RotationVector(const Mat3& R) {
  const Eigen::AngleAxisd aa(R);
  return aa.axis() * aa.angle();
}

/// Rotation matrix of a rotation vector (the SO(3) exp map).
inline Mat3 RotationFromVector(const Vec3& theta) {
  const double angle = theta.norm();
  if (angle < 1e-300) return Mat3::Identity();
  return Eigen::AngleAxisd(angle, theta / angle).toRotationMatrix();
}

/// Elementary rotations about body x, y, z [rad].
// a frame whose z axis is the direction n (x and y completed from the world x axis, or y when n
// is near x)
inline Mat3 FrameAlongZ(const Vec3& n) {
  const Vec3 z = n.normalized();
  const Vec3 ref = std::abs(z.x()) < 0.9 ? Vec3::UnitX() : Vec3::UnitY();
  const Vec3 y = z.cross(ref).normalized();
  Mat3 R;
  R.col(0) = y.cross(z);
  R.col(1) = y;
  R.col(2) = z;
  return R;
}

inline Mat3 RotX(double a) { return Eigen::AngleAxisd(a, Vec3::UnitX()).toRotationMatrix(); }
inline Mat3 RotY(double a) { return Eigen::AngleAxisd(a, Vec3::UnitY()).toRotationMatrix(); }
inline Mat3 RotZ(double a) { return Eigen::AngleAxisd(a, Vec3::UnitZ()).toRotationMatrix(); }

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegToRad = kPi / 180.0;
constexpr double kRadToDeg = 180.0 / kPi;

}  // namespace spinelab

#include "camera.h"

#include <algorithm>
#include <cmath>

#include "spinelab/sim/math.h"

namespace spinelab::viewer {

Eigen::Vector3f Camera::Eye() const {
  return target + distance_m * Eigen::Vector3f(std::cos(pitch_rad) * std::cos(yaw_rad), std::cos(pitch_rad) * std::sin(yaw_rad),
                                               std::sin(pitch_rad));
}

Eigen::Matrix4f Camera::View() const {
  const Eigen::Vector3f eye = Eye();
  const Eigen::Vector3f f = (target - eye).normalized();
  const Eigen::Vector3f s = f.cross(Eigen::Vector3f::UnitZ()).normalized();
  const Eigen::Vector3f u = s.cross(f);
  Eigen::Matrix4f V = Eigen::Matrix4f::Identity();
  V.block<1, 3>(0, 0) = s.transpose();
  V.block<1, 3>(1, 0) = u.transpose();
  V.block<1, 3>(2, 0) = -f.transpose();
  V(0, 3) = -s.dot(eye);
  V(1, 3) = -u.dot(eye);
  V(2, 3) = f.dot(eye);
  return V;
}

Eigen::Matrix4f Camera::Projection(float aspect) const {
  const float n = 0.02f, far = 20.f, t = std::tan(0.5f * fov_rad);
  Eigen::Matrix4f P = Eigen::Matrix4f::Zero();
  P(0, 0) = 1.f / (aspect * t);
  P(1, 1) = 1.f / t;
  P(2, 2) = -(far + n) / (far - n);
  P(2, 3) = -2.f * far * n / (far - n);
  P(3, 2) = -1.f;
  return P;
}

bool SetView(const std::string& v, Camera* c) {
  if (v == "back") c->yaw_rad = static_cast<float>(kPi), c->pitch_rad = 0.1f;
  else if (v == "top") c->yaw_rad = 1.5708f, c->pitch_rad = 1.45f;
  else if (v == "above_back") c->yaw_rad = static_cast<float>(kPi) - 0.5f, c->pitch_rad = 0.85f;
  else if (v == "auto") return true;  // chosen from the run by the app state (ChooseView)
  else if (v == "side") c->yaw_rad = 1.5708f, c->pitch_rad = 0.12f;  // the subject's left
  else return false;
  return true;
}

void FrameBodies(const viz::Frame& f, Camera* c) {
  if (f.X_WB.empty()) return;
  Eigen::Vector3f lo = Eigen::Vector3f::Constant(1e9f), hi = -lo;
  for (const auto& X : f.X_WB) {
    lo = lo.cwiseMin(X.p.cast<float>());
    hi = hi.cwiseMax(X.p.cast<float>());
  }
  c->target = 0.5f * (lo + hi);
  c->distance_m = std::max(0.6f, 1.5f * (hi - lo).norm());
}

void FrameDrawList(const std::vector<viz::DrawItem>& items, Camera* c) {
  Eigen::Vector3f lo = Eigen::Vector3f::Constant(1e9f), hi = -lo;
  int n = 0;
  for (const viz::DrawItem& it : items) {
    if (it.body < 0 || it.mesh == viz::Mesh::kPlane || it.skin || it.color.a < 1.f) continue;  // the figure only
    const Eigen::Vector3f p = it.model.block<3, 1>(0, 3);
    const float r = it.model.block<3, 3>(0, 0).colwise().norm().maxCoeff();  // the piece's half size
    lo = lo.cwiseMin(p - Eigen::Vector3f::Constant(r));
    hi = hi.cwiseMax(p + Eigen::Vector3f::Constant(r));
    ++n;
  }
  if (n == 0) return;
  c->target = 0.5f * (lo + hi);
  const float radius = 0.5f * (hi - lo).norm();
  c->distance_m = std::max(0.6f, 1.05f * radius / std::tan(0.5f * c->fov_rad));
}

void ChooseView(const TechniqueAxes& t, Camera* c) {
  const Vec3 up = Vec3::UnitZ();
  const bool upright = std::abs(t.trunk_W.dot(up)) > 0.5;
  // of a direction and its opposite: the one above the floor, else the one on the subject's left
  auto side = [&](const Vec3& v) {
    if (std::abs(v.dot(up)) > 0.3) return v.dot(up) > 0 ? v : Vec3(-v);
    return v.dot(t.left_W) >= 0 || std::abs(t.left_W.dot(up)) > 0.7 ? v : Vec3(-v);
  };
  Vec3 eye;
  const double M = t.torque_Nm, F = 0.1 * t.force_N;  // [N·m] forces at a 0.1 m lever
  if (M > 0 && M >= F) {
    const Vec3 a = t.torque_axis_W.normalized();
    if (std::abs(a.dot(t.trunk_W)) > 0.7) {  // a twist: from the head end, behind or above
      eye = 0.6 * t.trunk_W + 0.8 * (upright ? Vec3(-t.anterior_W) : up);
    } else {  // a bend: square to its plane, from the subject's left, a little above
      eye = side(a) + 0.25 * up;
    }
  } else if (F > 0 && std::abs(t.force_axis_W.normalized().dot(t.trunk_W)) < 0.7) {  // a push across the trunk
    eye = t.trunk_W.cross(t.force_axis_W.normalized());
    if (eye.norm() < 1e-6) eye = t.left_W;
    eye = side(eye.normalized()) + 0.35 * up;
  } else if (F > 0 || t.hanging || upright) {  // a traction or a hang: from the front and side
    eye = 0.8 * t.anterior_W + 0.6 * t.left_W;
    eye.z() = 0;
    eye = eye.normalized() + 0.2 * up;
  } else {
    eye = side(t.left_W) + 0.3 * up;
  }
  eye.normalize();
  c->yaw_rad = static_cast<float>(std::atan2(eye.y(), eye.x()));
  c->pitch_rad = static_cast<float>(std::clamp(std::asin(std::clamp(eye.z(), -1.0, 1.0)), -1.45, 1.45));
}

void Orbit(float dx, float dy, Camera* c) {
  c->yaw_rad -= 0.005f * dx;
  c->pitch_rad = std::clamp(c->pitch_rad + 0.005f * dy, -1.5f, 1.5f);
}

void Pan(float dx, float dy, Camera* c) {
  const Eigen::Matrix4f V = c->View();
  c->target += c->distance_m * 0.0015f * (-dx * V.block<1, 3>(0, 0).transpose() + dy * V.block<1, 3>(1, 0).transpose());
}

void Zoom(float wheel, Camera* c) { c->distance_m *= std::pow(0.9f, wheel); }

std::optional<Eigen::Vector2f> ProjectToViewport(const Camera& c, const Vec3& p_W, int x, int y, int w, int h) {
  const Eigen::Vector4f clip =
      c.Projection(static_cast<float>(w) / std::max(h, 1)) * c.View() * Eigen::Vector4f(p_W.x(), p_W.y(), p_W.z(), 1.f);
  if (clip.w() <= 1e-6f) return std::nullopt;
  const float nx = clip.x() / clip.w(), ny = clip.y() / clip.w();
  return Eigen::Vector2f(x + 0.5f * (nx + 1.f) * w, y + 0.5f * (1.f - ny) * h);
}

Camera CloseUpCamera(const viz::CloseUp& cu, const Camera& main) {
  Camera c;
  c.target = cu.centre_W.cast<float>();
  // across the normal, as level as the normal allows
  Eigen::Vector3f n = cu.normal_W.cast<float>(), e = Eigen::Vector3f::UnitZ().cross(n);
  if (e.norm() < 0.1f) e = Eigen::Vector3f::UnitX().cross(n);
  e.normalize();
  if (e.dot(main.Eye() - c.target) < 0) e = -e;
  c.yaw_rad = std::atan2(e.y(), e.x());
  c.pitch_rad = std::asin(std::clamp(e.z(), -1.f, 1.f));
  c.fov_rad = 0.6f;
  // framing the capsule (1.15 r across) and the drawn gap with both surfaces (along the normal)
  const double extent_m = std::max(1.15 * cu.radius_m, 0.5 * viz::kCloseUpGapScale * std::abs(cu.gap_m) + 0.0025);
  c.distance_m = static_cast<float>(std::max(1.3 * extent_m / std::tan(0.5 * c.fov_rad), 0.01));
  return c;
}

Viewport CloseUpViewport(int w, int h) {
  const int x0 = SceneViewX(w), side = std::max(64, std::min((w - x0) * 2 / 5, h * 2 / 5));
  return {w - side - 12, 12, side, side};
}

int SceneViewX(int framebuffer_width) { return std::min(framebuffer_width / 3, 440); }

}  // namespace spinelab::viewer

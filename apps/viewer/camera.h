#pragma once
// The orbit camera of the 3D view and where the view sits in the window (no GL: the app state
// and its tests use it without a context).
#include <optional>
#include <string>

#include <Eigen/Dense>

#include "spinelab/viz/scene.h"

namespace spinelab::viewer {

struct Camera {
  float yaw_rad = 1.5708f;    // 90 deg: looking at the subject's left side
  float pitch_rad = 0.15f;
  float distance_m = 1.6f;
  Eigen::Vector3f target = Eigen::Vector3f(0, 0, 0.35f);
  float fov_rad = 0.8f;
  Eigen::Matrix4f View() const;
  Eigen::Matrix4f Projection(float aspect) const;
  Eigen::Vector3f Eye() const;
};

/// The named views ("side": the subject's left, "back", "top", "above_back": from behind and
/// above, where a twist shows past the head), as the --view option lists them.
inline constexpr const char* kViewNames[] = {"side", "back", "top", "above_back"};
/// Turns the camera to a named view; false (camera unchanged) for a name not in kViewNames.
bool SetView(const std::string& name, Camera* camera);
/// Frames the bodies: target at their centre, distance to fit.
void FrameBodies(const viz::Frame& frame, Camera* camera);
/// Mouse orbit, pan and zoom [px of mouse travel; wheel notches].
void Orbit(float dx_px, float dy_px, Camera* camera);
void Pan(float dx_px, float dy_px, Camera* camera);
void Zoom(float wheel, Camera* camera);

/// Where a world point [m] lands in a viewport (x, y, width, height; pixels, y down from the
/// viewport's top edge, offset by x, y), or nothing when it is behind the camera.
std::optional<Eigen::Vector2f> ProjectToViewport(const Camera& camera, const Vec3& p_W, int x, int y, int width, int height);

/// The inset's camera for a joint close-up: at the joint, looking along its surfaces (across the
/// normal, so the gap shows), level, from the side the main camera sees it from, framing the
/// surface and the capsule.
Camera CloseUpCamera(const viz::CloseUp& closeup, const Camera& main);
/// The inset's viewport (x, y from the framebuffer's bottom left, width, height [px]) in the
/// lower right corner of the 3D view.
struct Viewport {
  int x = 0, y = 0, width = 0, height = 0;
};
Viewport CloseUpViewport(int framebuffer_width, int framebuffer_height);

/// Left edge [px] of the 3D view: the control panel keeps the strip left of it, so the scene is
/// framed and picked in the rest of the window (a body behind the panel could not be seen).
int SceneViewX(int framebuffer_width);

}  // namespace spinelab::viewer

#pragma once
// The orbit camera of the 3D view and where the view sits in the window (no GL: the app state
// and its tests use it without a context).
#include <optional>
#include <string>
#include <vector>

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

/// The named views ("auto": the view in which the run's technique shows, ChooseView; "side": the
/// subject's left, "back", "top", "above_back": from behind and above, where a twist shows past
/// the head), as the --view option lists them.
inline constexpr const char* kViewNames[] = {"auto", "side", "back", "top", "above_back"};
/// Turns the camera to a named view; false (camera unchanged) for a name not in kViewNames
/// ("auto" leaves it unchanged: the app state chooses it from the run).
bool SetView(const std::string& name, Camera* camera);
/// Frames the bodies: target at their centre, distance to fit.
void FrameBodies(const viz::Frame& frame, Camera* camera);
/// Frames the figure as drawn: target at the centre of the bodies' drawn pieces (the scene's
/// objects, the shadows and the skin left out), distance to fit them all in the view's height.
void FrameDrawList(const std::vector<viz::DrawItem>& items, Camera* camera);

/// What a technique does to the trunk, for choosing the view in which it shows: the dominant
/// axis (unit, W, sign-free) and size of its applied moments [N·m] and forces [N], the trunk's
/// long axis (pelvis to neck, unit, W), its anterior and left (unit, W), and whether it hangs.
struct TechniqueAxes {
  Vec3 torque_axis_W = Vec3::Zero();
  double torque_Nm = 0;
  Vec3 force_axis_W = Vec3::Zero();
  double force_N = 0;
  Vec3 trunk_W = Vec3::UnitZ(), anterior_W = Vec3::UnitX(), left_W = Vec3::UnitY();
  bool hanging = false;
};
/// The view in which the technique shows (turns the camera; distance and target stay): a twist
/// (moment about the trunk's axis) from the head end and behind (upright) or above (lying); a
/// bend (moment across the trunk) square to its plane; a traction or a hang (force along the
/// trunk, or no load) from the front and side; a push or thrust across the trunk from the side,
/// square to the push. Forces count as moments at a 0.1 m lever.
void ChooseView(const TechniqueAxes& t, Camera* camera);

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

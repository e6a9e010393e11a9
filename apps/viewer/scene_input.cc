#include "scene_input.h"

#include <algorithm>

#include <imgui.h>

namespace spinelab::viewer {

void QueueSceneInput(const AppState& s, int fw, int fh, CommandQueue* queue) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantCaptureMouse) return;
  if (ImGui::IsMouseDragging(ImGuiMouseButton_Left)) queue->Push(OrbitCamera{io.MouseDelta.x, io.MouseDelta.y});
  if (ImGui::IsMouseDragging(ImGuiMouseButton_Right)) queue->Push(PanCamera{io.MouseDelta.x, io.MouseDelta.y});
  if (io.MouseWheel != 0) queue->Push(ZoomCamera{io.MouseWheel});
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < 9.f) {
    // pick: the ray through the mouse, into the scene as last drawn
    const Camera& cam = s.camera;
    const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
    const int vx = SceneViewX(fw), vw = std::max(fw - vx, 1);
    const float nx = 2.f * (io.MousePos.x * sx - vx) / vw - 1.f, ny = 1.f - 2.f * io.MousePos.y * sy / fh;
    const Eigen::Matrix4f inv = (cam.Projection(static_cast<float>(vw) / std::max(fh, 1)) * cam.View()).inverse();
    Eigen::Vector4f a = inv * Eigen::Vector4f(nx, ny, -1, 1), b = inv * Eigen::Vector4f(nx, ny, 1, 1);
    const Eigen::Vector3f o3 = a.head<3>() / a.w(), dir = (b.head<3>() / b.w() - o3).normalized();
    const int hit = viz::Pick(s.drawn, o3, dir);
    if (hit >= 0 && s.drawn[hit].facet >= 0) queue->Push(PickJoint{s.drawn[hit].facet});
    else if (hit >= 0 && s.drawn[hit].body >= 0) queue->Push(PickBody{s.drawn[hit].body});
    else queue->Push(ClearPick{});
  }
}

}  // namespace spinelab::viewer

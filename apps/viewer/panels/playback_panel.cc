#include "playback_panel.h"

#include <algorithm>

#include <imgui.h>

namespace spinelab::viewer {

void DrawPlaybackPanel(const AppState& s, CommandQueue* queue) {
  const Recording& R = s.rec;
  if (ImGui::Button(s.playing ? "Pause" : "Play")) s.playing ? queue->Push(Pause{}) : queue->Push(Play{});
  ImGui::SameLine();
  if (ImGui::Button("Step")) queue->Push(StepForward{});
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150);
  float speed = s.speed;
  if (ImGui::SliderFloat("speed", &speed, kMinSpeed, kMaxSpeed, "%.2fx", ImGuiSliderFlags_Logarithmic)) queue->Push(SetSpeed{speed});
  const double t0 = R.frames.front().time_s;
  float tf = static_cast<float>(s.t_s);
  if (ImGui::SliderFloat("time [s]", &tf, static_cast<float>(t0), static_cast<float>(s.t_end_s), "%.3f")) {
    queue->Push(Seek{tf});
    queue->Push(Pause{});
  }
  // cavitation markers on a strip under the slider
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  const double span = std::max(1e-9, s.t_end_s - t0);
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + 8), IM_COL32(60, 60, 70, 255));
  for (const auto& e : R.cavitations) {
    const float x = p0.x + w * static_cast<float>((e.time_s - t0) / span);
    dl->AddRectFilled(ImVec2(x - 1, p0.y), ImVec2(x + 1, p0.y + 8), IM_COL32(120, 200, 255, 255));
  }
  const float xc = p0.x + w * static_cast<float>((s.t_s - t0) / span);
  dl->AddRectFilled(ImVec2(xc - 1, p0.y - 2), ImVec2(xc + 1, p0.y + 10), IM_COL32(255, 200, 80, 255));
  ImGui::Dummy(ImVec2(w, 10));
}

}  // namespace spinelab::viewer

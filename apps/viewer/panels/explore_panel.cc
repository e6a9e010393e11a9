#include "explore_panel.h"

#include <string>

#include <imgui.h>

namespace spinelab::viewer {

void DrawExplorePanel(const AppState& s, CommandQueue* queue) {
  if (s.mode != Mode::kLive) return;
  const Recording& R = s.rec;
  ImGui::Separator();
  ImGui::Text("live: t = %.3f s, %.1f ms of simulation per frame", s.live_time_s, s.sim_ms_per_frame);
  if (s.live_status != "ok") ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", s.live_error.c_str());
  if (R.model.joints.empty() || !ImGui::CollapsingHeader("Explore: load a level", s.explore_open ? ImGuiTreeNodeFlags_DefaultOpen : 0)) return;
  // while open, the load shown here is applied every frame (re-expressed in the vertebra's axes)
  ExploreApply load = s.explore;
  std::string names;
  for (const auto& L : R.model.joints) names += L.name + '\0';
  ImGui::Combo("level", &load.level, names.c_str());
  ImGui::SliderFloat3("torque flex/lat/axial [N m]", load.torque_Nm.data(), -10.f, 10.f, "%.1f");
  ImGui::SliderFloat("traction [N]", &load.traction_N, 0.f, 300.f, "%.0f");
  ImGui::SliderFloat("posterior-anterior push [N]", &load.pa_N, 0.f, 250.f, "%.0f");
  if (ImGui::Button("Release")) load.torque_Nm = {0, 0, 0}, load.traction_N = load.pa_N = 0;
  queue->Push(load);
  // the level's facets against their thresholds, in the frame on screen (the live state while
  // the playback is at the simulation's head)
  const viz::Frame& cur = s.frame;
  for (int fi : R.model.joints[load.level].synovial) {
    ImGui::Text("%s: gap %.2f mm, %.1f kPa, strain %.3f%s, contact %.0f N", R.model.synovial_joints[fi].name.c_str(), cur.facet_gap_m[fi] * 1e3,
                cur.facet_pressure_Pa[fi] * 1e-3, cur.facet_capsule_strain[fi],
                cur.facet_capsule_strain[fi] >= R.model.synovial_joints[fi].capsule.nociceptor_strain ? " (nociceptors)" : "",
                cur.facet_contact_N[fi]);
  }
}

}  // namespace spinelab::viewer

#include "captions_panel.h"

#include <imgui.h>

namespace spinelab::viewer {

void DrawCaptionsPanel(const AppState& s, CommandQueue*) {
  const Recording& R = s.rec;
  if (!R.notice.empty()) ImGui::TextWrapped("Watch: %s", R.notice.c_str());
  // caption: the last cavitation up to now
  for (auto it = R.cavitations.rbegin(); it != R.cavitations.rend(); ++it)
    if (it->time_s <= s.t_s && s.t_s - it->time_s < 1.0) {
      ImGui::TextColored(ImVec4(0.5f, 0.8f, 1.f, 1.f), "%s facet cavitated: gap +%.2f mm", R.model.synovial_joints[it->facet].name.c_str(),
                         it->gap_jump_m * 1e3);
      break;
    }
}

}  // namespace spinelab::viewer

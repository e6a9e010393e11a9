#include "title_panel.h"

#include <imgui.h>

namespace spinelab::viewer {

void DrawTitlePanel(const AppState& s, CommandQueue*) {
  ImGui::TextWrapped("%s", s.rec.title.c_str());
  ImGui::TextDisabled("%s", s.rec.source.c_str());
  ImGui::Separator();
}

}  // namespace spinelab::viewer

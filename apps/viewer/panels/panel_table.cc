#include "panel_table.h"

#include <imgui.h>

#include "audio_panel.h"
#include "captions_panel.h"
#include "compare_panel.h"
#include "display_panel.h"
#include "events_panel.h"
#include "explore_panel.h"
#include "inspector_panel.h"
#include "lesson_panel.h"
#include "playback_panel.h"
#include "plot_panel.h"
#include "title_panel.h"

namespace spinelab::viewer {

namespace {
// name, draw function, visible by default; drawn top to bottom
const std::vector<PanelEntry> kPanels = {
    {"lesson", DrawLessonPanel, true},
    {"title", DrawTitlePanel, true},
    {"playback", DrawPlaybackPanel, true},
    {"display", DrawDisplayPanel, true},
    {"captions", DrawCaptionsPanel, true},
    {"inspector", DrawInspectorPanel, true},
    {"cavitations", DrawEventsPanel, true},
    {"plot", DrawPlotPanel, true},
    {"comparison", DrawComparePanel, true},
    {"live and explore", DrawExplorePanel, true},
    {"sound", DrawAudioPanel, true},
};
}  // namespace

const std::vector<PanelEntry>& PanelTable() { return kPanels; }

std::vector<bool> DefaultPanelVisibility() {
  std::vector<bool> v;
  for (const PanelEntry& p : kPanels) v.push_back(p.visible_by_default);
  return v;
}

void DrawControlWindow(const AppState& s, CommandQueue* queue) {
  ImGui::SetNextWindowPos(ImVec2(10, 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(420, 0), ImGuiCond_FirstUseEver);
  ImGui::Begin("spinelab");
  const std::vector<PanelEntry>& panels = PanelTable();
  for (size_t i = 0; i < panels.size(); ++i) {
    const bool visible = i < s.panel_visible.size() ? s.panel_visible[i] : panels[i].visible_by_default;
    if (visible) panels[i].draw(s, queue);
  }
  ImGui::TextColored(ImVec4(1.f, 0.8f, 0.4f, 1.f), "Teaching and research model - not medical advice.");
  if (ImGui::BeginPopupContextWindow()) {  // right click: show or hide a panel
    for (size_t i = 0; i < panels.size() && i < s.panel_visible.size(); ++i)
      if (ImGui::MenuItem(panels[i].name, nullptr, s.panel_visible[i]))
        queue->Push(ShowPanel{static_cast<int>(i), !s.panel_visible[i]});
    ImGui::EndPopup();
  }
  ImGui::End();
}

}  // namespace spinelab::viewer

#include "compare_panel.h"

#include <imgui.h>

namespace spinelab::viewer {

void DrawComparePanel(const AppState& s, CommandQueue* queue) {
  if (!s.lesson) DrawComparisonTable(s, queue);  // a lesson shows it in its caption, on the steps that ask
}

void DrawComparisonTable(const AppState& s, CommandQueue*) {
  const Recording& R = s.rec;
  if (!s.rec2 || !R.has_summary || !s.rec2->has_summary || !ImGui::CollapsingHeader("Comparison", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const Recording& R2 = *s.rec2;
  ImGui::Text("left: %s   right: %s", R.name.c_str(), R2.name.c_str());
  if (ImGui::BeginTable("cmp", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("level");
    ImGui::TableSetupColumn("annulus kPa L/R");
    ImGui::TableSetupColumn("ratio");
    ImGui::TableSetupColumn("axial deg L/R");
    ImGui::TableSetupColumn("dIDP kPa L/R");
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < R.summary.levels.size() && i < R2.summary.levels.size(); ++i) {
      const auto& x = R.summary.levels[i];
      const auto& y = R2.summary.levels[i];
      if (x.level[0] == 'C') continue;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(x.level.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.0f / %.0f", x.peak_annulus_shear_Pa * 1e-3, y.peak_annulus_shear_Pa * 1e-3);
      ImGui::TableNextColumn();
      if (y.peak_annulus_shear_Pa > 1e3) ImGui::Text("%.1fx", x.peak_annulus_shear_Pa / y.peak_annulus_shear_Pa);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f / %.2f", x.peak_rotation_deg[2], y.peak_rotation_deg[2]);
      ImGui::TableNextColumn();
      ImGui::Text("%.0f / %.0f", x.idp_change_Pa * 1e-3, y.idp_change_Pa * 1e-3);
    }
    ImGui::EndTable();
  }
  ImGui::Text("cavitations: %d / %d", R.summary.cavitations, R2.summary.cavitations);
}

}  // namespace spinelab::viewer

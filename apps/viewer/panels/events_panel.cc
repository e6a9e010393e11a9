#include "events_panel.h"

#include <imgui.h>

namespace spinelab::viewer {

namespace {
constexpr double kGoBefore_s = 0.05;  // [s] "go" lands this long before the pop, to watch it come
}

void DrawEventsPanel(const AppState& s, CommandQueue* queue) {
  const Recording& R = s.rec;
  if (!R.cavitations.empty() && ImGui::CollapsingHeader("Cavitations")) {
    for (size_t i = 0; i < R.cavitations.size(); ++i) {
      const auto& e = R.cavitations[i];
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::SmallButton("go")) {
        queue->Push(Seek{e.time_s - kGoBefore_s});
        queue->Push(Pause{});
      }
      ImGui::SameLine();
      ImGui::Text("%.3f s  %s  +%.2f mm", e.time_s, R.model.synovial_joints[e.facet].name.c_str(), e.gap_jump_m * 1e3);
      ImGui::PopID();
    }
  }
  if (R.cavitations.empty() && R.has_summary && R.summary.closest_pop_facet >= 0) {
    const sim::ScenarioSummary& S = R.summary;
    ImGui::TextWrapped("No pop. Closest: %s, its fluid at %.0f kPa, %.0f %% of the %.0f kPa a pop needs.",
                       R.model.synovial_joints[S.closest_pop_facet].name.c_str(), S.closest_pop_pressure_Pa * 1e-3, 100 * S.closest_pop_fraction(),
                       S.closest_pop_threshold_Pa * 1e-3);
  }
}

}  // namespace spinelab::viewer

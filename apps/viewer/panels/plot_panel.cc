#include "plot_panel.h"

#include <algorithm>
#include <cfloat>
#include <string>
#include <vector>

#include <imgui.h>

namespace spinelab::viewer {

void DrawPlotPanel(const AppState& s, CommandQueue* queue) {
  const Recording& R = s.rec;
  if (R.model.synovial_joints.empty()) return;
  // the facet: chosen here or picked in the view, else the one the run follows (AdvanceFrame)
  int facet = s.plot_facet;
  std::string names;
  for (const auto& fd : R.model.synovial_joints) names += fd.name + '\0';
  if (ImGui::Combo("plot facet", &facet, names.c_str())) queue->Push(SetPlotFacet{facet});
  const viz::FacetQuantity q = s.scene.facet_quantity;
  std::vector<float> ys;
  ys.reserve(R.frames.size());
  for (const viz::Frame& fr : R.frames) ys.push_back(static_cast<float>(viz::DisplayValue(q, fr.Value(q, s.plot_facet))));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::PlotLines("##plot", ys.data(), static_cast<int>(ys.size()), 0, viz::QuantityName(q), FLT_MAX, FLT_MAX, ImVec2(w, 70));
  if (R.frames.size() > 1) {  // the cursor at the current time
    const double a = R.frames.front().time_s, b = R.frames.back().time_s;
    const float x = p0.x + w * static_cast<float>(std::clamp((s.t_s - a) / std::max(1e-9, b - a), 0.0, 1.0));
    ImGui::GetWindowDrawList()->AddLine(ImVec2(x, p0.y), ImVec2(x, p0.y + 70), IM_COL32(255, 200, 80, 255));
  }
}

}  // namespace spinelab::viewer

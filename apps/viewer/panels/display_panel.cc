#include "display_panel.h"

#include <imgui.h>

namespace spinelab::viewer {

void DrawDisplayPanel(const AppState& s, CommandQueue* queue) {
  int q = static_cast<int>(s.scene.facet_quantity);
  if (ImGui::Combo("facets", &q, "gap\0fluid pressure\0capsule strain\0contact force\0"))
    queue->Push(SetFacetQuantity{static_cast<viz::FacetQuantity>(q)});
  int dq = static_cast<int>(s.scene.disc_quantity);
  if (ImGui::Combo("discs", &dq, "bone\0shear force (0-300 N)\0pressure (0-2 MPa)\0"))
    queue->Push(SetDiscQuantity{static_cast<viz::DiscQuantity>(dq)});
  bool arrows = s.scene.arrows, tissue = s.scene.tissue, closeup = s.scene.closeup, skin = s.scene.skin;
  if (ImGui::Checkbox("arrows (force red, torque purple, contact green, disc shear orange; 2 cm per 40 N, 1 cm per N\u00b7m)", &arrows)) queue->Push(ShowArrows{arrows});
  if (ImGui::Checkbox("soft tissue (the surfaces that touch floor, roller, hands)", &tissue)) queue->Push(ShowTissue{tissue});
  if (ImGui::Checkbox("skin (the body surface around the bones, translucent)", &skin)) queue->Push(ShowSkin{skin});
  if (ImGui::Checkbox("joint close-up (the picked joint, else the one the plot follows; gap drawn x5)", &closeup))
    queue->Push(ShowCloseUp{closeup});
  {  // colour bar
    const viz::Range r = viz::QuantityRange(s.scene.facet_quantity, s.rec.model);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    for (int i = 0; i < 64; ++i) {
      const viz::Rgba c = viz::ColorMap(i / 63.0);
      dl->AddRectFilled(ImVec2(p0.x + w * i / 64.f, p0.y), ImVec2(p0.x + w * (i + 1) / 64.f, p0.y + 10),
                        IM_COL32(c.r * 255, c.g * 255, c.b * 255, 255));
    }
    ImGui::Dummy(ImVec2(w, 12));
    ImGui::Text("%s: %.3g .. %.3g", viz::QuantityName(s.scene.facet_quantity), r.lo, r.hi);
  }
  if (ImGui::Button("Side")) queue->Push(SetCameraView{"side"});
  ImGui::SameLine();
  if (ImGui::Button("Back")) queue->Push(SetCameraView{"back"});
  ImGui::SameLine();
  if (ImGui::Button("Top")) queue->Push(SetCameraView{"top"});
  ImGui::SameLine();
  if (ImGui::Button("Fit")) queue->Push(FitView{});
  ImGui::Separator();
}

}  // namespace spinelab::viewer

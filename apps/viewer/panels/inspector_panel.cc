#include "inspector_panel.h"

#include <imgui.h>

namespace spinelab::viewer {

void DrawInspectorPanel(const AppState& s, CommandQueue*) {
  const Recording& R = s.rec;
  const viz::Frame& F = s.frame;
  if (s.scene.selected_facet >= 0) {  // the picked facet now, against its thresholds
    const int fi = s.scene.selected_facet;
    ImGui::Separator();
    ImGui::Text("%s", R.model.synovial_joints[fi].name.c_str());
    ImGui::Text("gap %.2f mm   fluid %.1f kPa   contact %.0f N", F.facet_gap_m[fi] * 1e3, F.facet_pressure_Pa[fi] * 1e-3, F.facet_contact_N[fi]);
    const double e = F.facet_capsule_strain[fi];
    const sim::CapsuleParams& cap = R.model.synovial_joints[fi].capsule;  // its own thresholds
    ImGui::Text("capsule strain %.3f  %s %.2f", e,
                e >= cap.pain_strain ? "above the pain-behaviour strain" : e >= cap.nociceptor_strain ? "above the nociceptor threshold" : "(nociceptors from",
                e >= cap.pain_strain ? cap.pain_strain : cap.nociceptor_strain);
    if (F.facet_bubble_radius_m[fi] > 0) ImGui::Text("gas bubble radius %.2f mm", F.facet_bubble_radius_m[fi] * 1e3);
  } else if (s.scene.selected_body >= 0) {  // the picked vertebra: the disc below it and its facets
    ImGui::Separator();
    const int b = s.scene.selected_body;
    ImGui::Text("%s", R.model.bodies[b].name.c_str());
    for (size_t l = 0; l < R.model.joints.size(); ++l) {
      if (R.model.joints[l].upper != b) continue;  // the disc below this vertebra
      if (l < F.disc_shear_N.size())
        ImGui::Text("disc %s: shear %.0f N, pressure %.2f MPa%s", R.model.joints[l].name.c_str(), F.disc_shear_N[l], F.disc_pressure_Pa[l] * 1e-6,
                    F.disc_pressure_Pa[l] > 1.0e6 ? " (above ~1 MPa: lifting-like loads)" : "");
      for (int fi : R.model.joints[l].synovial)
        if (fi >= 0)
          ImGui::Text("  %s: gap %.2f mm, strain %.3f%s", R.model.synovial_joints[fi].name.c_str(), F.facet_gap_m[fi] * 1e3,
                      F.facet_capsule_strain[fi],
                      F.facet_capsule_strain[fi] >= R.model.synovial_joints[fi].capsule.nociceptor_strain ? " (nociceptors)" : "");
    }
    const Vec3 p = F.X_WB[b].p;
    ImGui::TextDisabled("centre of mass (%.3f, %.3f, %.3f) m", p.x(), p.y(), p.z());
  }
}

}  // namespace spinelab::viewer

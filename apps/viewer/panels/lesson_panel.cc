#include "lesson_panel.h"

#include <imgui.h>

#include "compare_panel.h"

namespace spinelab::viewer {

void DrawLessonPanel(const AppState& s, CommandQueue* queue) {
  if (!s.lesson) return;
  const LessonProgress& P = *s.lesson;
  const LessonStep& st = P.lesson.steps[P.step];
  ImGui::TextColored(ImVec4(1.f, 0.85f, 0.5f, 1.f), "Lesson: %s", P.lesson.title.c_str());
  ImGui::Text("Step %d of %d", P.step + 1, static_cast<int>(P.lesson.steps.size()));
  ImGui::Separator();
  ImGui::SetWindowFontScale(1.25f);
  ImGui::TextWrapped("%s", st.caption.c_str());
  ImGui::SetWindowFontScale(1.f);
  if (s.speed < 0.999f * st.speed) ImGui::TextColored(ImVec4(0.5f, 0.8f, 1.f, 1.f), "slow motion %.2fx: a pop", s.speed);
  if (st.table) DrawComparisonTable(s, queue);
  if (ImGui::Button("Back") && P.step > 0) queue->Push(LessonBack{});
  ImGui::SameLine();
  const bool last = P.step + 1 >= static_cast<int>(P.lesson.steps.size());
  if (P.waiting && !last) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.2f, 0.55f, 0.25f, 1.f));
  if (ImGui::Button(last ? "End of the lesson" : "Next") && !last) queue->Push(LessonNext{});
  if (P.waiting && !last) {
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextUnformatted("paused: Next when the class is ready");
  }
  ImGui::Separator();
}

}  // namespace spinelab::viewer

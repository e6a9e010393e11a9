#include "picker_panel.h"

#include <filesystem>

#include <imgui.h>

namespace spinelab::viewer {

void DrawPickerPanel(const SourceList& sources, const std::string& model_path, float width, float height, CommandQueue* queue) {
  namespace fs = std::filesystem;
  ImGui::SetNextWindowPos(ImVec2(10, 10));
  ImGui::SetNextWindowSize(ImVec2(width - 20, height - 20));
  ImGui::Begin("spinelab: what to show", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
  ImGui::TextColored(ImVec4(1.f, 0.8f, 0.4f, 1.f), "Teaching and research model - not medical advice.");
  ImGui::Text("Scenarios (simulated live) - %s", sources.scenario_dir.c_str());
  for (const auto& [path, title] : sources.scenarios)
    if (ImGui::Selectable((fs::path(path).stem().string() + "  -  " + title).c_str())) {
      LoadRun load;
      load.source.scenario = path;
      load.source.model = model_path;
      queue->Push(load);
    }
  ImGui::Separator();
  ImGui::Text("Results files in results/");
  if (sources.results.empty()) ImGui::TextDisabled("(none: `make run` writes results/demo.h5)");
  for (const auto& [file, runs] : sources.results)
    for (const auto& run : runs)
      if (ImGui::Selectable((file + " : " + run).c_str())) {
        LoadRun load;
        load.source.results = file, load.source.run = run;
        load.source.model = model_path;
        queue->Push(load);
      }
  ImGui::End();
}

}  // namespace spinelab::viewer

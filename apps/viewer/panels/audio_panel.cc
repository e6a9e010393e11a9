#include "audio_panel.h"

#include <imgui.h>

namespace spinelab::viewer {

void DrawAudioPanel(const AppState& s, CommandQueue*) {
  ImGui::Separator();
  ImGui::TextDisabled("%s", s.audio_available ? "sound on: the pops play as they happen" : "no audio device: silent");
}

}  // namespace spinelab::viewer

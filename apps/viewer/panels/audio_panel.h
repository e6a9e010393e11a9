#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// Whether the pops are heard.
void DrawAudioPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

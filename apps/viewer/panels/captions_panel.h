#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// What to watch (the scenario's notice) and a caption for the last pop (up to 1 s ago).
void DrawCaptionsPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

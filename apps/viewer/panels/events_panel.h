#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// The cavitations, each with a button that jumps just before it; without any, what came closest to a pop.
void DrawEventsPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

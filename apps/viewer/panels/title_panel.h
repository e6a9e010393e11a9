#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// The run's title and where it comes from.
void DrawTitlePanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// The plotted facet's quantity over the run, a cursor at the current time.
void DrawPlotPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

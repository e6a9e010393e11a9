#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// The picked facet joint (gap, fluid, contact, capsule strain against its thresholds) or vertebra (its disc and facets).
void DrawInspectorPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// How the scene is drawn: facet and disc colours, arrows, soft tissue, the colour bar, the named views.
void DrawDisplayPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// Compare mode: the two runs' peak annulus shear, axial rotation and disc pressure change per level.
void DrawComparePanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

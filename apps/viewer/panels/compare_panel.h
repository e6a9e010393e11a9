#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// Compare mode: the two runs' peak annulus shear, axial rotation and disc pressure change per level.
void DrawComparePanel(const AppState& state, CommandQueue* queue);
/// The table itself (the lesson panel shows it too).
void DrawComparisonTable(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// Live runs: the simulation's time and status; explore: a load on a level's upper vertebra and its facets now.
void DrawExplorePanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

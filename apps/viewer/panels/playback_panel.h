#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// Play, pause, step, the speed, the time slider and the cavitations as marks on a strip under it.
void DrawPlaybackPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

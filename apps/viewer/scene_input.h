#pragma once
// The mouse over the 3D view, as commands: left drag orbits, right drag pans, the wheel zooms, a
// click picks the facet joint (or the body) under it in the scene as last drawn.
#include "app_state.h"

namespace spinelab::viewer {

/// Reads ImGui's mouse (nothing when ImGui wants it, e.g. over the control window).
/// `framebuffer_width`, `framebuffer_height` [px].
void QueueSceneInput(const AppState& state, int framebuffer_width, int framebuffer_height, CommandQueue* queue);

}  // namespace spinelab::viewer

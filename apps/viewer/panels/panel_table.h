#pragma once
// The viewer's panels, one row each, drawn in this order in the control window. A new panel is
// its file pair here in panels/ (found by apps/CMakeLists.txt) and one row (plus its #include) in
// panel_table.cc.
#include <vector>

#include "app_state.h"

namespace spinelab::viewer {

/// A panel reads the state and queues commands; it never changes the state, the runner or the
/// renderer itself.
using PanelFn = void (*)(const AppState& state, CommandQueue* queue);

struct PanelEntry {
  const char* name;         ///< in the window's right-click menu (show / hide)
  PanelFn draw;
  bool visible_by_default;
};

/// The table, in drawing order.
const std::vector<PanelEntry>& PanelTable();
/// AppState::panel_visible as the table starts it.
std::vector<bool> DefaultPanelVisibility();

/// The control window ("spinelab", left of the scene): the visible panels in table order, the
/// not-medical-advice line (always), and a right-click menu that shows or hides each panel.
void DrawControlWindow(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

#pragma once
// The empty viewer's window: the scenarios and the runs of results/*.h5 to choose from. Not in
// the panel table: it is the whole window before anything is loaded.
#include "app_state.h"

namespace spinelab::viewer {

/// Lists `sources`; a click queues LoadRun. `width`, `height` [px]: the window it fills.
void DrawPickerPanel(const SourceList& sources, const std::string& model_path, float width, float height, CommandQueue* queue);

}  // namespace spinelab::viewer

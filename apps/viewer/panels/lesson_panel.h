#pragma once
#include "app_state.h"

namespace spinelab::viewer {

/// A lesson (--lesson): its title, the step's number and caption in large type, the comparison
/// table when the step asks for it, and Back / Next for the teacher (Next lights up at the
/// step's pause). Draws nothing without a lesson.
void DrawLessonPanel(const AppState& state, CommandQueue* queue);

}  // namespace spinelab::viewer

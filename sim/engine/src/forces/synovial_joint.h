#pragma once
// The synovial joint as an element type: its articular cartilage contact (articular.h) and, when
// it has one, its capsule of synovial fluid (capsule.h). Law: SynovialJointDesc in
// spinelab/sim/model.h.

#include "forces/element_type.h"

namespace spinelab::internal {

/// The synovial joints' row of the element table.
const sim::ElementType& SynovialJointElementType();

}  // namespace spinelab::internal

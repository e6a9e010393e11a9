#pragma once
// Reflexes (protective muscle tone): a slow state driven by the capsular strain of the synovial
// joints they sense, scaling the moment laws of the bushings that name them. Law: ReflexDesc in
// spinelab/sim/model.h.

#include "forces/element_type.h"

namespace spinelab::internal {

/// The reflexes' row of the element table.
const sim::ElementType& ReflexElementType();

}  // namespace spinelab::internal

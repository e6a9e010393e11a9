#pragma once
/// @file protocol.h
/// Long protocols (docs/repeated_loading.md): what a run shows, as text.

#include <string>

#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {

/// What a protocol run shows, as text lines: attempts and pops (per day, the refractory limit),
/// the target level's capsule laxity and hypermobility, its neighbours' protective tone, and the
/// trunk's creep at the end.
std::string ProtocolReport(const Scenario& scenario, const ScenarioResult& result);

}  // namespace spinelab::sim

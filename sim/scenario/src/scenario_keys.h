#pragma once
// The allowed range of every numeric scenario key, in the file's units: the one home the reader
// (type checks, integer and vector keys) and Validate(Scenario) (every value) both read.
#include <string>

namespace spinelab::sim::internal {

struct KeyRange {
  const char* key;   // generic key: array indices as '*', e.g. "load.*.start_s"
  double lo, hi;     // allowed [lo, hi] in `unit` (vectors: each component in [lo, hi])
  const char* unit;
};

/// "load.3.profile" -> "load.*.profile"
std::string GenericKey(const std::string& key);

/// The range of a key (generic or indexed); throws std::logic_error for a key not in the table.
const KeyRange& RangeOf(const std::string& key);

}  // namespace spinelab::sim::internal

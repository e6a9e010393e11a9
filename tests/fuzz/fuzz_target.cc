// A libFuzzer target: spinelab::fuzz::SPINELAB_FUZZ_ENTRY (fuzz_entry.h), one executable per
// entry point (tests/CMakeLists.txt). Built by `make fuzz` only.
#include "fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return spinelab::fuzz::SPINELAB_FUZZ_ENTRY(data, size);
}

# Compiler flags shared by every spinelab target (interface library `spinelab_flags`).
# Determinism (STYLE.md §8): no fused multiply-add contraction, never -ffast-math, and a pinned
# SIMD level (the x86-64 baseline, SSE2) so Eigen takes the same code path in every build type.
add_library(spinelab_flags INTERFACE)
target_compile_options(spinelab_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wno-unused-parameter
  -ffp-contract=off -fno-fast-math)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  target_compile_options(spinelab_flags INTERFACE -march=x86-64 -mtune=generic)
endif()
if(SPINELAB_SANITIZE)
  target_compile_options(spinelab_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(spinelab_flags INTERFACE -fsanitize=address,undefined)
endif()
if(SPINELAB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SPINELAB_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++ (`make fuzz` does this)")
  endif()
  target_compile_options(spinelab_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()

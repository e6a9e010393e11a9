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

# Build time: a clean `make test` (install, build, every test) has to fit in 15 minutes on two
# cores, and a clean Release build took ~28 CPU-minutes (27 min user at 8a10dce).
# - spinelab_glue(target): command-line, viewer, binding and test code, which only parses, prints
#   and asserts: Release compiles it at -O1. The simulation libraries it calls stay -O3, and the
#   results do not change (no -ffast-math, so GCC reorders no floating-point arithmetic at any
#   level). Measured on pa_stiffness_command.cc: 16.7 s at -O3, 10.5 s at -O1.
# - spinelab_precompile(target headers...): the heavy headers (CLI11, gtest, Eigen, the project's
#   own model headers) parsed once per target: that file 16.7 s -> 11.2 s at -O3, 7.4 s at -O1.
function(spinelab_glue target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O1>)
endfunction()
function(spinelab_precompile target)
  target_precompile_headers(${target} PRIVATE ${ARGN})
endfunction()

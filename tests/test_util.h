#pragma once
// Shared helpers for tests: body kinematics for element tests, a finite-difference helper.
#include "forces/assembly.h"
#include "spinelab/sim/math.h"

namespace spinelab::testing {

inline internal::BodyKin MakeKin(const Vec3& p, const Mat3& R, int free_index,
                                 const Vec3& v = Vec3::Zero(), const Vec3& w = Vec3::Zero()) {
  internal::BodyKin k;
  k.p_WB = p;
  k.R_WB = R;
  k.v_WB = v;
  k.w_WB = w;
  k.free_index = free_index;
  return k;
}

// generalized forces of two free bodies from one element evaluation
template <typename AddFn>
std::pair<Vec6, Vec6> PairForces(AddFn add) {
  internal::ForceAssembly a;
  a.Reset(2, true, 1e-3);
  add(&a);
  return {a.force(0), a.force(1)};
}

}  // namespace spinelab::testing

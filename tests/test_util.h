#pragma once
// Shared helpers for tests: body kinematics for element tests, a finite-difference helper.
#include <string>

#include "forces/assembly.h"
#include "spinelab/sim/math.h"
#include "spinelab/sim/model.h"

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

// a held base (body 0, at the origin) and one free body (body 1) joined by `joint` (its frames and
// law set by the caller; its bodies set here): the engine tests' disk on a spring, rod on a hinge
inline sim::ModelDesc HeldBaseAndBody(const std::string& name, double mass_kg, const Vec3& inertia_kgm2, const Vec3& p_WB,
                                      sim::BushingDesc joint) {
  sim::ModelDesc d;
  sim::BodyDesc base;
  base.name = "base";
  base.fixed = true;
  d.bodies.push_back(base);
  sim::BodyDesc b;
  b.name = name;
  b.mass_kg = mass_kg;
  b.inertia_kgm2 = inertia_kgm2;
  b.X_WB.p = p_WB;
  d.bodies.push_back(b);
  joint.body_a = 0;
  joint.body_b = 1;
  d.bushings.push_back(joint);
  return d;
}

}  // namespace spinelab::testing

#pragma once
/// @file meshes.h
/// The unit meshes the draw list refers to (scene.h's Mesh), as triangle lists with per-vertex
/// normals, built procedurally without OpenGL (the renderer uploads each once; tests check that
/// they are closed, finite and face outwards). A DrawItem's matrix scales and places them.

#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "spinelab/viz/scene.h"

namespace spinelab::viz {

/// A triangle list: vertices 3k, 3k+1, 3k+2 form triangle k, counter-clockwise seen from outside.
struct TriMesh {
  std::vector<Eigen::Vector3f> position;  ///< [-] unit-mesh coordinates
  std::vector<Eigen::Vector3f> normal;    ///< [-] unit, outward (planes: +z)
};

/// The unit mesh of `mesh` (see Mesh): box [-1,1]^3; cylinder r 1, z -1..1; sphere r 1; plane
/// z = 0 over [-1,1]^2; capsule r 1, z -1..1 with rounded ends (the last 30 % of each half);
/// rounded box |x|^4 + |y|^4 + |z|^4 = 1; long bone: z -1..1, epiphyses of radius 1 at both
/// ends, shaft of radius 0.45; skull: cranium, orbits, face and jaw within [-1,1]^3 (x forwards,
/// z up).
TriMesh UnitMesh(Mesh mesh);

/// A triangle list with its corners welded into shared vertices: triangle k is vertices
/// index[3k], index[3k+1], index[3k+2]. Corners are one vertex where their position and normal
/// are bitwise equal (a smooth surface's grid point; a flat face's corner keeps its own normal),
/// so the picture is the triangle list's, and Mesa's software GL shades each vertex once instead
/// of once per corner (the renderer draws these indexed).
struct IndexedMesh {
  std::vector<Eigen::Vector3f> position;  ///< [-] unit-mesh coordinates
  std::vector<Eigen::Vector3f> normal;    ///< [-] unit, outward
  std::vector<std::uint32_t> index;       ///< 3 per triangle, in the triangle list's order
};
IndexedMesh Weld(const TriMesh& mesh);

}  // namespace spinelab::viz

#pragma once
// OpenGL 3.3 core renderer of viz::DrawItem lists: the unit meshes (viz/meshes.h, uploaded once),
// one shader (hemisphere + directional light + floor occlusion), the skin as one translucent
// layer, an orbit camera. Used only by spinelab-viewer.
#include <vector>

#include "camera.h"
#include "spinelab/viz/meshes.h"
#include "spinelab/viz/scene.h"

namespace spinelab::viewer {

class Renderer {
 public:
  bool Init();  ///< compiles the shader, uploads the meshes; false (with a message) on failure
  /// Draws into the viewport (x, y, width, height) of the framebuffer, clearing only it.
  void Draw(const std::vector<viz::DrawItem>& items, const Camera& camera, int x, int y, int width, int height);
  ~Renderer();

 private:
  struct MeshGL {
    unsigned vao = 0, vbo = 0, ebo = 0, instances = 0;  // instances: the per-piece attributes, refilled per draw
    int count = 0;                                      // indices (3 per triangle)
  };
  MeshGL Upload(const viz::IndexedMesh& mesh);
  unsigned program_ = 0;
  static constexpr int kMeshes = static_cast<int>(viz::Mesh::kCount);
  static constexpr int kInstanceFloats = 29;  // model matrix 16, normal matrix 9, colour 4
  int u_vp_ = -1, u_light_ = -1, u_floor_ = -1;
  MeshGL meshes_[kMeshes];
};

}  // namespace spinelab::viewer

// OpenGL 3.3 core renderer (see renderer.h). GL entry points come from the system libGL
// (GL_GLEXT_PROTOTYPES), which exports the 3.3 core functions on Linux (Mesa, NVIDIA).
#define GL_GLEXT_PROTOTYPES 1
#include "renderer.h"

#include <GL/gl.h>
#include <GL/glext.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "spinelab/viz/meshes.h"

namespace spinelab::viewer {

namespace {
// one draw call per unit mesh and pass: each piece's matrix, normal matrix and colour are
// per-instance attributes (llvmpipe pays per draw call and per vertex, so a figure of ~500
// pieces is ~10 instanced calls, and the normal matrix is not inverted per vertex)
const char* kVertex = R"(#version 330 core
layout(location = 0) in vec3 position;
layout(location = 1) in vec3 normal;
layout(location = 2) in mat4 i_model;
layout(location = 6) in mat3 i_normal;
layout(location = 9) in vec4 i_color;
uniform mat4 vp;
out vec3 n_world;
out vec3 p_world;
flat out vec4 v_color;
void main() {
  n_world = i_normal * normal;
  vec4 p = i_model * vec4(position, 1.0);
  p_world = p.xyz;
  v_color = i_color;
  gl_Position = vp * p;
})";
// what llvmpipe can afford per pixel: a sky/ground hemisphere term, one directional light from
// over the viewer's shoulder, and a fake ambient occlusion that darkens what is close to the
// floor (the blob shadows under the bones are draw items of their own)
const char* kFragment = R"(#version 330 core
in vec3 n_world;
in vec3 p_world;
flat in vec4 v_color;
uniform vec3 light;
uniform float floor_z;
out vec4 frag;
void main() {
  vec3 n = normalize(n_world);
  if (!gl_FrontFacing) n = -n;
  float sky = 0.5 + 0.5 * n.z;
  vec3 ambient = mix(vec3(0.42, 0.40, 0.38), vec3(0.62, 0.64, 0.68), sky);
  float d = max(dot(n, normalize(light)), 0.0);
  float ao = floor_z > -1e8 ? mix(0.6, 1.0, clamp((p_world.z - floor_z) / 0.3, 0.0, 1.0)) : 1.0;
  vec3 c = v_color.rgb * (ambient * ao + 0.6 * d * vec3(1.0, 0.97, 0.92));
  frag = vec4(min(c, vec3(1.0)), v_color.a);
})";

unsigned Compile(unsigned kind, const char* src) {
  const unsigned s = glCreateShader(kind);
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  int ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024];
    glGetShaderInfoLog(s, sizeof(log), nullptr, log);
    std::fprintf(stderr, "spinelab-viewer: shader: %s\n", log);
  }
  return s;
}

// the unit mesh's vertices interleaved as (position, normal)
std::vector<float> Interleaved(const viz::IndexedMesh& m) {
  std::vector<float> v;
  v.reserve(m.position.size() * 6);
  for (size_t i = 0; i < m.position.size(); ++i) {
    const Eigen::Vector3f& p = m.position[i];
    const Eigen::Vector3f& n = m.normal[i];
    v.insert(v.end(), {p.x(), p.y(), p.z(), n.x(), n.y(), n.z()});
  }
  return v;
}
}  // namespace

Renderer::MeshGL Renderer::Upload(const viz::IndexedMesh& mesh) {
  const std::vector<float> data = Interleaved(mesh);
  MeshGL m;
  glGenVertexArrays(1, &m.vao);
  glGenBuffers(1, &m.vbo);
  glGenBuffers(1, &m.ebo);
  glBindVertexArray(m.vao);
  glBindBuffer(GL_ARRAY_BUFFER, m.vbo);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(data.size() * sizeof(float)), data.data(), GL_STATIC_DRAW);
  // (the element buffer is part of the vertex array's state)
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, m.ebo);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(mesh.index.size() * sizeof(std::uint32_t)), mesh.index.data(),
               GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), nullptr);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), reinterpret_cast<void*>(3 * sizeof(float)));
  // the per-instance attributes: model matrix (4 columns), normal matrix (3 columns), colour
  glGenBuffers(1, &m.instances);
  glBindBuffer(GL_ARRAY_BUFFER, m.instances);
  constexpr int stride = kInstanceFloats * sizeof(float);
  for (int k = 0; k < 8; ++k) {
    const int loc = 2 + k, size = k < 4 ? 4 : k < 7 ? 3 : 4;
    const int offset = k < 4 ? 4 * k : k < 7 ? 16 + 3 * (k - 4) : 25;
    glEnableVertexAttribArray(loc);
    glVertexAttribPointer(loc, size, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offset * sizeof(float)));
    glVertexAttribDivisor(loc, 1);
  }
  glBindVertexArray(0);
  m.count = static_cast<int>(mesh.index.size());
  return m;
}

bool Renderer::Init() {
  program_ = glCreateProgram();
  glAttachShader(program_, Compile(GL_VERTEX_SHADER, kVertex));
  glAttachShader(program_, Compile(GL_FRAGMENT_SHADER, kFragment));
  glLinkProgram(program_);
  int ok = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &ok);
  if (!ok) {
    std::fprintf(stderr, "spinelab-viewer: the shader program does not link (OpenGL 3.3 core needed)\n");
    return false;
  }
  u_vp_ = glGetUniformLocation(program_, "vp");
  u_light_ = glGetUniformLocation(program_, "light");
  u_floor_ = glGetUniformLocation(program_, "floor_z");
  for (int m = 0; m < kMeshes; ++m) meshes_[m] = Upload(viz::Weld(viz::UnitMesh(static_cast<viz::Mesh>(m))));
  return true;
}

Renderer::~Renderer() {
  for (MeshGL& m : meshes_) {
    if (m.vbo) glDeleteBuffers(1, &m.vbo);
    if (m.instances) glDeleteBuffers(1, &m.instances);
    if (m.ebo) glDeleteBuffers(1, &m.ebo);
    if (m.vao) glDeleteVertexArrays(1, &m.vao);
  }
  if (program_) glDeleteProgram(program_);
}

void Renderer::Draw(const std::vector<viz::DrawItem>& items, const Camera& camera, int x, int y, int width, int height) {
  glViewport(x, y, width, height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(x, y, width, height);
  glClearColor(0.12f, 0.13f, 0.15f, 1.f);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
  glEnable(GL_DEPTH_TEST);
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
  glUseProgram(program_);
  const Eigen::Matrix4f VP = camera.Projection(static_cast<float>(width) / std::max(height, 1)) * camera.View();
  // the light from over the viewer's left shoulder and above
  const Eigen::Matrix4f V = camera.View();
  const Eigen::Vector3f light = (camera.Eye() - camera.target).normalized() + 0.8f * Eigen::Vector3f::UnitZ() -
                                0.5f * V.block<1, 3>(0, 0).transpose();
  glUniform3f(u_light_, light.x(), light.y(), light.z());
  float floor_z = -1e9f;
  for (const viz::DrawItem& it : items)
    if (it.mesh == viz::Mesh::kPlane) floor_z = std::max(floor_z, it.model(2, 3));
  glUniform1f(u_floor_, floor_z);
  glUniformMatrix4fv(u_vp_, 1, GL_FALSE, VP.data());
  // draws the items `take` selects: per mesh, their instances in one call
  std::vector<float> inst;
  auto draw = [&](auto take) {
    for (int mesh = 0; mesh < kMeshes; ++mesh) {
      inst.clear();
      for (const viz::DrawItem& it : items) {
        if (static_cast<int>(it.mesh) != mesh || !take(it)) continue;
        const Eigen::Matrix3f N = it.model.block<3, 3>(0, 0).inverse().transpose();
        inst.insert(inst.end(), it.model.data(), it.model.data() + 16);
        inst.insert(inst.end(), N.data(), N.data() + 9);
        inst.insert(inst.end(), {it.color.r, it.color.g, it.color.b, it.color.a});
      }
      if (inst.empty()) continue;
      const MeshGL& m = meshes_[mesh];
      glBindBuffer(GL_ARRAY_BUFFER, m.instances);
      glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(inst.size() * sizeof(float)), inst.data(), GL_STREAM_DRAW);
      glBindVertexArray(m.vao);
      glDrawElementsInstanced(GL_TRIANGLES, m.count, GL_UNSIGNED_INT, nullptr, static_cast<int>(inst.size() / kInstanceFloats));
    }
  };
  // opaque first; then the translucent items (shadows, tissue, capsules) without writing depth;
  // then the skin as one layer: its depth first, then its colour where it is nearest
  // (the opaque pieces are closed and wound outwards, viz/meshes.h, and placed by rotations and
  // positive scales: their back faces are hidden behind their front faces, so they are culled
  // rather than rasterised; the floor is seen from above)
  glDepthMask(GL_TRUE);
  glEnable(GL_CULL_FACE);
  glCullFace(GL_BACK);
  draw([](const viz::DrawItem& it) { return it.color.a >= 1.f && !it.skin; });
  glDisable(GL_CULL_FACE);
  glDepthMask(GL_FALSE);
  draw([](const viz::DrawItem& it) { return it.color.a < 1.f && !it.skin; });
  bool any_skin = false;
  for (const viz::DrawItem& it : items) any_skin = any_skin || it.skin;
  if (any_skin) {
    glDepthMask(GL_TRUE);
    glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
    glEnable(GL_CULL_FACE);  // (the pieces are closed and wound outwards: their front faces only)
    glCullFace(GL_BACK);
    draw([](const viz::DrawItem& it) { return it.skin; });
    glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    glDepthMask(GL_FALSE);
    glDepthFunc(GL_LEQUAL);
    draw([](const viz::DrawItem& it) { return it.skin; });
    glDepthFunc(GL_LESS);
    glDisable(GL_CULL_FACE);
  }
  glDepthMask(GL_TRUE);
  glBindVertexArray(0);
  glBindBuffer(GL_ARRAY_BUFFER, 0);
  glUseProgram(0);
}

}  // namespace spinelab::viewer

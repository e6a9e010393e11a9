// OpenGL 3.3 core renderer (see renderer.h). GL entry points come from the system libGL
// (GL_GLEXT_PROTOTYPES), which exports the 3.3 core functions on Linux (Mesa, NVIDIA).
#define GL_GLEXT_PROTOTYPES 1
#include "renderer.h"

#include <GL/gl.h>
#include <GL/glext.h>

#include <cmath>
#include <cstdio>

namespace spinelab::viewer {

namespace {
const char* kVertex = R"(#version 330 core
layout(location = 0) in vec3 position;
layout(location = 1) in vec3 normal;
uniform mat4 mvp;
uniform mat4 model;
out vec3 n_world;
void main() {
  n_world = mat3(transpose(inverse(model))) * normal;
  gl_Position = mvp * vec4(position, 1.0);
})";
const char* kFragment = R"(#version 330 core
in vec3 n_world;
uniform vec4 color;
uniform vec3 light;
out vec4 frag;
void main() {
  float d = abs(dot(normalize(n_world), normalize(light)));
  frag = vec4(color.rgb * (0.35 + 0.65 * d), color.a);
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

void Push(std::vector<float>* v, const Eigen::Vector3f& p, const Eigen::Vector3f& n) {
  v->insert(v->end(), {p.x(), p.y(), p.z(), n.x(), n.y(), n.z()});
}

std::vector<float> BoxMesh() {
  std::vector<float> v;
  for (int axis = 0; axis < 3; ++axis)
    for (int sign : {-1, 1}) {
      Eigen::Vector3f n = Eigen::Vector3f::Zero();
      n[axis] = static_cast<float>(sign);
      const int u = (axis + 1) % 3, w = (axis + 2) % 3;
      Eigen::Vector3f c[4];
      for (int k = 0; k < 4; ++k) {
        c[k] = n;
        c[k][u] = (k == 1 || k == 2) ? 1.f : -1.f;
        c[k][w] = (k >= 2) ? 1.f : -1.f;
      }
      for (int k : {0, 1, 2, 0, 2, 3}) Push(&v, c[k], n);
    }
  return v;
}

std::vector<float> CylinderMesh(int segments = 24) {
  std::vector<float> v;
  for (int i = 0; i < segments; ++i) {
    const float a0 = 2.f * static_cast<float>(M_PI) * i / segments, a1 = 2.f * static_cast<float>(M_PI) * (i + 1) / segments;
    const Eigen::Vector3f r0(std::cos(a0), std::sin(a0), 0), r1(std::cos(a1), std::sin(a1), 0);
    const Eigen::Vector3f z(0, 0, 1);
    Push(&v, r0 - z, r0), Push(&v, r1 - z, r1), Push(&v, r1 + z, r1);
    Push(&v, r0 - z, r0), Push(&v, r1 + z, r1), Push(&v, r0 + z, r0);
    Push(&v, z, z), Push(&v, r0 + z, z), Push(&v, r1 + z, z);
    Push(&v, -z, -z), Push(&v, r1 - z, -z), Push(&v, r0 - z, -z);
  }
  return v;
}

std::vector<float> SphereMesh(int rings = 12, int sectors = 20) {
  std::vector<float> v;
  auto p = [&](int i, int j) {
    const float th = static_cast<float>(M_PI) * i / rings, ph = 2.f * static_cast<float>(M_PI) * j / sectors;
    return Eigen::Vector3f(std::sin(th) * std::cos(ph), std::sin(th) * std::sin(ph), std::cos(th));
  };
  for (int i = 0; i < rings; ++i)
    for (int j = 0; j < sectors; ++j) {
      const Eigen::Vector3f a = p(i, j), b = p(i + 1, j), c = p(i + 1, j + 1), d = p(i, j + 1);
      Push(&v, a, a), Push(&v, b, b), Push(&v, c, c);
      Push(&v, a, a), Push(&v, c, c), Push(&v, d, d);
    }
  return v;
}

std::vector<float> PlaneMesh() {
  std::vector<float> v;
  const Eigen::Vector3f n(0, 0, 1);
  const Eigen::Vector3f c[4] = {{-1, -1, 0}, {1, -1, 0}, {1, 1, 0}, {-1, 1, 0}};
  for (int k : {0, 1, 2, 0, 2, 3}) Push(&v, c[k], n);
  return v;
}
}  // namespace

Renderer::MeshGL Renderer::Upload(const std::vector<float>& data) {
  MeshGL m;
  glGenVertexArrays(1, &m.vao);
  glGenBuffers(1, &m.vbo);
  glBindVertexArray(m.vao);
  glBindBuffer(GL_ARRAY_BUFFER, m.vbo);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(data.size() * sizeof(float)), data.data(), GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), nullptr);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), reinterpret_cast<void*>(3 * sizeof(float)));
  glBindVertexArray(0);
  m.count = static_cast<int>(data.size() / 6);
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
  u_mvp_ = glGetUniformLocation(program_, "mvp");
  u_model_ = glGetUniformLocation(program_, "model");
  u_color_ = glGetUniformLocation(program_, "color");
  u_light_ = glGetUniformLocation(program_, "light");
  meshes_[static_cast<int>(viz::Mesh::kBox)] = Upload(BoxMesh());
  meshes_[static_cast<int>(viz::Mesh::kCylinder)] = Upload(CylinderMesh());
  meshes_[static_cast<int>(viz::Mesh::kSphere)] = Upload(SphereMesh());
  meshes_[static_cast<int>(viz::Mesh::kPlane)] = Upload(PlaneMesh());
  return true;
}

Renderer::~Renderer() {
  for (MeshGL& m : meshes_) {
    if (m.vbo) glDeleteBuffers(1, &m.vbo);
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
  const Eigen::Vector3f light = (camera.Eye() - camera.target).normalized() + Eigen::Vector3f(0, 0, 0.6f);
  glUniform3f(u_light_, light.x(), light.y(), light.z());
  // opaque first, then the translucent items without writing depth
  for (int pass = 0; pass < 2; ++pass) {
  glDepthMask(pass == 0 ? GL_TRUE : GL_FALSE);
  for (const viz::DrawItem& it : items) {
    if ((it.color.a < 1.f) != (pass == 1)) continue;
    const Eigen::Matrix4f mvp = VP * it.model;
    glUniformMatrix4fv(u_mvp_, 1, GL_FALSE, mvp.data());
    glUniformMatrix4fv(u_model_, 1, GL_FALSE, it.model.data());
    glUniform4f(u_color_, it.color.r, it.color.g, it.color.b, it.color.a);
    const MeshGL& m = meshes_[static_cast<int>(it.mesh)];
    glBindVertexArray(m.vao);
    glDrawArrays(GL_TRIANGLES, 0, m.count);
  }
  }
  glDepthMask(GL_TRUE);
  glBindVertexArray(0);
  glUseProgram(0);
}

}  // namespace spinelab::viewer

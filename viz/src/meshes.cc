// The unit meshes (see meshes.h): triangle lists built from three generators: a radial surface
// (a star-shaped body r(u) over the unit sphere: sphere, rounded box, skull), a surface of
// revolution (a profile (r, z) from the lower pole to the upper one: capsule, long bone) and the
// flat-faced box, cylinder and plane.
#include "spinelab/viz/meshes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>

namespace spinelab::viz {

namespace {
using V3 = Eigen::Vector3f;
constexpr float kPiF = 3.14159265358979f;

// appends triangle (a, b, c) with its vertex normals, wound counter-clockwise about the normals
// (outward); degenerate triangles (at the poles) are left out
void Tri(TriMesh* m, const V3& a, const V3& b, const V3& c, const V3& na, const V3& nb, const V3& nc) {
  const V3 g = (b - a).cross(c - a);
  if (g.norm() < 1e-9f) return;
  const bool flip = g.dot(na + nb + nc) < 0;
  m->position.insert(m->position.end(), {a, flip ? c : b, flip ? b : c});
  m->normal.insert(m->normal.end(), {na, flip ? nc : nb, flip ? nb : nc});
}

// a star-shaped surface p(u) = R(u)·u over the unit sphere (u from polar angle θ and azimuth φ);
// normals from the surface's derivatives, outward (n·p > 0 for a radial graph)
TriMesh Radial(const std::function<float(const V3&)>& R, int rings, int sectors) {
  auto dir = [&](float th, float ph) { return V3(std::sin(th) * std::cos(ph), std::sin(th) * std::sin(ph), std::cos(th)); };
  std::vector<V3> P((rings + 1) * sectors), N((rings + 1) * sectors);
  for (int i = 0; i <= rings; ++i)
    for (int j = 0; j < sectors; ++j) {
      const float th = kPiF * i / rings, ph = 2 * kPiF * j / sectors;
      const V3 u = i == 0 ? V3(0, 0, 1) : i == rings ? V3(0, 0, -1) : dir(th, ph);  // the poles exactly
      const V3 p = R(u) * u;
      constexpr float h = 1e-3f;
      V3 n;
      if (i == 0 || i == rings) {
        // at a pole: the derivatives along two azimuths
        const float t = i == 0 ? h : kPiF - h;
        const V3 a = R(dir(t, 0)) * dir(t, 0), b = R(dir(t, 0.5f * kPiF)) * dir(t, 0.5f * kPiF);
        n = (a - p).cross(b - p);
      } else {
        const V3 dth = R(dir(th + h, ph)) * dir(th + h, ph) - R(dir(th - h, ph)) * dir(th - h, ph);
        const V3 dph = R(dir(th, ph + h)) * dir(th, ph + h) - R(dir(th, ph - h)) * dir(th, ph - h);
        n = dth.cross(dph);
      }
      n.normalize();
      if (n.dot(p) < 0) n = -n;
      P[i * sectors + j] = p;
      N[i * sectors + j] = n;
    }
  TriMesh m;
  for (int i = 0; i < rings; ++i)
    for (int j = 0; j < sectors; ++j) {
      const int a = i * sectors + j, b = (i + 1) * sectors + j, c = (i + 1) * sectors + (j + 1) % sectors,
                d = i * sectors + (j + 1) % sectors;
      Tri(&m, P[a], P[b], P[c], N[a], N[b], N[c]);
      Tri(&m, P[a], P[c], P[d], N[a], N[c], N[d]);
    }
  return m;
}

// a surface of revolution about z of the profile (r_k, z_k), k = 0..n, from a pole (r = 0) to a
// pole; normals from the profile's tangent
TriMesh Revolve(const std::vector<Eigen::Vector2f>& rz, int sectors) {
  const int n = static_cast<int>(rz.size());
  TriMesh m;
  std::vector<V3> P(n * sectors), N(n * sectors);
  for (int k = 0; k < n; ++k) {
    const Eigen::Vector2f t = rz[std::min(k + 1, n - 1)] - rz[std::max(k - 1, 0)];  // (dr, dz)
    for (int j = 0; j < sectors; ++j) {
      const float ph = 2 * kPiF * j / sectors, c = std::cos(ph), s = std::sin(ph);
      P[k * sectors + j] = V3(rz[k].x() * c, rz[k].x() * s, rz[k].y());
      V3 nn(t.y() * c, t.y() * s, -t.x());
      if (k == 0) nn = V3(0, 0, -1);
      if (k == n - 1) nn = V3(0, 0, 1);
      N[k * sectors + j] = nn.normalized();
    }
  }
  for (int k = 0; k + 1 < n; ++k)
    for (int j = 0; j < sectors; ++j) {
      const int a = k * sectors + j, b = k * sectors + (j + 1) % sectors, c = (k + 1) * sectors + (j + 1) % sectors,
                d = (k + 1) * sectors + j;
      Tri(&m, P[a], P[b], P[c], N[a], N[b], N[c]);
      Tri(&m, P[a], P[c], P[d], N[a], N[c], N[d]);
    }
  return m;
}

TriMesh Box() {
  TriMesh m;
  for (int axis = 0; axis < 3; ++axis)
    for (int sign : {-1, 1}) {
      V3 n = V3::Zero();
      n[axis] = static_cast<float>(sign);
      const int u = (axis + 1) % 3, w = (axis + 2) % 3;
      V3 c[4];
      for (int k = 0; k < 4; ++k) {
        c[k] = n;
        c[k][u] = (k == 1 || k == 2) ? 1.f : -1.f;
        c[k][w] = (k >= 2) ? 1.f : -1.f;
      }
      Tri(&m, c[0], c[1], c[2], n, n, n);
      Tri(&m, c[0], c[2], c[3], n, n, n);
    }
  return m;
}

TriMesh Cylinder(int segments) {
  TriMesh m;
  const V3 z(0, 0, 1);
  for (int i = 0; i < segments; ++i) {
    const float a0 = 2 * kPiF * i / segments, a1 = 2 * kPiF * ((i + 1) % segments) / segments;
    const V3 r0(std::cos(a0), std::sin(a0), 0), r1(std::cos(a1), std::sin(a1), 0);
    Tri(&m, r0 - z, r1 - z, r1 + z, r0, r1, r1);
    Tri(&m, r0 - z, r1 + z, r0 + z, r0, r1, r0);
    Tri(&m, z, r0 + z, r1 + z, z, z, z);
    Tri(&m, -z, r1 - z, r0 - z, -z, -z, -z);
  }
  return m;
}

TriMesh Plane() {
  TriMesh m;
  const V3 n(0, 0, 1), c[4] = {{-1, -1, 0}, {1, -1, 0}, {1, 1, 0}, {-1, 1, 0}};
  Tri(&m, c[0], c[1], c[2], n, n, n);
  Tri(&m, c[0], c[2], c[3], n, n, n);
  return m;
}

// profile of a capsule: rounded ends over the last 30 % of each half
std::vector<Eigen::Vector2f> CapsuleProfile() {
  std::vector<Eigen::Vector2f> rz;
  constexpr int kCap = 3;
  constexpr float cap = 0.3f;
  for (int k = 0; k <= kCap; ++k) {  // lower cap: pole to equator
    const float a = 0.5f * kPiF * k / kCap;
    rz.emplace_back(std::sin(a), -1 + cap * (1 - std::cos(a)));
  }
  for (int k = kCap; k >= 0; --k) {  // upper cap: equator to pole
    const float a = 0.5f * kPiF * k / kCap;
    rz.emplace_back(std::sin(a), 1 - cap * (1 - std::cos(a)));
  }
  return rz;
}

// profile of a long bone: a rounded end (the articular head), the epiphysis narrowing to the
// shaft (radius 0.45) over 0.35 of the half length, the shaft, and the same at the other end
std::vector<Eigen::Vector2f> LongBoneProfile() {
  std::vector<Eigen::Vector2f> rz;
  constexpr float shaft = 0.45f, head = 0.18f, flare = 0.45f;  // head: the rounded end's height
  auto end = [&](float sign, bool up) {
    std::vector<Eigen::Vector2f> e;
    constexpr int kHead = 3, kFlare = 4;
    for (int k = 0; k <= kHead; ++k) {  // the rounded end: pole to its rim
      const float a = 0.5f * kPiF * k / kHead;
      e.emplace_back(std::sin(a), sign * (1 - head * (1 - std::cos(a))));
    }
    for (int k = 1; k <= kFlare; ++k) {  // narrowing to the shaft (a smooth step)
      const float t = static_cast<float>(k) / kFlare, s = t * t * (3 - 2 * t);
      e.emplace_back(1 + (shaft - 1) * s, sign * (1 - head - flare * t));
    }
    if (up) std::reverse(e.begin(), e.end());
    rz.insert(rz.end(), e.begin(), e.end());
  };
  end(-1, false);
  end(+1, true);
  return rz;
}

float Smooth(float x) {  // 0 at x <= 0, 1 at x >= 1
  x = std::clamp(x, 0.f, 1.f);
  return x * x * (3 - 2 * x);
}

// the skull as a radial function of the direction (x forwards, y left, z up): the cranium full
// above and behind, the face narrower below the brow, the orbits and the nasal aperture as dents,
// the upper jaw and the chin forwards
float SkullRadius(const V3& u) {
  float r = 1.0f;
  // below the brow and in front: the face retreats and narrows (cheeks), the skull base behind
  const float below = Smooth((-u.z() + 0.05f) / 0.7f);
  r -= 0.22f * below * (0.4f + 0.6f * std::abs(u.y()));
  r -= 0.12f * below * Smooth(-u.x() / 0.6f);  // the skull base behind the jaw
  // the jaw forwards and down, the chin
  const V3 jaw = V3(0.62f, 0.f, -0.78f).normalized();
  r += 0.10f * std::exp(-(u - jaw).squaredNorm() / 0.08f);
  // the orbits and the nasal aperture
  for (float s : {-1.f, 1.f}) {
    const V3 eye = V3(0.88f, 0.36f * s, 0.1f).normalized();
    r -= 0.13f * std::exp(-(u - eye).squaredNorm() / 0.018f);
  }
  const V3 nose = V3(0.93f, 0.f, -0.2f).normalized();
  r -= 0.07f * std::exp(-(u - nose).squaredNorm() / 0.008f);
  return r;
}
}  // namespace

TriMesh UnitMesh(Mesh mesh) {
  switch (mesh) {
    case Mesh::kBox: return Box();
    case Mesh::kCylinder: return Cylinder(20);
    case Mesh::kSphere: return Radial([](const V3&) { return 1.f; }, 8, 14);
    case Mesh::kPlane: return Plane();
    case Mesh::kCapsule: return Revolve(CapsuleProfile(), 8);
    case Mesh::kRoundBox:
      return Radial([](const V3& u) { return 1.f / std::pow(std::pow(u.x(), 4.f) + std::pow(u.y(), 4.f) + std::pow(u.z(), 4.f), 0.25f); }, 6, 8);
    case Mesh::kLongBone: return Revolve(LongBoneProfile(), 10);
    case Mesh::kSkull: return Radial(SkullRadius, 20, 28);
    case Mesh::kCount: break;
  }
  return {};
}

IndexedMesh Weld(const TriMesh& m) {
  IndexedMesh out;
  out.index.reserve(m.position.size());
  // the corner's bits as the key: only exactly equal corners are welded
  std::map<std::array<std::uint32_t, 6>, std::uint32_t> seen;
  for (size_t i = 0; i < m.position.size(); ++i) {
    std::array<std::uint32_t, 6> key;
    std::memcpy(key.data(), m.position[i].data(), 3 * sizeof(float));
    std::memcpy(key.data() + 3, m.normal[i].data(), 3 * sizeof(float));
    const auto [it, added] = seen.emplace(key, static_cast<std::uint32_t>(out.position.size()));
    if (added) {
      out.position.push_back(m.position[i]);
      out.normal.push_back(m.normal[i]);
    }
    out.index.push_back(it->second);
  }
  return out;
}

}  // namespace spinelab::viz

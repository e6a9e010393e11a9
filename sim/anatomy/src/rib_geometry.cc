// ComputeRibCageGeometry: RibCageParams + SpineParams + Subject + the thoracic vertebrae's poses
// -> ribs, cartilages, sternum, joints, ligament anchors and slice masses (rib_geometry.h).
//
// [SECTION] curved-beam mass properties
// [SECTION] curved-beam bending (the rib's two segments)
// [SECTION] rib shape (straight neck + linear-curvature arc)
// [SECTION] the cage
#include <algorithm>
#include <cmath>
#include <string>

#include "spinelab/anatomy/rib_geometry.h"
#include "spinelab/sim/math.h"

namespace spinelab::sim {

// [SECTION] curved-beam mass properties

MassProperties ComputeCurvedBeamMass(const std::vector<Vec3>& points_F, const Vec3& n_F,
                                     const BeamSection& section) {
  // per unit length: mass and the section's second moments (elliptic tube around a core)
  const double a = 0.5 * section.height_m, b = 0.5 * section.thickness_m;
  const double ai = std::max(0.0, a - section.shell_m), bi = std::max(0.0, b - section.shell_m);
  const double rs = section.shell_density_kg_per_m3, rc = section.core_density_kg_per_m3;
  const double lambda = rs * kPi * (a * b - ai * bi) + rc * kPi * ai * bi;          // [kg/m]
  const double mu_n = rs * kPi * (a * a * a * b - ai * ai * ai * bi) / 4 + rc * kPi * ai * ai * ai * bi / 4;  // [kg·m]
  const double mu_m = rs * kPi * (a * b * b * b - ai * bi * bi * bi) / 4 + rc * kPi * ai * bi * bi * bi / 4;
  const Vec3 n = n_F.normalized();

  MassProperties out;
  Mat3 I_o = Mat3::Zero();  // about F's origin
  Vec3 first = Vec3::Zero();
  for (size_t k = 0; k + 1 < points_F.size(); ++k) {
    const Vec3 d = points_F[k + 1] - points_F[k];
    const double ds = d.norm();
    if (ds <= 0) continue;
    const Vec3 T = d / ds;
    const Vec3 M = n.cross(T).normalized();
    const Vec3 N = T.cross(M);
    const double dm = lambda * ds;
    const Vec3 c = 0.5 * (points_F[k] + points_F[k + 1]);
    Mat3 R;
    R.col(0) = T;
    R.col(1) = M;
    R.col(2) = N;
    const Vec3 local((mu_n + mu_m) * ds, mu_n * ds + dm * ds * ds / 12, mu_m * ds + dm * ds * ds / 12);
    I_o += R * local.asDiagonal() * R.transpose() + dm * (c.squaredNorm() * Mat3::Identity() - c * c.transpose());
    out.mass_kg += dm;
    first += dm * c;
  }
  if (out.mass_kg <= 0) return out;
  out.p_com = first / out.mass_kg;
  const Vec3& p = out.p_com;
  out.I_com = I_o - out.mass_kg * (p.squaredNorm() * Mat3::Identity() - p * p.transpose());
  return out;
}

// [SECTION] curved-beam bending (the rib's two segments)

double CurvedBeamTipCompliance(const std::vector<Vec3>& points_F, int k_root, const Vec3& n_F, const Vec3& F_dir_F,
                               double EI_Nm2) {
  const Vec3 n = n_F.normalized(), F = F_dir_F.normalized();
  const Vec3& tip = points_F.back();
  double c = 0;
  for (size_t k = static_cast<size_t>(std::max(0, k_root)); k + 1 < points_F.size(); ++k) {
    const Vec3 mid = 0.5 * (points_F[k] + points_F[k + 1]);
    const double M = n.dot((tip - mid).cross(F));
    c += M * M * (points_F[k + 1] - points_F[k]).norm();
  }
  return c / EI_Nm2;
}

RibBending ComputeRibBending(const RibGeometry& g, double arc_fraction, double E_Pa, double poisson) {
  RibBending out;
  const std::vector<Vec3>& p = g.centreline_V;
  const int n = static_cast<int>(p.size()) - 1;
  for (int k = 1; k <= n; ++k)
    if ((p[k] - g.p_tubercle_V).norm() < (p[out.k_root] - g.p_tubercle_V).norm()) out.k_root = k;
  out.k_joint = std::clamp(static_cast<int>(std::lround(arc_fraction * n)), out.k_root + 1, n - 1);
  // the cortical shell: an elliptic tube, semi-axes a (binormal) and b (in the plane)
  const double a = 0.5 * g.section.height_m, b = 0.5 * g.section.thickness_m, t = g.section.shell_m;
  const double ai = std::max(0.0, a - t), bi = std::max(0.0, b - t);
  const double G = E_Pa / (2 * (1 + poisson));
  out.EI_in_Nm2 = E_Pa * kPi / 4 * (b * b * b * a - bi * bi * bi * ai);
  out.EI_out_Nm2 = E_Pa * kPi / 4 * (a * a * a * b - ai * ai * ai * bi);
  out.EA_N = E_Pa * kPi * (a * b - ai * bi);
  const double am = a - 0.5 * t, bm = b - 0.5 * t;  // the shell's mid-line
  const double perimeter = kPi * (3 * (am + bm) - std::sqrt((3 * am + bm) * (am + 3 * bm)));  // Ramanujan
  out.GJ_Nm2 = G * 4 * std::pow(kPi * am * bm, 2) * t / perimeter;  // Bredt
  // the joint's frame: x the plane's normal, z along the joint -> front line, y = z × x (in the plane)
  const Vec3 nrm = g.n_plane_V.normalized();
  const Vec3 r = p.back() - p[out.k_joint];
  Mat3 R;
  R.col(0) = nrm;
  R.col(2) = (r - nrm * nrm.dot(r)).normalized();
  R.col(1) = R.col(2).cross(R.col(0));
  out.X_VF = Pose{R, p[out.k_joint]};
  // in-plane: a front-end force square to the joint -> front line turns the front segment about
  // the joint (about x); one along the line the joint's translational spring along z carries
  // (the curved beam bends under it too: ~10x stiffer for a rib, but not rigid)
  const Vec3 F_in = R.col(1);
  const double c_in = CurvedBeamTipCompliance(p, out.k_root, nrm, F_in, out.EI_in_Nm2);
  const double c_along = CurvedBeamTipCompliance(p, out.k_root, nrm, R.col(2), out.EI_in_Nm2);
  out.front_stiffness_N_per_m = 1.0 / c_in;
  out.k_rot_Nm_per_rad.x() = r.squaredNorm() / c_in;
  // out of plane: a front-end force along the normal bends (about m) and twists (about t)
  double c_out = 0, arc = 0;
  for (int k = out.k_root; k < n; ++k) {
    const Vec3 d = p[k + 1] - p[k];
    const double ds = d.norm();
    const Vec3 tt = d / ds, m = nrm.cross(tt);
    const Vec3 M = (p.back() - 0.5 * (p[k] + p[k + 1])).cross(nrm);
    c_out += (std::pow(M.dot(m), 2) / out.EI_out_Nm2 + std::pow(M.dot(tt), 2) / out.GJ_Nm2) * ds;
    arc += ds;
  }
  out.k_rot_Nm_per_rad.y() = r.squaredNorm() / c_out;
  out.k_rot_Nm_per_rad.z() = out.GJ_Nm2 / arc;  // twist about the joint -> front line: the beam's torsion
  out.k_trans_N_per_m = Vec3::Constant(out.EA_N / arc);
  out.k_trans_N_per_m.z() = 1.0 / (c_along + arc / out.EA_N);  // bending along the line, in series with the axial give
  return out;
}

// [SECTION] rib shape (straight neck + linear-curvature arc)

namespace {

// heading at arc length s: 0 along the neck, then ψ = κ0·σ + (κ1 − κ0)·σ²/(2·L_arc)
double Heading(const RibShape& sh, double L, double s) {
  const double sig = std::max(0.0, s - sh.neck_m), La = L - sh.neck_m;
  return sh.kappa_head_per_m * sig + (sh.kappa_anterior_per_m - sh.kappa_head_per_m) * sig * sig / (2 * La);
}

// chord and sagitta of a shape
void ChordSagitta(const RibShape& sh, double L, double* chord, double* sagitta) {
  const std::vector<Vec2> p = RibShapePoints(sh, L, 240);
  const Vec2 end = p.back();
  *chord = end.norm();
  const Vec2 u = end / std::max(*chord, 1e-12);
  double h = 0;
  for (const Vec2& q : p) h = std::max(h, std::abs(u.x() * q.y() - u.y() * q.x()));
  *sagitta = h;
}

}  // namespace

std::vector<Vec2> RibShapePoints(const RibShape& shape, double arc_length_m, int n) {
  constexpr int kSub = 16;  // midpoint sub-steps per output segment
  std::vector<Vec2> pts;
  pts.reserve(n + 1);
  Vec2 p = Vec2::Zero();
  pts.push_back(p);
  const double ds = arc_length_m / (n * kSub);
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < kSub; ++j) {
      const double s = (k * kSub + j + 0.5) * ds;
      const double psi = Heading(shape, arc_length_m, s);
      p += ds * Vec2(std::cos(psi), std::sin(psi));
    }
    pts.push_back(p);
  }
  return pts;
}

RibShape SolveRibShape(double L, double c, double ratio, double neck_m) {
  RibShape sh;
  sh.neck_m = neck_m;
  if (!(L > 0 && c > 0 && c < L && ratio >= 1 && neck_m >= 0 && neck_m < 0.5 * L)) return sh;
  // the chord shrinks from L as the rib curls: walk up from nearly straight to the first
  // curvature whose chord is below c, then bisect (the least curved rib with that chord)
  auto chord = [&](double k0) {
    RibShape t = sh;
    t.kappa_head_per_m = k0;
    t.kappa_anterior_per_m = k0 / ratio;
    double ch, sa;
    ChordSagitta(t, L, &ch, &sa);
    return ch;
  };
  double lo = 0.1 / L, hi = lo;
  while (chord(hi) > c) {
    lo = hi;
    hi *= 1.1;
    if (hi > 1000 / L) return sh;  // curled up without reaching c
  }
  for (int it = 0; it < 60; ++it) {
    const double m = 0.5 * (lo + hi);
    (chord(m) > c ? lo : hi) = m;
  }
  sh.kappa_head_per_m = 0.5 * (lo + hi);
  sh.kappa_anterior_per_m = sh.kappa_head_per_m / ratio;
  ChordSagitta(sh, L, &sh.chord_m, &sh.sagitta_m);
  sh.converged = std::abs(sh.chord_m - c) < 1e-6 * L;
  return sh;
}

// [SECTION] the cage

std::array<Pose, kRibLevels> ThoracicVertebraFrames(const ModelDesc& model) {
  std::array<Pose, kRibLevels> X;
  for (int i = 0; i < kRibLevels; ++i) {
    const std::string name = "T" + std::to_string(i + 1);
    bool found = false;
    for (const BodyDesc& b : model.bodies) {
      if (b.name != name) continue;
      X[i] = Pose{b.X_WB.R, b.X_WB * b.p_BoV_B};
      found = true;
    }
    SPINELAB_THROW_UNLESS(found, "the model has no body " + name);
  }
  return X;
}

namespace {

constexpr int kT1 = 8;  // spine body index of T1

// solid box of half extents e (x, y, z) and mass m: principal moments
Vec3 BoxInertia(double m, const Vec3& e) {
  return Vec3(m * (e.y() * e.y() + e.z() * e.z()) / 3, m * (e.x() * e.x() + e.z() * e.z()) / 3,
              m * (e.x() * e.x() + e.y() * e.y()) / 3);
}

// the frame whose z runs from `bottom` to `top` in the xz plane of S, x anterior
Mat3 PartFrame(const Vec3& top, const Vec3& bottom) {
  const Vec3 z = (top - bottom).normalized();
  Vec3 x = Vec3::UnitY().cross(z).normalized();
  Mat3 R;
  R.col(0) = x;
  R.col(1) = z.cross(x);
  R.col(2) = z;
  return R;
}

// closest point to q on the segment a-b
Vec3 ClosestOnSegment(const Vec3& a, const Vec3& b, const Vec3& q) {
  const Vec3 d = b - a;
  const double t = std::clamp((q - a).dot(d) / std::max(d.squaredNorm(), 1e-18), 0.0, 1.0);
  return a + t * d;
}

}  // namespace

Expected<RibCageGeometry> ComputeRibCageGeometry(const RibCageParams& P, const SpineParams& S,
                                                 const Subject& subject,
                                                 const std::array<Pose, kRibLevels>& X_SV) {
  std::vector<Diagnostic> errors;
  const double sL = subject.height_m / P.ref_height_m;
  // masses ∝ body mass (as in BuildSpineModel), lengths ∝ height: densities carry the difference
  const double rho_scale = (subject.body_mass_kg / P.ref_body_mass_kg) / (sL * sL * sL);
  RibCageGeometry G;

  // vertebra dimensions (scaled) of T_k, k = 1..12
  auto half_depth = [&](int k) { return 0.5 * sL * S.vb_depth_m[kT1 + k - 1]; };
  auto half_width = [&](int k) { return 0.5 * sL * S.vb_width_m[kT1 + k - 1]; };
  auto half_height = [&](int k) { return 0.5 * sL * S.vb_height_m[kT1 + k - 1]; };
  // the point of rib k's head or tubercle from the parameters, in V of T_k
  auto head_of = [&](int k, int side) {
    const int i = k - 1;
    return Vec3(-sL * P.head_posterior_m[i], side * sL * P.head_lateral_m[i], sL * P.head_superior_m[i]);
  };
  auto tubercle_of = [&](int k, int side, Vec3* e_h) {
    const int i = k - 1;
    const Vec3 head = head_of(k, side);
    const double beta = P.neck_angle_rad[i];
    *e_h = Vec3(-std::sin(beta), side * std::cos(beta), 0);
    const double dz = sL * P.tubercle_superior_m[i] - head.z(), l = sL * P.neck_length_m[i];
    const double horiz = std::sqrt(std::max(0.0, l * l - dz * dz));
    return Vec3(head + horiz * *e_h + Vec3(0, 0, dz));
  };

  // ribs
  for (int k = 1; k <= kRibLevels; ++k) {
    const int i = k - 1;
    const double L = sL * P.arc_length_m[i], neck = sL * P.neck_length_m[i];
    const RibShape shape = SolveRibShape(L, sL * P.chord_m[i], P.curvature_ratio, neck);
    if (!shape.converged) {
      errors.push_back({P.file, "ribs.arc_length_mm[" + std::to_string(i) + "] (rib " + std::to_string(k) + ")",
                        "no rib of arc " + FormatNumber(P.arc_length_m[i] * 1e3) + " mm and chord " +
                            FormatNumber(P.chord_m[i] * 1e3) + " mm with a " + FormatNumber(P.neck_length_m[i] * 1e3) +
                            " mm neck; allowed: a chord shorter than the arc"});
      continue;
    }
    if (std::abs(sL * P.tubercle_superior_m[i] - sL * P.head_superior_m[i]) >= neck) {
      errors.push_back({P.file, "ribs.tubercle_superior_mm[" + std::to_string(i) + "]",
                        "the tubercle is further above/below the head than the neck is long"});
      continue;
    }
    const std::vector<Vec2> uv = RibShapePoints(shape, L, kRibSegments);
    for (int side : {+1, -1}) {
      RibGeometry g;
      g.rib = k;
      g.side = side;
      g.vertebra = kT1 + i;
      g.shape = shape;
      g.p_head_V = head_of(k, side);
      Vec3 e_h;
      g.p_tubercle_V = tubercle_of(k, side, &e_h);
      const Vec3 e_u = (g.p_tubercle_V - g.p_head_V).normalized();
      // in-plane start direction square to the neck: horizontal, anterolateral; then the plane
      // turns down about the neck axis by the descent angle
      const Vec3 e_v0(std::cos(P.neck_angle_rad[i]), side * std::sin(P.neck_angle_rad[i]), 0);
      Vec3 w = e_u.cross(e_v0).normalized();
      if (w.z() < 0) w = -w;
      const double a = P.descent_rad[i];
      const Vec3 e_v = std::cos(a) * e_v0 - std::sin(a) * w;
      g.neck_axis_V = e_u;
      g.n_plane_V = e_u.cross(e_v).normalized();
      if (g.n_plane_V.z() < 0) g.n_plane_V = -g.n_plane_V;
      for (const Vec2& q : uv) g.centreline_V.push_back(g.p_head_V + q.x() * e_u + q.y() * e_v);
      g.p_anterior_V = g.centreline_V.back();
      g.section = BeamSection{sL * P.section_height_m[i], sL * P.section_thickness_m[i], sL * P.cortical_thickness_m,
                              rho_scale * P.cortical_density_kg_per_m3, rho_scale * P.marrow_density_kg_per_m3};
      g.mass = ComputeCurvedBeamMass(g.centreline_V, g.n_plane_V, g.section);
      // joints: the CV normal is the vertebral body's outward normal at the head (elliptic
      // cylinder); the CT normal faces the tubercle from the transverse process
      g.head_vertebrae = P.head_vertebrae[i];
      g.has_costotransverse = P.has_costotransverse[i];
      const double dp = half_depth(k), wd = half_width(k);
      g.n_costovertebral_V = Vec3(g.p_head_V.x() / (dp * dp), g.p_head_V.y() / (wd * wd), 0).normalized();
      const double el = P.ct_facet_elevation_rad[i], az = P.ct_facet_azimuth_rad;
      g.n_costotransverse_V = Vec3(std::cos(el) * std::sin(az), side * std::cos(el) * std::cos(az), std::sin(el));
      g.cv_area_m2 = sL * sL * P.cv_area_m2[i];
      g.ct_area_m2 = sL * sL * P.ct_area_m2[i];
      g.cv_fluid_m3 = sL * sL * sL * P.cv_fluid_m3[i];
      g.ct_fluid_m3 = sL * sL * sL * P.ct_fluid_m3[i];
      G.synovial_joints += 1 + (g.has_costotransverse ? 1 : 0);

      // ligaments: radiate (fan from the head's front to the body or bodies it articulates
      // with), costotransverse (neck to the transverse process behind it), superior
      // costotransverse (neck's upper border to the transverse process above)
      const std::string tag = " rib " + std::to_string(k) + (side > 0 ? " L" : " R");
      const double phi = std::atan2(g.p_head_V.y() * side / wd, -g.p_head_V.x() / dp) + 0.35;  // 0.35 rad ahead on the rim
      const Vec3 p_rib_radiate = g.p_head_V + sL * 0.004 * e_u;
      auto rim = [&](int kv, double z) {
        return Vec3(-half_depth(kv) * std::cos(phi), side * half_width(kv) * std::sin(phi), z);
      };
      if (g.head_vertebrae == 2) {
        G.ligaments.push_back({"radiate" + tag + " (T" + std::to_string(k) + ")", k, side, kT1 + i,
                               rim(k, half_height(k) - sL * 0.002), p_rib_radiate, P.radiate_k_N_per_m / 2});
        G.ligaments.push_back({"radiate" + tag + " (T" + std::to_string(k - 1) + ")", k, side, kT1 + i - 1,
                               rim(k - 1, -half_height(k - 1) + sL * 0.002), p_rib_radiate, P.radiate_k_N_per_m / 2});
      } else {
        G.ligaments.push_back({"radiate" + tag + " (T" + std::to_string(k) + ")", k, side, kT1 + i,
                               rim(k, g.p_head_V.z()), p_rib_radiate, P.radiate_k_N_per_m});
      }
      const Vec3 neck_mid = 0.5 * (g.p_head_V + g.p_tubercle_V);
      if (g.has_costotransverse)
        G.ligaments.push_back({"costotransverse" + tag, k, side, kT1 + i, neck_mid + sL * Vec3(-0.006, 0, 0),
                               neck_mid, P.costotransverse_k_N_per_m});
      if (k >= 2) {
        Vec3 e_above;
        const Vec3 tp_above = tubercle_of(k - 1, side, &e_above) - Vec3(0, 0, sL * 0.005);
        G.ligaments.push_back({"superior costotransverse" + tag, k, side, kT1 + i - 1, tp_above,
                               neck_mid + Vec3(0, 0, 0.5 * g.section.height_m), P.superior_costotransverse_k_N_per_m});
      }
      G.ribs.push_back(std::move(g));
    }
  }

  // sternum: the jugular notch at its disc's height, the superior aperture ahead of T1's body;
  // the manubrium slopes down to the sternal angle's disc height, the body turns by the angle
  auto disc_centre = [&](int lv) {
    const int up = lv - kT1, lo = lv + 1 - kT1;  // X_SV indices of the level's bodies
    return Vec3(0.5 * (X_SV[up] * Vec3(0, 0, -half_height(up + 1)) + X_SV[lo] * Vec3(0, 0, half_height(lo + 1))));
  };
  const double Lm = sL * P.manubrium_length_m, Lb = sL * P.body_length_m;
  const Vec3 J((X_SV[0] * Vec3(half_depth(1), 0, 0)).x() + sL * P.superior_aperture_ap_m +
                   0.5 * sL * P.manubrium_thickness_m,
               X_SV[0].p.y(), disc_centre(P.jugular_notch_level).z());
  const double drop = J.z() - disc_centre(P.sternal_angle_level).z();
  if (!(drop > 0 && drop < Lm)) {
    errors.push_back({P.file, "sternum.sternal_angle_level",
                      "the manubrium (" + FormatNumber(Lm * 1e3) + " mm) cannot span from the jugular notch's level to the sternal angle's (" +
                          FormatNumber(drop * 1e3) + " mm lower); allowed: a drop in (0, manubrium length)"});
  }
  if (!errors.empty()) return errors;
  const double th_m = std::acos(drop / Lm), th_b = th_m - (kPi - P.sternal_angle_rad);
  const Vec3 A = J + Lm * Vec3(std::sin(th_m), 0, -std::cos(th_m));
  const Vec3 X = A + Lb * Vec3(std::sin(th_b), 0, -std::cos(th_b));
  auto part = [&](const std::string& name, const Vec3& top, const Vec3& bottom, double w, double t) {
    SternumPart sp;
    sp.name = name;
    sp.p_top_S = top;
    sp.p_bottom_S = bottom;
    sp.X_SP = Pose{PartFrame(top, bottom), 0.5 * (top + bottom)};
    sp.half_extents_m = 0.5 * Vec3(t, w, (top - bottom).norm());
    const double m = rho_scale * P.sternum_density_kg_per_m3 * P.sternum_fill_fraction * 8 *
                     sp.half_extents_m.x() * sp.half_extents_m.y() * sp.half_extents_m.z();
    sp.mass.mass_kg = m;
    sp.mass.p_com = sp.X_SP.p;
    sp.mass.I_com = sp.X_SP.R * BoxInertia(m, sp.half_extents_m).asDiagonal() * sp.X_SP.R.transpose();
    return sp;
  };
  G.sternum[0] = part("manubrium", J, A, sL * P.manubrium_width_m, sL * P.manubrium_thickness_m);
  G.sternum[1] = part("sternal body", A, X, sL * P.body_width_m, sL * P.body_thickness_m);
  // costal notches of ribs 1-7 on the lateral borders
  for (int k = 1; k <= 7; ++k) {
    const double d = sL * P.notch_position_m[k - 1];
    const bool on_manubrium = d <= Lm;
    const Vec3 c = on_manubrium ? Vec3(J + d * (A - J) / Lm) : Vec3(A + (d - Lm) * (X - A) / Lb);
    const double half_w = 0.5 * sL * (on_manubrium ? P.manubrium_width_m : P.body_width_m);
    for (int side : {+1, -1}) G.notches_S.push_back(c + side * half_w * Vec3::UnitY());
  }

  // costal cartilages (in S), rib order; 8-10 join the one above, which is built first
  for (const RibGeometry& g : G.ribs) {
    const int i = g.rib - 1;
    CartilageGeometry c;
    c.rib = g.rib;
    c.side = g.side;
    c.attach = P.cartilage_attach[i];
    const Pose& X_SVk = X_SV[i];
    c.p_start_S = X_SVk * g.p_anterior_V;
    c.length_m = sL * P.cartilage_length_m[i];
    if (c.attach == CartilageAttach::kSternum) {
      c.p_target_S = G.notches_S[2 * i + (g.side > 0 ? 0 : 1)];
      c.p_end_S = c.p_target_S;
    } else if (c.attach == CartilageAttach::kCartilageAbove) {
      c.attach_rib = g.rib - 1;
      const CartilageGeometry& above = G.cartilages[G.cartilages.size() - 2];  // same side, rib above
      c.p_target_S = ClosestOnSegment(above.p_start_S, above.p_end_S, c.p_start_S);
      c.p_end_S = c.p_target_S;
    } else {
      const Vec3 tangent = X_SVk.R * (g.centreline_V.back() - g.centreline_V[kRibSegments - 1]).normalized();
      c.p_end_S = c.p_start_S + c.length_m * tangent;
      c.p_target_S = c.p_end_S;
    }
    c.area_m2 = kPi * 0.25 * sL * sL * P.cartilage_height_m[i] * P.cartilage_thickness_m[i];
    c.mass_kg = rho_scale * P.cartilage_density_kg_per_m3 * c.area_m2 * c.length_m;
    c.axial_stiffness_N_per_m = P.cartilage_modulus_Pa * c.area_m2 / c.length_m;
    G.cartilages.push_back(c);
  }

  // mass out of the trunk slices: every piece's mass goes to the slice whose vertebral-body
  // centroid is nearest in height (ribs descend across several slices)
  auto to_slice = [&](const Vec3& p_S, double m) {
    int best = 0;
    for (int k = 1; k < kRibLevels; ++k)
      if (std::abs(X_SV[k].p.z() - p_S.z()) < std::abs(X_SV[best].p.z() - p_S.z())) best = k;
    G.slice_mass_kg[best] += m;
    G.total_mass_kg += m;
  };
  for (const RibGeometry& g : G.ribs) {
    // segment masses, in proportion to length (uniform section)
    double len = 0;
    for (int s = 0; s < kRibSegments; ++s) len += (g.centreline_V[s + 1] - g.centreline_V[s]).norm();
    for (int s = 0; s < kRibSegments; ++s) {
      const double ds = (g.centreline_V[s + 1] - g.centreline_V[s]).norm();
      to_slice(X_SV[g.rib - 1] * (0.5 * (g.centreline_V[s] + g.centreline_V[s + 1])), g.mass.mass_kg * ds / len);
    }
  }
  constexpr int kPieces = 20;
  for (const CartilageGeometry& c : G.cartilages)
    for (int s = 0; s < kPieces; ++s)
      to_slice(c.p_start_S + (s + 0.5) / kPieces * (c.p_end_S - c.p_start_S), c.mass_kg / kPieces);
  for (const SternumPart& sp : G.sternum)
    for (int s = 0; s < kPieces; ++s)
      to_slice(sp.p_top_S + (s + 0.5) / kPieces * (sp.p_bottom_S - sp.p_top_S), sp.mass.mass_kg / kPieces);
  return G;
}

}  // namespace spinelab::sim

// The rib cage's data (models/ribcage_adult.toml) and procedural geometry: the curved-beam mass
// properties against the analytic circular arc, the rib shape solver, left/right mirror symmetry,
// rib heads on their vertebrae's costal facets, costal cartilages meeting the sternum, the cage's
// mass against the literature, and every kind of bad input.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/anatomy/rib_geometry.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {
namespace {

const SpineParams& Spine() {
  static const SpineParams p = LoadSpineParams(DefaultSpineModelPath()).value();
  return p;
}

std::string ReadDefault() {
  std::ifstream in(DefaultRibCageModelPath());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// the cage of `ribs` on the standing spine of `subject`
RibCageGeometry Cage(const RibCageParams& ribs, const Subject& subject = {}) {
  SpineBuildOptions o = PassiveSpineOptions();
  const ModelDesc d = BuildSpineModel(Spine(), subject, o).value();
  return ComputeRibCageGeometry(ribs, Spine(), subject, ThoracicVertebraFrames(d)).value();
}

const RibCageParams& Default() {
  static const RibCageParams p = LoadRibCageParams(DefaultRibCageModelPath(), Spine()).value();
  return p;
}

// writes `text` to a temporary file named after the test and loads it
Expected<RibCageParams> LoadText(const std::string& text, std::string* path_out = nullptr) {
  const std::string path = ::testing::TempDir() + "/ribcage_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml";
  std::ofstream(path) << text;
  if (path_out) *path_out = path;
  return LoadRibCageParams(path, Spine());
}

// the line (1-based) of the first line of `text` that starts with `prefix`
int LineOf(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.rfind(prefix, 0) == 0) return n;
  return 0;
}

TEST(RibCageModel, DefaultFileLoadsWithTheAnatomysJoints) {
  auto p = LoadRibCageParams(DefaultRibCageModelPath(), Spine());
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  const RibCageParams& r = p.value();
  ASSERT_EQ(r.arc_length_m.size(), 12u);
  // heads on two vertebrae for ribs 2-9 only; no costotransverse joint on ribs 11-12 (Gray 1918)
  for (int i = 0; i < kRibLevels; ++i) {
    EXPECT_EQ(r.head_vertebrae[i], (i >= 1 && i <= 8) ? 2 : 1) << "rib " << i + 1;
    EXPECT_EQ(r.has_costotransverse[i], i < 10) << "rib " << i + 1;
  }
  EXPECT_EQ(r.jugular_notch_level, 9);   // T2-T3
  EXPECT_EQ(r.sternal_angle_level, 11);  // T4-T5
  // every numeric parameter carries a source
  EXPECT_GT(r.origins.size(), 50u);
  for (const ParamOrigin& o : r.origins) EXPECT_FALSE(o.source.empty()) << o.key;
  const RibCageGeometry g = Cage(r);
  EXPECT_EQ(g.ribs.size(), 24u);
  EXPECT_EQ(g.synovial_joints, 44);  // 24 costovertebral + 20 costotransverse of the 48
}

TEST(RibGeometry, CircularArcMassAndInertiaMatchTheAnalyticFormula) {
  // a thin uniform wire on a circular arc of radius R and half-angle a, symmetric about +x:
  // mass λ·2aR, COM at R·sin(a)/a on x; about the centre I_xx = mR²(1/2 − sin2a/(4a)),
  // I_yy = mR²(1/2 + sin2a/(4a)), I_zz = mR²
  const double R = 0.1, a = 100 * kDegToRad;
  std::vector<Vec3> pts;
  const int n = 4000;
  for (int k = 0; k <= n; ++k) {
    const double t = -a + 2 * a * k / n;
    pts.push_back(R * Vec3(std::cos(t), std::sin(t), 0));
  }
  BeamSection wire{2e-5, 2e-5, 1e-5, 2000, 2000};  // solid 20 µm wire
  const double lambda = 2000 * kPi * 1e-5 * 1e-5;
  const MassProperties m = ComputeCurvedBeamMass(pts, Vec3::UnitZ(), wire);
  const double M = lambda * 2 * a * R;
  EXPECT_NEAR(m.mass_kg / M, 1.0, 1e-6);
  const double xc = R * std::sin(a) / a;
  EXPECT_NEAR(m.p_com.x(), xc, 1e-7);
  EXPECT_NEAR(m.p_com.y(), 0, 1e-12);
  EXPECT_NEAR(m.p_com.z(), 0, 1e-12);
  const double Ixx = M * R * R * (0.5 - std::sin(2 * a) / (4 * a));
  const double Iyy = M * R * R * (0.5 + std::sin(2 * a) / (4 * a)) - M * xc * xc;  // to the COM
  const double Izz = M * R * R - M * xc * xc;
  EXPECT_NEAR(m.I_com(0, 0) / Ixx, 1.0, 1e-5);
  EXPECT_NEAR(m.I_com(1, 1) / Iyy, 1.0, 1e-5);
  EXPECT_NEAR(m.I_com(2, 2) / Izz, 1.0, 1e-5);
  EXPECT_NEAR(m.I_com(0, 1), 0, 1e-9 * Izz);
  EXPECT_NEAR(m.I_com(0, 2), 0, 1e-9 * Izz);

  // a full ring of a solid circular section of radius r (a torus): I_zz = m(R² + 3r²/4); the
  // segments leave out the section's curvature term m·r²/2, under (r/R)² of I_zz
  const double r = 0.003;
  std::vector<Vec3> ring;
  for (int k = 0; k <= n; ++k) ring.push_back(R * Vec3(std::cos(2 * kPi * k / n), std::sin(2 * kPi * k / n), 0));
  const MassProperties t = ComputeCurvedBeamMass(ring, Vec3::UnitZ(), BeamSection{2 * r, 2 * r, r, 1000, 1000});
  EXPECT_NEAR(t.mass_kg / (1000 * kPi * r * r * 2 * kPi * R), 1.0, 1e-6);  // polyline: 1e-7 short
  const double Izz_torus = t.mass_kg * (R * R + 0.75 * r * r);
  EXPECT_LT(std::abs(t.I_com(2, 2) - Izz_torus) / Izz_torus, (r / R) * (r / R));
  // a hollow section weighs its shell and its core
  const MassProperties h = ComputeCurvedBeamMass(ring, Vec3::UnitZ(), BeamSection{2 * r, 2 * r, 0.001, 1900, 1100});
  const double A_core = kPi * 0.002 * 0.002, A_all = kPi * r * r;
  EXPECT_NEAR(h.mass_kg / ((1900 * (A_all - A_core) + 1100 * A_core) * 2 * kPi * R), 1.0, 1e-6);
}

TEST(RibGeometry, ShapeSolverFindsTheCircleAndEveryRibOfTheTable) {
  // a circular arc (curvature ratio 1) of its own chord gives back its curvature
  const double R = 0.09, a = 95 * kDegToRad;
  const RibShape c = SolveRibShape(2 * a * R, 2 * R * std::sin(a), 1.0);
  ASSERT_TRUE(c.converged);
  EXPECT_NEAR(c.kappa_head_per_m * R, 1.0, 1e-6);
  EXPECT_NEAR(c.kappa_anterior_per_m * R, 1.0, 1e-6);
  EXPECT_NEAR(c.sagitta_m, R * (1 - std::cos(a)), 1e-5);
  // every rib of the table: the table's chord and arc length; its sagitta within 25 %
  const RibCageParams& p = Default();
  for (int i = 0; i < kRibLevels; ++i) {
    const RibShape s = SolveRibShape(p.arc_length_m[i], p.chord_m[i], p.curvature_ratio, p.neck_length_m[i]);
    ASSERT_TRUE(s.converged) << "rib " << i + 1;
    EXPECT_NEAR(s.chord_m, p.chord_m[i], 1e-5) << "rib " << i + 1;
    EXPECT_GT(s.kappa_anterior_per_m, 0) << "rib " << i + 1 << " curves inwards all along";
    EXPECT_LT(std::abs(s.sagitta_m / p.sagitta_m[i] - 1), 0.25) << "rib " << i + 1;
    const std::vector<Vec2> pts = RibShapePoints(s, p.arc_length_m[i], 400);
    double len = 0;
    for (size_t k = 0; k + 1 < pts.size(); ++k) len += (pts[k + 1] - pts[k]).norm();
    EXPECT_NEAR(len, p.arc_length_m[i], 1e-4) << "rib " << i + 1;
    std::printf("rib %2d: curvature radius %4.0f mm at the tubercle, %4.0f mm at the front; sagitta %3.0f mm (Todd %3.0f)\n",
                i + 1, 1e3 / s.kappa_head_per_m, 1e3 / s.kappa_anterior_per_m, 1e3 * s.sagitta_m, 1e3 * p.sagitta_m[i]);
  }
  // a chord as long as the arc: reported, not a silent wrong rib
  EXPECT_FALSE(SolveRibShape(0.3, 0.3, 4.0).converged);
}

TEST(RibGeometry, LeftAndRightRibsAreMirrorImages) {
  const RibCageGeometry g = Cage(Default());
  Mat3 mirror = Mat3::Identity();
  mirror(1, 1) = -1;
  for (size_t k = 0; k + 1 < g.ribs.size(); k += 2) {
    const RibGeometry& L = g.ribs[k];
    const RibGeometry& R = g.ribs[k + 1];
    ASSERT_EQ(L.rib, R.rib);
    ASSERT_EQ(L.side, +1);
    ASSERT_EQ(R.side, -1);
    EXPECT_GT(L.p_anterior_V.y(), 0.02) << "rib " << L.rib << " L ends on the left";
    ASSERT_EQ(L.centreline_V.size(), R.centreline_V.size());
    for (size_t s = 0; s < L.centreline_V.size(); ++s)
      EXPECT_LT((mirror * L.centreline_V[s] - R.centreline_V[s]).norm(), 1e-12) << "rib " << L.rib << " point " << s;
    EXPECT_DOUBLE_EQ(L.mass.mass_kg, R.mass.mass_kg);
    EXPECT_LT((mirror * L.mass.p_com - R.mass.p_com).norm(), 1e-12);
    EXPECT_LT((mirror * L.mass.I_com * mirror - R.mass.I_com).norm(), 1e-12 * L.mass.I_com.norm());
    EXPECT_LT((mirror * L.n_costotransverse_V - R.n_costotransverse_V).norm(), 1e-12);
    EXPECT_LT((mirror * L.n_costovertebral_V - R.n_costovertebral_V).norm(), 1e-12);
    const CartilageGeometry& cL = g.cartilages[k];
    const CartilageGeometry& cR = g.cartilages[k + 1];
    EXPECT_LT((mirror * cL.p_end_S - cR.p_end_S).norm(), 1e-12) << "cartilage " << cL.rib;
  }
  // the sternum sits on the midline
  for (const SternumPart& s : g.sternum) EXPECT_NEAR(s.mass.p_com.y(), 0, 1e-12);
}

TEST(RibGeometry, RibHeadsLandOnTheCostalFacetsOfTheirVertebrae) {
  // tolerance: 2 mm from the spine model's vertebral-body rim (elliptic cylinder of its width and
  // depth); heights: ribs 2-9 on the disc between T_(i-1) and T_i, the others on T_i's body;
  // tubercles: within 8 mm of the facets' depth behind the body (the transverse process's root)
  // and laterally between the facet and the transverse process's tip
  const SpineParams& S = Spine();
  const RibCageGeometry g = Cage(Default());
  for (const RibGeometry& r : g.ribs) {
    const int b = r.vertebra;
    const double dp = 0.5 * S.vb_depth_m[b], w = 0.5 * S.vb_width_m[b], h = 0.5 * S.vb_height_m[b];
    const Vec3& p = r.p_head_V;
    const double rho = std::hypot(p.x() / dp, p.y() / w);  // 1 on the rim
    const double on_rim_m = (rho - 1) * std::hypot(p.x(), p.y()) / rho;
    EXPECT_LT(std::abs(on_rim_m), 0.002) << "rib " << r.rib << " head " << 1e3 * on_rim_m << " mm off the rim";
    EXPECT_LT(p.x(), 0) << "rib " << r.rib << ": costal facets are behind the body's centre";
    if (r.head_vertebrae == 2) {
      const double disc = S.disc_height_m[b - 1];  // level T_(i-1)-T_i
      EXPECT_GE(p.z(), h - 0.001) << "rib " << r.rib;
      EXPECT_LE(p.z(), h + disc + 0.001) << "rib " << r.rib;
    } else {
      EXPECT_GE(p.z(), -h) << "rib " << r.rib;
      EXPECT_LE(p.z(), h) << "rib " << r.rib;
    }
    if (!r.has_costotransverse) continue;
    const int lv = b;  // level below T_i: its facets are T_i's inferior ones
    const Vec3& t = r.p_tubercle_V;
    EXPECT_LT(std::abs(t.x() + S.facet_posterior_m[lv]), 0.008) << "rib " << r.rib << " tubercle x " << 1e3 * t.x();
    EXPECT_GE(std::abs(t.y()), S.facet_lateral_m[lv]) << "rib " << r.rib;
    EXPECT_LE(std::abs(t.y()), S.transverse_tip_lateral_m[b]) << "rib " << r.rib;
  }
}

TEST(RibGeometry, CostalCartilagesOfRibs1To7MeetTheSternum) {
  // each true rib's bony end lies its cartilage's length from its costal notch (10 mm), the
  // cartilage runs forwards and medially to the notch, and ribs 8-10 end on the cartilage above
  const RibCageGeometry g = Cage(Default());
  const auto X_SV = ThoracicVertebraFrames(BuildSpineModel(Spine(), Subject{}, PassiveSpineOptions()).value());
  for (const CartilageGeometry& c : g.cartilages) {
    const double gap = (c.p_target_S - c.p_start_S).norm();
    if (c.side > 0) {
      const Pose X_VS = X_SV[c.rib - 1].Inverse();
      const Vec3 e = X_VS * c.p_start_S, t = X_VS * c.p_target_S;
      std::printf("cartilage %2d: rib end to target %6.1f mm, cartilage %6.1f mm; in V of T%d: rib end (%4.0f, %4.0f, %5.0f), target (%4.0f, %4.0f, %5.0f) mm\n",
                  c.rib, 1e3 * gap, 1e3 * c.length_m, c.rib, 1e3 * e.x(), 1e3 * e.y(), 1e3 * e.z(), 1e3 * t.x(), 1e3 * t.y(), 1e3 * t.z());
    }
    if (c.attach == CartilageAttach::kSternum) {
      EXPECT_LT(std::abs(gap - c.length_m), 0.010) << "rib " << c.rib << (c.side > 0 ? " L" : " R");
      // forwards and not outwards (rib 1's bony end already lies 2.5 mm inside its notch)
      const Pose X_VS = X_SV[c.rib - 1].Inverse();
      EXPECT_GT((X_VS * c.p_end_S).x(), (X_VS * c.p_start_S).x()) << "rib " << c.rib << ": runs forwards";
      EXPECT_LT(std::abs(c.p_end_S.y()), std::abs(c.p_start_S.y()) + 0.005) << "rib " << c.rib << ": runs medially";
      EXPECT_LT((c.p_end_S - c.p_target_S).norm(), 1e-12);
    } else if (c.attach == CartilageAttach::kCartilageAbove) {
      EXPECT_EQ(c.attach_rib, c.rib - 1);
      EXPECT_LT(gap, 1.5 * c.length_m) << "rib " << c.rib;
    }
  }
  // the sternum spans its levels: the notch above the angle, the body below it, centred
  EXPECT_GT(g.sternum[0].p_top_S.z(), g.sternum[0].p_bottom_S.z());
  EXPECT_NEAR((g.sternum[0].p_bottom_S - g.sternum[1].p_top_S).norm(), 0, 1e-12);
  EXPECT_GT(g.sternum[1].p_top_S.z(), g.sternum[1].p_bottom_S.z());
}

TEST(RibGeometry, RibCageMassAgainstTheLiteratureAndTheTrunkSlices) {
  const RibCageParams& p = Default();
  const Subject subject;
  const RibCageGeometry g = Cage(p, subject);
  double ribs = 0, dry = 0;
  for (const RibGeometry& r : g.ribs) ribs += r.mass.mass_kg;
  for (int i = 0; i < kRibLevels; ++i) dry += 2 * p.dry_mass_kg[i];
  // fresh ribs from the sections and densities against Todd's dry ribs (356 g): wet bone is
  // ~10-20 % water and the marrow (~45 % of the section here) is lost on maceration, so the
  // fresh ribs must weigh 1.2-2.0 x the dry ones
  std::printf("ribs %.0f g (dry, Todd 1849-52: %.0f g, x%.2f); cartilages + sternum: %.0f g; cage %.0f g\n",
              1e3 * ribs, 1e3 * dry, ribs / dry, 1e3 * (g.total_mass_kg - ribs), 1e3 * g.total_mass_kg);
  EXPECT_GT(ribs / dry, 1.2);
  EXPECT_LT(ribs / dry, 2.0);
  // the slices give up exactly the cage's mass, each a small share of its own
  SpineBuildOptions bare = PassiveSpineOptions();
  bare.arms = false;  // the slices' own mass
  const ModelDesc d = BuildSpineModel(Spine(), subject, bare).value();
  double out = 0;
  for (int k = 0; k < kRibLevels; ++k) {
    out += g.slice_mass_kg[k];
    const double slice = d.bodies[8 + k].mass_kg;
    std::printf("T%-2d slice %.3f kg gives up %.3f kg (%.1f %%)\n", k + 1, slice, g.slice_mass_kg[k],
                100 * g.slice_mass_kg[k] / slice);
    EXPECT_LT(g.slice_mass_kg[k], 0.25 * slice) << "T" << k + 1;
  }
  EXPECT_NEAR(out, g.total_mass_kg, 1e-12);
  // masses scale with body mass, like the spine's
  const RibCageGeometry light = Cage(p, Subject{60.0, 1.75});
  EXPECT_NEAR(light.total_mass_kg / g.total_mass_kg, 60.0 / 75.0, 1e-9);
  const RibCageGeometry tall = Cage(p, Subject{75.0, 1.90});
  EXPECT_NEAR(tall.total_mass_kg / g.total_mass_kg, 1.0, 1e-9);
  EXPECT_NEAR(tall.ribs[10].p_anterior_V.norm() / g.ribs[10].p_anterior_V.norm(), 1.90 / 1.75, 1e-9);
}

// --- bad input: file, line, key, value and what is allowed -----------------------------------

// a straight or quarter-circle polyline of n segments in the xy plane (normal +z)
std::vector<Vec3> Line(double L, int n) {
  std::vector<Vec3> p;
  for (int k = 0; k <= n; ++k) p.push_back(Vec3(L * k / n, 0, 0));
  return p;
}

TEST(RibBending, CurvedBeamComplianceMatchesTheCantileverAndTheQuarterCircle) {
  const double EI = 1.64;  // [N m^2] a rib's in-plane EI (13.9 GPa, 118 mm^4)
  // straight cantilever, tip force across: L^3 / (3 EI); the midpoint rule is exact to ~1/(4 n^2)
  const double L = 0.3;
  EXPECT_NEAR(CurvedBeamTipCompliance(Line(L, 400), 0, Vec3::UnitZ(), Vec3::UnitY(), EI), L * L * L / (3 * EI), 1e-5 * L * L * L / EI);
  // root part-way along: only the beam beyond it bends
  EXPECT_NEAR(CurvedBeamTipCompliance(Line(L, 400), 100, Vec3::UnitZ(), Vec3::UnitY(), EI), std::pow(0.75 * L, 3) / (3 * EI),
              1e-5 * L * L * L / EI);
  // a force along the beam does not bend a straight one
  EXPECT_NEAR(CurvedBeamTipCompliance(Line(L, 400), 0, Vec3::UnitZ(), Vec3::UnitX(), EI), 0, 1e-15);
  // quarter circle of radius R from (R, 0) to (0, R), root at (R, 0), tip force along x:
  // δ = (3π/4 − 2) F R³ / EI (Castigliano, bending only)
  const double R = 0.1;
  std::vector<Vec3> arc;
  const int n = 2000;
  for (int k = 0; k <= n; ++k) arc.push_back(R * Vec3(std::cos(0.5 * kPi * k / n), std::sin(0.5 * kPi * k / n), 0));
  const double exact = (0.75 * kPi - 2) * R * R * R / EI;
  EXPECT_NEAR(CurvedBeamTipCompliance(arc, 0, Vec3::UnitZ(), Vec3::UnitX(), EI), exact, 1e-4 * exact);
  // and along y: (π/4) F R³ / EI
  EXPECT_NEAR(CurvedBeamTipCompliance(arc, 0, Vec3::UnitZ(), Vec3::UnitY(), EI), 0.25 * kPi * R * R * R / EI, 1e-4 * exact);
}

TEST(RibBending, AStraightRibsJointReproducesTheCantileversTipDeflection) {
  // a straight "rib" along x in the xy plane, held at its tubercle (x = 0.02 m), joint at 0.35
  RibGeometry g;
  const double L = 0.3;
  g.centreline_V = Line(L, kRibSegments);
  g.p_head_V = g.centreline_V.front();
  g.p_tubercle_V = Vec3(0.025, 0, 0);  // centreline point 8
  g.n_plane_V = Vec3::UnitZ();
  g.section = BeamSection{0.013, 0.0065, 0.0009, 1900, 1100};
  const double E = 13.9e9, nu = 0.3;
  const RibBending b = ComputeRibBending(g, 0.35, E, nu);
  EXPECT_EQ(b.k_root, 8);
  EXPECT_EQ(b.k_joint, 34);  // round(0.35 x 96)
  // the cortical shell's second moment in the plane: π/4 (b³a − b_i³a_i), b the in-plane semi-axis
  const double a = 0.0065, bb = 0.00325, t = 0.0009;
  const double I_in = kPi / 4 * (bb * bb * bb * a - std::pow(bb - t, 3) * (a - t));
  EXPECT_NEAR(b.EI_in_Nm2, E * I_in, 1e-9 * E * I_in);
  EXPECT_LT(b.EI_in_Nm2, b.EI_out_Nm2);  // the rib is deeper than it is thick
  // a pivot at the joint with k = 3 EI (L_b − a)² / L_b³ gives the cantilever's tip deflection
  // (L_b the beam from the root, a the joint's distance from the root); 96 segments' midpoint
  // rule: within 1e-4
  const double Lb = L - g.centreline_V[8].x(), aj = g.centreline_V[34].x() - g.centreline_V[8].x();
  EXPECT_NEAR(b.k_rot_Nm_per_rad.x(), 3 * E * I_in * std::pow(Lb - aj, 2) / std::pow(Lb, 3), 1e-4 * b.k_rot_Nm_per_rad.x());
  EXPECT_NEAR(b.front_stiffness_N_per_m, 3 * E * I_in / std::pow(Lb, 3), 1e-4 * b.front_stiffness_N_per_m);
  // out of plane, a straight beam does not twist: the same law with the other moment
  const double I_out = kPi / 4 * (a * a * a * bb - std::pow(a - t, 3) * (bb - t));
  EXPECT_NEAR(b.k_rot_Nm_per_rad.y(), 3 * E * I_out * std::pow(Lb - aj, 2) / std::pow(Lb, 3), 1e-4 * b.k_rot_Nm_per_rad.y());
  // the joint's frame: x the plane's normal, z the tangent towards the front
  EXPECT_NEAR((b.X_VF.R.col(0) - Vec3::UnitZ()).norm(), 0, 1e-12);
  EXPECT_NEAR((b.X_VF.R.col(2) - Vec3::UnitX()).norm(), 0, 1e-12);
}

TEST(RibBending, EveryRibBendsAtItsFrontFarMoreThanItsContactsGive) {
  // the diagnosis of phase 3: a rib held at its tubercle gives 0.3-2 N/mm at its front (Kemper's
  // 13.9 GPa cortex), where its four front contact points give 4 x 5 N/mm in series
  const RibCageGeometry G = Cage(Default());
  for (const RibGeometry& g : G.ribs) {
    // rib 1 is short and broad in its own plane (16 mm: 32 N/mm), the floating ribs short
    if (g.rib == 1 || g.rib >= 11) continue;
    const RibBending b = ComputeRibBending(g, Default().bending_joint_arc_fraction, Default().bone_modulus_Pa, Default().bone_poisson_ratio);
    EXPECT_GT(b.front_stiffness_N_per_m, 0.2e3) << g.rib;
    EXPECT_LT(b.front_stiffness_N_per_m, 3e3) << g.rib;
    EXPECT_LT(b.front_stiffness_N_per_m, 0.2 * 4 * Default().contact_anterior_stiffness_N_per_m) << g.rib;
  }
}

// a rib cage file from before the ribs bent (as a run stored it) reads as rigid ribs; with 2
// segments the bending keys are required
TEST(RibCageModel, AFileWithoutTheBendingKeysIsTheRigidRibsItRanWith) {
  std::string text = ReadDefault();
  for (const char* key : {"bending_segments", "bending_joint_arc_fraction", "bone_modulus_GPa", "bone_poisson_ratio"})
    text = std::regex_replace(text, std::regex(std::string("\\n") + key + " = [^\\n]*"), "");
  ASSERT_EQ(LineOf(text, "bending_segments"), 0);
  auto p = LoadText(text);
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.value().bending_segments, 1);
  // two segments without the beam's keys: each missing key is named
  const std::string two = std::regex_replace(text, std::regex("\\ncurvature_ratio = "),
                                             "\nbending_segments = { value = 2, source = \"assumed: test\" }\ncurvature_ratio = ");
  ASSERT_NE(two, text);
  auto q = LoadText(two);
  ASSERT_FALSE(q.ok());
  for (const char* key : {"ribs.bending_joint_arc_fraction", "ribs.bone_modulus_GPa", "ribs.bone_poisson_ratio"})
    EXPECT_NE(q.ErrorText().find(std::string(key) + ": missing"), std::string::npos) << q.ErrorText();
}

TEST(RibCageModel, BadBendingKeysNameFileLineKeyAndWhatIsAllowed) {
  for (const auto& [from, to, expect] : std::vector<std::array<std::string, 3>>{
           {"bending_segments = \\{ value = 2,", "bending_segments = { value = 3,", "ribs.bending_segments: value 3 is out of range; allowed: [1, 2] [-]"},
           {"bending_segments = \\{ value = 2,", "bending_segments = { value = 1.5,", "ribs.bending_segments: value 1.5 must be 1 (rigid ribs) or 2 (ribs that bend)"},
           {"bone_modulus_GPa = \\{ value = 13\\.9,", "bone_modulus_GPa = { value = 0,", "ribs.bone_modulus_GPa: value 0 is out of range; allowed: [1, 30] GPa"},
           {"bending_joint_arc_fraction = \\{ value = 0\\.35,", "bending_joint_arc_fraction = { value = 0.95,", "ribs.bending_joint_arc_fraction: value 0.95 is out of range; allowed: [0.15, 0.85] [-]"}}) {
    std::string text = std::regex_replace(ReadDefault(), std::regex(from), to);
    ASSERT_NE(text, ReadDefault()) << from;
    std::string path;
    auto p = LoadText(text, &path);
    ASSERT_FALSE(p.ok()) << to;
    const std::string e = p.ErrorText();
    EXPECT_NE(e.find(path + ":" + std::to_string(LineOf(text, to.substr(0, to.find(" = "))))), std::string::npos) << e;
    EXPECT_NE(e.find(expect), std::string::npos) << e;
  }
}

TEST(RibCageModel, WrongArrayLengthNamesFileLineKeyAndCount) {
  std::string text = std::regex_replace(ReadDefault(), std::regex("value = \\[133\\.4, 228\\.6, "), "value = [228.6, ");
  std::string path;
  auto p = LoadText(text, &path);
  ASSERT_FALSE(p.ok());
  const std::string e = p.ErrorText();
  EXPECT_NE(e.find(path + ":" + std::to_string(LineOf(text, "arc_length_mm"))), std::string::npos) << e;
  EXPECT_NE(e.find("ribs.arc_length_mm.value: has 11 entries; must have 12 (one per rib)"), std::string::npos) << e;
}

TEST(RibCageModel, OutOfRangeValueNamesTheValueAndTheAllowedRange) {
  std::string text = std::regex_replace(ReadDefault(), std::regex("modulus_MPa = \\{ value = 40\\.0,"), "modulus_MPa = { value = -2,");
  std::string path;
  auto p = LoadText(text, &path);
  ASSERT_FALSE(p.ok());
  const std::string e = p.ErrorText();
  EXPECT_NE(e.find(path + ":" + std::to_string(LineOf(text, "modulus_MPa = { value = -2"))), std::string::npos) << e;
  EXPECT_NE(e.find("costal_cartilage.modulus_MPa: value -2 is out of range; allowed: [0.5, 500] MPa"), std::string::npos) << e;
}

TEST(RibCageModel, ParameterWithoutSourceIsRejected) {
  std::string text = std::regex_replace(ReadDefault(), std::regex("thickness_mm = \\{ value = 5\\.0, source = \"[^\"]*\" \\}"),
                                        "thickness_mm = { value = 5.0 }");
  auto p = LoadText(text);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("intercostal.thickness_mm.source: missing"), std::string::npos) << p.ErrorText();
}

TEST(RibCageModel, UnknownLevelListsTheThoracicLevels) {
  std::string text = std::regex_replace(ReadDefault(), std::regex("jugular_notch_level = \"T2-T3\""), "jugular_notch_level = \"L2-L3\"");
  auto p = LoadText(text);
  ASSERT_FALSE(p.ok());
  const std::string e = p.ErrorText();
  EXPECT_NE(e.find("sternum.jugular_notch_level: value 'L2-L3' is not a level between two thoracic vertebrae; allowed: T1-T2, T2-T3"), std::string::npos) << e;
  EXPECT_NE(e.find(":" + std::to_string(LineOf(text, "jugular_notch_level"))), std::string::npos) << e;
}

TEST(RibCageModel, UnknownKeyAndWrongJointWordAreRejected) {
  std::string text = ReadDefault();
  text = std::regex_replace(text, std::regex("\\[intercostal\\]\n"), "[intercostal]\nstiffnes_N_per_mm = { value = 1.0, source = \"assumed: typo\" }\n");
  text = std::regex_replace(text, std::regex("costotransverse = \\[\"yes\""), "costotransverse = [\"maybe\"");
  auto p = LoadText(text);
  ASSERT_FALSE(p.ok());
  const std::string e = p.ErrorText();
  EXPECT_NE(e.find("intercostal.stiffnes_N_per_mm: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("joints.costotransverse[0]: value 'maybe' is not allowed; allowed: no, yes"), std::string::npos) << e;
}

TEST(RibCageModel, InconsistentRibLengthsAreReportedWithTheRib) {
  // a chord longer than the arc fails at load; one that slips past the loader fails at build
  std::string text = std::regex_replace(ReadDefault(), std::regex("value = \\[50\\.8, "), "value = [150.8, ");
  auto p = LoadText(text);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.ErrorText().find("ribs.chord_mm: [0] (rib 1): chord 150.8 mm must be shorter than the arc length 133.4 mm"), std::string::npos)
      << p.ErrorText();
  RibCageParams bad = Default();
  bad.chord_m[5] = bad.arc_length_m[5];  // rib 6 straight as its arc: past the loader's check
  const ModelDesc d = BuildSpineModel(Spine(), Subject{}, PassiveSpineOptions()).value();
  auto g = ComputeRibCageGeometry(bad, Spine(), Subject{}, ThoracicVertebraFrames(d));
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.ErrorText().find("ribs.arc_length_mm[5] (rib 6): no rib of arc 320 mm and chord 320 mm with a 25 mm neck; allowed: a chord shorter than the arc"), std::string::npos)
      << g.ErrorText();
}

}  // namespace
}  // namespace spinelab::sim

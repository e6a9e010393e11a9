#pragma once
/// @file rib_geometry.h
/// Procedural rib-cage geometry (pure functions of RibCageParams, SpineParams, Subject and the
/// thoracic vertebrae's poses): each rib's centreline, head and tubercle, cross-section, mass,
/// centre of mass and inertia as a curved beam; the costal cartilages; the sternum's two bodies;
/// the synovial joints' points and normals; the ligaments' anchors; and the mass each thoracic
/// trunk slice gives up so that the body's total mass is unchanged.
///
/// The rib (head to costochondral junction) is a planar curve: a straight neck (head → tubercle),
/// then an arc whose curvature falls linearly along it from κ0 at the tubercle to κ0/r at the
/// front (r = RibCageParams::curvature_ratio: the rib is most curved at its angle and flattens
/// forwards). Given the measured arc length L and chord c, κ0 is solved (bisection, the least
/// curved solution) so that the curve has that chord; the measured sagitta (versed sine) is a
/// check, not an input. The curve starts at the head along the neck; its plane contains the neck
/// and the horizontal direction square to it (anterolateral), turned down about the neck axis by
/// the rib's descent angle. Frames: V = the vertebral-body centroid frame of a thoracic vertebra
/// (x anterior, y left, z cranial; docs/conventions.md); S = the frame the vertebrae's poses are
/// given in (the spine frame of BuildSpineModel, standing).
/// Rejected alternatives: a circular arc (cannot meet arc length and chord and look like a rib:
/// with Todd's chords and sagittas it is 10-15 % short); solving κ0 and κ1 for arc, chord and
/// sagitta together (done first: Todd's three lengths admit only S-shaped ribs, curving outwards
/// at the front); a logarithmic spiral (needs a pole and angle per rib, for which we have no table).

#include <array>
#include <string>
#include <vector>

#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {

using Vec2 = Eigen::Vector2d;

/// Mass properties of a body: mass, centre of mass and the inertia tensor about it.
struct MassProperties {
  double mass_kg = 0;           ///< [kg]
  Vec3 p_com = Vec3::Zero();    ///< [m] in the frame the inputs were given in
  Mat3 I_com = Mat3::Zero();    ///< [kg·m²] about the COM, axes of that frame
};

/// Cross-section of a curved beam: an elliptic tube (cortical shell) filled with a lighter
/// interior. Semi-axes: `height_m`/2 along the binormal (plane normal), `thickness_m`/2 in the
/// plane across the curve.
struct BeamSection {
  double height_m = 0;            ///< [m] full axis along the binormal
  double thickness_m = 0;         ///< [m] full axis in the plane, across the centreline
  double shell_m = 0;             ///< [m] shell thickness (>= half the smaller axis: solid)
  double shell_density_kg_per_m3 = 0;
  double core_density_kg_per_m3 = 0;
};

/// Mass, COM and inertia of a curved beam along a polyline (points in any frame F, metres)
/// lying in the plane with unit normal `n_F`. Each segment is an elliptic-tube cylinder along its
/// chord, placed at its midpoint (the section's own curvature term, ~(a/R)²/2 of I, is left out).
MassProperties ComputeCurvedBeamMass(const std::vector<Vec3>& points_F, const Vec3& n_F,
                                     const BeamSection& section);

/// The rib's planar centreline shape: a straight neck, then curvature falling linearly from the
/// tubercle to the anterior end.
struct RibShape {
  double neck_m = 0;                ///< [m] straight part from the head
  double kappa_head_per_m = 0;      ///< [1/m] at the tubercle (the end of the neck)
  double kappa_anterior_per_m = 0;  ///< [1/m] at the anterior end
  double chord_m = 0, sagitta_m = 0;  ///< [m] achieved
  bool converged = false;
};

/// Solves κ0 for a curve of arc length L (the first `neck_m` straight, then κ falling from κ0 to
/// κ0/`curvature_ratio`) with chord c: the least curved solution. `converged` is false when there
/// is none (c >= L).
RibShape SolveRibShape(double arc_length_m, double chord_m, double curvature_ratio, double neck_m = 0);

/// Points (u, v) of the planar curve from the head (0, 0) heading +u, turning towards +v; n+1
/// points equally spaced in arc length.
std::vector<Vec2> RibShapePoints(const RibShape& shape, double arc_length_m, int n);

/// One rib of one side.
struct RibGeometry {
  int rib = 0;                  ///< 1..12
  int side = +1;                ///< +1 left, −1 right
  int vertebra = 0;             ///< spine body index of T_rib (T1 = 8)
  std::vector<Vec3> centreline_V;   ///< [m] in V of T_rib, head to anterior end (kRibSegments+1 points)
  Vec3 p_head_V = Vec3::Zero();     ///< [m] costovertebral articular point
  Vec3 p_tubercle_V = Vec3::Zero(); ///< [m] costotransverse articular point (the neck's end)
  Vec3 p_anterior_V = Vec3::Zero(); ///< [m] costochondral junction
  Vec3 n_plane_V = Vec3::UnitZ();   ///< [-] rib-plane normal (cranial side)
  Vec3 neck_axis_V = Vec3::UnitY(); ///< [-] unit, head → tubercle (the rib's main axis of motion)
  RibShape shape;
  BeamSection section;
  MassProperties mass;              ///< in V of T_rib
  // synovial joints (points above; normals from the vertebra towards the rib)
  int head_vertebrae = 2;           ///< 2: demifacets on T_(rib−1) and T_rib (one joint, two cavities)
  bool has_costotransverse = true;
  Vec3 n_costovertebral_V = Vec3::UnitY();
  Vec3 n_costotransverse_V = Vec3::UnitX();
  double cv_area_m2 = 0, ct_area_m2 = 0, cv_fluid_m3 = 0, ct_fluid_m3 = 0;
};

/// A ligament between a rib and a vertebra.
struct RibLigamentAnchor {
  std::string name;           ///< "radiate rib 6 L (T5)", "costotransverse rib 6 L", …
  int rib = 0, side = +1;
  int vertebra = 0;           ///< spine body index of the vertebra it attaches to
  Vec3 p_vertebra_V = Vec3::Zero();  ///< [m] on that vertebra, in its V
  Vec3 p_rib_V = Vec3::Zero();       ///< [m] on the rib, in V of T_rib (the rib's own frame)
  double stiffness_N_per_m = 0;
};

/// A costal cartilage (in S).
struct CartilageGeometry {
  int rib = 0, side = +1;
  CartilageAttach attach = CartilageAttach::kSternum;
  int attach_rib = 0;              ///< kCartilageAbove: the rib whose cartilage it joins
  Vec3 p_start_S = Vec3::Zero();   ///< [m] the bony rib's anterior end
  Vec3 p_end_S = Vec3::Zero();     ///< [m] where it meets the sternum / the cartilage above / ends
  Vec3 p_target_S = Vec3::Zero();  ///< [m] the costal notch or the point on the cartilage above
  double length_m = 0;             ///< [m] the parameter's length
  double area_m2 = 0;              ///< [m²] elliptic section
  double mass_kg = 0;
  double axial_stiffness_N_per_m = 0;  ///< [N/m] E·A/L (instantaneous)
};

/// A sternum part (manubrium or body): a box in S.
struct SternumPart {
  std::string name;
  Pose X_SP;                       ///< centre; z along the part (cranial), x anterior
  Vec3 half_extents_m = Vec3::Zero();  ///< [m] along x (thickness), y (width), z (length)
  MassProperties mass;             ///< in S
  Vec3 p_top_S = Vec3::Zero(), p_bottom_S = Vec3::Zero();  ///< [m] ends of its centreline
};

constexpr int kRibSegments = 96;  ///< segments of a rib's centreline

/// The whole cage.
struct RibCageGeometry {
  std::vector<RibGeometry> ribs;             ///< 24: rib 1 L, rib 1 R, rib 2 L, …
  std::vector<CartilageGeometry> cartilages; ///< 24, same order
  std::array<SternumPart, 2> sternum;        ///< manubrium, body
  std::vector<Vec3> notches_S;               ///< 14: the costal notches of ribs 1–7, L then R per rib
  std::vector<RibLigamentAnchor> ligaments;
  std::array<double, kRibLevels> slice_mass_kg{};  ///< [kg] out of the trunk slice of T1..T12
  double total_mass_kg = 0;                  ///< ribs + cartilages + sternum
  int synovial_joints = 0;                   ///< CV + CT joints that exist (both sides)
};

/// In-plane bending compliance of a planar curved beam cantilevered at points_F[k_root], loaded
/// at its last point by a unit force along `F_dir_F` (in the plane, unit normal `n_F`):
/// Castigliano's δ/F = ∫ M(s)² / EI ds with M(s) = n·((p_tip − p(s)) × F̂), bending only
/// (axial and shear terms left out; slender beam), midpoint rule over the polyline. [m/N]
double CurvedBeamTipCompliance(const std::vector<Vec3>& points_F, int k_root, const Vec3& n_F, const Vec3& F_dir_F,
                               double EI_Nm2);

/// A bony rib as two rigid segments joined by a bending bushing (RibCageParams::bending_segments
/// = 2): the pseudo-rigid-body model of the curved beam from the tubercle (the neck, between the
/// CV and CT joints, is held) to the costochondral junction. The section is the cortical shell
/// (the elliptic tube of RibGeometry::section; the marrow carries nothing): EI about the plane's
/// normal (in-plane bending), about the in-plane axis across the rib (out-of-plane), GJ (Bredt's
/// thin tube) and EA. Frame F at the joint: x the plane's normal, z along the joint → front line
/// r, y = z × x. The bushing makes the front end's in-plane compliance the curved beam's
/// (Castigliano) along y (a turn about x) and along z (a translational spring: the beam bends
/// under a force along r too, ~10x stiffer), and along the normal (a turn about y, bending +
/// torsion):
///   k_rot_x = |r|² / c_y,  k_trans_z = 1 / (c_z + arc / EA),  k_rot_y = |r|² / c_n,
/// c_y, c_z the beam's in-plane front-end compliances along y and z, c_n = ∫ (M·m̂)²/EI_out +
/// (M·t̂)²/GJ ds for a force along the normal; twist about r: GJ / arc; translation along x, y:
/// EA / arc (the root is the tubercle: the neck, between the CV and CT joints, is held). With the
/// joint at ~1/3 of the arc, r is square to the beam's most compliant in-plane direction
/// (within 0.3° for ribs 4, 6, 7, 10), so the in-plane 2x2 compliance is matched. Rejected: a
/// series compliance at the head (it would also soften the CV articulation's own calibrated test)
/// or in the front contact (the cartilages, the contents and the intercostals would still load a
/// rigid rib); a single pivot without the spring along r (the front was 2.8x too stiff
/// anteroposteriorly: the AP direction is close to r for the middle ribs).
struct RibBending {
  int k_joint = 0;            ///< centreline index of the joint: posterior [0, k], anterior [k, end]
  int k_root = 0;             ///< centreline index of the beam's root (the tubercle)
  Pose X_VF;                  ///< the joint's frame in V: x the plane's normal, z along the joint → front line
  double EI_in_Nm2 = 0, EI_out_Nm2 = 0, GJ_Nm2 = 0, EA_N = 0;  ///< section stiffnesses
  Vec3 k_rot_Nm_per_rad = Vec3::Zero();  ///< [N·m/rad] about F's x (in-plane), y, z
  Vec3 k_trans_N_per_m = Vec3::Zero();  ///< [N/m] along F's x, y, z
  double front_stiffness_N_per_m = 0;  ///< [N/m] the beam's at the front end, force square to the joint → front line (1/compliance)
};
/// The two-segment rib of `g` with its joint at `arc_fraction` of the centreline (head 0, front 1),
/// cortical bone of modulus E and Poisson ratio ν.
RibBending ComputeRibBending(const RibGeometry& g, double arc_fraction, double E_Pa, double poisson);

/// The thoracic vertebrae's V frames (T1..T12) in the model's world frame, from a ModelDesc built
/// by BuildSpineModel (V has B's axes at BodyDesc::p_BoV_B).
std::array<Pose, kRibLevels> ThoracicVertebraFrames(const ModelDesc& model);

/// Builds the cage for a subject BuildSpineModel accepts. `X_SV` are the V frames of T1..T12 in S. Fails (with the rib/part named) if
/// a rib's arc, chord and sagitta admit no shape, or the sternum cannot span its levels.
Expected<RibCageGeometry> ComputeRibCageGeometry(const RibCageParams& ribs, const SpineParams& spine,
                                                 const Subject& subject,
                                                 const std::array<Pose, kRibLevels>& X_SV);

}  // namespace spinelab::sim

namespace spinelab::sim {

/// The rib cage as bodies (issue 20, phase 1), added to a spine model built by BuildSpineModel
/// in its own frame (before placement; SpineBuildOptions::rib_cage_bodies calls it):
/// - 24 ribs and the sternum (manubrium and body as one rigid body) as bodies, their masses,
///   centres of mass and inertias from ComputeRibCageGeometry (each rib carries its costal
///   cartilage's mass, lumped at the cartilage's midpoint); T1..T12 give up slice_mass_kg
///   (their inertia scaled by the mass they keep, their centre of mass kept), so the total mass
///   is unchanged;
/// - the 44 synovial joints (costovertebral on T_i for every rib; costotransverse on T_i for
///   ribs 1–10): articular contact with the facets' cartilage law and the thoracic facet capsule
///   (SpineParams::capsule[1]) with the joint's own area, fluid volume and orientation; the
///   capsule's gas exchange scaled by area from the facet of T_i's level; a capsular fibre
///   across each joint (the spine's CL law, thoracic) that gives its capsule strain;
/// - the costal cartilages as viscoelastic bushings (ViscoelasticBushingDesc) at their midpoints:
///   an Euler–Bernoulli beam of the cartilage's elliptic section and length referred to its
///   midpoint (axial E·A/L, tension modulus / compression modulus, transverse 12·E·I/L³, bending
///   E·I/L, torsion G·J/L with G = E/3), relaxing to the relaxed fraction with the file's time;
///   ribs 1–7 to the sternum, 8–10 to the rib above (the junction on the cartilage above moves
///   with that rib), 11–12 free;
/// - radiate (ribs 2–9: bands to T_(i−1) and T_i), costotransverse and superior costotransverse
///   ligaments; intercostal tissue as tension-only links between neighbouring ribs of a side
///   (modulus × thickness × the link's share of the space / its length);
/// - with RibCageParams::bending_segments = 2 (ribs that bend, phase 4) each rib is two bodies:
///   "rib i L" (head to the bending joint: the synovial joints, the head's bushing, the
///   ligaments) and "rib i L anterior" (the joint to the front, with the cartilage's mass; the
///   cartilage, the contents' spring), after the sternum, joined by a bushing "rib bending rib i
///   L" from ComputeRibBending; contact spheres and intercostal links on the segment they lie on;
/// - ModelDesc::solve_order: rib i (L, R; each posterior then anterior segment) between T_(i−1)
///   and T_i, the sternum last as a border body, so the implicit system stays banded (bandwidth
///   3 with rigid ribs, 5 with ribs that bend).
/// The chest's contact surface stays on the trunk slices (the ribs have no contact shapes yet).
/// Returns the index of the first rib body (24 ribs, rib 1 L, rib 1 R, …, then the sternum), or
/// the geometry's errors.
Expected<int> AddRibCageBodies(const RibCageParams& ribs, const SpineParams& spine, const Subject& subject,
                               ModelDesc* model);

/// Names of the rib cage's bodies and joints: "rib 6 L", "sternum", "CV rib 6 L", "CT rib 6 L".
std::string RibBodyName(int rib, int side);
std::string RibJointName(bool costovertebral, int rib, int side);

}  // namespace spinelab::sim

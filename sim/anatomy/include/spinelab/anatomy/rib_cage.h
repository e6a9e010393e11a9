#pragma once
/// @file rib_cage.h
/// The rib cage's parameters (models/ribcage_adult.toml, loaded and validated): ribs 1–12 per
/// side, the sternum (manubrium + body), the costal cartilages, the costovertebral (CV) and
/// costotransverse (CT) synovial joints, their ligaments and the intercostal tissue. All values
/// in SI and radians, converted once by LoadRibCageParams. rib_geometry.h turns them into bodies'
/// geometry and masses, and AddRibCageBodies into the simulation's bodies and elements
/// (rib_cage.model = "bodies"; docs/ribcage.md).

#include <array>
#include <string>
#include <vector>

#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

constexpr int kRibLevels = 12;  ///< ribs 1–12 per side, rib i on thoracic vertebra T_i

/// Where a rib's costal cartilage ends.
enum class CartilageAttach {
  kSternum,         ///< ribs 1–7: a costal notch of the sternum
  kCartilageAbove,  ///< ribs 8–10: the cartilage of the rib above
  kFree,            ///< ribs 11–12: floating, ends in the abdominal wall
};

/// All rib-cage parameters, SI. Per-rib vectors have kRibLevels entries (rib 1 first).
struct RibCageParams {
  std::string file;  ///< path it was loaded from
  std::string text;  ///< the whole TOML text (stored with results when the ribs are simulated)
  std::string name;
  double ref_body_mass_kg = 75, ref_height_m = 1.75;  ///< the subject the values are for

  // [ribs] the bony rib, head to costochondral junction, in its vertebra's frame V
  std::vector<double> arc_length_m;        ///< [m] along the rib, head to anterior end
  std::vector<double> chord_m;             ///< [m] straight head to anterior end
  std::vector<double> sagitta_m;           ///< [m] largest distance of the rib from its chord (a check)
  double curvature_ratio = 4;              ///< [-] radius of curvature at the front / at the tubercle
  std::vector<double> descent_rad;         ///< [rad] rib plane turned down about the neck axis from V's transverse plane
  std::vector<double> head_posterior_m;    ///< [m] CV articular point behind the VB centroid (x = −value)
  std::vector<double> head_lateral_m;      ///< [m] CV articular point from the midline
  std::vector<double> head_superior_m;     ///< [m] CV articular point above the VB centroid
  std::vector<double> neck_length_m;       ///< [m] head to tubercle
  std::vector<double> neck_angle_rad;      ///< [rad] neck behind the lateral axis, in V's transverse plane
  std::vector<double> tubercle_superior_m; ///< [m] tubercle (CT articular point) above the VB centroid
  std::vector<double> section_height_m;    ///< [m] shaft cross-section, superior–inferior (ellipse axis)
  std::vector<double> section_thickness_m; ///< [m] shaft cross-section, internal–external (ellipse axis)
  double cortical_thickness_m = 0;         ///< [m] cortical shell of the section
  double cortical_density_kg_per_m3 = 0;   ///< [kg/m³] wet cortical bone
  double marrow_density_kg_per_m3 = 0;     ///< [kg/m³] the section's interior (trabeculae and marrow)
  std::vector<int> head_vertebrae;         ///< 2: head on T_(i-1) and T_i (two demifacets); 1: on T_i only
  std::vector<bool> has_costotransverse;   ///< the tubercle articulates with T_i's transverse process
  std::vector<double> dry_mass_kg;         ///< [kg] macerated (dry) rib, literature check of the mass
  /// rigid segments per bony rib: 1 (a rigid rib) or 2 (a posterior and an anterior segment joined
  /// by a bending bushing with the cortical shell's curved-beam compliance; ComputeRibBending)
  int bending_segments = 1;
  double bending_joint_arc_fraction = 0.35;  ///< [-] where along the rib's arc (head 0, front 1) the two segments meet
  double bone_modulus_Pa = 0;              ///< [Pa] Young's modulus of the rib's cortical bone
  double bone_poisson_ratio = 0.3;         ///< [-] of the cortical bone (G = E / (2 (1 + ν)))

  // [sternum] in the spine frame, placed from the vertebrae
  double manubrium_length_m = 0, manubrium_width_m = 0, manubrium_thickness_m = 0;
  double body_length_m = 0, body_width_m = 0, body_thickness_m = 0;
  double sternal_angle_rad = 0;       ///< [rad] between manubrium and body (π: straight)
  double sternum_fill_fraction = 0;   ///< [-] bone volume / bounding box
  double sternum_density_kg_per_m3 = 0;
  double superior_aperture_ap_m = 0;  ///< [m] front of T1's body to the jugular notch, horizontally
  int jugular_notch_level = 0;        ///< index into SpineParams::level_names: the notch at that disc's height
  int sternal_angle_level = 0;        ///< index into SpineParams::level_names
  std::vector<double> notch_position_m;  ///< (7) [m] along the sternum from the jugular notch, ribs 1–7

  // [costal_cartilage] per rib
  std::vector<CartilageAttach> cartilage_attach;
  std::vector<double> cartilage_length_m;      ///< [m] bony rib end to its attachment (free end for 11–12)
  std::vector<double> cartilage_height_m;      ///< [m] section, superior–inferior (ellipse axis)
  std::vector<double> cartilage_thickness_m;   ///< [m] section, anterior–posterior (ellipse axis)
  double cartilage_modulus_Pa = 0;             ///< [Pa] instantaneous Young's modulus (tension, bending)
  double cartilage_compression_modulus_Pa = 0; ///< [Pa] instantaneous modulus in axial compression
  double cartilage_density_kg_per_m3 = 0;
  double cartilage_relaxation_time_s = 0;      ///< [s] stress relaxation time constant
  double cartilage_relaxed_fraction = 0;       ///< [-] long-time / instantaneous modulus

  // [costovertebral] and [costotransverse] synovial joints; the capsule's other properties are
  // the thoracic facet capsule's (SpineParams::capsule[1]) with the fluid volume below
  std::vector<double> cv_area_m2, ct_area_m2;              ///< [m²] articular area per rib
  std::vector<double> cv_fluid_m3, ct_fluid_m3;            ///< [m³] synovial fluid per joint
  std::vector<double> ct_facet_elevation_rad;              ///< [rad] CT facet normal above the horizontal
  double ct_facet_azimuth_rad = 0;   ///< [rad] CT facet normal (from the transverse process to the tubercle) ahead of lateral
  double joint_rest_gap_m = 0;       ///< [m] articular clearance at rest
  double joint_capsule_span_m = 0;   ///< [m] capsular fibre length across the joint

  // [ligaments] tension-only, toe region then linear (the spine's ligament law)
  double radiate_k_N_per_m = 0, costotransverse_k_N_per_m = 0, superior_costotransverse_k_N_per_m = 0;
  double rib_ligament_toe_strain = 0;  ///< [-]
  double cv_translational_stiffness_N_per_m = 0;   ///< [N/m] the same, translation of the head (capsule, intra-articular ligament)
  double cv_rotational_stiffness_Nm_per_rad = 0;  ///< [N·m/rad] the costovertebral articulation's rotational stiffness (surfaces' shape)
  /// [rad] neutral zone of the head's turn about the vertical (T_i's z): the rib's front swinging
  /// fore-aft; beyond it the moment stiffens by cv_vertical_stiffening (AxisLaw k2)
  double cv_vertical_neutral_zone_rad = 0;
  double cv_vertical_stiffening_Nm_per_rad2 = 0;  ///< [N·m/rad²] AxisLaw k2 about T_i's z at the head
  double rib_ligament_prestrain = 0;   ///< [-] in situ strain at the rest pose (radiate, costotransverse, superior costotransverse)

  // [intercostal] tissue between neighbouring ribs
  double intercostal_modulus_Pa = 0;      ///< [Pa]
  double intercostal_thickness_m = 0;     ///< [m] muscle and membrane layers together
  int intercostal_links_per_space = 0;    ///< springs along each intercostal space

  // [contact] the trunk's contact surface carried by the ribs and the sternum (AddRibCageBodies)
  double contact_midline_half_width_m = 0;     ///< [m] the thoracic slice kept for the spinous/laminar region, half its width
  double contact_posterior_arc_fraction = 0;   ///< [-] the back's spheres: tubercle to this fraction of the rib's arc
  int contact_posterior_spheres = 0;           ///< spheres per rib along the back
  double contact_anterior_arc_fraction = 0;    ///< [-] the chest's spheres: this last fraction of the bony rib
  int contact_anterior_spheres = 0;            ///< spheres per rib along the front
  double contact_anterior_tissue_m = 0;        ///< [m] soft tissue over the front of the ribs and the sternum
  double contact_anterior_tissue_max_m = 0;    ///< [m] the thickest front tissue (pectoral, breast) a front sphere fills towards the chest's skin
  int contact_cartilage_spheres = 0;           ///< spheres along each costal cartilage (on its rib), ribs 1–10
  double contact_anterior_stiffness_N_per_m = 0;  ///< [N/m] per contact point on the front of the ribs and the sternum
  // [thoracic_contents] lungs, heart, mediastinum between the sternum and the spine (lumped)
  double contents_stiffness_N_per_m = 0;       ///< [N/m] anteroposterior, shared by the vertebrae at the sternum's height
  double contents_damping_time_s = 0;          ///< [s] c/k
  /// ribs 1..this whose costochondral junctions also rest on the contents (the lungs behind the
  /// chest wall): the stiffness is shared equally by the sternum's springs and these ribs' (0: the sternum only)
  int contents_ribs = 0;

  // [calibration_targets] printed and asserted when the ribs are simulated (issue 20)
  double cv_translation_at_28N_m = 0;     ///< [m] median along the rib (J Biomech 2024)
  double cv_rotation_range_rad = 0;       ///< [rad] under ±0.1 N·m (J Biomech 2024)
  double chest_stiffness_N_per_m = 0;     ///< [N/m] sternal compression (CPR)

  std::vector<ParamOrigin> origins;  ///< every parameter read, with its line and source
};

/// Loads and validates a rib-cage parameter file. Every problem (unknown key, missing source,
/// wrong array length, out-of-range value, a level that is not thoracic) is reported with
/// file:line, key, value and what is allowed. `spine` supplies the level names.
Expected<RibCageParams> LoadRibCageParams(const std::string& path, const SpineParams& spine);
/// The same from a file's text; `path` names it in messages and becomes RibCageParams::file.
Expected<RibCageParams> LoadRibCageParamsText(const std::string& text, const std::string& path,
                                              const SpineParams& spine);

/// Default rib-cage file: $SPINELAB_MODELS/ribcage_adult.toml, else the source tree's models/.
std::string DefaultRibCageModelPath();

}  // namespace spinelab::sim

// LoadRibCageParams: strict reader of models/ribcage_*.toml with the spine's reader
// (param_reader.h): every numeric parameter is { value = ..., source = "..." }, the unit is in
// the key, converted here to SI exactly once.
#include "param_reader.h"
#include "spinelab/anatomy/rib_cage.h"
#include "spinelab/sim/math.h"

namespace spinelab::sim {

Expected<RibCageParams> LoadRibCageParams(const std::string& path, const SpineParams& spine) {
  auto text = internal::ReadModelFile(path);
  if (!text) return text.errors();
  return LoadRibCageParamsText(text.value(), path, spine);
}

Expected<RibCageParams> LoadRibCageParamsText(const std::string& text, const std::string& path,
                                              const SpineParams& spine) {
  auto parsed = internal::ParseModelToml(text, path);
  if (!parsed) return parsed.errors();
  const toml::table& root = parsed.value();
  RibCageParams p;
  p.file = path;
  p.text = text;
  internal::Reader r(root, path, &p.origins);
  constexpr double mm = 1e-3, deg = kDegToRad, mm2 = 1e-6, ml = 1e-6, gram = 1e-3, Npmm = 1e3;
  const size_t N = kRibLevels;
  auto ribs = [&](const std::string& key, double scale, double lo, double hi, const std::string& unit) {
    return r.Array(key, N, scale, lo, hi, unit, "rib");
  };
  auto error = [&](const std::string& key, const std::string& message) {
    r.errors().push_back({r.Where(key), key, message});
  };

  // schema and subject
  {
    r.MarkSeen("schema_version");
    const auto v = root["schema_version"].value<int64_t>();
    if (!v || *v != 1) error("schema_version", "must be 1 (this spinelab reads schema_version 1)");
  }
  p.name = r.Text("name");
  p.ref_body_mass_kg = r.Scalar("reference_subject.body_mass_kg", 1, 30, 200, "kg");
  p.ref_height_m = r.Scalar("reference_subject.height_m", 1, 1.2, 2.2, "m");

  // ribs
  p.arc_length_m = ribs("ribs.arc_length_mm", mm, 50, 450, "mm");
  p.chord_m = ribs("ribs.chord_mm", mm, 20, 350, "mm");
  p.sagitta_m = ribs("ribs.sagitta_mm", mm, 5, 200, "mm");
  p.curvature_ratio = r.Scalar("ribs.curvature_ratio", 1, 1, 20, "[-]");
  p.descent_rad = ribs("ribs.descent_deg", deg, -30, 80, "deg");
  p.head_posterior_m = ribs("ribs.head_posterior_mm", mm, -20, 40, "mm");
  p.head_lateral_m = ribs("ribs.head_lateral_mm", mm, 3, 40, "mm");
  p.head_superior_m = ribs("ribs.head_superior_mm", mm, -30, 30, "mm");
  p.neck_length_m = ribs("ribs.neck_length_mm", mm, 3, 50, "mm");
  p.neck_angle_rad = ribs("ribs.neck_angle_deg", deg, 0, 85, "deg");
  p.tubercle_superior_m = ribs("ribs.tubercle_superior_mm", mm, -30, 30, "mm");
  p.section_height_m = ribs("ribs.section_height_mm", mm, 3, 40, "mm");
  p.section_thickness_m = ribs("ribs.section_thickness_mm", mm, 2, 20, "mm");
  p.cortical_thickness_m = r.Scalar("ribs.cortical_thickness_mm", mm, 0.2, 3, "mm");
  p.cortical_density_kg_per_m3 = r.Scalar("ribs.cortical_density_kg_per_m3", 1, 1500, 2300, "kg/m^3");
  p.marrow_density_kg_per_m3 = r.Scalar("ribs.marrow_density_kg_per_m3", 1, 800, 1500, "kg/m^3");
  p.dry_mass_kg = ribs("ribs.dry_mass_g", gram, 1, 60, "g");
  // A rib cage file without `ribs.bending_segments` is one from before the ribs bent (the text a
  // run stored then): it reads as the rigid ribs it ran with, so `spinelab rerun` reproduces it.
  // With 2 segments the bending keys are required.
  if (r.Present("ribs.bending_segments")) {
    const double segs = r.Scalar("ribs.bending_segments", 1, 1, 2, "[-]");
    if (segs != std::floor(segs)) error("ribs.bending_segments", "value " + FormatNumber(segs) + " must be 1 (rigid ribs) or 2 (ribs that bend)");
    p.bending_segments = static_cast<int>(std::lround(segs));
  } else {
    p.bending_segments = 1;
  }
  for (const char* key : {"ribs.bending_joint_arc_fraction", "ribs.bone_modulus_GPa", "ribs.bone_poisson_ratio"})
    if (p.bending_segments == 2 || r.Present(key)) r.MarkSeen(key);
  if (p.bending_segments == 2 || r.Present("ribs.bending_joint_arc_fraction"))
    p.bending_joint_arc_fraction = r.Scalar("ribs.bending_joint_arc_fraction", 1, 0.15, 0.85, "[-]");
  if (p.bending_segments == 2 || r.Present("ribs.bone_modulus_GPa"))
    p.bone_modulus_Pa = r.Scalar("ribs.bone_modulus_GPa", 1e9, 1, 30, "GPa");
  if (p.bending_segments == 2 || r.Present("ribs.bone_poisson_ratio"))
    p.bone_poisson_ratio = r.Scalar("ribs.bone_poisson_ratio", 1, 0, 0.49, "[-]");
  for (size_t i = 0; i < N; ++i) {
    const std::string k = "[" + std::to_string(i) + "] (rib " + std::to_string(i + 1) + ")";
    if (p.chord_m[i] >= p.arc_length_m[i])
      error("ribs.chord_mm", k + ": chord " + FormatNumber(p.chord_m[i] / mm) + " mm must be shorter than the arc length " +
                                 FormatNumber(p.arc_length_m[i] / mm) + " mm");
    if (p.neck_length_m[i] >= 0.5 * p.arc_length_m[i])
      error("ribs.neck_length_mm", k + ": neck " + FormatNumber(p.neck_length_m[i] / mm) +
                                       " mm must be shorter than half the arc length");
    if (2 * p.cortical_thickness_m >= std::min(p.section_height_m[i], p.section_thickness_m[i]))
      error("ribs.cortical_thickness_mm", k + ": the cortical shell (" + FormatNumber(p.cortical_thickness_m / mm) +
                                              " mm) must leave an interior in the section");
  }

  // which joints the anatomy has: heads on one or two vertebrae, costotransverse joint or none
  {
    const auto heads = r.Strings("joints.head_vertebrae", N, {"one", "two"});
    const auto ct = r.Strings("joints.costotransverse", N, {"yes", "no"});
    if (r.Text("joints.source").empty()) error("joints.source", "must name the anatomy source of joints.*");
    for (size_t i = 0; i < N; ++i) {
      p.head_vertebrae.push_back(heads[i] == "two" ? 2 : 1);
      p.has_costotransverse.push_back(ct[i] == "yes");
    }
    if (p.head_vertebrae[0] == 2)
      error("joints.head_vertebrae", "[0] (rib 1): 'two' would put rib 1's head on C7; allowed: 'one'");
  }

  // sternum
  p.manubrium_length_m = r.Scalar("sternum.manubrium_length_mm", mm, 20, 90, "mm");
  p.manubrium_width_m = r.Scalar("sternum.manubrium_width_mm", mm, 20, 90, "mm");
  p.manubrium_thickness_m = r.Scalar("sternum.manubrium_thickness_mm", mm, 3, 30, "mm");
  p.body_length_m = r.Scalar("sternum.body_length_mm", mm, 40, 160, "mm");
  p.body_width_m = r.Scalar("sternum.body_width_mm", mm, 10, 60, "mm");
  p.body_thickness_m = r.Scalar("sternum.body_thickness_mm", mm, 3, 30, "mm");
  p.sternal_angle_rad = r.Scalar("sternum.sternal_angle_deg", deg, 120, 180, "deg");
  p.sternum_fill_fraction = r.Scalar("sternum.fill_fraction", 1, 0.2, 1, "[-]");
  p.sternum_density_kg_per_m3 = r.Scalar("sternum.density_kg_per_m3", 1, 800, 2300, "kg/m^3");
  p.superior_aperture_ap_m = r.Scalar("sternum.superior_aperture_ap_mm", mm, 20, 150, "mm");
  p.notch_position_m = r.Array("sternum.notch_position_mm", 7, mm, 0, 250, "mm", "rib reaching the sternum (ribs 1-7)");
  for (size_t i = 1; i < p.notch_position_m.size(); ++i)
    if (p.notch_position_m[i] <= p.notch_position_m[i - 1])
      error("sternum.notch_position_mm", "[" + std::to_string(i) + "]: the notches must run down the sternum (each below the one before)");
  if (!p.notch_position_m.empty() && p.notch_position_m.back() > p.manubrium_length_m + p.body_length_m + 1e-9)
    error("sternum.notch_position_mm", "[6]: " + FormatNumber(p.notch_position_m.back() / mm) +
                                           " mm is below the sternal body's lower end (manubrium + body = " +
                                           FormatNumber((p.manubrium_length_m + p.body_length_m) / mm) + " mm)");
  if (r.Text("sternum.levels_source").empty()) error("sternum.levels_source", "must name the anatomy source of the two levels");
  {
    // a level name of the spine model between two thoracic vertebrae
    auto level = [&](const std::string& key) {
      const std::string name = r.Text(key);
      std::string allowed;
      for (size_t lv = 0; lv < spine.level_names.size(); ++lv) {
        const std::string& n = spine.level_names[lv];
        const bool thoracic_pair = n.size() >= 5 && n[0] == 'T' && n.find("-T") != std::string::npos;
        if (!thoracic_pair) continue;
        if (n == name) return static_cast<int>(lv);
        allowed += (allowed.empty() ? "" : ", ") + n;
      }
      error(key, "value '" + name + "' is not a level between two thoracic vertebrae; allowed: " + allowed);
      return -1;
    };
    p.jugular_notch_level = level("sternum.jugular_notch_level");
    p.sternal_angle_level = level("sternum.sternal_angle_level");
    if (p.jugular_notch_level >= 0 && p.sternal_angle_level >= 0 && p.sternal_angle_level <= p.jugular_notch_level)
      error("sternum.sternal_angle_level", "must be below sternum.jugular_notch_level");
  }

  // costal cartilage
  {
    const auto attach = r.Strings("costal_cartilage.attaches_to", N, {"sternum", "cartilage above", "free"});
    if (r.Text("costal_cartilage.attaches_source").empty())
      error("costal_cartilage.attaches_source", "must name the anatomy source of attaches_to");
    for (size_t i = 0; i < N; ++i) {
      const CartilageAttach a = attach[i] == "sternum"           ? CartilageAttach::kSternum
                                : attach[i] == "cartilage above" ? CartilageAttach::kCartilageAbove
                                                                 : CartilageAttach::kFree;
      p.cartilage_attach.push_back(a);
      // the sternum's notch table covers ribs 1-7
      if ((a == CartilageAttach::kSternum) != (i < 7))
        error("costal_cartilage.attaches_to",
              "[" + std::to_string(i) + "] (rib " + std::to_string(i + 1) + "): '" + attach[i] + "' is not allowed; ribs 1-7 attach to the 'sternum' (sternum.notch_position_mm), ribs 8-12 to the 'cartilage above' or are 'free'");
      if (i > 7 && a == CartilageAttach::kCartilageAbove && p.cartilage_attach[i - 1] == CartilageAttach::kFree)
        error("costal_cartilage.attaches_to", "[" + std::to_string(i) + "]: rib " + std::to_string(i + 1) +
                                                  " cannot join a free cartilage above it");
    }
  }
  p.cartilage_length_m = ribs("costal_cartilage.length_mm", mm, 2, 250, "mm");
  p.cartilage_height_m = ribs("costal_cartilage.section_height_mm", mm, 2, 40, "mm");
  p.cartilage_thickness_m = ribs("costal_cartilage.section_thickness_mm", mm, 2, 30, "mm");
  p.cartilage_modulus_Pa = r.Scalar("costal_cartilage.modulus_MPa", 1e6, 0.5, 500, "MPa");
  p.cartilage_compression_modulus_Pa = r.Scalar("costal_cartilage.compression_modulus_MPa", 1e6, 0.5, 500, "MPa");
  p.cartilage_density_kg_per_m3 = r.Scalar("costal_cartilage.density_kg_per_m3", 1, 900, 1500, "kg/m^3");
  p.cartilage_relaxation_time_s = r.Scalar("costal_cartilage.relaxation_time_s", 1, 0.01, 1e4, "s");
  p.cartilage_relaxed_fraction = r.Scalar("costal_cartilage.relaxed_fraction", 1, 0.05, 1, "[-]");

  // synovial joints
  p.cv_area_m2 = ribs("costovertebral.area_mm2", mm2, 10, 400, "mm^2");
  p.cv_fluid_m3 = ribs("costovertebral.fluid_volume_ml", ml, 0.005, 2, "ml");
  p.ct_area_m2 = ribs("costotransverse.area_mm2", mm2, 0, 300, "mm^2");
  p.ct_fluid_m3 = ribs("costotransverse.fluid_volume_ml", ml, 0, 2, "ml");
  p.ct_facet_elevation_rad = ribs("costotransverse.facet_elevation_deg", deg, -30, 80, "deg");
  p.ct_facet_azimuth_rad = r.Scalar("costotransverse.facet_azimuth_deg", deg, -90, 90, "deg");
  p.joint_rest_gap_m = r.Scalar("rib_joints.rest_gap_mm", mm, 0, 5, "mm");
  p.joint_capsule_span_m = r.Scalar("rib_joints.capsule_span_mm", mm, 1, 30, "mm");
  for (size_t i = 0; i < N && p.has_costotransverse.size() == N && p.ct_area_m2.size() == N; ++i) {
    const bool has = p.has_costotransverse[i];
    if (has != (p.ct_area_m2[i] > 0) || has != (p.ct_fluid_m3[i] > 0))
      error("costotransverse.area_mm2", "[" + std::to_string(i) + "] (rib " + std::to_string(i + 1) + "): area and fluid must be > 0 exactly where joints.costotransverse is 'yes' (0 where 'no')");
  }

  // ligaments and intercostal tissue
  p.radiate_k_N_per_m = r.Scalar("ligaments.radiate_stiffness_N_per_mm", Npmm, 0.1, 500, "N/mm");
  p.costotransverse_k_N_per_m = r.Scalar("ligaments.costotransverse_stiffness_N_per_mm", Npmm, 0.1, 500, "N/mm");
  p.superior_costotransverse_k_N_per_m = r.Scalar("ligaments.superior_costotransverse_stiffness_N_per_mm", Npmm, 0.1, 500, "N/mm");
  p.rib_ligament_toe_strain = r.Scalar("ligaments.toe_strain", 1, 0.001, 0.5, "[-]");
  p.rib_ligament_prestrain = r.Scalar("ligaments.prestrain", 1, 0, 0.3, "[-]");
  p.cv_rotational_stiffness_Nm_per_rad = r.Scalar("costovertebral.rotational_stiffness_Nm_per_rad", 1, 0, 100, "N·m/rad");
  p.cv_translational_stiffness_N_per_m = r.Scalar("costovertebral.translational_stiffness_N_per_mm", 1e3, 0, 1000, "N/mm");
  p.cv_vertical_neutral_zone_rad = r.Scalar("costovertebral.vertical_neutral_zone_deg", deg, 0, 30, "deg");
  p.cv_vertical_stiffening_Nm_per_rad2 = r.Scalar("costovertebral.vertical_stiffening_Nm_per_rad2", 1, 0, 1e5, "N·m/rad^2");
  p.intercostal_modulus_Pa = r.Scalar("intercostal.modulus_MPa", 1e6, 0.001, 50, "MPa");
  p.intercostal_thickness_m = r.Scalar("intercostal.thickness_mm", mm, 0.5, 30, "mm");
  p.intercostal_links_per_space =
      static_cast<int>(std::lround(r.Scalar("intercostal.links_per_space", 1, 1, 20, "[-]")));
  p.contact_midline_half_width_m = r.Scalar("contact.midline_half_width_mm", mm, 5, 100, "mm");
  p.contact_posterior_arc_fraction = r.Scalar("contact.posterior_arc_fraction", 1, 0.1, 0.6, "[-]");
  p.contact_posterior_spheres = static_cast<int>(std::lround(r.Scalar("contact.posterior_spheres", 1, 1, 20, "[-]")));
  p.contact_anterior_arc_fraction = r.Scalar("contact.anterior_arc_fraction", 1, 0.05, 0.6, "[-]");
  p.contact_anterior_spheres = static_cast<int>(std::lround(r.Scalar("contact.anterior_spheres", 1, 1, 20, "[-]")));
  p.contact_anterior_tissue_m = r.Scalar("contact.anterior_tissue_mm", mm, 1, 50, "mm");
  p.contact_anterior_tissue_max_m = r.Scalar("contact.anterior_tissue_max_mm", mm, 1, 100, "mm");
  if (p.contact_anterior_tissue_max_m < p.contact_anterior_tissue_m)
    error("contact.anterior_tissue_max_mm", "must be >= contact.anterior_tissue_mm (" + FormatNumber(p.contact_anterior_tissue_m / mm) + " mm)");
  p.contact_cartilage_spheres = static_cast<int>(std::lround(r.Scalar("contact.cartilage_spheres", 1, 0, 20, "[-]")));
  p.contact_anterior_stiffness_N_per_m = r.Scalar("contact.anterior_stiffness_N_per_mm", Npmm, 0.01, 100, "N/mm");
  p.contents_stiffness_N_per_m = r.Scalar("thoracic_contents.stiffness_N_per_cm", 100, 0, 1000, "N/cm");
  p.contents_damping_time_s = r.Scalar("thoracic_contents.damping_time_ms", 1e-3, 0, 1000, "ms");
  p.contents_ribs = static_cast<int>(std::lround(r.Scalar("thoracic_contents.ribs", 1, 0, 10, "[-]")));

  // calibration targets of the simulation step
  p.cv_translation_at_28N_m = r.Scalar("calibration_targets.costovertebral_translation_at_28N_mm", mm, 0.1, 10, "mm");
  p.cv_rotation_range_rad = r.Scalar("calibration_targets.costovertebral_rotation_range_deg", deg, 0.5, 60, "deg");
  p.chest_stiffness_N_per_m = r.Scalar("calibration_targets.chest_stiffness_N_per_cm", 100, 1, 1000, "N/cm");

  r.CheckUnknown(root, "");
  if (!r.errors().empty()) return std::move(r.errors());
  return p;
}

std::string DefaultRibCageModelPath() { return internal::ModelPath("ribcage_adult.toml"); }

}  // namespace spinelab::sim

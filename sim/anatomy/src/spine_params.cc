// LoadSpineParams: strict reader of models/spine_*.toml (the reader itself: param_reader.h).
// Every numeric parameter is an inline table { value = ..., source = "..." }; keys carry their
// unit, converted here to SI exactly once.
#include "param_reader.h"
#include "spinelab/sim/math.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {

const std::array<const char*, 7> kLigamentTypes = {"ALL", "PLL", "LF", "ISL", "SSL", "ITL", "CL"};

Expected<SpineParams> LoadSpineParams(const std::string& path) {
  auto text = internal::ReadModelFile(path);
  if (!text) return text.errors();
  return LoadSpineParamsText(text.value(), path);
}

Expected<SpineParams> LoadSpineParamsText(const std::string& text, const std::string& path) {
  auto parsed = internal::ParseModelToml(text, path);
  if (!parsed) return parsed.errors();
  const toml::table& root = parsed.value();
  SpineParams p;
  p.file = path;
  p.text = text;
  internal::Reader r(root, path, &p.origins);
  constexpr double mm = 1e-3, deg = kDegToRad;
  const size_t NB = kSpineBodies, NL = kSpineLevels;

  // schema and names
  {
    r.MarkSeen("schema_version");
    const auto v = root["schema_version"].value<int64_t>();
    if (!v || *v != 1)
      r.errors().push_back({path, "schema_version", "must be 1 (this spinelab reads schema_version 1)"});
  }
  p.name = r.Text("name");
  p.ref_body_mass_kg = r.Scalar("reference_subject.body_mass_kg", 1, 30, 200, "kg");
  p.ref_height_m = r.Scalar("reference_subject.height_m", 1, 1.2, 2.2, "m");
  p.sacral_slope_rad = r.Scalar("posture.sacral_slope_deg", deg, 0, 80, "deg");

  // bodies
  p.body_names = r.Strings("bodies.names", NB);
  p.mass_fraction = r.Array("bodies.mass_fraction", NB, 1, 1e-4, 0.2, "[-]");
  p.com_anterior_m = r.Array("bodies.com_anterior_mm", NB, mm, -50, 100, "mm");
  p.com_superior_m = r.Array("bodies.com_superior_mm", NB, mm, -50, 100, "mm");
  p.vb_height_m = r.Array("bodies.vb_height_mm", NB, mm, 1, 60, "mm");
  p.vb_width_m = r.Array("bodies.vb_width_mm", NB, mm, 5, 80, "mm");
  p.vb_depth_m = r.Array("bodies.vb_depth_mm", NB, mm, 5, 80, "mm");
  p.lamina_posterior_m = r.Array("bodies.lamina_posterior_mm", NB, mm, 5, 100, "mm");
  p.spinous_tip_posterior_m = r.Array("bodies.spinous_tip_posterior_mm", NB, mm, 10, 120, "mm");
  p.transverse_tip_lateral_m = r.Array("bodies.transverse_tip_lateral_mm", NB, mm, 5, 100, "mm");
  p.inertia_ap_semiaxis_m = r.Array("bodies.inertia_ap_semiaxis_mm", NB, mm, 10, 300, "mm");
  p.inertia_ml_semiaxis_m = r.Array("bodies.inertia_ml_semiaxis_mm", NB, mm, 10, 300, "mm");

  // levels
  p.level_names = r.Strings("levels.names", NL);
  const auto regions = r.Strings("levels.regions", NL, {"C", "T", "L"});
  for (const auto& s : regions) p.level_region.push_back(s == "C" ? 0 : s == "T" ? 1 : 2);
  p.disc_height_m = r.Array("levels.disc_height_mm", NL, mm, 0.5, 25, "mm");
  p.rest_flexion_rad = r.Array("levels.rest_flexion_deg", NL, deg, -30, 30, "deg");
  p.flexion_share = r.Array("levels.flexion_share", NL, 1, 0.05, 0.95, "[-]");

  // facets
  p.facet_posterior_m = r.Array("facets.posterior_mm", NL, mm, 0, 80, "mm");
  p.facet_lateral_m = r.Array("facets.lateral_mm", NL, mm, 2, 60, "mm");
  p.facet_transverse_rad = r.Array("facets.transverse_deg", NL, deg, -90, 90, "deg");
  p.facet_sagittal_rad = r.Array("facets.sagittal_deg", NL, deg, -10, 90, "deg");
  p.facet_area_m2 = r.Array("facets.area_mm2", NL, mm * mm, 20, 400, "mm^2");
  p.facet_rest_gap_m = r.Scalar("facets.rest_gap_mm", mm, 0, 5, "mm");
  p.cartilage_thickness_m = r.Scalar("facets.cartilage_thickness_mm", mm, 0.1, 5, "mm");
  p.cartilage_modulus_Pa = r.Scalar("facets.cartilage_modulus_MPa", 1e6, 0.1, 200, "MPa");
  p.contact_damping_s_per_m = r.Scalar("facets.contact_damping_s_per_m", 1, 0, 10, "s/m");

  // discs
  const double Npmm = 1e3;
  p.disc_k_compression = r.Array("disc.axial_compression_N_per_mm", NL, Npmm, 10, 1e4, "N/mm");
  p.disc_k_tension = r.Array("disc.axial_tension_N_per_mm", NL, Npmm, 1, 1e4, "N/mm");
  p.disc_k_shear = r.Array("disc.shear_N_per_mm", NL, Npmm, 1, 2e3, "N/mm");
  p.k0_fe = r.Array("disc.k0_flexion_extension_Nm_per_rad", NL, 1, 0, 1e4, "N·m/rad");
  p.k0_lb = r.Array("disc.k0_lateral_bending_Nm_per_rad", NL, 1, 0, 1e4, "N·m/rad");
  p.k0_ar = r.Array("disc.k0_axial_rotation_Nm_per_rad", NL, 1, 0, 1e4, "N·m/rad");
  p.nz_flex = r.Array("disc.nz_flexion_deg", NL, deg, 0, 30, "deg");
  p.nz_ext = r.Array("disc.nz_extension_deg", NL, deg, 0, 30, "deg");
  p.nz_lb = r.Array("disc.nz_lateral_bending_deg", NL, deg, 0, 30, "deg");
  p.nz_ar = r.Array("disc.nz_axial_rotation_deg", NL, deg, 0, 40, "deg");
  p.k2_flex = r.Array("disc.k2_flexion_Nm_per_rad2", NL, 1, 0, 1e7, "N·m/rad^2");
  p.k2_ext = r.Array("disc.k2_extension_Nm_per_rad2", NL, 1, 0, 1e7, "N·m/rad^2");
  p.k2_lb = r.Array("disc.k2_lateral_bending_Nm_per_rad2", NL, 1, 0, 1e7, "N·m/rad^2");
  p.k2_ar = r.Array("disc.k2_axial_rotation_Nm_per_rad2", NL, 1, 0, 1e7, "N·m/rad^2");
  p.disc_c_rot = r.Scalar("disc.rotational_damping_Nms_per_rad", 1, 0, 100, "N·m·s/rad");
  p.disc_c_trans = r.Scalar("disc.translational_damping_Ns_per_m", 1, 0, 1e5, "N·s/m");
  p.preload_gain = r.Scalar("disc.preload_gain", 1, 0, 10, "[-]");
  p.preload_exponent = r.Scalar("disc.preload_exponent", 1, 0.05, 3, "[-]");
  p.idp_factor = r.Scalar("disc.idp_factor", 1, 0.5, 3, "[-]");
  p.nucleus_area_fraction = r.Scalar("disc.nucleus_area_fraction", 1, 0.1, 0.8, "[-]");

  // ligaments
  for (size_t i = 0; i < kLigamentTypes.size(); ++i) {
    const std::string base = std::string("ligaments.") + kLigamentTypes[i] + ".";
    const auto k = r.Array(base + "stiffness_N_per_mm", 3, Npmm, 0.01, 500, "N/mm");
    const auto toe = r.Array(base + "toe_strain", 3, 1, 0.001, 0.9, "[-]");
    const auto pre = r.Array(base + "prestrain", 3, 1, 0, 0.3, "[-]");
    for (int g = 0; g < 3; ++g) {
      p.ligaments[i].stiffness_N_per_m[g] = k[g];
      p.ligaments[i].toe_strain[g] = toe[g];
      p.ligaments[i].prestrain[g] = pre[g];
    }
  }
  const auto span = r.Array("ligaments.CL.capsule_span_mm", 3, mm, 2, 40, "mm");
  for (int g = 0; g < 3; ++g) p.capsule_span_m[g] = span[g];
  p.ligament_damping_time_s = r.Scalar("ligaments.common.damping_time_s", 1, 0, 1, "s");
  p.ligament_level_scale = r.Array("ligaments.common.level_scale", NL, 1, 0.01, 10, "[-]");
  p.attachment_inset_m = r.Scalar("ligaments.common.attachment_inset_mm", mm, 0, 10, "mm");
  p.transverse_root_fraction = r.Scalar("ligaments.common.transverse_root_anterior_fraction", 1, -1, 1, "[-]");

  // muscle tone
  const auto mk = r.Array("muscle_tone.stiffness_Nm_per_rad", 3, 1, 0, 1e5, "N·m/rad");
  const auto mc = r.Array("muscle_tone.damping_Nms_per_rad", 3, 1, 0, 1e3, "N·m·s/rad");
  const auto ma = r.Array("muscle_tone.extensor_moment_arm_mm", 3, mm, 5, 150, "mm");
  p.muscle_axial_fraction = r.Scalar("muscle_tone.axial_fraction", 1, 0, 1, "[-]");
  for (int g = 0; g < 3; ++g) {
    p.muscle_stiffness_Nm_per_rad[g] = mk[g];
    p.muscle_damping_Nms_per_rad[g] = mc[g];
    p.extensor_moment_arm_m[g] = ma[g];
  }
  p.arms_mass_fraction = r.Scalar("arms.mass_fraction", 1, 0, 0.3, "[-]");
  p.arms_lateral_offset_m = r.Scalar("arms.lateral_offset_mm", mm, 0, 500, "mm");
  p.legs_mass_fraction = r.Scalar("legs.mass_fraction", 1, 0, 0.6, "[-]");
  p.legs_inertia_radius_m = r.Scalar("legs.inertia_radius_mm", mm, 0, 1000, "mm");
  {
    const auto h = r.Array("legs.hip_from_S1_mm", 3, mm, -300, 300, "mm");
    p.hip_from_S1_m = Vec3(h[0], h[1], h[2]);
  }
  p.shoulder_above_T2_m = r.Scalar("hanging.shoulder_above_T2_mm", mm, 0, 400, "mm");
  p.shoulder_damping_Nms_per_rad = r.Scalar("hanging.shoulder_damping_Nms_per_rad", 1, 0, 1e4, "N·m·s/rad");
  {
    const auto post = r.Array("tissue.posterior_thickness_mm", 3, mm, 1, 150, "mm");
    const auto ant = r.Array("tissue.anterior_extent_mm", 3, mm, 10, 400, "mm");
    const auto hw = r.Array("tissue.half_width_mm", 3, mm, 10, 400, "mm");
    for (int g = 0; g < 3; ++g) {
      p.tissue_posterior_m[g] = post[g];
      p.tissue_anterior_m[g] = ant[g];
      p.tissue_half_width_m[g] = hw[g];
    }
    p.tissue_contact_stiffness_N_per_m = r.Scalar("tissue.contact_stiffness_N_per_mm", Npmm, 0.1, 1000, "N/mm");
    p.chest_contact_stiffness_N_per_m = r.Scalar("tissue.chest_contact_stiffness_N_per_mm", Npmm, 0.01, 1000, "N/mm");
    p.chest_damping_time_s = r.Scalar("tissue.chest_damping_time_ms", 1e-3, 0.1, 1000, "ms");  // > 0: 0 would fall back to the back's damping
    p.hand_contact_stiffness_N_per_m = r.Scalar("tissue.hand_contact_stiffness_N_per_mm", Npmm, 0.1, 1000, "N/mm");
    p.head_contact_stiffness_N_per_m = r.Scalar("tissue.head_contact_stiffness_N_per_mm", Npmm, 0.1, 1000, "N/mm");
    p.tissue_contact_damping_Ns_per_m = r.Scalar("tissue.contact_damping_Ns_per_m", 1, 0, 1e5, "N·s/m");
    p.pelvis_support_k_trans = r.Scalar("pelvis_support.translational_stiffness_N_per_mm", Npmm, 0.1, 1e4, "N/mm");
    const auto kr = r.Array("pelvis_support.rotational_stiffness_Nm_per_rad", 3, 1, 0, 1e5, "N·m/rad");
    p.pelvis_support_k_rot = Vec3(kr[0], kr[1], kr[2]);
    p.pelvis_support_c_trans = r.Scalar("pelvis_support.translational_damping_Ns_per_m", 1, 0, 1e5, "N·s/m");
    p.pelvis_support_c_rot = r.Scalar("pelvis_support.rotational_damping_Nms_per_rad", 1, 0, 1e4, "N·m·s/rad");
    p.va_foramen_lateral_m = r.Scalar("vertebral_artery.foramen_lateral_mm", mm, 5, 60, "mm");
    p.va_atlas_foramen_lateral_m = r.Scalar("vertebral_artery.atlas_foramen_lateral_mm", mm, 5, 60, "mm");
    p.va_foramen_anterior_m = r.Scalar("vertebral_artery.foramen_anterior_mm", mm, -40, 40, "mm");
    const auto e = r.Array("vertebral_artery.skull_entry_from_atlas_mm", 3, mm, -60, 60, "mm");
    p.va_skull_entry_from_atlas_m = Vec3(e[0], e[1], e[2]);
    p.bone_strength_Pa = r.Scalar("bone.strength_per_endplate_area_MPa", 1e6, 0.5, 20, "MPa");
    p.bone_bmd_sd_fraction = r.Scalar("bone.bmd_sd_fraction", 1, 0.01, 0.5, "[-]");
    p.bone_strength_exponent = r.Scalar("bone.strength_bmd_exponent", 1, 0.5, 4, "[-]");
    p.rib_cage_bridged = r.Array("rib_cage.bridged_share", NL, 1, 0, 1, "[-]");
    const auto kc = r.Array("rib_cage.stiffness_Nm_per_rad", 3, 1, 0, 1e4, "N·m/rad");
    p.rib_cage_k_Nm_per_rad = Vec3(kc[0], kc[1], kc[2]);
    if (root.at_path("rib_cage.model")) {
      p.rib_cage_model = r.Text("rib_cage.model");
      const std::string src = r.Text("rib_cage.model_source");
      if (p.rib_cage_model != "lumped" && p.rib_cage_model != "bodies")
        r.errors().push_back({r.Where("rib_cage.model"), "rib_cage.model", "'" + p.rib_cage_model + "' is not allowed; allowed: \"lumped\" (the rotational stiffness per level) or \"bodies\" (ribs, sternum and rib joints from models/ribcage_adult.toml)"});
      if (src.rfind("assumed", 0) != 0 && src.rfind("calibrated", 0) != 0)
        r.errors().push_back({r.Where("rib_cage.model_source"), "rib_cage.model_source", "must say why ('assumed: ...' or 'calibrated: ...')"});
    }
  }
  // the girdle and limbs as bodies (optional: a model file without [limbs] keeps them lumped)
  if (root.get("limbs")) {
    LimbParams& L = p.limbs;
    L.model = r.Text("limbs.model");
    const std::string src = r.Text("limbs.model_source");
    if (L.model != "lumped" && L.model != "bodies")
      r.errors().push_back({r.Where("limbs.model"), "limbs.model", "'" + L.model + "' is not allowed; allowed: \"lumped\" ([arms] and [legs] lumped on the trunk) or \"bodies\" (the girdle and limbs as bodies)"});
    if (src.rfind("assumed", 0) != 0 && src.rfind("calibrated", 0) != 0)
      r.errors().push_back({r.Where("limbs.model_source"), "limbs.model_source", "must say why ('assumed: ...' or 'calibrated: ...')"});
    auto seg = [&](const char* key, double scale, double lo, double hi, const char* unit, std::array<double, 6>* out) {
      const auto v = r.Array(std::string("limbs.") + key, 6, scale, lo, hi, unit);
      for (int i = 0; i < 6; ++i) (*out)[i] = v[i];
    };
    seg("segment_mass_fraction", 1, 0.001, 0.3, "[-]", &L.mass_fraction);
    seg("segment_length_mm", mm, 20, 800, "mm", &L.length_m);
    seg("segment_com_fraction", 1, 0.05, 0.95, "[-]", &L.com_fraction);
    seg("segment_radius_sagittal_fraction", 1, 0.01, 1, "[-]", &L.r_sagittal);
    seg("segment_radius_transverse_fraction", 1, 0.01, 1, "[-]", &L.r_transverse);
    seg("segment_radius_longitudinal_fraction", 1, 0.01, 1, "[-]", &L.r_longitudinal);
    L.reference_stature_m = r.Scalar("limbs.reference_stature_mm", mm, 1000, 2200, "mm");
    L.clavicle_mass_fraction = r.Scalar("limbs.clavicle_mass_fraction", 1, 0.0001, 0.02, "[-]");
    L.scapula_mass_fraction = r.Scalar("limbs.scapula_mass_fraction", 1, 0.0001, 0.05, "[-]");
    L.clavicle_length_m = r.Scalar("limbs.clavicle_length_mm", mm, 50, 250, "mm");
    L.clavicle_retraction_rad = r.Scalar("limbs.clavicle_retraction_deg", deg, -45, 60, "deg");
    L.clavicle_elevation_rad = r.Scalar("limbs.clavicle_elevation_deg", deg, -30, 45, "deg");
    auto vec = [&](const char* key, double lo, double hi) {
      const auto v = r.Array(std::string("limbs.") + key, 3, mm, lo, hi, "mm");
      return Vec3(v[0], v[1], v[2]);
    };
    L.sc_from_T2_m = vec("sternoclavicular_from_T2_mm", -200, 200);
    L.gh_from_ac_m = vec("glenohumeral_from_acromioclavicular_mm", -100, 100);
    L.superior_angle_from_T2_m = vec("scapula_superior_angle_from_T2_mm", -200, 200);
    L.spine_root_from_T3_m = vec("scapula_spine_root_from_T3_mm", -200, 200);
    L.inferior_angle_from_T7_m = vec("scapula_inferior_angle_from_T7_mm", -200, 200);
    L.hip_lateral_m = r.Scalar("limbs.hip_lateral_mm", mm, 30, 200, "mm");
    L.ankle_to_foot_com_m = vec("ankle_to_foot_com_mm", -200, 200);
    L.hang_clavicle_elevation_rad = r.Scalar("limbs.hang_clavicle_elevation_deg", deg, 0, 60, "deg");
    L.hang_scapula_upward_rotation_rad = r.Scalar("limbs.hang_scapula_upward_rotation_deg", deg, 0, 60, "deg");
    L.hang_glenohumeral_elevation_rad = r.Scalar("limbs.hang_glenohumeral_elevation_deg", deg, 0, 170, "deg");
    auto pose = [&](const char* key, LimbParams::PoseAngles* out) {
      const auto v = r.Array(std::string("limbs.") + key, 10, deg, -30, 150, "deg");
      for (int i = 0; i < 10; ++i) (*out)[i] = v[i];
    };
    pose("pose_seated_deg", &L.pose_seated);
    pose("pose_supine_deg", &L.pose_supine);
    pose("pose_prone_deg", &L.pose_prone);
    pose("pose_side_lying_deg", &L.pose_side_lying);
    pose("pose_kneeling_deg", &L.pose_kneeling);
    pose("pose_quadruped_deg", &L.pose_quadruped);
    const char* joints[LimbParams::kJoints] = {"sternoclavicular", "acromioclavicular", "glenohumeral", "elbow", "hip", "knee", "ankle"};
    for (int j = 0; j < LimbParams::kJoints; ++j) {
      const auto v = r.Array(std::string("limbs.") + joints[j] + "_rom_deg", 6, deg, 0, 180, "deg");
      for (int i = 0; i < 6; ++i) L.rom_rad[j][i] = v[i];
    }
    L.joint_k0 = r.Scalar("limbs.joint_k0_Nm_per_rad", 1, 0, 1e4, "N·m/rad");
    L.upper_k2 = r.Scalar("limbs.upper_limb_k2_Nm_per_rad2", 1, 0, 1e6, "N·m/rad²");
    L.lower_k2 = r.Scalar("limbs.lower_limb_k2_Nm_per_rad2", 1, 0, 1e6, "N·m/rad²");
    L.joint_k_trans = r.Scalar("limbs.joint_translational_stiffness_N_per_mm", 1e3, 1, 1e5, "N/mm");
    L.joint_c_trans = r.Scalar("limbs.joint_translational_damping_Ns_per_m", 1, 0, 1e5, "N·s/m");
    L.joint_c_rot = r.Scalar("limbs.joint_rotational_damping_Nms_per_rad", 1, 0, 1e3, "N·m·s/rad");
    {
      r.MarkSeen("limbs.muscle_names");
      const toml::array* a = root.at_path("limbs.muscle_names").as_array();
      if (!a || a->size() != LimbParams::kMuscles) {
        r.errors().push_back({path, "limbs.muscle_names", "must list the 7 muscles (trapezius, rhomboids, levator scapulae, serratus anterior, pectoralis minor, pectoralis major, latissimus dorsi)"});
      } else {
        for (int i = 0; i < LimbParams::kMuscles; ++i) L.muscle_names[i] = (*a)[i].value<std::string>().value_or("");
      }
    }
    const auto fm = r.Array("limbs.muscle_max_force_N", LimbParams::kMuscles, 1, 0, 1e4, "N");
    for (int i = 0; i < LimbParams::kMuscles; ++i) L.muscle_max_force_N[i] = fm[i];
    L.muscle_passive_strain = r.Scalar("limbs.muscle_passive_strain", 1, 0.1, 2, "[-]");
    L.muscle_toe_strain = r.Scalar("limbs.muscle_toe_strain", 1, 0.01, 1, "[-]");
    if (L.muscle_toe_strain >= 2 * L.muscle_passive_strain)
      r.errors().push_back({r.Where("limbs.muscle_toe_strain"), "limbs.muscle_toe_strain", "must be below twice limbs.muscle_passive_strain"});
    L.muscle_tone_fraction = r.Scalar("limbs.muscle_tone_fraction", 1, 0, 0.5, "[-]");
    L.muscle_damping_time_s = r.Scalar("limbs.muscle_damping_time_ms", 1e-3, 0, 1000, "ms");
    L.grip_k_trans = r.Scalar("limbs.grip_stiffness_N_per_mm", 1e3, 1, 1e5, "N/mm");
    L.grip_c_trans = r.Scalar("limbs.grip_damping_Ns_per_m", 1, 0, 1e5, "N·s/m");
    L.grip_k_rot = r.Scalar("limbs.grip_rotational_stiffness_Nm_per_rad", 1, 0, 1e4, "N·m/rad");
    L.grip_c_rot = r.Scalar("limbs.grip_rotational_damping_Nms_per_rad", 1, 0, 1e3, "N·m·s/rad");
  }
  {
    r.MarkSeen("arms.carried_by");
    const toml::array* a = root.at_path("arms.carried_by").as_array();
    if (!a || a->empty()) {
      r.errors().push_back({path, "arms.carried_by", "must be a non-empty array of body names"});
    } else {
      for (const auto& n : *a) {
        const auto name = n.value<std::string>();
        bool known = false;
        for (const auto& b : p.body_names) known = known || (name && b == *name);
        if (!known)
          r.errors().push_back({path + ":" + std::to_string(n.source().begin.line), "arms.carried_by",
                                "'" + name.value_or("?") + "' is not a body name (allowed: bodies.names)"});
        p.arms_carried_by.push_back(name.value_or(""));
      }
    }
  }

  // facet capsules
  {
    const double kPa = 1e3, ml = 1e-6;
    const auto fluid = r.Array("capsule.fluid_volume_ml", 3, ml, 0.01, 5, "ml");
    const double rest = r.Scalar("capsule.rest_pressure_cmH2O", 98.0665, -100, 100, "cmH2O");
    const double c_pos = r.Scalar("capsule.compliance_positive_ml_per_kPa", ml / kPa, 1e-6, 10, "ml/kPa");
    const double c_neg = r.Scalar("capsule.compliance_suction_ml_per_kPa", ml / kPa, 1e-9, 10, "ml/kPa");
    const double c_slow = r.Scalar("capsule.compliance_slow_ml_per_kPa", ml / kPa, 0, 10, "ml/kPa");
    const double tau = r.Scalar("capsule.draw_in_time_s", 1, 1e-3, 1e4, "s");
    const double recoil = r.Scalar("capsule.recoil_time_ms", 1e-3, 0, 1e3, "ms");
    const double rho_air = r.Scalar("capsule.air_density_kg_per_m3", 1, 0.1, 10, "kg/m^3");
    const double lowpass = r.Scalar("capsule.tissue_lowpass_Hz", 1, 50, 20000, "Hz");
    const double ring = r.Scalar("capsule.tissue_ring_Hz", 1, 20, 19000, "Hz");
    const double ring_zeta = r.Scalar("capsule.tissue_ring_damping_ratio", 1, 0.01, 0.99, "[-]");
    const double nuc = r.Scalar("capsule.nucleation_pressure_abs_kPa", kPa, -1e5, 6, "kPa");
    const double r0 = r.Scalar("capsule.nucleus_radius_um", 1e-6, 1, 1000, "um");
    const double rho = r.Scalar("capsule.density_kg_per_m3", 1, 500, 2000, "kg/m^3");
    const double mu = r.Scalar("capsule.viscosity_Pa_s", 1, 0, 100, "Pa s");
    const double sigma = r.Scalar("capsule.surface_tension_N_per_m", 1, 0, 1, "N/m");
    const double pv = r.Scalar("capsule.vapour_pressure_kPa", kPa, 0, 50, "kPa");
    const double T = r.Scalar("capsule.temperature_K", 1, 250, 350, "K");
    const double patm = r.Scalar("capsule.atmospheric_pressure_kPa", kPa, 50, 200, "kPa");
    const double pt = r.Scalar("capsule.tissue_gas_tension_kPa", kPa, 10, 200, "kPa");
    const double fill = r.Scalar("capsule.fill_time_ms", 1e-3, 0.01, 1e5, "ms");
    const double stir = r.Scalar("capsule.stirring_time_ms", 1e-3, 0, 1e6, "ms");
    const double D = r.Scalar("capsule.gas_diffusivity_m2_per_s", 1, 1e-12, 1e-6, "m^2/s");
    const double S = r.Scalar("capsule.gas_solubility_mol_per_m3_kPa", 1.0 / kPa, 1e-6, 100, "mol/(m^3 kPa)");
    const double L = r.Scalar("capsule.capsule_thickness_mm", 1e-3, 0.05, 20, "mm");
    const auto area = r.Array("capsule.exchange_area_cm2", 3, 1e-4, 0.01, 1000, "cm^2");
    const double dist = r.Scalar("capsule.listener_distance_cm", 1e-2, 1, 1000, "cm");
    const double noci = r.Scalar("capsule.nociceptor_strain", 1, 0.001, 2, "[-]");
    const double pain = r.Scalar("capsule.pain_strain", 1, 0.001, 2, "[-]");
    const double yld = r.Scalar("capsule.yield_strain", 1, 0.001, 3, "[-]");
    for (int g = 0; g < 3; ++g) {
      CapsuleParams& c = p.capsule[g];
      c.fluid_volume_m3 = fluid[g];
      c.rest_pressure_Pa = rest;
      c.compliance_positive_m3_per_Pa = c_pos;
      c.compliance_suction_m3_per_Pa = c_neg;
      c.compliance_slow_m3_per_Pa = c_slow;
      c.draw_in_time_s = tau;
      c.recoil_time_s = recoil;
      c.air_density_kg_per_m3 = rho_air;
      c.tissue_lowpass_Hz = lowpass;
      c.tissue_ring_Hz = ring;
      c.tissue_ring_damping_ratio = ring_zeta;
      c.nucleation_pressure_abs_Pa = nuc;
      c.nucleus_radius_m = r0;
      c.density_kg_per_m3 = rho;
      c.viscosity_Pa_s = mu;
      c.surface_tension_N_per_m = sigma;
      c.vapour_pressure_Pa = pv;
      c.temperature_K = T;
      c.atmospheric_pressure_Pa = patm;
      c.tissue_gas_tension_Pa = pt;
      c.fill_time_s = fill;
      c.stirring_time_s = stir;
      c.gas_conductance_mol_per_s_Pa = D * S * area[g] / L;
      c.listener_distance_m = dist;
      c.nociceptor_strain = noci;
      c.pain_strain = pain;
      c.yield_strain = yld;
    }
  }

  // repeated loading: viscoelasticity, laxity, protective tone, tissue temperature
  {
    const double min = 60, h = 3600, day = 86400;
    auto slow = [&](const std::string& base, LigamentSlowParams* o) {
      o->creep_fraction = r.Scalar(base + "creep_fraction", 1, 0, 10, "[-]");
      o->creep_time_s = r.Scalar("viscoelasticity.creep_time_min", min, 0.1, 1000, "min");
      o->fast_fraction = r.Scalar("viscoelasticity.fast_fraction", 1, 0, 1, "[-]");
      o->recovery_fast_s = r.Scalar("viscoelasticity.recovery_fast_min", min, 0.01, 1000, "min");
      o->recovery_slow_s = r.Scalar("viscoelasticity.recovery_slow_h", h, 0.01, 1000, "h");
      o->laxity_threshold = r.Scalar(std::string("laxity.") + (o == &p.capsule_slow ? "capsule_" : "ligament_") + "threshold_strain", 1, 0, 5, "[-]");
      o->laxity_rate_per_s = r.Scalar("laxity.rate_per_s", 1, 0, 1e3, "1/s");
      o->laxity_permanent_fraction = r.Scalar("laxity.permanent_fraction", 1, 0, 1, "[-]");
      o->laxity_recovery_s = r.Scalar("laxity.recovery_days", day, 0.01, 1e4, "days");
    };
    slow("viscoelasticity.ligament_", &p.ligament_slow);
    slow("viscoelasticity.capsule_", &p.capsule_slow);
    p.capsule_slow.opening_length_m = r.Scalar("laxity.capsule_opening_length_mm", 1e-3, 0.1, 50, "mm");
    p.tone_gain = r.Scalar("protective_tone.gain_per_strain", 1, 0, 1000, "[-]");
    p.tone_decay_s = r.Scalar("protective_tone.decay_h", h, 0.01, 1000, "h");
    p.tone_memory_s = r.Scalar("protective_tone.memory_min", min, 0.1, 1000, "min");
    p.tone_max = r.Scalar("protective_tone.max_gain", 1, 0, 20, "[-]");
    p.cold_stiffness_factor = r.Scalar("tissue_state.cold_stiffness_factor", 1, 1, 3, "[-]");
    p.hypermobility_probe_moment_Nm = r.Scalar("tissue_state.hypermobility_probe_moment_Nm", 1, 0.01, 20, "N·m");
  }
  r.CheckUnknown(root, "");
  if (!r.errors().empty()) return std::move(r.errors());
  return p;
}

std::string DefaultSpineModelPath() { return internal::ModelPath("spine_adult.toml"); }

}  // namespace spinelab::sim

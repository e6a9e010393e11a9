// BuildSpineModel: SpineParams + Subject -> ModelDesc in the standing posture.
//
// Geometry is built bottom-up from the sacrum: each level's disc mid-frame D is the lower
// body's top endplate centre moved half a disc height along the mid-plane orientation
// R_lower·R_y(θ_rest/2); the upper body sits a disc height further, rotated by θ_rest.
// Facets, ligament attachments and the bushing frames are placed in D or in the bodies'
// vertebral-body frames V and converted to each body's COM frame B.
#include <cmath>

#include "spinelab/anatomy/spine.h"
#include "spinelab/anatomy/rib_geometry.h"

namespace spinelab::sim {

namespace {

struct VertebraFrames {
  Pose X_WV;   // vertebral-body centroid frame in W
  Pose X_WB;   // COM frame in W
};

// elliptic-cylinder slice (or, for the head, ellipsoid) principal inertia [kg·m²]
Vec3 SliceInertia(double m, double a_ap, double b_ml, double height, bool ellipsoid) {
  if (ellipsoid) {
    const double c = 0.5 * height;
    return Vec3(m * (b_ml * b_ml + c * c) / 5, m * (a_ap * a_ap + c * c) / 5,
                m * (a_ap * a_ap + b_ml * b_ml) / 5);
  }
  return Vec3(m * (b_ml * b_ml / 4 + height * height / 12), m * (a_ap * a_ap / 4 + height * height / 12),
              m * (a_ap * a_ap + b_ml * b_ml) / 4);
}

// region of body i (0 head/cervical, 1 thoracic, 2 lumbar/sacrum)
int BodyRegion(const SpineParams& P, int i) {
  return i == 0 ? 0 : P.level_region[std::min(i, kSpineLevels - 1)];
}

// the body's contact surface: a slice of the trunk (neck) around the vertebra, from the skin over
// the spinous process to the front of the body (`front_m` ahead of the VB centroid), half the
// way to each neighbour up and down
void AddTrunkSlice(const SpineParams& P, int i, double sL, double front_m, BodyDesc* b) {
  const Vec3 V = b->p_BoV_B;
  if (i == 0) {  // head: the skull's bounding box, under the scalp and face's soft tissue
    b->shapes.push_back({Vec3::Zero(), sL * Vec3(0.085, 0.07, 0.095)});
    b->contact_stiffness_N_per_m = P.head_contact_stiffness_N_per_m;
    b->contact_damping_Ns_per_m = P.tissue_contact_damping_Ns_per_m;
    return;
  }
  const int g = BodyRegion(P, i);
  const double back = sL * (P.spinous_tip_posterior_m[i] + P.tissue_posterior_m[g]);
  const double front = front_m;
  const double up = i > 0 ? P.disc_height_m[i - 1] : 0.0, down = i < kSpineLevels ? P.disc_height_m[i] : 0.0;
  const double half_h = 0.5 * sL * (P.vb_height_m[i] + 0.5 * (up + down));
  const Vec3 c(0.5 * (front - back), 0, 0);
  b->shapes.push_back({V + c, Vec3(0.5 * (front + back), sL * P.tissue_half_width_m[g], half_h)});
  b->contact_stiffness_N_per_m = P.tissue_contact_stiffness_N_per_m;
  b->contact_damping_Ns_per_m = P.tissue_contact_damping_Ns_per_m;
  if (g >= 1) {  // chest and abdomen: soft, with their own viscosity (c = k·τ)
    b->anterior_contact_stiffness_N_per_m = P.chest_contact_stiffness_N_per_m;
    b->anterior_contact_damping_Ns_per_m = P.chest_contact_stiffness_N_per_m * P.chest_damping_time_s;
  }
}

// procedural vertebra: body, pedicles, laminae, spinous and transverse processes (in V, then B),
// for drawing and attachment; contact goes through the trunk slice around it (AddTrunkSlice)
void AddVertebraGeometry(const SpineParams& P, int i, double sL, BodyDesc* b) {
  const double h = 0.5 * sL * P.vb_height_m[i], w = 0.5 * sL * P.vb_width_m[i], dpt = 0.5 * sL * P.vb_depth_m[i];
  const Vec3 V = b->p_BoV_B;  // V in B (axes aligned)
  auto add = [&](const std::string& part, PrimitiveKind kind, const Vec3& c_V, const Vec3& size) {
    GeometryPrimitive g;
    g.part = part;
    g.kind = kind;
    g.X_BG.p = V + c_V;
    g.size_m = size;
    b->geometry.push_back(g);
  };
  if (i == 0) {  // head: ellipsoid around its centre of mass, condyles below
    add("skull", PrimitiveKind::kEllipsoid, -V, sL * Vec3(0.095, 0.075, 0.10));
    return;
  }
  const int lv = std::min(i, kSpineLevels - 1);  // level below this body (sacrum: L5-S1)
  const double fpost = sL * P.facet_posterior_m[lv], flat = sL * P.facet_lateral_m[lv];
  const double lam = sL * P.lamina_posterior_m[i], tip = sL * P.spinous_tip_posterior_m[i];
  const double tp = sL * P.transverse_tip_lateral_m[i];
  const double t = 0.003 * sL;  // [m] half thickness of the posterior processes
  add("body", PrimitiveKind::kCylinder, Vec3::Zero(), Vec3(dpt, w, h));
  for (int side : {+1, -1}) {
    const char* s = side > 0 ? " L" : " R";
    const double x0 = -dpt, x1 = -std::max(fpost, dpt + 2 * t);
    add(std::string("pedicle") + s, PrimitiveKind::kBox, Vec3(0.5 * (x0 + x1), side * 0.8 * flat, 0),
        Vec3(0.5 * (x0 - x1), 1.2 * t, 0.4 * h));
    add(std::string("lamina") + s, PrimitiveKind::kBox, Vec3(0.5 * (x1 - lam), side * 0.5 * flat, 0),
        Vec3(0.5 * std::abs(lam + x1) + t, 0.5 * flat, 0.6 * h));
    add(std::string("transverse process") + s, PrimitiveKind::kBox, Vec3(P.transverse_root_fraction * 2 * dpt, side * 0.5 * (flat + tp), 0),
        Vec3(t, 0.5 * std::max(tp - flat, 2 * t), t));
  }
  add("spinous process", PrimitiveKind::kBox, Vec3(-0.5 * (lam + tip), 0, -0.2 * h),
      Vec3(0.5 * std::max(tip - lam, 2 * t), t, 0.5 * h));
}

}  // namespace

Expected<ModelDesc> BuildSpineModel(const SpineParams& P, const Subject& subject,
                                    const SpineBuildOptions& options) {
  std::vector<Diagnostic> errors;
  if (!(subject.body_mass_kg >= 30 && subject.body_mass_kg <= 200))
    errors.push_back({"", "subject.body_mass_kg", "value " + std::to_string(subject.body_mass_kg) +
                                                      " is out of range; allowed: [30, 200] kg"});
  int held = -1, pinned = -1;
  for (int i = 0; i < static_cast<int>(P.body_names.size()); ++i) {
    if (P.body_names[i] == options.held_body) held = i;
    if (P.body_names[i] == options.pinned_body) pinned = i;
  }
  if (!options.pinned_body.empty() && pinned < 0)
    errors.push_back({"", "pinned_body", "'" + options.pinned_body + "' is not a body of the model"});
  if (held < 0) held = pinned;  // below a pinned body the spine hangs too
  if (!options.held_body.empty() && held < 0)
    errors.push_back({"", "held_body", "'" + options.held_body + "' is not a body of the model"});
  if (!(options.ligament_laxity >= 0 && options.ligament_laxity <= 0.3))
    errors.push_back({"", "ligament_laxity", "value " + std::to_string(options.ligament_laxity) + " is out of range; allowed: [0, 0.3]"});
  if (!(options.neck_muscle_tone_scale <= 5))
    errors.push_back({"", "neck_muscle_tone", "value " + std::to_string(options.neck_muscle_tone_scale) + " is out of range; allowed: [0, 5]"});
  if (!(options.muscle_tone_scale >= 0 && options.muscle_tone_scale <= 5))
    errors.push_back({"", "muscle_tone", "value " + std::to_string(options.muscle_tone_scale) + " is out of range; allowed: [0, 5]"});
  const bool limbs = !options.limbs_pose.empty();
  if (limbs && (options.arms || options.legs_on_pelvis || (options.limbs_pose == "hanging" && !options.pinned_body.empty())))
    errors.push_back({"", "limbs_pose", "the limbs as bodies replace the lumped arms and legs and the hanging pin: needs arms, legs_on_pelvis (and hanging, pinned_body) off"});
  if (limbs && (", " + std::string(LimbPoseNames()) + ", ").find(", " + options.limbs_pose + ", ") == std::string::npos)
    errors.push_back({"", "limbs_pose", "'" + options.limbs_pose + "' is not a limb pose; allowed: " + LimbPoseNames()});
  // hanging from the hands, the spine below T2 hangs relaxed (no feed-forward), as under the pin
  if (limbs && options.limbs_pose == "hanging" && held < 0)
    for (int i = 0; i < static_cast<int>(P.body_names.size()); ++i)
      if (P.body_names[i] == "T2") held = i;
  if (!(subject.height_m >= 1.2 && subject.height_m <= 2.2))
    errors.push_back({"", "subject.height_m", "value " + std::to_string(subject.height_m) +
                                                  " is out of range; allowed: [1.2, 2.2] m"});
  if (!errors.empty()) return errors;

  const double sL = subject.height_m / P.ref_height_m;  // length scale
  const double M = subject.body_mass_kg;
  const int NB = kSpineBodies, NL = kSpineLevels;
  ModelDesc d;
  d.name = P.name;
  // built in the spine frame (standing), placed by options.X_W_spine at the end: gravity as the
  // spine frame sees it, for the muscles' feed-forward
  Vec3 g_S = options.X_W_spine.R.transpose() * options.gravity_W;

  // [bodies] poses bottom-up: sacrum's S1 endplate centre at the origin, tilted by the slope
  std::vector<VertebraFrames> fr(NB);
  std::vector<Pose> X_WD(NL);
  {
    const int s = NB - 1;
    fr[s].X_WV.R = RotY(P.sacral_slope_rad);
    fr[s].X_WV.p = -(fr[s].X_WV.R * Vec3(0, 0, 0.5 * sL * P.vb_height_m[s]));
    for (int lv = NL - 1; lv >= 0; --lv) {
      const int lower = lv + 1, upper = lv;
      const Pose& XL = fr[lower].X_WV;
      const Vec3 top = XL * Vec3(0, 0, 0.5 * sL * P.vb_height_m[lower]);
      const Mat3 R_mid = XL.R * RotY(0.5 * P.rest_flexion_rad[lv]);
      const double hd = sL * P.disc_height_m[lv];
      X_WD[lv] = Pose{R_mid, top + R_mid * Vec3(0, 0, 0.5 * hd)};
      Pose& XU = fr[upper].X_WV;
      XU.R = XL.R * RotY(P.rest_flexion_rad[lv]);
      XU.p = top + R_mid * Vec3(0, 0, hd) + XU.R * Vec3(0, 0, 0.5 * sL * P.vb_height_m[upper]);
    }
  }
  // the front of the chest and of the abdomen is flat in standing (the trunk is deepest where the
  // spine curves back): per region the front lies tissue_anterior_m ahead of its most anterior
  // vertebral-body centroid
  std::array<double, 3> front_x{-1e9, -1e9, -1e9};
  for (int i = 1; i < NB; ++i) {
    const int g = BodyRegion(P, i);
    front_x[g] = std::max(front_x[g], fr[i].X_WV.p.x() + sL * P.tissue_anterior_m[g]);
  }
  for (int i = 0; i < NB; ++i) {
    Vec3 p_VB(sL * P.com_anterior_m[i], 0, sL * P.com_superior_m[i]);
    if (i == NB - 1 && options.legs_on_pelvis) {
      // the legs hang from the hip joints: the pelvis body's centre of mass moves towards them
      const double mp = M * P.mass_fraction[i], ml = M * P.legs_mass_fraction;
      const Vec3 hip_V = fr[i].X_WV.Inverse() * (sL * P.hip_from_S1_m);
      p_VB = (mp * p_VB + ml * hip_V) / (mp + ml);
    }
    fr[i].X_WB = Pose{fr[i].X_WV.R, fr[i].X_WV * p_VB};
    BodyDesc b;
    b.name = P.body_names[i];
    b.mass_kg = M * P.mass_fraction[i];
    const double seg_h = sL * (P.vb_height_m[i] + (i < NL ? P.disc_height_m[i] : 0.0));
    const bool head = i == 0;
    b.inertia_kgm2 = SliceInertia(b.mass_kg, sL * P.inertia_ap_semiaxis_m[i],
                                  sL * P.inertia_ml_semiaxis_m[i],
                                  head ? 2 * sL * 0.1 : seg_h, head);
    b.X_WB = fr[i].X_WB;
    b.p_BoV_B = -p_VB;
    b.fixed = ((i == NB - 1) && options.fix_sacrum) || (!options.held_body.empty() && P.body_names[i] == options.held_body);
    if (i == NB - 1 && options.legs_on_pelvis) {
      const double ml = M * P.legs_mass_fraction;
      const double r2 = std::pow(sL * P.legs_inertia_radius_m, 2);
      b.inertia_kgm2 += Vec3(ml * r2, ml * r2, 0.25 * ml * r2);  // [kg·m²] pitch/roll; yaw: legs near the axis
      b.mass_kg += ml;
    }
    // arms lumped on the upper thorax: mass at the COM, roll/yaw inertia from the shoulder width
    if (options.arms && !P.arms_carried_by.empty()) {
      for (const auto& name : P.arms_carried_by) {
        if (name != b.name) continue;
        const double ma = M * P.arms_mass_fraction / P.arms_carried_by.size();
        const double r2 = std::pow(sL * P.arms_lateral_offset_m, 2);
        b.mass_kg += ma;
        b.inertia_kgm2 += Vec3(ma * r2, 0, ma * r2);
      }
    }
    // the girdle as bodies: its mass comes out of the upper thorax that carried the lumped arms
    if (limbs) {
      for (const auto& name : P.arms_carried_by)
        if (name == b.name) b.mass_kg -= 2 * M * (P.limbs.clavicle_mass_fraction + P.limbs.scapula_mass_fraction) / P.arms_carried_by.size();
    }
    AddVertebraGeometry(P, i, sL, &b);
    const int g = BodyRegion(P, i);
    AddTrunkSlice(P, i, sL, g == 0 ? sL * P.tissue_anterior_m[0] : front_x[g] - fr[i].X_WV.p.x(), &b);
    d.bodies.push_back(b);
  }

  // hanging from the hands, the model is turned plumb under the bar at the end: the neck's
  // feed-forward sees gravity as it will be (the limbs on a copy of the spine's bodies; with the
  // rib cage as bodies the turn differs by the ribs' share of the thorax's mass distribution)
  if (limbs && options.limbs_pose == "hanging") {
    ModelDesc probe = d;
    if (auto lb = AddLimbBodies(P, subject, options.limbs_pose, &probe, options.limbs_hip_flexion_rad))
      g_S = (options.X_W_spine * lb.value().X_plumb).R.transpose() * options.gravity_W;
  }
  // [levels] one bushing, ligaments, facets, muscle tone per level
  for (int lv = 0; lv < NL; ++lv) {
    const int A = lv + 1, B = lv;  // A lower, B upper
    const int g = P.level_region[lv];
    const Pose X_AW = fr[A].X_WB.Inverse(), X_BW = fr[B].X_WB.Inverse();
    const Pose X_AD = X_AW * X_WD[lv], X_BD = X_BW * X_WD[lv];
    JointDesc L;
    L.name = P.level_names[lv];
    L.upper = B;
    L.lower = A;
    L.X_WD0 = X_WD[lv];
    L.X_LD = X_AD;

    // a bushing of this level, its frames at the disc centre (axes of D)
    auto level_bushing = [&](const std::string& what) {
      BushingDesc e;
      e.name = what + " " + L.name;
      e.body_a = A;
      e.body_b = B;
      e.X_AF = X_AD;
      e.X_BM = X_BD;
      return e;
    };
    // disc (or upper-cervical joint) bushing at the disc centre
    BushingDesc disc = level_bushing(lv < 2 ? "joint" : "disc");
    BushingParams& bp = disc.params;
    bp.k_trans = Vec3(P.disc_k_shear[lv], P.disc_k_shear[lv], P.disc_k_tension[lv]);
    bp.k_axial_compression = P.disc_k_compression[lv];
    bp.c_trans = Vec3::Constant(P.disc_c_trans);
    bp.c_rot = Vec3::Constant(P.disc_c_rot);
    // axes of D: x anterior (lateral bending), y left (flexion +), z up (axial rotation)
    bp.rot[0] = AxisLaw{P.k0_lb[lv], P.nz_lb[lv], P.nz_lb[lv], P.k2_lb[lv], P.k2_lb[lv]};
    bp.rot[1] = AxisLaw{P.k0_fe[lv], P.nz_flex[lv], P.nz_ext[lv], P.k2_flex[lv], P.k2_ext[lv]};
    bp.rot[2] = AxisLaw{P.k0_ar[lv], P.nz_ar[lv], P.nz_ar[lv], P.k2_ar[lv], P.k2_ar[lv]};
    bp.preload_gain = P.preload_gain;
    bp.preload_exponent = P.preload_exponent;
    bp.idp_factor = P.idp_factor;
    if (lv >= 2) {
      const double w = 0.5 * sL * (P.vb_width_m[A] + P.vb_width_m[B]) * 0.5;
      const double dp = 0.5 * sL * (P.vb_depth_m[A] + P.vb_depth_m[B]) * 0.5;
      bp.area_m2 = kPi * w * dp;  // elliptical endplate
    }
    L.bushing = static_cast<int>(d.bushings.size());
    d.bushings.push_back(disc);

    // ligaments: attachment points in each body's V frame
    auto add_lig = [&](const char* type, int ti, const Vec3& p_VA, const Vec3& p_VB,
                       const std::string& suffix) {
      LigamentDesc e;
      e.name = std::string(type) + " " + L.name + suffix;
      e.type = type;
      e.body_a = A;
      e.body_b = B;
      e.p_AoPa_A = d.bodies[A].p_BoV_B + p_VA;
      e.p_BoPb_B = d.bodies[B].p_BoV_B + p_VB;
      const double L_rest = ((fr[B].X_WV * p_VB) - (fr[A].X_WV * p_VA)).norm();
      e.slack_length_m = L_rest / (1.0 + P.ligaments[ti].prestrain[g]) * (1.0 + options.ligament_laxity);
      e.stiffness_N_per_m = P.ligaments[ti].stiffness_N_per_m[g] * P.ligament_level_scale[lv];
      e.toe_strain = P.ligaments[ti].toe_strain[g];
      e.damping_Ns_per_m = e.stiffness_N_per_m * P.ligament_damping_time_s;
      if (options.cold_tissue) e.stiffness_N_per_m *= P.cold_stiffness_factor;  // damping stays: c = k_warm·τ
      e.slow = ti == 6 ? P.capsule_slow : P.ligament_slow;
      e.slow.reference_strain = L_rest / e.slack_length_m - 1.0;  // in situ: no creep at rest
      d.ligaments.push_back(e);
    };
    const double hA = 0.5 * sL * P.vb_height_m[A], hB = 0.5 * sL * P.vb_height_m[B];
    const double inset = P.attachment_inset_m * sL;  // [m] attachments just inside the endplate rims
    const double dA = 0.5 * sL * P.vb_depth_m[A], dB = 0.5 * sL * P.vb_depth_m[B];
    if (lv >= 2) {
      add_lig("ALL", 0, Vec3(dA, 0, hA - inset), Vec3(dB, 0, -hB + inset), "");
      add_lig("PLL", 1, Vec3(-dA, 0, hA - inset), Vec3(-dB, 0, -hB + inset), "");
    }
    add_lig("LF", 2, Vec3(-sL * P.lamina_posterior_m[A], 0, 0.5 * hA),
            Vec3(-sL * P.lamina_posterior_m[B], 0, -0.5 * hB), "");
    {
      const double xa = -0.5 * sL * (P.lamina_posterior_m[A] + P.spinous_tip_posterior_m[A]);
      const double xb = -0.5 * sL * (P.lamina_posterior_m[B] + P.spinous_tip_posterior_m[B]);
      add_lig("ISL", 3, Vec3(xa, 0, 0.5 * hA), Vec3(xb, 0, -0.5 * hB), "");
    }
    add_lig("SSL", 4, Vec3(-sL * P.spinous_tip_posterior_m[A], 0, 0),
            Vec3(-sL * P.spinous_tip_posterior_m[B], 0, 0), "");
    for (int side : {+1, -1}) {
      const char* sfx = side > 0 ? " L" : " R";
      const double fr = P.transverse_root_fraction;
      add_lig("ITL", 5, Vec3(fr * dA, side * sL * P.transverse_tip_lateral_m[A], 0),
              Vec3(fr * dB, side * sL * P.transverse_tip_lateral_m[B], 0), sfx);
    }

    // facets (left y > 0, right y < 0), defined in D
    for (int side : {+1, -1}) {
      const double medial = -side;  // medial direction along y
      const double a = P.facet_transverse_rad[lv], b = P.facet_sagittal_rad[lv];
      const Vec3 n_D(-std::cos(a) * std::cos(b), medial * std::sin(a) * std::cos(b), std::sin(b));
      const Vec3 p_D(-sL * P.facet_posterior_m[lv], side * sL * P.facet_lateral_m[lv], 0);
      SynovialJointDesc f;
      f.name = L.name + (side > 0 ? " L" : " R");
      const char side_name = side > 0 ? 'L' : 'R';
      f.body_a = A;
      f.body_b = B;
      f.p_AoP_A = X_AD * p_D;
      f.n_A = (X_AD.R * n_D).normalized();
      f.p_BoQ_B = X_BD * p_D;
      f.rest_gap_m = P.facet_rest_gap_m;
      f.area_m2 = P.facet_area_m2[lv] * sL * sL;
      f.cartilage_modulus_Pa = P.cartilage_modulus_Pa;
      f.cartilage_thickness_m = P.cartilage_thickness_m;
      f.damping_s_per_m = P.contact_damping_s_per_m;
      f.has_capsule = true;
      f.capsule = P.capsule[g];
      L.synovial.push_back(static_cast<int>(d.synovial_joints.size()));  // [left, right]
      // articular surfaces: superior facet of the lower body, inferior facet of the upper body
      const double r_f = std::sqrt(f.area_m2 / kPi);
      for (const bool upper : {false, true}) {
        GeometryPrimitive g;
        g.part = std::string(upper ? "facet inferior " : "facet superior ") + side_name;
        g.kind = PrimitiveKind::kCylinder;
        const Mat3 R_BG = FrameAlongZ(upper ? Vec3(X_BD.R * n_D) : Vec3(f.n_A));
        const double offset = (upper ? 1.0 : -1.0) * 0.5 * f.rest_gap_m;  // surfaces either side of the gap
        g.X_BG = Pose{R_BG, (upper ? f.p_BoQ_B : f.p_AoP_A) + R_BG.col(2) * (offset + (upper ? 0.0005 : -0.0005))};
        g.size_m = Vec3(r_f, r_f, 0.0005);
        d.bodies[upper ? B : A].geometry.push_back(g);
      }
      d.synovial_joints.push_back(f);
      // capsular ligament across the joint, in the facet plane, spanning capsule_span
      const Vec3 along = (Vec3::UnitZ() - n_D * n_D.z()).normalized();  // up, in the facet plane
      const Vec3 pa_D = p_D - 0.5 * sL * P.capsule_span_m[g] * along;
      const Vec3 pb_D = p_D + 0.5 * sL * P.capsule_span_m[g] * along;
      const Pose X_VA_D = fr[A].X_WV.Inverse() * X_WD[lv];
      const Pose X_VB_D = fr[B].X_WV.Inverse() * X_WD[lv];
      add_lig("CL", 6, X_VA_D * pa_D, X_VB_D * pb_D, side > 0 ? " L" : " R");
      d.synovial_joints.back().capsule_ligament = static_cast<int>(d.ligaments.size()) - 1;
    }

    // the anterior rib cage across the level: a rotational spring in parallel with the disc
    if (options.rib_cage && !options.rib_cage_bodies && P.rib_cage_bridged[lv] > 0) {
      BushingDesc rc = level_bushing("rib cage");
      // D's axes: x lateral bending, y flexion-extension, z axial rotation
      const Vec3 k = P.rib_cage_bridged[lv] * P.rib_cage_k_Nm_per_rad;
      for (int ax = 0; ax < 3; ++ax) rc.params.rot[ax].k0 = k[ax];
      d.bushings.push_back(rc);
    }

    // active muscle tone (whole-body runs only)
    const double tone = g == 0 && options.neck_muscle_tone_scale >= 0 ? options.neck_muscle_tone_scale : options.muscle_tone_scale;
    if (options.muscle_tone && P.muscle_stiffness_Nm_per_rad[g] * tone > 0) {
      // weight of everything above this level, and its moment about the disc centre (in W);
      // below a held body (hanging) the spine hangs relaxed: no feed-forward
      Vec3 M_g_W = Vec3::Zero();
      const bool hangs = (held >= 0 && A > held) || !options.muscle_feedforward;
      for (int i = 0; i <= B && !hangs; ++i)
        M_g_W += (d.bodies[i].X_WB.p - X_WD[lv].p).cross(d.bodies[i].mass_kg * g_S);
      BushingDesc mt = level_bushing("muscle tone");
      mt.active = true;
      mt.reflex = lv;  // its protective tone: the level's reflex (below)
      for (int ax = 0; ax < 3; ++ax) {
        const double axis = ax == 2 ? P.muscle_axial_fraction : 1.0;  // z: axial rotation
        mt.params.rot[ax].k0 = P.muscle_stiffness_Nm_per_rad[g] * tone * axis;
        mt.params.c_rot[ax] = P.muscle_damping_Nms_per_rad[g] * tone;  // viscous: not reduced about the axis
      }
      // feed-forward: balance that moment; the muscles producing it compress the disc
      mt.params.bias_moment = -(X_WD[lv].R.transpose() * M_g_W);
      const double m_sag_lat = std::hypot(mt.params.bias_moment.x(), mt.params.bias_moment.y());
      mt.params.bias_force = Vec3(0, 0, -m_sag_lat / (sL * P.extensor_moment_arm_m[g]));
      d.bushings.push_back(mt);
    }
    L.reflex = lv;
    d.joints.push_back(L);
  }
  // protective tone: each level's reflex senses the capsules of the levels above and below it
  // (a hurt neighbour is guarded) and stiffens the level's muscle tone
  for (int lv = 0; lv < NL; ++lv) {
    ReflexDesc r;
    r.name = "protective tone " + d.joints[lv].name;
    for (int j : {lv - 1, lv + 1})
      if (j >= 0 && j < NL) r.sensors.insert(r.sensors.end(), d.joints[j].synovial.begin(), d.joints[j].synovial.end());
    r.gain = P.tone_gain;
    r.memory_s = P.tone_memory_s;
    r.decay_s = P.tone_decay_s;
    r.max_tone = P.tone_max;
    d.reflexes.push_back(r);
  }
  // a pin (translation held, rotation free) from the world to the pinned body: the shoulders on a bar
  if (pinned >= 0) {
    BushingDesc pin;
    pin.name = "pin " + d.bodies[pinned].name;
    pin.body_a = kGround;
    pin.body_b = pinned;
    // the hands hold the body plumb: the pin is straight above the whole body's centre of
    // mass, at the shoulder height above the pinned body (no swing when the feet leave the floor)
    Vec3 com = Vec3::Zero();
    double mass = 0;
    for (const BodyDesc& b : d.bodies) {
      com += b.mass_kg * b.X_WB.p;
      mass += b.mass_kg;
    }
    com /= mass;
    const Vec3 p_pin(com.x(), com.y(), d.bodies[pinned].X_WB.p.z() + P.shoulder_above_T2_m * sL);
    pin.X_AF.p = p_pin;
    pin.X_BM.p = d.bodies[pinned].X_WB.Inverse() * p_pin;
    pin.params.k_trans = Vec3::Constant(1e6);
    pin.params.k_axial_compression = 1e6;
    pin.params.c_trans = Vec3::Constant(500);
    pin.params.c_rot = Vec3::Constant(P.shoulder_damping_Nms_per_rad);
    d.bushings.push_back(pin);
  }
  // vertebral arteries: C6 -> C1 transverse foramina, then back and medially to the dura
  for (int side : {+1, -1}) {
    PathDesc path;
    path.name = side > 0 ? "vertebral artery L" : "vertebral artery R";
    for (int i = 6; i >= 1; --i) {
      const double lat = sL * (i == 1 ? P.va_atlas_foramen_lateral_m : P.va_foramen_lateral_m);
      path.points.push_back({i, d.bodies[i].p_BoV_B + Vec3(sL * P.va_foramen_anterior_m, side * lat, 0)});
    }
    // the entry point is fixed to the skull; its offset is given from the C1 foramen at rest
    const Vec3 e = sL * P.va_skull_entry_from_atlas_m;
    const Vec3 p_W = d.bodies[1].X_WB * path.points.back().second + fr[1].X_WV.R * Vec3(e.x(), -side * e.y(), e.z());
    path.points.push_back({0, d.bodies[0].X_WB.Inverse() * p_W});
    d.paths.push_back(path);
  }
  // the rib cage as bodies (in the spine frame, like everything above)
  if (options.rib_cage && options.rib_cage_bodies) {
    auto ribs = AddRibCageBodies(*options.rib_cage_bodies, P, subject, &d);
    if (!ribs) return ribs.errors();
  }
  // the girdle and limbs as bodies (in the spine frame; hanging turns the whole model plumb)
  Pose X_plumb;
  if (limbs) {
    auto lb = AddLimbBodies(P, subject, options.limbs_pose, &d, options.limbs_hip_flexion_rad);
    if (!lb) return lb.errors();
    X_plumb = lb.value().X_plumb;
  }
  // place the model: rotate and move every world-fixed quantity
  const Pose X = limbs ? options.X_W_spine * X_plumb : options.X_W_spine;
  for (BodyDesc& b : d.bodies) b.X_WB = X * b.X_WB;
  for (JointDesc& L : d.joints) L.X_WD0 = X * L.X_WD0;
  for (BushingDesc& e : d.bushings) if (e.body_a == kGround) e.X_AF = X * e.X_AF;
  for (LigamentDesc& e : d.ligaments) {
    if (e.body_a == kGround) e.p_AoPa_A = X * e.p_AoPa_A;
    if (e.body_b == kGround) e.p_BoPb_B = X * e.p_BoPb_B;
  }
  return d;
}

double VertebralStrength(const SpineParams& P, const Subject& subject, int i, double t_score) {
  const double sL = subject.height_m / P.ref_height_m;
  const double area = kPi * 0.25 * sL * sL * P.vb_width_m[i] * P.vb_depth_m[i];  // elliptic endplate
  const double bmd = std::max(0.05, 1.0 + t_score * P.bone_bmd_sd_fraction);
  return P.bone_strength_Pa * area * std::pow(bmd, P.bone_strength_exponent);
}

}  // namespace spinelab::sim

// AddLimbBodies: the shoulder girdle and the limbs as bodies (params.limbs, docs/limbs.md).
//
// Built in the spine frame S (standing: x anterior, y left, z up) after the spine and rib cage.
// Every segment is first placed in the standing (anatomical) pose: arms hanging at the sides,
// legs straight under the hips. A pose then moves each arm segment rigidly (hanging: frontal-
// plane rotations of the clavicle about the sternoclavicular joint, of the scapula about the
// acromioclavicular joint and of the arm about the glenohumeral joint; the quadruped's arms reach
// overhead the same way); the other poses turn the arm, forearm, thigh, shank and foot in the
// sagittal plane (glenohumeral and elbow flexion, hip and knee flexion, ankle plantarflexion:
// [limbs] pose_*_deg) and put contact boxes on the arms and legs, which rest on the floor, mat or
// table of the scene. Joint bushings rest in
// the pose; their ranges of motion are the anatomical ranges less the pose's rotation. Muscle
// lines are at their tone's strain in the pose.
// Segment bodies: frame B at the COM, axes those of S in the standing pose (z along the segment,
// proximal up; the foot's long axis along x), moved by the pose.
#include <cmath>

#include "spinelab/anatomy/spine.h"

namespace spinelab::sim {

namespace {

Pose RotAbout(const Vec3& pivot, const Mat3& R) { return Pose{R, pivot - R * pivot}; }

// principal inertia of a de Leva segment with its long axis along z: x antero-posterior
// (transverse radius), y medio-lateral (sagittal radius), z longitudinal
Vec3 SegmentInertia(double m, double L, double r_sag, double r_trans, double r_long) {
  return Vec3(m * std::pow(r_trans * L, 2), m * std::pow(r_sag * L, 2), m * std::pow(r_long * L, 2));
}

struct Builder {
  const SpineParams& P;
  const LimbParams& L;
  double sL = 1, sS = 1, M = 0;
  ModelDesc* d = nullptr;
  std::vector<Pose> X_WV;   // vertebral-body frames (standing, spine frame)

  Vec3 V(const std::string& name) const { return X_WV[d->FindBody(name)].p; }
  // a point on vertebra `name`, given in its own axes (V)
  Vec3 OnVertebra(const std::string& name, const Vec3& p_V) const { return X_WV[d->FindBody(name)] * p_V; }
  Vec3 SpinousTip(const std::string& name) const {
    const int i = d->FindBody(name);
    return X_WV[i] * Vec3(-sL * P.spinous_tip_posterior_m[i], 0, 0);
  }
  Vec3 TransverseTip(const std::string& name, int s) const {
    const int i = d->FindBody(name);
    return X_WV[i] * Vec3(0, s * sL * P.transverse_tip_lateral_m[i], 0);
  }

  // adds a body whose standing pose is X_SB, moved by the pose transform T
  BodyId AddBody(const std::string& name, double m, const Vec3& I, const Pose& X_SB, const Pose& T) {
    BodyDesc b;
    b.name = name;
    b.mass_kg = m;
    b.inertia_kgm2 = I;
    b.X_WB = T * X_SB;
    b.border = true;  // joined to bodies all along the spine (muscles): border of the banded solve
    d->bodies.push_back(b);
    return static_cast<BodyId>(d->bodies.size()) - 1;
  }
  // a drawable long-bone cylinder from standing point a to b (posed with the body)
  void AddBone(BodyId id, const std::string& part, const Vec3& a_S, const Vec3& b_S, const Pose& T, double radius) {
    BodyDesc& b = d->bodies[id];
    const Vec3 a = T * a_S, c = T * b_S;
    GeometryPrimitive g;
    g.part = part;
    g.kind = PrimitiveKind::kCylinder;
    g.X_BG = b.X_WB.Inverse() * Pose{FrameAlongZ((c - a).normalized()), 0.5 * (a + c)};
    g.size_m = Vec3(radius, radius, 0.5 * (c - a).norm());
    b.geometry.push_back(g);
  }

  // a contact box on body id: centre at standing point c_S, half extents h along the body's axes
  void AddContactBox(BodyId id, const Vec3& c_S, const Vec3& h, const Pose& T) {
    BodyDesc& b = d->bodies[id];
    b.shapes.push_back({b.X_WB.Inverse() * (T * c_S), h, 0});
    b.contact_stiffness_N_per_m = P.tissue_contact_stiffness_N_per_m;
    b.contact_damping_Ns_per_m = P.tissue_contact_damping_Ns_per_m;
  }

  // a joint bushing between A (proximal) and B (distal) at standing point J, resting in the pose
  // (T_B moves B); rom [abduction, adduction, y+, y-, external, internal] for the left side,
  // mirrored for the right (s = -1); pose_x: the pose's rotation about x (abduction-like, left sign);
  // pose_y: about y (sagittal, the same sign on both sides: y+ extension at shoulder and hip,
  // flexion at the knee, plantarflexion at the ankle)
  void AddJoint(const std::string& name, BodyId A, BodyId B, const Vec3& J_S, const Pose& T_B, int joint, int s,
                double pose_x, double k2, double pose_y = 0) {
    const auto& r = L.rom_rad[joint];
    const Pose X_WJ{T_B.R, T_B * J_S};
    BushingDesc e;
    e.name = name;
    e.body_a = A;
    e.body_b = B;
    e.X_AF = d->bodies[A].X_WB.Inverse() * X_WJ;
    e.X_BM = d->bodies[B].X_WB.Inverse() * X_WJ;
    BushingParams& bp = e.params;
    bp.k_trans = Vec3::Constant(L.joint_k_trans);
    bp.k_axial_compression = L.joint_k_trans;
    bp.c_trans = Vec3::Constant(L.joint_c_trans);
    bp.c_rot = Vec3::Constant(L.joint_c_rot);
    const double th = s * pose_x;  // the pose's rotation about the joint's x, in its axis sign
    const double xp = s > 0 ? r[0] : r[1], xn = s > 0 ? r[1] : r[0];
    const double zp = s > 0 ? r[4] : r[5], zn = s > 0 ? r[5] : r[4];
    bp.rot[0] = AxisLaw{L.joint_k0, std::max(0.0, xp - th), std::max(0.0, xn + th), k2, k2};
    bp.rot[1] = AxisLaw{L.joint_k0, std::max(0.0, r[2] - pose_y), std::max(0.0, r[3] + pose_y), k2, k2};
    bp.rot[2] = AxisLaw{L.joint_k0, zp, zn, k2, k2};
    d->bushings.push_back(e);
  }

  // a muscle line between standing points a (on A, moved by T_A) and b (on B, moved by T_B):
  // tension-only, at its tone's strain in the pose (the muscles of a subject who takes the pose
  // are at tone in it; straight lines without wrapping would overstate the stretch from
  // standing: arms overhead, latissimus +67-82 %, pectoralis major's abdominal part +134 %)
  void AddMuscleLine(const std::string& name, const std::string& type, BodyId A, const Vec3& a_S, const Pose& T_A,
                     BodyId B, const Vec3& b_S, const Pose& T_B, double F_line) {
    LigamentDesc e;
    e.name = name;
    e.type = type;
    e.body_a = A;
    e.body_b = B;
    e.p_AoPa_A = d->bodies[A].X_WB.Inverse() * (T_A * a_S);
    e.p_BoPb_B = d->bodies[B].X_WB.Inverse() * (T_B * b_S);
    const double L_pose = ((T_B * b_S) - (T_A * a_S)).norm();
    const double ep = L.muscle_passive_strain, toe = L.muscle_toe_strain;
    // tone: F = k·L0·ε²/(2 ε_toe) = a·F_max with k·L0 = F_max/(ε_p − ε_toe/2)
    const double eps_tone = std::sqrt(2 * L.muscle_tone_fraction * toe * (ep - 0.5 * toe));
    e.slack_length_m = L_pose / (1 + eps_tone);
    e.stiffness_N_per_m = F_line / (e.slack_length_m * (ep - 0.5 * toe));
    e.toe_strain = toe;
    e.damping_Ns_per_m = e.stiffness_N_per_m * L.muscle_damping_time_s;
    e.slow.reference_strain = eps_tone;
    d->ligaments.push_back(e);
  }
};

}  // namespace

const char* LimbPoseNames() {
  return "standing, hanging, seated, supine, prone, side_lying_left, side_lying_right, kneeling, quadruped";
}

Expected<LimbBuild> AddLimbBodies(const SpineParams& P, const Subject& subject, const std::string& pose, ModelDesc* d,
                                  double hip_flexion_rad) {
  const LimbParams& L = P.limbs;
  // the pose's sagittal angles (standing and hanging: none) and which side is listed first
  static const LimbParams::PoseAngles kNone{};
  const LimbParams::PoseAngles* ang = nullptr;
  bool right_first = false;
  if (pose == "standing" || pose == "hanging") ang = &kNone;
  else if (pose == "seated") ang = &L.pose_seated;
  else if (pose == "supine") ang = &L.pose_supine;
  else if (pose == "prone") ang = &L.pose_prone;
  else if (pose == "side_lying_left") ang = &L.pose_side_lying;
  else if (pose == "side_lying_right") ang = &L.pose_side_lying, right_first = true;
  else if (pose == "kneeling") ang = &L.pose_kneeling;
  else if (pose == "quadruped") ang = &L.pose_quadruped;
  if (!ang)
    return std::vector<Diagnostic>{{"", "limbs pose", "'" + pose + "' is not a limb pose; allowed: " + LimbPoseNames()}};
  const bool sagittal = pose != "standing" && pose != "hanging";
  Builder B{P, L, 1, 1, 0, d, {}};
  B.sL = subject.height_m / P.ref_height_m;                 // the spine's length scale
  B.sS = subject.height_m / L.reference_stature_m;          // de Leva's segment lengths
  B.M = subject.body_mass_kg;
  for (int i = 0; i < kSpineBodies; ++i) B.X_WV.push_back(Pose{d->bodies[i].X_WB.R, d->bodies[i].X_WB * d->bodies[i].p_BoV_B});
  const double sL = B.sL, sS = B.sS, M = B.M;
  const bool hang = pose == "hanging";
  const bool overhead = hang || pose == "quadruped";  // the arms up in the hang's girdle pose
  LimbBuild out;
  out.first_body = static_cast<int>(d->bodies.size());
  // the sternoclavicular joints' thoracic body: the sternum when the rib cage is bodies, else T2
  // (the manubrium lumped on the upper thoracic body)
  const BodyId sternum = d->FindBody("sternum");
  const BodyId thorax_sc = sternum >= 0 ? sternum : d->FindBody("T2");
  const std::array<const char*, 7> m = {"trapezius", "rhomboids", "levator scapulae", "serratus anterior",
                                        "pectoralis minor", "pectoralis major", "latissimus dorsi"};
  const std::array<int, 7> lines = {7, 4, 2, 4, 2, 3, 6};  // lines of action per muscle (below)
  auto F_line = [&](int k) { return L.muscle_max_force_N[k] / lines[k]; };
  const Pose I{};
  std::vector<Vec3> grips;

  for (const int s : {+1, -1}) {
    const std::string side = s > 0 ? " L" : " R";
    auto lat = [&](const Vec3& v) { return Vec3(v.x(), s * v.y(), v.z()); };
    // ---- landmarks in the standing pose
    const Vec3 SC = B.V("T2") + sL * lat(L.sc_from_T2_m);
    const double cr = L.clavicle_retraction_rad, ce = L.clavicle_elevation_rad;
    const Vec3 u_c(-std::sin(cr) * std::cos(ce), s * std::cos(cr) * std::cos(ce), std::sin(ce));
    const Vec3 AC = SC + sL * L.clavicle_length_m * u_c;
    const Vec3 GH = AC + sL * lat(L.gh_from_ac_m);
    const Vec3 sup = B.V("T2") + sL * lat(L.superior_angle_from_T2_m);
    const Vec3 root = B.V("T3") + sL * lat(L.spine_root_from_T3_m);
    const Vec3 inf = B.V("T7") + sL * lat(L.inferior_angle_from_T7_m);
    const Vec3 glenoid = GH - Vec3(0, s * 0.025 * sL, 0);  // assumed: the glenoid face ~2.5 cm medial of the head centre
    const Vec3 acromion = AC + sL * Vec3(-0.01, s * 0.01, 0.01);
    const Vec3 coracoid = GH + sL * Vec3(0.035, -s * 0.02, 0.01);
    const Vec3 spine_mid = 0.5 * (AC + root);
    const Vec3 border_mid = 0.5 * (root + inf);
    const double Lua = sS * L.length_m[0], Lfa = sS * L.length_m[1], Lh = sS * L.length_m[2];
    const Vec3 elbow = GH - Vec3(0, 0, Lua), wrist = elbow - Vec3(0, 0, Lfa);
    const Vec3 humerus_lat = GH + sL * Vec3(0.015, -s * 0.005, -0.07);   // intertubercular groove floor (latissimus)
    const Vec3 humerus_pec = GH + sL * Vec3(0.02, 0.0, -0.08);           // lateral lip of the groove (pectoralis major)
    // ---- pose transforms (overhead: frontal-plane rotations, left side about +x; sagittal:
    // about y, flexion of shoulder, elbow and hip turns the distal segment forwards, -y)
    const int o = (s > 0) != right_first ? 0 : 5;
    const double a_gh = (*ang)[o], a_el = (*ang)[o + 1], a_hip = (*ang)[o + 2] + (hang ? 0 : hip_flexion_rad),
                 a_kn = (*ang)[o + 3], a_an = (*ang)[o + 4];
    Pose Tc = I, Ts = I, Th = I;
    if (overhead) {
      Tc = RotAbout(SC, RotX(s * L.hang_clavicle_elevation_rad));
      Ts = Tc * RotAbout(AC, RotX(s * L.hang_scapula_upward_rotation_rad));
      Th = Ts * RotAbout(GH, RotX(s * L.hang_glenohumeral_elevation_rad));
    }
    Th = Th * RotAbout(GH, RotY(-a_gh));
    const Pose Tf = Th * RotAbout(elbow, RotY(-a_el));
    // ---- bodies
    const double m_c = M * L.clavicle_mass_fraction, m_s = M * L.scapula_mass_fraction;
    const double Lc = sL * L.clavicle_length_m;
    const Vec3 clav_com = 0.5 * (SC + AC);
    const BodyId clav = B.AddBody("clavicle" + side, m_c, Vec3(m_c * Lc * Lc / 12, m_c * Lc * Lc / 12, m_c * 1e-4 * sL * sL),
                                  Pose{FrameAlongZ(u_c), clav_com}, Tc);
    B.AddBone(clav, "clavicle", SC, AC, Tc, 0.007 * sL);
    const Vec3 scap_com = (sup + inf + glenoid) / 3.0;  // assumed: centroid of the scapular triangle
    const double hs = (sup - inf).norm(), ws = (glenoid - border_mid).norm();
    const BodyId scap = B.AddBody("scapula" + side, m_s, Vec3(m_s * (hs * hs + ws * ws) / 12, m_s * hs * hs / 12, m_s * ws * ws / 12),
                                  Pose{I.R, scap_com}, Ts);
    B.AddBone(scap, "scapula medial border", sup, inf, Ts, 0.006 * sL);
    B.AddBone(scap, "scapula spine", root, acromion, Ts, 0.006 * sL);
    B.AddBone(scap, "scapula lateral border", inf, glenoid, Ts, 0.006 * sL);
    const double m_ua = M * L.mass_fraction[0];
    const BodyId hum = B.AddBody("upper arm" + side, m_ua,
                                 SegmentInertia(m_ua, Lua, L.r_sagittal[0], L.r_transverse[0], L.r_longitudinal[0]),
                                 Pose{I.R, GH - Vec3(0, 0, L.com_fraction[0] * Lua)}, Th);
    B.AddBone(hum, "humerus", GH, elbow, Th, 0.012 * sL);
    // forearm and hand: one body (the wrist is not a joint here)
    const double m_fa = M * L.mass_fraction[1], m_h = M * L.mass_fraction[2];
    const Vec3 c_fa = elbow - Vec3(0, 0, L.com_fraction[1] * Lfa), c_h = wrist - Vec3(0, 0, L.com_fraction[2] * Lh);
    const Vec3 c_fh = (m_fa * c_fa + m_h * c_h) / (m_fa + m_h);
    Vec3 I_fh = SegmentInertia(m_fa, Lfa, L.r_sagittal[1], L.r_transverse[1], L.r_longitudinal[1]) +
                SegmentInertia(m_h, Lh, L.r_sagittal[2], L.r_transverse[2], L.r_longitudinal[2]);
    const double pa = m_fa * std::pow(c_fa.z() - c_fh.z(), 2) + m_h * std::pow(c_h.z() - c_fh.z(), 2);
    I_fh += Vec3(pa, pa, 0);  // parallel axes: both COMs on the segment's long axis
    const BodyId fore = B.AddBody("forearm and hand" + side, m_fa + m_h, I_fh, Pose{I.R, c_fh}, Tf);
    B.AddBone(fore, "forearm", elbow, wrist, Tf, 0.010 * sL);
    B.AddBone(fore, "hand", wrist, wrist - Vec3(0, 0, Lh), Tf, 0.020 * sL);
    grips.push_back(Tf * c_h);  // the hand's centre of mass closes on the bar
    // legs: hip below and in front of S1, straight down; the foot's COM ahead of the ankle
    const Vec3 hip = P.hip_from_S1_m * sL + Vec3(0, s * sL * L.hip_lateral_m, 0);
    const double Lth = sS * L.length_m[3], Lsh = sS * L.length_m[4], Lft = sS * L.length_m[5];
    const Vec3 knee = hip - Vec3(0, 0, Lth), ankle = knee - Vec3(0, 0, Lsh);
    const Pose Tt = RotAbout(hip, RotY(-a_hip)), Tk = Tt * RotAbout(knee, RotY(a_kn)), Ta = Tk * RotAbout(ankle, RotY(a_an));
    const double m_th = M * L.mass_fraction[3], m_sh = M * L.mass_fraction[4], m_ft = M * L.mass_fraction[5];
    const BodyId thigh = B.AddBody("thigh" + side, m_th, SegmentInertia(m_th, Lth, L.r_sagittal[3], L.r_transverse[3], L.r_longitudinal[3]),
                                   Pose{I.R, hip - Vec3(0, 0, L.com_fraction[3] * Lth)}, Tt);
    B.AddBone(thigh, "femur", hip, knee, Tt, 0.016 * sL);
    const BodyId shank = B.AddBody("shank" + side, m_sh, SegmentInertia(m_sh, Lsh, L.r_sagittal[4], L.r_transverse[4], L.r_longitudinal[4]),
                                   Pose{I.R, knee - Vec3(0, 0, L.com_fraction[4] * Lsh)}, Tk);
    B.AddBone(shank, "tibia", knee, ankle, Tk, 0.014 * sL);
    // foot: long axis along x (longitudinal radius about x, transverse about z)
    const Vec3 If = SegmentInertia(m_ft, Lft, L.r_sagittal[5], L.r_transverse[5], L.r_longitudinal[5]);
    const Vec3 c_ft = ankle + sL * lat(L.ankle_to_foot_com_m);
    const BodyId foot = B.AddBody("foot" + side, m_ft, Vec3(If.z(), If.y(), If.x()), Pose{I.R, c_ft}, Ta);
    B.AddBone(foot, "foot", c_ft - Vec3(0.45 * Lft, 0, 0), c_ft + Vec3(0.55 * Lft, 0, 0), Ta, 0.025 * sL);
    if (sagittal) {
      // contact boxes where the limbs carry load on a floor, mat, seat or table (assumed sizes of
      // an adult's limbs: arm ~9 cm, forearm ~7 cm, thigh ~14 cm, shank ~10 cm thick; the foot's
      // sole ~7.5 cm below the ankle, heel ~6 cm behind it): the soft tissue's contact law
      const Vec3 z(0, 0, 1);
      B.AddContactBox(hum, GH - 0.5 * Lua * z, Vec3(0.045 * sL, 0.045 * sL, 0.45 * Lua), Th);
      B.AddContactBox(fore, elbow - 0.5 * (Lfa + Lh) * z, Vec3(0.035 * sL, 0.035 * sL, 0.45 * (Lfa + Lh)), Tf);
      B.AddContactBox(thigh, hip - 0.5 * Lth * z, Vec3(0.07 * sL, 0.07 * sL, 0.45 * Lth), Tt);
      B.AddContactBox(shank, knee - 0.5 * Lsh * z, Vec3(0.05 * sL, 0.05 * sL, 0.5 * Lsh), Tk);
      B.AddContactBox(foot, ankle + Vec3(0.5 * Lft - 0.06 * sL, 0, -0.045 * sL), Vec3(0.5 * Lft, 0.045 * sL, 0.03 * sL), Ta);
    }
    // ---- joints
    const BodyId pelvis = d->FindBody("sacrum");
    B.AddJoint("sternoclavicular" + side, thorax_sc, clav, SC, Tc, LimbParams::kSternoclavicular, s,
               overhead ? L.hang_clavicle_elevation_rad : 0, L.upper_k2);
    B.AddJoint("acromioclavicular" + side, clav, scap, AC, Ts, LimbParams::kAcromioclavicular, s,
               overhead ? L.hang_scapula_upward_rotation_rad : 0, L.upper_k2);
    B.AddJoint("glenohumeral" + side, scap, hum, GH, Th, LimbParams::kGlenohumeral, s,
               overhead ? L.hang_glenohumeral_elevation_rad : 0, L.upper_k2, -a_gh);
    B.AddJoint("elbow" + side, hum, fore, elbow, Tf, LimbParams::kElbow, s, 0, L.upper_k2, -a_el);
    B.AddJoint("hip" + side, pelvis, thigh, hip, Tt, LimbParams::kHip, s, 0, L.lower_k2, -a_hip);
    B.AddJoint("knee" + side, thigh, shank, knee, Tk, LimbParams::kKnee, s, 0, L.lower_k2, a_kn);
    B.AddJoint("ankle" + side, shank, foot, ankle, Ta, LimbParams::kAnkle, s, 0, L.lower_k2, a_an);
    // ---- muscles (published anatomy, e.g. Gray's Anatomy: origins and insertions)
    auto line = [&](int k, int n, BodyId A, const Vec3& a, const Pose& TA, BodyId Bb, const Vec3& b, const Pose& TB) {
      B.AddMuscleLine(std::string(m[k]) + " " + std::to_string(n) + side, m[k], A, a, TA, Bb, b, TB, F_line(k));
    };
    const BodyId head = d->FindBody("head");
    auto vb = [&](const char* n) { return d->FindBody(n); };
    // trapezius: occiput and nuchal ligament to the lateral clavicle, C7 to the acromion, T1/T3 to
    // the scapular spine, T6/T9/T12 to the root of the spine
    line(0, 1, head, B.OnVertebra("head", sL * Vec3(-0.065, s * 0.025, 0.02)), I, clav, SC + 0.8 * Lc * u_c, Tc);
    line(0, 2, vb("C7"), B.SpinousTip("C7"), I, scap, acromion, Ts);
    line(0, 3, vb("T1"), B.SpinousTip("T1"), I, scap, spine_mid, Ts);
    line(0, 4, vb("T3"), B.SpinousTip("T3"), I, scap, spine_mid, Ts);
    line(0, 5, vb("T6"), B.SpinousTip("T6"), I, scap, root, Ts);
    line(0, 6, vb("T9"), B.SpinousTip("T9"), I, scap, root, Ts);
    line(0, 7, vb("T12"), B.SpinousTip("T12"), I, scap, root, Ts);
    // rhomboids: minor C7-T1 to the root of the spine, major T2-T5 down the medial border
    line(1, 1, vb("C7"), B.SpinousTip("C7"), I, scap, root, Ts);
    line(1, 2, vb("T1"), B.SpinousTip("T1"), I, scap, root, Ts);
    line(1, 3, vb("T3"), B.SpinousTip("T3"), I, scap, border_mid, Ts);
    line(1, 4, vb("T5"), B.SpinousTip("T5"), I, scap, inf, Ts);
    // levator scapulae: C1-C4 transverse processes to the superior angle
    line(2, 1, vb("C1"), B.TransverseTip("C1", s), I, scap, sup, Ts);
    line(2, 2, vb("C3"), B.TransverseTip("C3", s), I, scap, sup, Ts);
    // serratus anterior: ribs 1-9 at the side of the chest (lumped on the vertebra the rib hangs
    // from) to the medial border's costal surface
    auto rib_side = [&](const char* n) -> Vec3 { return B.V(n) + sL * Vec3(0.05, s * 0.12, -0.03); };
    line(3, 1, vb("T2"), rib_side("T2"), I, scap, sup, Ts);
    line(3, 2, vb("T4"), rib_side("T4"), I, scap, border_mid, Ts);
    line(3, 3, vb("T6"), rib_side("T6"), I, scap, inf, Ts);
    line(3, 4, vb("T8"), rib_side("T8"), I, scap, inf, Ts);
    // pectoralis minor: ribs 3-5 near their cartilages to the coracoid
    auto rib_front = [&](const char* n) -> Vec3 { return B.V(n) + sL * Vec3(0.11, s * 0.06, -0.03); };
    line(4, 1, vb("T3"), rib_front("T3"), I, scap, coracoid, Ts);
    line(4, 2, vb("T5"), rib_front("T5"), I, scap, coracoid, Ts);
    // pectoralis major: clavicular head (medial clavicle), sternocostal (sternum, or T4 with the
    // lumped cage), abdominal (6th cartilage, T7) to the lateral lip of the intertubercular groove
    const BodyId sternal = sternum >= 0 ? sternum : vb("T4");
    line(5, 1, clav, SC + 0.4 * Lc * u_c, Tc, hum, humerus_pec, Th);
    line(5, 2, sternal, B.V("T4") + sL * Vec3(0.12, s * 0.02, 0), I, hum, humerus_pec, Th);
    line(5, 3, vb("T7"), B.V("T7") + sL * Vec3(0.13, s * 0.05, -0.03), I, hum, humerus_pec, Th);
    // latissimus dorsi: T7-T12 spinous processes, the thoracolumbar fascia over the lumbar
    // spinous processes, the sacrum and the iliac crest to the floor of the intertubercular groove
    line(6, 1, vb("T7"), B.SpinousTip("T7"), I, hum, humerus_lat, Th);
    line(6, 2, vb("T10"), B.SpinousTip("T10"), I, hum, humerus_lat, Th);
    line(6, 3, vb("L2"), B.SpinousTip("L2"), I, hum, humerus_lat, Th);
    line(6, 4, vb("L4"), B.SpinousTip("L4"), I, hum, humerus_lat, Th);
    line(6, 5, pelvis, B.OnVertebra("sacrum", sL * Vec3(-0.05, 0, 0.01)), I, hum, humerus_lat, Th);
    line(6, 6, pelvis, B.V("sacrum") + sL * Vec3(-0.04, s * 0.09, 0.06), I, hum, humerus_lat, Th);
    if (hang) {
      // the hand on the bar: the world holds it at its grip (stiff in translation, a firm grip in rotation)
      BushingDesc g;
      g.name = "grip" + side;
      g.body_a = kGround;
      g.body_b = fore;
      const Vec3 p = Th * c_h;
      g.X_AF = Pose{d->bodies[fore].X_WB.R, p};
      g.X_BM = d->bodies[fore].X_WB.Inverse() * g.X_AF;
      g.params.k_trans = Vec3::Constant(L.grip_k_trans);
      g.params.k_axial_compression = L.grip_k_trans;
      g.params.c_trans = Vec3::Constant(L.grip_c_trans);
      for (int ax = 0; ax < 3; ++ax) g.params.rot[ax].k0 = L.grip_k_rot;
      g.params.c_rot = Vec3::Constant(L.grip_c_rot);
      d->bushings.push_back(g);
    }
  }
  out.num_bodies = static_cast<int>(d->bodies.size()) - out.first_body;
  if (hang) {
    // hang plumb: turn the model about the grip line (y through the hands' midpoint) until the
    // whole body's centre of mass is straight below it
    const Vec3 G = 0.5 * (grips[0] + grips[1]);
    Vec3 com = Vec3::Zero();
    double mass = 0;
    for (const BodyDesc& b : d->bodies) com += b.mass_kg * b.X_WB.p, mass += b.mass_kg;
    com /= mass;
    const Vec3 v = com - G;
    out.X_plumb = RotAbout(G, RotY(std::atan2(v.x(), -v.z())));
  }
  return out;
}

}  // namespace spinelab::sim

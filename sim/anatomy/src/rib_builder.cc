// AddRibCageBodies: the rib cage's geometry (rib_geometry.cc) as bodies, synovial joints,
// cartilages, ligaments and intercostal links of a spine model (rib_geometry.h has the model).
#include <algorithm>
#include <cmath>
#include <functional>

#include <Eigen/Eigenvalues>

#include "spinelab/anatomy/rib_geometry.h"

namespace spinelab::sim {

std::string RibBodyName(int rib, int side) { return "rib " + std::to_string(rib) + (side > 0 ? " L" : " R"); }
std::string RibJointName(bool costovertebral, int rib, int side) {
  return std::string(costovertebral ? "CV " : "CT ") + RibBodyName(rib, side);
}

namespace {

// a body at a mass property's COM with its principal axes (a right-handed frame)
BodyDesc BodyFromMass(const std::string& name, const MassProperties& m, const Pose& X_SF) {
  Eigen::SelfAdjointEigenSolver<Mat3> es(m.I_com);
  Mat3 R = es.eigenvectors();
  if (R.determinant() < 0) R.col(2) = -R.col(2);
  BodyDesc b;
  b.name = name;
  b.mass_kg = m.mass_kg;
  b.inertia_kgm2 = es.eigenvalues().cwiseMax(1e-12);
  b.X_WB = Pose{X_SF.R * R, X_SF * m.p_com};
  return b;
}

// adds a point mass at p to m (same frame): mass, COM and the inertia about the new COM
void AddPointMass(double mass, const Vec3& p, MassProperties* m) {
  const double M = m->mass_kg + mass;
  const Vec3 c = (m->mass_kg * m->p_com + mass * p) / M;
  auto shift = [](double mk, const Vec3& d) { return mk * (d.squaredNorm() * Mat3::Identity() - d * d.transpose()); };
  m->I_com = m->I_com + shift(m->mass_kg, m->p_com - c) + shift(mass, p - c);
  m->mass_kg = M;
  m->p_com = c;
}

MassProperties Combine(const MassProperties& a, const MassProperties& b) {
  MassProperties m;
  m.mass_kg = a.mass_kg + b.mass_kg;
  m.p_com = (a.mass_kg * a.p_com + b.mass_kg * b.p_com) / m.mass_kg;
  auto shift = [](double mk, const Vec3& d) { return mk * (d.squaredNorm() * Mat3::Identity() - d * d.transpose()); };
  m.I_com = a.I_com + shift(a.mass_kg, a.p_com - m.p_com) + b.I_com + shift(b.mass_kg, b.p_com - m.p_com);
  return m;
}

// the contact spheres on the ribs and the sternum, and the thoracic slices cut to their midline
// strip (see AddRibCageBodies)
void AddRibCageContact(const RibCageParams& RP, const SpineParams& P, const RibCageGeometry& G,
                       const std::array<Pose, kRibLevels>& X_SV, const std::array<BodyId, kRibLevels>& T,
                       const std::function<BodyId(size_t, int)>& segment, BodyId sternum, double sL, ModelDesc* d) {
  auto sphere = [&](BodyDesc* b, const Pose& X_SB, const Vec3& p_S, double r) {
    b->shapes.push_back({X_SB.Inverse() * p_S, Vec3::Constant(r), r});
    b->contact_stiffness_N_per_m = P.tissue_contact_stiffness_N_per_m;
    b->contact_damping_Ns_per_m = P.tissue_contact_damping_Ns_per_m;
  };
  // the back's skin over each thoracic vertebra: the slice's back face (plane through q, outward
  // n); the chest's skin in front of it: the slice's front face (through qf, outward nf), flat at
  // the trunk's anthropometric depth (models/spine_adult.toml [trunk] anterior_extent_mm)
  std::array<Vec3, kRibLevels> q_S, n_S, qf_S, nf_S;
  for (int i = 0; i < kRibLevels; ++i) {
    BodyDesc& b = d->bodies[T[i]];
    BoxShapeDesc& s = b.shapes.front();
    const double back = s.center_B.x() - s.half_extents_m.x();
    q_S[i] = b.X_WB * Vec3(back, s.center_B.y(), s.center_B.z());
    n_S[i] = -b.X_WB.R.col(0);
    qf_S[i] = b.X_WB * Vec3(s.center_B.x() + s.half_extents_m.x(), s.center_B.y(), s.center_B.z());
    nf_S[i] = b.X_WB.R.col(0);
    // the midline strip: from the back's skin to the vertebral body's centroid, no chest
    const double front = b.p_BoV_B.x();
    s.center_B.x() = 0.5 * (back + front);
    s.half_extents_m.x() = 0.5 * (front - back);
    s.half_extents_m.y() = std::min(s.half_extents_m.y(), sL * RP.contact_midline_half_width_m);
    b.anterior_contact_stiffness_N_per_m = 0;
    b.anterior_contact_damping_Ns_per_m = 0;
  }
  // the front tissue over bone at p (half depth `half`): a rounded pad that reaches the chest's
  // skin (the front face of the thoracic slice nearest in height), of the thin tissue's radius
  // where the bone is close under the skin and at most contact_anterior_tissue_max where the
  // tissue is thicker (its centre then lies in the tissue, ahead of the bone)
  auto front_sphere = [&](const Vec3& p_S, double half, Vec3* c_S) {
    int i = 0;
    for (int k = 1; k < kRibLevels; ++k)
      if (std::abs(X_SV[k].p.z() - p_S.z()) < std::abs(X_SV[i].p.z() - p_S.z())) i = k;
    const double to_skin = (qf_S[i] - p_S).dot(nf_S[i]);
    const double r = std::clamp(to_skin, half + sL * RP.contact_anterior_tissue_m, sL * RP.contact_anterior_tissue_max_m);
    *c_S = p_S + std::max(0.0, to_skin - r) * nf_S[i];
    return r;
  };
  for (size_t r = 0; r < G.ribs.size(); ++r) {
    const RibGeometry& g = G.ribs[r];
    const Pose& XV = X_SV[g.rib - 1];
    const int n = static_cast<int>(g.centreline_V.size()) - 1;
    // the body carrying centreline point k (the posterior or the anterior segment)
    auto body_at = [&](int k) { return &d->bodies[segment(r, k)]; };
    // the tubercle's point on the centreline (the end of the neck)
    int k0 = 0;
    for (int k = 1; k <= n; ++k)
      if ((g.centreline_V[k] - g.p_tubercle_V).norm() < (g.centreline_V[k0] - g.p_tubercle_V).norm()) k0 = k;
    const int k1 = std::max(k0 + 1, static_cast<int>(std::lround(RP.contact_posterior_arc_fraction * n)));
    // back: radius from the rib's most posterior point to the back's skin plane
    double reach = -1e9;
    for (int k = k0; k <= k1; ++k) reach = std::max(reach, (XV * g.centreline_V[k] - q_S[g.rib - 1]).dot(n_S[g.rib - 1]));
    const double half = 0.5 * std::max(g.section.height_m, g.section.thickness_m);
    const double r_back = std::max(-reach, half + 0.005);
    const int np = RP.contact_posterior_spheres;
    for (int j = 0; j < np; ++j) {
      const int k = k0 + static_cast<int>(std::lround((k1 - k0) * (np == 1 ? 0.5 : j / double(np - 1))));
      BodyDesc* b = body_at(k);
      sphere(b, b->X_WB, XV * g.centreline_V[k], r_back);
    }
    // front: the last part of the bony rib and its costal cartilage, under the chest's soft
    // tissue (pectoral muscle, breast, fat), which fills the front towards the chest's skin
    const int ka = static_cast<int>(std::lround((1 - RP.contact_anterior_arc_fraction) * n));
    const int na = RP.contact_anterior_spheres;
    for (int j = 0; j < na; ++j) {
      const int k = ka + static_cast<int>(std::lround((n - ka) * (na == 1 ? 0.5 : j / double(na - 1))));
      Vec3 c_S;
      const double rad = front_sphere(XV * g.centreline_V[k], half, &c_S);
      BodyDesc* b = body_at(k);
      sphere(b, b->X_WB, c_S, rad);
    }
    const CartilageGeometry& c = G.cartilages[r];
    if (c.attach != CartilageAttach::kFree && c.length_m > 0) {
      const double half_c = std::sqrt(c.area_m2 / kPi);
      for (int j = 0; j < RP.contact_cartilage_spheres; ++j) {
        const double f = (j + 0.5) / RP.contact_cartilage_spheres;
        Vec3 c_S;
        const double rad = front_sphere(c.p_start_S + f * (c.p_end_S - c.p_start_S), half_c, &c_S);
        BodyDesc* b = body_at(n);
        sphere(b, b->X_WB, c_S, rad);
      }
    }
    // the front's tissue is the chest's, softer than the back's; "front" along T_i's anterior axis
    for (BodyDesc* b : {body_at(0), body_at(n)}) {
      b->anterior_axis_B = b->X_WB.R.transpose() * XV.R.col(0);
      b->anterior_contact_stiffness_N_per_m = RP.contact_anterior_stiffness_N_per_m;
      b->anterior_contact_damping_Ns_per_m = RP.contact_anterior_stiffness_N_per_m * P.chest_damping_time_s;
    }
  }
  // the sternum: two spheres along each part's midline, reaching its front skin
  BodyDesc* st = &d->bodies[sternum];
  for (const SternumPart& sp : G.sternum)
    for (double f : {-0.25, 0.25}) {
      Vec3 c_S;
      const double rad = front_sphere(sp.X_SP * Vec3(0, 0, f * 2 * sp.half_extents_m.z()), sp.half_extents_m.x(), &c_S);
      sphere(st, st->X_WB, c_S, rad);
    }
  st->anterior_axis_B = st->X_WB.R.transpose() * Vec3::UnitX();
  st->anterior_contact_stiffness_N_per_m = RP.contact_anterior_stiffness_N_per_m;
  st->anterior_contact_damping_Ns_per_m = RP.contact_anterior_stiffness_N_per_m * P.chest_damping_time_s;
}

}  // namespace

Expected<int> AddRibCageBodies(const RibCageParams& RP, const SpineParams& P, const Subject& subject, ModelDesc* d) {
  const std::array<Pose, kRibLevels> X_SV = ThoracicVertebraFrames(*d);
  auto geo = ComputeRibCageGeometry(RP, P, subject, X_SV);
  if (!geo) return geo.errors();
  const RibCageGeometry& G = geo.value();
  const double sL = subject.height_m / P.ref_height_m;
  std::array<BodyId, kRibLevels> T{};
  for (int i = 0; i < kRibLevels; ++i) T[i] = d->FindBody("T" + std::to_string(i + 1));
  const int first = static_cast<int>(d->bodies.size());

  // [bodies] the trunk slices give up the cage's mass (inertia in proportion, COM kept)
  for (int i = 0; i < kRibLevels; ++i) {
    BodyDesc& b = d->bodies[T[i]];
    const double keep = (b.mass_kg - G.slice_mass_kg[i]) / b.mass_kg;
    b.mass_kg -= G.slice_mass_kg[i];
    b.inertia_kgm2 *= keep;
  }
  // ribs (with their cartilages' mass), in the order rib 1 L, rib 1 R, …; with bending ribs
  // (bending_segments = 2) these are the posterior segments (head to the bending joint), and the
  // anterior segments (the joint to the front, with the cartilage's mass) follow the sternum
  const bool bend = RP.bending_segments == 2;
  std::vector<RibBending> bending;
  if (bend)
    for (const RibGeometry& g : G.ribs)
      bending.push_back(ComputeRibBending(g, RP.bending_joint_arc_fraction, RP.bone_modulus_Pa, RP.bone_poisson_ratio));
  std::vector<BodyDesc> anterior;
  for (size_t r = 0; r < G.ribs.size(); ++r) {
    const RibGeometry& g = G.ribs[r];
    const Pose& XV = X_SV[g.rib - 1];
    const CartilageGeometry& c = G.cartilages[r];
    const Vec3 p_cart_V = XV.Inverse() * (0.5 * (c.p_start_S + c.p_end_S));
    MassProperties m = g.mass;  // in V
    if (bend) {
      const int kj = bending[r].k_joint;
      const std::vector<Vec3> back(g.centreline_V.begin(), g.centreline_V.begin() + kj + 1);
      const std::vector<Vec3> front(g.centreline_V.begin() + kj, g.centreline_V.end());
      m = ComputeCurvedBeamMass(back, g.n_plane_V, g.section);
      MassProperties mf = ComputeCurvedBeamMass(front, g.n_plane_V, g.section);
      AddPointMass(c.mass_kg, p_cart_V, &mf);
      anterior.push_back(BodyFromMass(RibBodyName(g.rib, g.side) + " anterior", mf, XV));
    } else {
      AddPointMass(c.mass_kg, p_cart_V, &m);
    }
    BodyDesc b = BodyFromMass(RibBodyName(g.rib, g.side), m, XV);
    BodyDesc* bf = bend ? &anterior.back() : &b;
    // drawn as a chain of elliptic cylinders along the centreline, each on the segment holding its middle
    constexpr int kDrawn = 12;
    for (int s = 0; s < kDrawn; ++s) {
      const Vec3 a = XV * g.centreline_V[s * kRibSegments / kDrawn];
      const Vec3 e = XV * g.centreline_V[(s + 1) * kRibSegments / kDrawn];
      GeometryPrimitive p;
      p.part = "rib shaft";
      p.kind = PrimitiveKind::kCylinder;
      const Mat3 R_SG = FrameAlongZ(e - a);
      BodyDesc* on_b = bend && (2 * s + 1) * kRibSegments / (2 * kDrawn) >= bending[r].k_joint ? bf : &b;
      p.X_BG = on_b->X_WB.Inverse() * Pose{R_SG, 0.5 * (a + e)};
      p.size_m = Vec3(0.5 * g.section.thickness_m, 0.5 * g.section.height_m, 0.5 * (e - a).norm());
      on_b->geometry.push_back(p);
    }
    if (c.length_m > 0) {
      GeometryPrimitive p;
      p.part = "costal cartilage";
      p.kind = PrimitiveKind::kCylinder;
      p.X_BG = bf->X_WB.Inverse() * Pose{FrameAlongZ(c.p_end_S - c.p_start_S), 0.5 * (c.p_start_S + c.p_end_S)};
      const double r_c = std::sqrt(c.area_m2 / kPi);
      p.size_m = Vec3(r_c, r_c, 0.5 * (c.p_end_S - c.p_start_S).norm());
      bf->geometry.push_back(p);
    }
    d->bodies.push_back(b);
  }
  // the sternum: manubrium and body as one rigid body (the manubriosternal joint is a
  // symphysis that moves little)
  const BodyId sternum = static_cast<BodyId>(d->bodies.size());
  {
    BodyDesc b = BodyFromMass("sternum", Combine(G.sternum[0].mass, G.sternum[1].mass), Pose{});
    b.border = true;  // joined to ribs 1–7 of both sides: a border body of the banded solve
    for (const SternumPart& sp : G.sternum) {
      GeometryPrimitive p;
      p.part = sp.name;
      p.kind = PrimitiveKind::kBox;
      p.X_BG = b.X_WB.Inverse() * sp.X_SP;
      p.size_m = sp.half_extents_m;
      b.geometry.push_back(p);
    }
    d->bodies.push_back(b);
  }
  for (const BodyDesc& b : anterior) d->bodies.push_back(b);
  const BodyId first_anterior = sternum + 1;
  auto rib_body = [&](int rib, int side) { return static_cast<BodyId>(first + 2 * (rib - 1) + (side > 0 ? 0 : 1)); };
  // the segment of rib r (index into G.ribs) that carries its centreline point k
  auto segment = [&](size_t r, int k) {
    return bend && k >= bending[r].k_joint ? static_cast<BodyId>(first_anterior + r) : static_cast<BodyId>(first + r);
  };
  auto front_of = [&](int rib, int side) { return segment(2 * (rib - 1) + (side > 0 ? 0 : 1), kRibSegments); };
  // [contact] the trunk's contact surface moves from the thoracic slices to the ribs and the
  // sternum: spheres of soft tissue centred on the bone (rounded, so a lying trunk can roll and a
  // hand on T_i pushes through T_i's own ribs). Each slice keeps a midline strip (the skin over
  // the spinous processes and laminae) with the back's tissue and no chest. Rejected: capsules
  // along each rib (Bullet's capsule-box contact gives one point per pair, as a chain of spheres
  // does, and the spheres need no orientation), boxes per rib (flat again: the roll this fixes).
  AddRibCageContact(RP, P, G, X_SV, T, segment, sternum, sL, d);
  // [thoracic contents] the lungs, heart and mediastinum between the sternum and the spine: an
  // anteroposterior spring-damper from the sternum to each vertebra at the sternum's height,
  // k/n each (the cage as bodies alone gives the chest 13.4 N/cm where a living chest under CPR
  // gives 100.7 N/cm; the remainder is calibrated here, still lumped). Rejected: stiffer
  // cartilages alone (the cage would then carry what the contents carry, and the spine's ROM with it)
  if (RP.contents_stiffness_N_per_m > 0) {
    const double z_top = G.sternum.front().p_top_S.z(), z_bottom = G.sternum.back().p_bottom_S.z();
    std::vector<int> levels;
    for (int i = 0; i < kRibLevels; ++i)
      if (X_SV[i].p.z() <= z_top && X_SV[i].p.z() >= z_bottom) levels.push_back(i);
    // the springs share the stiffness equally: the sternum's at each level, and one behind each
    // rib's costochondral junction (ribs 1..contents_ribs, both sides) to its own vertebra
    const int n_springs = static_cast<int>(levels.size()) + 2 * RP.contents_ribs;
    const double k = RP.contents_stiffness_N_per_m / n_springs;
    auto ap_frame = [&](int i, const Vec3& p_S) {  // z along T_i's anterior axis, at p
      Mat3 R_SF;
      R_SF.col(2) = X_SV[i].R.col(0);
      R_SF.col(0) = X_SV[i].R.col(1);
      R_SF.col(1) = R_SF.col(2).cross(R_SF.col(0));
      return Pose{R_SF, p_S};
    };
    auto spring = [&](const std::string& name, int i, BodyId b, const Pose& X_SF) {
      BushingDesc cb;
      cb.name = name;
      cb.body_a = T[i];
      cb.body_b = b;
      cb.X_AF = d->bodies[T[i]].X_WB.Inverse() * X_SF;
      cb.X_BM = d->bodies[b].X_WB.Inverse() * X_SF;
      cb.params.k_trans = Vec3(0, 0, k);
      cb.params.k_axial_compression = k;
      cb.params.c_trans = Vec3(0, 0, k * RP.contents_damping_time_s);
      d->bushings.push_back(cb);
    };
    for (int rib = 1; rib <= RP.contents_ribs; ++rib)
      for (int side : {+1, -1}) {
        const RibGeometry& g = G.ribs[2 * (rib - 1) + (side > 0 ? 0 : 1)];
        spring("thoracic contents " + RibBodyName(rib, side), rib - 1, front_of(rib, side),
               ap_frame(rib - 1, X_SV[rib - 1] * g.p_anterior_V));
      }
    for (int i : levels) {  // at the sternum's point at the vertebra's height
      const SternumPart& sp = X_SV[i].p.z() >= G.sternum.back().p_top_S.z() ? G.sternum.front() : G.sternum.back();
      const double f = (X_SV[i].p.z() - sp.p_bottom_S.z()) / (sp.p_top_S.z() - sp.p_bottom_S.z());
      spring("thoracic contents T" + std::to_string(i + 1), i, sternum,
             ap_frame(i, sp.p_bottom_S + f * (sp.p_top_S - sp.p_bottom_S)));
    }
  }
  // a point given in S on body b (its frame in S: the model is still in S)
  auto on = [&](BodyId b, const Vec3& p_S) { return d->bodies[b].X_WB.Inverse() * p_S; };

  // [joints] costovertebral and costotransverse synovial joints, with a capsular fibre each
  const CapsuleParams& cap_T = P.capsule[1];
  const LigamentTypeParams& CL = P.ligaments[6];
  for (const RibGeometry& g : G.ribs) {
    const BodyId R = rib_body(g.rib, g.side), V = T[g.rib - 1];
    const Pose& XV = X_SV[g.rib - 1];
    const int lv = V;  // the level below T_i has T_i as its upper body: its facet sets the scale
    const double facet_area = P.facet_area_m2[lv] * sL * sL;
    for (const bool cv : {true, false}) {
      if (!cv && !g.has_costotransverse) continue;
      const Vec3 p_V = cv ? g.p_head_V : g.p_tubercle_V;
      const Vec3 n_V = (cv ? g.n_costovertebral_V : g.n_costotransverse_V).normalized();
      SynovialJointDesc j;
      j.name = RibJointName(cv, g.rib, g.side);
      j.body_a = V;
      j.body_b = R;
      j.p_AoP_A = d->bodies[V].p_BoV_B + p_V;  // V has B's axes
      j.n_A = n_V;
      j.p_BoQ_B = on(R, XV * p_V);
      j.rest_gap_m = RP.joint_rest_gap_m * sL;
      j.area_m2 = cv ? g.cv_area_m2 : g.ct_area_m2;
      j.cartilage_modulus_Pa = P.cartilage_modulus_Pa;
      j.cartilage_thickness_m = P.cartilage_thickness_m;
      j.damping_s_per_m = P.contact_damping_s_per_m;
      j.has_capsule = true;
      j.capsule = cap_T;
      j.capsule.fluid_volume_m3 = cv ? g.cv_fluid_m3 : g.ct_fluid_m3;
      j.capsule.gas_conductance_mol_per_s_Pa = cap_T.gas_conductance_mol_per_s_Pa * j.area_m2 / facet_area;
      // capsular fibre across the joint, square to its normal
      const Vec3 along = (std::abs(n_V.z()) < 0.9 ? Vec3(Vec3::UnitZ() - n_V * n_V.z()) : Vec3(Vec3::UnitX() - n_V * n_V.x())).normalized();
      const double span = RP.joint_capsule_span_m * sL;
      const Vec3 pa_S = XV * (p_V - 0.5 * span * along), pb_S = XV * (p_V + 0.5 * span * along);
      LigamentDesc f;
      f.name = "capsule " + j.name;
      f.type = "CL";
      f.body_a = V;
      f.p_AoPa_A = on(V, pa_S);
      f.body_b = R;
      f.p_BoPb_B = on(R, pb_S);
      const double L_rest = (pb_S - pa_S).norm();
      f.slack_length_m = L_rest / (1.0 + CL.prestrain[1]);
      f.stiffness_N_per_m = CL.stiffness_N_per_m[1] * span / (sL * P.capsule_span_m[1]);  // per length: a shorter fibre is stiffer
      f.toe_strain = CL.toe_strain[1];
      f.damping_Ns_per_m = f.stiffness_N_per_m * P.ligament_damping_time_s;
      f.slow = P.capsule_slow;
      f.slow.reference_strain = L_rest / f.slack_length_m - 1.0;
      j.capsule_ligament = static_cast<int>(d->ligaments.size());
      d->ligaments.push_back(f);
      d->synovial_joints.push_back(j);
    }
    // the articulation's rotational stiffness at the head (the surfaces' shape; calibrated)
    if (RP.cv_rotational_stiffness_Nm_per_rad > 0 || RP.cv_translational_stiffness_N_per_m > 0) {
      BushingDesc rb;
      rb.name = "costovertebral articulation " + RibBodyName(g.rib, g.side);
      rb.body_a = V;
      rb.body_b = R;
      const Pose X_SH{XV.R, XV * g.p_head_V};
      rb.X_AF = d->bodies[V].X_WB.Inverse() * X_SH;
      rb.X_BM = d->bodies[R].X_WB.Inverse() * X_SH;
      for (int ax = 0; ax < 3; ++ax) rb.params.rot[ax].k0 = RP.cv_rotational_stiffness_Nm_per_rad;
      // beyond a neutral zone, the head's turn about the vertical stiffens (the capsule and the
      // radiate and intra-articular ligaments tighten): not probed by the ±0.1 N·m test
      AxisLaw& z = rb.params.rot[2];
      z.nz_pos = z.nz_neg = RP.cv_vertical_neutral_zone_rad;
      z.k2_pos = z.k2_neg = RP.cv_vertical_stiffening_Nm_per_rad2;
      rb.params.c_rot = Vec3::Constant(RP.cv_rotational_stiffness_Nm_per_rad * P.ligament_damping_time_s);
      rb.params.k_trans = Vec3::Constant(RP.cv_translational_stiffness_N_per_m);
      rb.params.k_axial_compression = RP.cv_translational_stiffness_N_per_m;
      rb.params.c_trans = rb.params.k_trans * P.ligament_damping_time_s;
      d->bushings.push_back(rb);
    }
  }

  // [ligaments] radiate, costotransverse, superior costotransverse
  auto add_lig = [&](const std::string& name, const std::string& type, BodyId a, const Vec3& pa_S, BodyId b,
                     const Vec3& pb_S, double k, double toe, double prestrain) {
    LigamentDesc e;
    e.name = name;
    e.type = type;
    e.body_a = a;
    e.p_AoPa_A = on(a, pa_S);
    e.body_b = b;
    e.p_BoPb_B = on(b, pb_S);
    e.slack_length_m = (pb_S - pa_S).norm() / (1.0 + prestrain);
    e.stiffness_N_per_m = k;
    e.toe_strain = toe;
    e.damping_Ns_per_m = k * P.ligament_damping_time_s;
    e.slow = P.ligament_slow;
    e.slow.reference_strain = prestrain;  // in situ: no creep at rest
    d->ligaments.push_back(e);
  };
  for (const RibLigamentAnchor& a : G.ligaments) {
    const BodyId R = rib_body(a.rib, a.side);
    const BodyId V = static_cast<BodyId>(a.vertebra);
    const int vi = a.vertebra - T[0];  // T1 = 0
    const Vec3 pv_S = X_SV[vi] * a.p_vertebra_V, pr_S = X_SV[a.rib - 1] * a.p_rib_V;
    const std::string type = a.name.substr(0, a.name.find(" rib"));
    add_lig(a.name, type, V, pv_S, R, pr_S, a.stiffness_N_per_m, RP.rib_ligament_toe_strain, RP.rib_ligament_prestrain);
  }
  // intercostal tissue: links between rib i and rib i+1 of a side at equal fractions of their length
  for (int side : {+1, -1}) {
    for (int rib = 1; rib < kRibLevels; ++rib) {
      const RibGeometry& g0 = G.ribs[2 * (rib - 1) + (side > 0 ? 0 : 1)];
      const RibGeometry& g1 = G.ribs[2 * rib + (side > 0 ? 0 : 1)];
      const int n = RP.intercostal_links_per_space;
      double len0 = 0;
      for (int s = 0; s < kRibSegments; ++s) len0 += (g0.centreline_V[s + 1] - g0.centreline_V[s]).norm();
      const double len = std::min(len0, RP.arc_length_m[rib] * sL);  // the space is as long as the shorter rib
      for (int k = 0; k < n; ++k) {
        const int s = static_cast<int>(std::lround((k + 0.5) / n * kRibSegments));
        const Vec3 pa = X_SV[rib - 1] * g0.centreline_V[s], pb = X_SV[rib] * g1.centreline_V[s];
        const double L = (pb - pa).norm();
        const double width = len / n;
        add_lig("intercostal " + std::to_string(rib) + "-" + std::to_string(rib + 1) + (side > 0 ? " L " : " R ") + std::to_string(k + 1),
                "intercostal", segment(2 * (rib - 1) + (side > 0 ? 0 : 1), s), pa, segment(2 * rib + (side > 0 ? 0 : 1), s), pb,
                RP.intercostal_modulus_Pa * RP.intercostal_thickness_m * sL * width / L, RP.rib_ligament_toe_strain, 0.0);
      }
    }
  }

  // [cartilages] viscoelastic bushings at their midpoints (Euler–Bernoulli beam about its midpoint)
  for (size_t r = 0; r < G.cartilages.size(); ++r) {
    const CartilageGeometry& c = G.cartilages[r];
    if (c.attach == CartilageAttach::kFree) continue;
    const BodyId A = front_of(c.rib, c.side);
    const BodyId B = c.attach == CartilageAttach::kSternum ? sternum : front_of(c.attach_rib, c.side);
    const Vec3 axis = c.p_end_S - c.p_start_S;
    const double L = axis.norm();
    // section axes: x across the cage (the rib plane's normal turned into the section), y, z along
    const Mat3 R_SF = FrameAlongZ(axis);
    const Pose X_SF{R_SF, 0.5 * (c.p_start_S + c.p_end_S)};
    const double a = 0.5 * sL * RP.cartilage_height_m[c.rib - 1], b = 0.5 * sL * RP.cartilage_thickness_m[c.rib - 1];
    // bending about either section axis with the geometric mean of the ellipse's two moments
    // (π/4·a³b and π/4·ab³): F's x, y are not aligned with the section's axes
    const double A_s = kPi * a * b, I = 0.25 * kPi * a * a * b * b;
    const double J = kPi * a * a * a * b * b * b / (a * a + b * b);
    const double E = RP.cartilage_modulus_Pa, Ec = RP.cartilage_compression_modulus_Pa, Gs = E / 3.0;
    ViscoelasticBushingDesc v;
    v.name = "costal cartilage " + RibBodyName(c.rib, c.side);
    v.body_a = A;
    v.body_b = B;
    v.X_AF = d->bodies[A].X_WB.Inverse() * X_SF;
    v.X_BM = d->bodies[B].X_WB.Inverse() * X_SF;
    BushingParams& bp = v.params;
    const double k_shear = 12.0 * E * I / (L * L * L);
    bp.k_trans = Vec3(k_shear, k_shear, E * A_s / L);
    bp.k_axial_compression = Ec * A_s / L;
    bp.rot[0].k0 = E * I / L;
    bp.rot[1].k0 = E * I / L;
    bp.rot[2].k0 = Gs * J / L;
    bp.c_trans = bp.k_trans * P.ligament_damping_time_s;
    bp.c_rot = Vec3(bp.rot[0].k0, bp.rot[1].k0, bp.rot[2].k0) * P.ligament_damping_time_s;
    v.relaxed_fraction = RP.cartilage_relaxed_fraction;
    v.relaxation_time_s = RP.cartilage_relaxation_time_s;
    d->viscoelastic_bushings.push_back(v);
  }

  // [bending] the bony rib's two segments joined at its bending joint (ComputeRibBending)
  for (size_t r = 0; bend && r < G.ribs.size(); ++r) {
    const RibGeometry& g = G.ribs[r];
    const RibBending& rb = bending[r];
    const Pose X_SF = X_SV[g.rib - 1] * rb.X_VF;
    BushingDesc bb;
    bb.name = "rib bending " + RibBodyName(g.rib, g.side);
    bb.body_a = static_cast<BodyId>(first + r);
    bb.body_b = static_cast<BodyId>(first_anterior + r);
    bb.X_AF = d->bodies[bb.body_a].X_WB.Inverse() * X_SF;
    bb.X_BM = d->bodies[bb.body_b].X_WB.Inverse() * X_SF;
    for (int ax = 0; ax < 3; ++ax) bb.params.rot[ax].k0 = rb.k_rot_Nm_per_rad[ax];
    bb.params.k_trans = rb.k_trans_N_per_m;
    bb.params.k_axial_compression = rb.k_trans_N_per_m.z();
    bb.params.c_rot = rb.k_rot_Nm_per_rad * P.ligament_damping_time_s;
    bb.params.c_trans = bb.params.k_trans * P.ligament_damping_time_s;
    d->bushings.push_back(bb);
  }

  // [solve order] rib i between T_(i-1) and T_i (each side's posterior, then anterior segment);
  // the sternum last (border)
  d->solve_order.clear();
  for (BodyId b = 0; b < first; ++b) {
    for (int i = 0; i < kRibLevels; ++i)
      if (b == T[i])
        for (int side : {+1, -1}) {
          d->solve_order.push_back(rib_body(i + 1, side));
          if (bend) d->solve_order.push_back(front_of(i + 1, side));
        }
    d->solve_order.push_back(b);
  }
  d->solve_order.push_back(sternum);
  return first;
}

}  // namespace spinelab::sim

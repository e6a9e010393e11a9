// Model::Compile: validate a ModelDesc completely (all problems at once) and freeze it.
#include "spinelab/sim/model.h"
#include "spinelab/sim/state.h"

#include "forces/element_type.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace spinelab::sim {

namespace {

class Validator {
 public:
  explicit Validator(std::vector<Diagnostic>* errors) : errors_(errors) {}
  void Check(bool ok, const std::string& element, const std::string& field, double value,
             const std::string& allowed) {
    if (!ok)
      errors_->push_back({"", element + "." + field,
                          "value " + FormatNumber(value) + " is not allowed; must be " + allowed});
  }
  void Finite(const std::string& element, const std::string& field, const Vec3& v) {
    if (!v.allFinite())
      errors_->push_back({"", element + "." + field, "must be finite (got NaN or inf)"});
  }
  void NonNeg(const std::string& element, const std::string& field, double v,
              const std::string& unit) {
    Check(std::isfinite(v) && v >= 0, element, field, v, ">= 0 " + unit);
  }
  void Pos(const std::string& element, const std::string& field, double v, const std::string& unit) {
    Check(std::isfinite(v) && v > 0, element, field, v, "> 0 " + unit);
  }
  void Body(const std::string& element, const std::string& field, BodyId b, int n) {
    Check(b >= kGround && b < n, element, field, b, "a body index in [-1, " + std::to_string(n) + ")");
  }
  void Error(const std::string& element, const std::string& message) {
    errors_->push_back({"", element, message});
  }
  void Pose(const std::string& element, const std::string& field, const spinelab::Pose& X) {
    const bool ok = X.p.allFinite() && X.R.allFinite() &&
                    (X.R * X.R.transpose() - Mat3::Identity()).norm() < 1e-9 &&
                    std::abs(X.R.determinant() - 1.0) < 1e-9;
    if (!ok) errors_->push_back({"", element + "." + field, "must be a finite proper rotation"});
  }

 private:
  std::vector<Diagnostic>* errors_;
};

void ValidateAxisLaw(Validator& v, const std::string& el, const std::string& ax, const AxisLaw& a) {
  v.NonNeg(el, ax + ".k0", a.k0, "N·m/rad");
  v.NonNeg(el, ax + ".nz_pos", a.nz_pos, "rad");
  v.NonNeg(el, ax + ".nz_neg", a.nz_neg, "rad");
  v.NonNeg(el, ax + ".k2_pos", a.k2_pos, "N·m/rad²");
  v.NonNeg(el, ax + ".k2_neg", a.k2_neg, "N·m/rad²");
}
}  // namespace

double PathLength(const PathDesc& path, const std::vector<Pose>& X_WB) {
  double L = 0;
  for (size_t i = 1; i < path.points.size(); ++i) {
    const auto& [a, pa] = path.points[i - 1];
    const auto& [b, pb] = path.points[i];
    L += (X_WB[b] * pb - X_WB[a] * pa).norm();
  }
  return L;
}

BodyId ModelDesc::FindBody(const std::string& n) const {
  for (size_t i = 0; i < bodies.size(); ++i)
    if (bodies[i].name == n) return static_cast<BodyId>(i);
  return kGround - 1;
}

int ModelDesc::FindJoint(const std::string& n) const {
  for (size_t i = 0; i < joints.size(); ++i)
    if (joints[i].name == n) return static_cast<int>(i);
  return -1;
}

Expected<Model> Model::Compile(ModelDesc desc) {
  std::vector<Diagnostic> errors;
  Validator v(&errors);
  const int nb = static_cast<int>(desc.bodies.size());
  std::set<std::string> names;
  for (const BodyDesc& b : desc.bodies) {
    const std::string el = "body '" + b.name + "'";
    if (b.name.empty()) v.Error("body", "every body needs a name");
    if (!names.insert(b.name).second) v.Error(el, "duplicate body name");
    if (!b.fixed) {
      v.Pos(el, "mass_kg", b.mass_kg, "kg");
      for (int i = 0; i < 3; ++i) v.Pos(el, "inertia_kgm2[" + std::to_string(i) + "]", b.inertia_kgm2[i], "kg·m²");
      const Vec3& I = b.inertia_kgm2;
      if (I.allFinite() && (I.x() > I.y() + I.z() + 1e-15 || I.y() > I.x() + I.z() + 1e-15 ||
                            I.z() > I.x() + I.y() + 1e-15))
        v.Error(el, "inertia_kgm2 violates the triangle inequality (not a physical body)");
    }
    v.Pose(el, "X_WB", b.X_WB);
    for (const GeometryPrimitive& g : b.geometry) {
      v.Pose(el, "geometry '" + g.part + "'.X_BG", g.X_BG);
      for (int i = 0; i < 3; ++i) v.Pos(el, "geometry '" + g.part + "'.size_m", g.size_m[i], "m");
    }
    for (const BoxShapeDesc& s : b.shapes) {
      v.Finite(el, "shape.center_B", s.center_B);
      for (int i = 0; i < 3; ++i) v.Pos(el, "shape.half_extents_m", s.half_extents_m[i], "m");
      v.NonNeg(el, "shape.radius_m", s.radius_m, "m");
    }
    v.NonNeg(el, "contact_stiffness_N_per_m", b.contact_stiffness_N_per_m, "N/m");
    v.NonNeg(el, "contact_damping_Ns_per_m", b.contact_damping_Ns_per_m, "N·s/m");
    v.NonNeg(el, "anterior_contact_stiffness_N_per_m", b.anterior_contact_stiffness_N_per_m, "N/m");
    v.NonNeg(el, "anterior_contact_damping_Ns_per_m", b.anterior_contact_damping_Ns_per_m, "N·s/m");
    v.Finite(el, "anterior_axis_B", b.anterior_axis_B);
    v.Check(std::abs(b.anterior_axis_B.norm() - 1) < 1e-9, el, "anterior_axis_B (norm)", b.anterior_axis_B.norm(),
            "1 (a unit vector in B)");
  }
  for (const PathDesc& p : desc.paths) {
    const std::string el = "path '" + p.name + "'";
    if (p.points.size() < 2) v.Error(el, "needs at least 2 points");
    for (const auto& [b, pt] : p.points) {
      if (b < 0 || b >= nb) v.Error(el, "point body " + std::to_string(b) + " is not a body (0.." + std::to_string(nb - 1) + ")");
      v.Finite(el, "point", pt);
    }
  }
  for (const BushingDesc& e : desc.bushings) {
    const std::string el = "bushing '" + e.name + "'";
    v.Body(el, "body_a", e.body_a, nb);
    v.Body(el, "body_b", e.body_b, nb);
    if (e.body_a == e.body_b) v.Error(el, "body_a and body_b must differ");
    v.Pose(el, "X_AF", e.X_AF);
    v.Pose(el, "X_BM", e.X_BM);
    const BushingParams& p = e.params;
    for (int i = 0; i < 3; ++i) {
      v.NonNeg(el, "k_trans[" + std::to_string(i) + "]", p.k_trans[i], "N/m");
      v.NonNeg(el, "c_trans[" + std::to_string(i) + "]", p.c_trans[i], "N·s/m");
      v.NonNeg(el, "c_rot[" + std::to_string(i) + "]", p.c_rot[i], "N·m·s/rad");
      ValidateAxisLaw(v, el, std::string("rot[") + "xyz"[i] + "]", p.rot[i]);
    }
    v.NonNeg(el, "k_axial_compression", p.k_axial_compression, "N/m");
    v.NonNeg(el, "preload_gain", p.preload_gain, "");
    v.Pos(el, "preload_exponent", p.preload_exponent, "");
    v.NonNeg(el, "area_m2", p.area_m2, "m²");
    v.Pos(el, "idp_factor", p.idp_factor, "");
    v.Finite(el, "bias_force", p.bias_force);
    v.Finite(el, "bias_moment", p.bias_moment);
    v.Check(e.reflex >= -1 && e.reflex < static_cast<int>(desc.reflexes.size()), el, "reflex", e.reflex,
            "-1 or a reflex index");
  }
  for (const LigamentDesc& e : desc.ligaments) {
    const std::string el = "ligament '" + e.name + "'";
    v.Body(el, "body_a", e.body_a, nb);
    v.Body(el, "body_b", e.body_b, nb);
    if (e.body_a == e.body_b) v.Error(el, "body_a and body_b must differ");
    v.Finite(el, "p_AoPa_A", e.p_AoPa_A);
    v.Finite(el, "p_BoPb_B", e.p_BoPb_B);
    v.Pos(el, "stiffness_N_per_m", e.stiffness_N_per_m, "N/m");
    v.Pos(el, "slack_length_m", e.slack_length_m, "m");
    v.Check(std::isfinite(e.toe_strain) && e.toe_strain > 0 && e.toe_strain < 1, el, "toe_strain",
            e.toe_strain, "in (0, 1)");
    v.NonNeg(el, "damping_Ns_per_m", e.damping_Ns_per_m, "N·s/m");
    const LigamentSlowParams& s = e.slow;
    v.NonNeg(el, "slow.creep_fraction", s.creep_fraction, "");
    v.Pos(el, "slow.creep_time_s", s.creep_time_s, "s");
    v.Check(std::isfinite(s.fast_fraction) && s.fast_fraction >= 0 && s.fast_fraction <= 1, el,
            "slow.fast_fraction", s.fast_fraction, "in [0, 1]");
    v.Pos(el, "slow.recovery_fast_s", s.recovery_fast_s, "s");
    v.Pos(el, "slow.recovery_slow_s", s.recovery_slow_s, "s");
    v.Check(std::isfinite(s.reference_strain), el, "slow.reference_strain", s.reference_strain, "finite");
    v.Check(!std::isnan(s.laxity_threshold), el, "slow.laxity_threshold", s.laxity_threshold, "a number");
    v.NonNeg(el, "slow.laxity_rate_per_s", s.laxity_rate_per_s, "1/s");
    v.Check(std::isfinite(s.laxity_permanent_fraction) && s.laxity_permanent_fraction >= 0 &&
                s.laxity_permanent_fraction <= 1,
            el, "slow.laxity_permanent_fraction", s.laxity_permanent_fraction, "in [0, 1]");
    v.Pos(el, "slow.laxity_recovery_s", s.laxity_recovery_s, "s");
    v.NonNeg(el, "slow.opening_length_m", s.opening_length_m, "m");
  }
  const int nsj = static_cast<int>(desc.synovial_joints.size());
  for (const ReflexDesc& r : desc.reflexes) {
    const std::string el = "reflex '" + r.name + "'";
    v.NonNeg(el, "gain", r.gain, "");
    v.Pos(el, "memory_s", r.memory_s, "s");
    v.Pos(el, "decay_s", r.decay_s, "s");
    v.NonNeg(el, "max_tone", r.max_tone, "");
    for (int f : r.sensors) v.Check(f >= 0 && f < nsj, el, "sensors", f, "a synovial joint index");
  }
  for (const JointDesc& j : desc.joints) {
    const std::string el = "joint '" + j.name + "'";
    v.Body(el, "upper", j.upper, nb);
    v.Body(el, "lower", j.lower, nb);
    v.Check(j.bushing >= -1 && j.bushing < static_cast<int>(desc.bushings.size()), el, "bushing", j.bushing, "-1 or a bushing index");
    for (int f : j.synovial) v.Check(f >= 0 && f < nsj, el, "synovial", f, "a synovial joint index");
    v.Check(j.reflex >= -1 && j.reflex < static_cast<int>(desc.reflexes.size()), el, "reflex", j.reflex, "-1 or a reflex index");
    v.Pose(el, "X_WD0", j.X_WD0);
    v.Pose(el, "X_LD", j.X_LD);
  }
  for (const SynovialJointDesc& e : desc.synovial_joints) {
    const std::string el = "synovial joint '" + e.name + "'";
    v.Body(el, "body_a", e.body_a, nb);
    v.Body(el, "body_b", e.body_b, nb);
    if (e.body_a == e.body_b) v.Error(el, "body_a and body_b must differ");
    v.Finite(el, "p_AoP_A", e.p_AoP_A);
    v.Finite(el, "p_BoQ_B", e.p_BoQ_B);
    v.Check(e.n_A.allFinite() && std::abs(e.n_A.norm() - 1.0) < 1e-9, el, "n_A", e.n_A.norm(),
            "a unit vector (|n| = 1)");
    v.Check(std::isfinite(e.rest_gap_m) && e.rest_gap_m >= 0 && e.rest_gap_m < 0.01, el,
            "rest_gap_m", e.rest_gap_m, "in [0, 0.01) m");
    v.Pos(el, "area_m2", e.area_m2, "m²");
    v.Pos(el, "cartilage_modulus_Pa", e.cartilage_modulus_Pa, "Pa");
    v.Pos(el, "cartilage_thickness_m", e.cartilage_thickness_m, "m");
    v.NonNeg(el, "damping_s_per_m", e.damping_s_per_m, "s/m");
    v.Check(e.capsule_ligament >= -1 && e.capsule_ligament < static_cast<int>(desc.ligaments.size()), el,
            "capsule_ligament", e.capsule_ligament, "-1 or a ligament index");
    if (e.has_capsule) {
      const CapsuleParams& c = e.capsule;
      v.Check(c.nociceptor_strain > 0 && c.nociceptor_strain < c.pain_strain && c.pain_strain < c.yield_strain, el,
              "capsule.nociceptor/pain/yield_strain", c.pain_strain, "0 < nociceptor < pain < yield");
      v.Pos(el, "capsule.fluid_volume_m3", c.fluid_volume_m3, "m³");
      v.Check(std::isfinite(c.rest_pressure_Pa) && c.rest_pressure_Pa > -2e4 && c.rest_pressure_Pa < 2e4, el,
              "capsule.rest_pressure_Pa", c.rest_pressure_Pa, "in (-2e4, 2e4) Pa");
      v.Pos(el, "capsule.compliance_suction_m3_per_Pa", c.compliance_suction_m3_per_Pa, "m³/Pa");
      v.Pos(el, "capsule.compliance_positive_m3_per_Pa", c.compliance_positive_m3_per_Pa, "m³/Pa");
      v.NonNeg(el, "capsule.compliance_slow_m3_per_Pa", c.compliance_slow_m3_per_Pa, "m³/Pa");
      v.Pos(el, "capsule.draw_in_time_s", c.draw_in_time_s, "s");
      v.Check(std::isfinite(c.nucleation_pressure_abs_Pa) && c.nucleation_pressure_abs_Pa < c.vapour_pressure_Pa, el,
              "capsule.nucleation_pressure_abs_Pa", c.nucleation_pressure_abs_Pa, "below the vapour pressure");
      v.Pos(el, "capsule.nucleus_radius_m", c.nucleus_radius_m, "m");
      v.Pos(el, "capsule.density_kg_per_m3", c.density_kg_per_m3, "kg/m³");
      v.NonNeg(el, "capsule.viscosity_Pa_s", c.viscosity_Pa_s, "Pa·s");
      v.NonNeg(el, "capsule.surface_tension_N_per_m", c.surface_tension_N_per_m, "N/m");
      v.NonNeg(el, "capsule.vapour_pressure_Pa", c.vapour_pressure_Pa, "Pa");
      v.Pos(el, "capsule.temperature_K", c.temperature_K, "K");
      v.Pos(el, "capsule.atmospheric_pressure_Pa", c.atmospheric_pressure_Pa, "Pa");
      v.Pos(el, "capsule.tissue_gas_tension_Pa", c.tissue_gas_tension_Pa, "Pa");
      v.Pos(el, "capsule.fill_time_s", c.fill_time_s, "s");
      v.NonNeg(el, "capsule.stirring_time_s", c.stirring_time_s, "s");
      v.Pos(el, "capsule.gas_conductance_mol_per_s_Pa", c.gas_conductance_mol_per_s_Pa, "mol/(s·Pa)");
      v.Pos(el, "capsule.listener_distance_m", c.listener_distance_m, "m");
      v.Check(c.tissue_lowpass_Hz > 0 && c.tissue_lowpass_Hz < 0.45 * kSoundSampleRate_Hz * 10, el,
              "capsule.tissue_lowpass_Hz", c.tissue_lowpass_Hz, "(0, 198450) Hz");
      v.Pos(el, "capsule.air_density_kg_per_m3", c.air_density_kg_per_m3, "kg/m³");
      v.Check(c.tissue_ring_Hz > 0 && c.tissue_ring_Hz < 0.45 * kSoundSampleRate_Hz, el, "capsule.tissue_ring_Hz",
              c.tissue_ring_Hz, "(0, 19845) Hz");
      v.Check(c.tissue_ring_damping_ratio > 0 && c.tissue_ring_damping_ratio < 1, el,
              "capsule.tissue_ring_damping_ratio", c.tissue_ring_damping_ratio, "(0, 1) [-] (an underdamped ring)");
      v.NonNeg(el, "capsule.recoil_time_s", c.recoil_time_s, "s");
    }
  }
  for (const EnvironmentDesc& e : desc.environment) {
    const std::string el = "environment '" + e.name + "'";
    v.Pose(el, "X_WE", e.X_WE);
    if (e.shape != EnvShape::kPlane)
      for (int i = 0; i < 3; ++i) v.Pos(el, "half_extents_m", e.half_extents_m[i], "m");
    v.NonNeg(el, "friction", e.friction, "");
  }
  for (const ElementType* t : internal::BuiltinElementTypes()) t->Validate(desc, &errors);  // their own checks
  for (const auto& t : desc.extra_element_types) {
    if (!t) v.Error("extra_element_types", "null element type");
    else t->Validate(desc, &errors);
  }
  if (!errors.empty()) return errors;

  {
    std::vector<bool> listed(nb, false);
    for (BodyId b : desc.solve_order) {
      if (b < 0 || b >= nb) v.Error("solve_order", "body " + std::to_string(b) + " is not a body index (0.." + std::to_string(nb - 1) + ")");
      else if (listed[b]) v.Error("solve_order", "body '" + desc.bodies[b].name + "' is listed twice");
      else listed[b] = true;
    }
  }
  if (!errors.empty()) return errors;

  Model m;
  m.free_index_.assign(nb, -1);
  // the solve order: the listed bodies, then the others in creation order
  std::vector<bool> placed(nb, false);
  for (BodyId b : desc.solve_order) {
    placed[b] = true;
    if (!desc.bodies[b].fixed) m.free_index_[b] = m.num_free_++;
  }
  for (int i = 0; i < nb; ++i)
    if (!placed[i] && !desc.bodies[i].fixed) m.free_index_[i] = m.num_free_++;
  m.desc_ = std::move(desc);
  return m;
}

std::vector<int> LigamentsAcross(const ModelDesc& model, int joint) {
  const JointDesc& L = model.joints[joint];
  std::vector<int> out;
  for (size_t i = 0; i < model.ligaments.size(); ++i) {
    const LigamentDesc& e = model.ligaments[i];
    if ((e.body_a == L.lower && e.body_b == L.upper) || (e.body_a == L.upper && e.body_b == L.lower))
      out.push_back(static_cast<int>(i));
  }
  return out;
}

Expected<ModelDesc> ExtractSegment(const ModelDesc& model, const std::string& joint, std::vector<int>* source_ligaments) {
  const int li_joint = model.FindJoint(joint);
  if (li_joint < 0) {
    std::string allowed;
    for (const JointDesc& l : model.joints) allowed += (allowed.empty() ? "" : ", ") + l.name;
    return std::vector<Diagnostic>{{"", "level", "'" + joint + "' is not a level of model '" +
                                                     model.name + "'; allowed: " + allowed}};
  }
  const JointDesc& L = model.joints[li_joint];
  ModelDesc seg;
  seg.name = model.name + " segment " + joint;
  std::map<BodyId, BodyId> remap{{kGround, kGround}};
  for (BodyId b : {L.lower, L.upper}) {
    remap[b] = static_cast<BodyId>(seg.bodies.size());
    seg.bodies.push_back(model.bodies[b]);
  }
  seg.bodies[0].fixed = true;
  auto in_joint = [&](BodyId a, BodyId b) {
    return (a == L.lower && b == L.upper) || (a == L.upper && b == L.lower);
  };
  for (const BushingDesc& e : model.bushings) {
    if (e.active || !in_joint(e.body_a, e.body_b)) continue;
    BushingDesc c = e;
    c.body_a = remap[e.body_a];
    c.body_b = remap[e.body_b];
    c.reflex = -1;
    seg.bushings.push_back(c);
  }
  std::map<int, int> lig_remap;
  if (source_ligaments) source_ligaments->clear();
  for (const int li : LigamentsAcross(model, li_joint)) {
    const LigamentDesc& e = model.ligaments[li];
    lig_remap[li] = static_cast<int>(seg.ligaments.size());
    if (source_ligaments) source_ligaments->push_back(li);
    LigamentDesc c = e;
    c.body_a = remap[e.body_a];
    c.body_b = remap[e.body_b];
    seg.ligaments.push_back(c);
  }
  std::map<int, int> joint_remap;
  for (size_t f = 0; f < model.synovial_joints.size(); ++f) {
    const SynovialJointDesc& e = model.synovial_joints[f];
    if (!in_joint(e.body_a, e.body_b)) continue;
    SynovialJointDesc c = e;
    c.capsule_ligament = lig_remap.count(e.capsule_ligament) ? lig_remap[e.capsule_ligament] : -1;
    c.body_a = remap[e.body_a];
    c.body_b = remap[e.body_b];
    joint_remap[static_cast<int>(f)] = static_cast<int>(seg.synovial_joints.size());
    seg.synovial_joints.push_back(c);
  }
  JointDesc l = L;
  l.lower = 0;
  l.upper = 1;
  l.bushing = seg.bushings.empty() ? -1 : 0;
  l.synovial.clear();
  for (int f : L.synovial)
    if (joint_remap.count(f)) l.synovial.push_back(joint_remap[f]);
  l.reflex = -1;
  seg.joints.push_back(l);
  return seg;
}

}  // namespace spinelab::sim

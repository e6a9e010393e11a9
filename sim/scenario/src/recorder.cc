// The recorder: what each output sample stores (the HDF5 run datasets), the derived safety
// measures (annulus shear stress, fracture risk), the probes, and the cavitation events.
#include "runner_impl.h"
#include "spinelab/anatomy/spine_probe.h"
#include "spinelab/sim/tissue_ring.h"

namespace spinelab::sim {

void ScenarioRunner::Impl::Probe() {
  const std::vector<Vec3> nz = NeutralZones(d(), world->state(), params.hypermobility_probe_moment_Nm);
  if (nz0.empty()) nz0 = nz;
  hyper = HypermobilityIndex(nz, nz0);
}

void ScenarioRunner::Impl::RecordInto(ScenarioResult* r) {
  ScenarioResult& rec = *r;
  const ModelDesc& md = d();
  World& w = *world;
  const StepOutputs& out = w.outputs();
  rec.time_s.push_back(w.state().time_s);
  for (size_t b = 0; b < md.bodies.size(); ++b) {
    const BodyState& s = w.state().bodies[b];
    rec.body_position_m.insert(rec.body_position_m.end(), {s.p_WB.x(), s.p_WB.y(), s.p_WB.z()});
    rec.body_orientation.insert(rec.body_orientation.end(), {s.q_WB.w(), s.q_WB.x(), s.q_WB.y(), s.q_WB.z()});
    X_WB[b] = Pose{s.q_WB.toRotationMatrix(), s.p_WB};
  }
  for (size_t l = 0; l < md.joints.size(); ++l) {
    const BushingOutput& b = out.bushings[md.joints[l].bushing];
    // flexion (about y), lateral bending to the right (about x), axial rotation to the left (about z)
    rec.level_rotation_rad.insert(rec.level_rotation_rad.end(), {b.rotation_rad.y(), b.rotation_rad.x(), b.rotation_rad.z()});
    rec.disc_compression_N.push_back(b.compression_N);
    rec.disc_shear_N.push_back(b.shear_N);
    rec.disc_shear_xy_N.insert(rec.disc_shear_xy_N.end(), {b.force_N.x(), b.force_N.y()});
    rec.disc_torsion_Nm.push_back(b.moment_Nm.z());
    // torsion: Bredt-Batho τ = T / (2 A_m t); transverse shear on a thin ring: τ = 2 V / A_wall
    const bool disc = md.bushings[md.joints[l].bushing].params.area_m2 > 0;  // C0-C1, C1-C2: no disc
    rec.annulus_shear_Pa.push_back(!disc ? 0.0 : std::abs(b.moment_Nm.z()) / (2 * scene.annulus_Am_m2[l] * scene.annulus_t_m[l]) +
                                   2 * b.shear_N / scene.annulus_wall_m2[l]);
    rec.disc_pressure_Pa.push_back(b.pressure_Pa);
    // factor of risk for a vertebral compression fracture: the compressive force the disc puts
    // on the vertebral bodies over their compressive strength (Myers & Wilson 1997; Bouxsein 2006)
    rec.fracture_risk.push_back(b.compression_N / scene.strength_N[l]);
  }
  for (size_t i = 0; i < md.synovial_joints.size(); ++i) {
    const SynovialJointOutput& f = out.synovial_joints[i];
    rec.facet_gap_m.push_back(f.gap_m);
    rec.facet_pressure_Pa.push_back(f.pressure_Pa);
    rec.facet_contact_N.push_back(f.contact_force_N);
    rec.facet_capsule_strain.push_back(f.capsule_strain);
    rec.facet_bubble_radius_m.push_back(w.state().capsules[i].radius_m);
  }
  for (size_t k : drive_loads) {
    const DriveSample x = Drive(k);
    rec.drive_torque_W_Nm.insert(rec.drive_torque_W_Nm.end(), {x.torque_W.x(), x.torque_W.y(), x.torque_W.z()});
    rec.drive_torque_Nm.push_back(x.torque_Nm);
    rec.drive_limit_Nm.push_back(x.limit_Nm);
    rec.drive_saturated.push_back(x.saturated ? 1 : 0);
    rec.drive_rotation_rad.push_back(x.rotation_rad);
    rec.drive_target_rad.push_back(x.target_rad);
  }
  for (size_t p = 0; p < scene.artery_rest_m.size(); ++p)
    rec.artery_strain.push_back(PathLength(md.paths[p], X_WB) / scene.artery_rest_m[p] - 1.0);
  // slow state
  const State& st = w.state();
  rec.sample_kind.push_back(sample_kind);
  for (size_t l = 0; l < md.joints.size(); ++l) {
    rec.level_hypermobility.push_back(hyper[l]);
    rec.level_tone.push_back(md.joints[l].reflex >= 0 ? st.reflexes[md.joints[l].reflex].tone : 0.0);
    double c = 0;
    for (int i : level_ligaments[l]) c += st.ligaments[i].creep_fast + st.ligaments[i].creep_slow;
    rec.level_creep.push_back(level_ligaments[l].empty() ? 0.0 : c / level_ligaments[l].size());
  }
  for (size_t i = 0; i < md.synovial_joints.size(); ++i) {
    const int cl = md.synovial_joints[i].capsule_ligament;
    rec.facet_laxity.push_back(cl < 0 ? 0.0 : st.ligaments[cl].laxity + st.ligaments[cl].laxity_permanent);
    if (sample_kind == 1 && cl >= 0 && AttemptFacet(static_cast<int>(i)) && md.synovial_joints[i].has_capsule) {
      // the capsule's strain as its nociceptors and slow laws see it: in-plane plus the opening
      window_peak_strain = std::max(window_peak_strain, out.synovial_joints[i].capsule_strain + out.synovial_joints[i].capsule_opening_strain);
    }
  }
}

namespace {
// the per-sample series of a ScenarioResult ([T][...] rows), every one Record writes
using Series = std::vector<double> ScenarioResult::*;
constexpr Series kSampleSeries[] = {
    &ScenarioResult::time_s, &ScenarioResult::body_position_m, &ScenarioResult::body_orientation,
    &ScenarioResult::level_rotation_rad, &ScenarioResult::disc_compression_N, &ScenarioResult::disc_shear_N,
    &ScenarioResult::disc_shear_xy_N, &ScenarioResult::disc_torsion_Nm, &ScenarioResult::annulus_shear_Pa,
    &ScenarioResult::disc_pressure_Pa, &ScenarioResult::fracture_risk, &ScenarioResult::facet_gap_m,
    &ScenarioResult::facet_pressure_Pa, &ScenarioResult::facet_contact_N, &ScenarioResult::facet_capsule_strain,
    &ScenarioResult::facet_bubble_radius_m, &ScenarioResult::artery_strain, &ScenarioResult::level_hypermobility,
    &ScenarioResult::level_tone, &ScenarioResult::level_creep, &ScenarioResult::facet_laxity,
    &ScenarioResult::drive_torque_W_Nm, &ScenarioResult::drive_torque_Nm, &ScenarioResult::drive_limit_Nm,
    &ScenarioResult::drive_rotation_rad, &ScenarioResult::drive_target_rad,
};
}  // namespace

void ScenarioRunner::Impl::RecordRow(ScenarioResult* row) {
  for (Series s : kSampleSeries) (row->*s).clear();
  row->sample_kind.clear();
  row->drive_saturated.clear();
  RecordInto(row);
}

void AppendInterpolatedRow(const ScenarioResult& a, const ScenarioResult& b, double w, double t_s, ScenarioResult* out) {
  for (Series s : kSampleSeries) {
    const std::vector<double>&va = a.*s, &vb = b.*s;
    std::vector<double>& o = out->*s;
    if (s == &ScenarioResult::time_s) {
      o.push_back(t_s);
    } else if (w == 1.0) {
      o.insert(o.end(), vb.begin(), vb.end());
    } else if (s == &ScenarioResult::body_orientation) {
      // normalised linear interpolation of each body's quaternion (the shorter way round)
      for (size_t i = 0; i + 3 < va.size(); i += 4) {
        const Eigen::Map<const Eigen::Vector4d> qa(&va[i]), qb0(&vb[i]);
        const Eigen::Vector4d qb = qa.dot(qb0) < 0 ? Eigen::Vector4d(-qb0) : Eigen::Vector4d(qb0);
        const Eigen::Vector4d q = (qa + w * (qb - qa)).normalized();
        o.insert(o.end(), {q[0], q[1], q[2], q[3]});
      }
    } else {
      for (size_t i = 0; i < va.size(); ++i) o.push_back(va[i] + w * (vb[i] - va[i]));
    }
  }
  out->sample_kind.push_back(b.sample_kind.back());
  // a drive at its cap or not: the nearer end's
  const std::vector<int64_t>& sat = w < 0.5 ? a.drive_saturated : b.drive_saturated;
  out->drive_saturated.insert(out->drive_saturated.end(), sat.begin(), sat.end());
}

void ScenarioRunner::Impl::CollectEvents() {
  const ModelDesc& md = d();
  World& w = *world;
  // the element outputs are evaluated only when a joint cracked or an event collects its jump
  bool busy = false;
  const std::vector<SynovialJointOutput>& ev = w.last_step_synovial_joints();
  for (size_t k = 0; k < md.synovial_joints.size() && !busy; ++k) busy = ev[k].cracked || open_event[k] >= 0;
  if (!busy) return;
  const StepOutputs& out = w.outputs();
  for (size_t k = 0; k < md.synovial_joints.size(); ++k) {
    const SynovialJointOutput& f = out.synovial_joints[k];
    if (f.cracked) {
      open_event[k] = static_cast<int>(res.cavitations.size());
      res.cavitations.push_back({w.state().capsules[k].dynamic_since_s, static_cast<int>(k), 0.0, 0.0, {}});
      gap_at_crack[k] = f.gap_m;
    }
    if (open_event[k] >= 0) {
      // the event collects its sound and the joint's opening for 50 ms
      // (the sound heard: the bubble's through the tissue ring, RadiateThroughTissue)
      auto& ev = res.cavitations[open_event[k]];
      if (event_source.size() < res.cavitations.size()) event_source.resize(res.cavitations.size());
      std::vector<float>& src = event_source[open_event[k]];
      const size_t window = static_cast<size_t>(kPopWindow_s * kSoundSampleRate_Hz);
      const size_t before = src.size();
      for (float p : f.sound_Pa)
        if (src.size() < window) src.push_back(p);
      if (src.size() > before || (f.cracked && ev.sound_Pa.empty())) {
        ev.sound_Pa = RadiateThroughTissue(md.synovial_joints[k].capsule, src, kSoundSampleRate_Hz, window);
        ev.sound_peak_Pa = 0;
        for (float p : ev.sound_Pa) ev.sound_peak_Pa = std::max(ev.sound_peak_Pa, std::abs(static_cast<double>(p)));
      }
      ev.gap_jump_m = std::max(ev.gap_jump_m, f.gap_m - gap_at_crack[k]);
      if (w.state().time_s - ev.time_s > 0.05) open_event[k] = -1;
    }
  }
}

}  // namespace spinelab::sim

// The summary of a run: per level peaks from the baseline on, the nearest pop, the arteries, the drives.
#include <algorithm>
#include <cmath>

#include "spinelab/scenario/scenario.h"

namespace spinelab::sim {

ScenarioSummary Summarize(const Scenario& sc, const ScenarioResult& r) {
  ScenarioSummary out;
  // baseline: when the first load begins (hanging: when the feet start to leave the floor)
  double start = sc.posture == "hanging" ? sc.feet_off_s : sc.duration_s;
  bool any = false;
  for (const ScenarioLoad& L : sc.loads) start = std::min(start, L.profile.start_s), any = true;
  for (const ScenarioMotion& m : sc.motions) start = std::min(start, m.profile.start_s), any = true;
  for (const ScenarioObject& o : sc.objects)
    if (o.kind == ScenarioObject::Kind::kPad) start = std::min(start, o.profile.start_s), any = true;
  if (!any && sc.posture != "hanging") start = 0;
  out.baseline_time_s = start;
  const size_t T = r.time_s.size(), L = r.level_names.size(), F = r.facet_names.size();
  size_t t0 = 0;
  while (t0 + 1 < T && r.time_s[t0 + 1] <= start + 1e-9) ++t0;
  out.cavitations = static_cast<int>(r.cavitations.size());
  for (size_t l = 0; l < L; ++l) {
    LevelSummary s;
    s.level = r.level_names[l];
    s.idp_baseline_Pa = r.disc_pressure_Pa[t0 * L + l];
    for (size_t t = t0; t < T; ++t) {
      for (int a = 0; a < 3; ++a)
        s.peak_rotation_deg[a] = std::max(s.peak_rotation_deg[a],
            std::abs(r.level_rotation_rad[(t * L + l) * 3 + a] - r.level_rotation_rad[(t0 * L + l) * 3 + a]) * kRadToDeg);
      s.peak_shear_N = std::max(s.peak_shear_N, r.disc_shear_N[t * L + l]);
      s.peak_annulus_shear_Pa = std::max(s.peak_annulus_shear_Pa,
          std::abs(r.annulus_shear_Pa[t * L + l] - r.annulus_shear_Pa[t0 * L + l]));
      s.peak_shear_change_N = std::max(s.peak_shear_change_N,
          std::hypot(r.disc_shear_xy_N[(t * L + l) * 2] - r.disc_shear_xy_N[(t0 * L + l) * 2],
                     r.disc_shear_xy_N[(t * L + l) * 2 + 1] - r.disc_shear_xy_N[(t0 * L + l) * 2 + 1]));
      const double d = r.disc_pressure_Pa[t * L + l] - s.idp_baseline_Pa;
      if (std::abs(d) > std::abs(s.idp_change_Pa)) s.idp_change_Pa = d;
    }
    // the level's two facets, by name "<level> L" / "<level> R"
    for (size_t f = 0; f < F; ++f) {
      const std::string& n = r.facet_names[f];
      if (n.compare(0, s.level.size() + 1, s.level + " ") != 0) continue;
      const int side = n.back() == 'L' ? 0 : 1;
      s.baseline_capsule_strain = std::max(s.baseline_capsule_strain, r.facet_capsule_strain[t0 * F + f]);
      auto lower = [](double have, double x) { return x > 0 && (have <= 0 || x < have) ? x : have; };
      if (f < r.facet_nociceptor_strain.size()) s.nociceptor_strain = lower(s.nociceptor_strain, r.facet_nociceptor_strain[f]);
      if (f < r.facet_pain_strain.size()) s.pain_strain = lower(s.pain_strain, r.facet_pain_strain[f]);
      for (size_t t = t0; t < T; ++t) {
        s.peak_facet_contact_N = std::max(s.peak_facet_contact_N, r.facet_contact_N[t * F + f]);
        s.peak_capsule_strain = std::max(s.peak_capsule_strain, r.facet_capsule_strain[t * F + f]);
        s.facet_opening_m[side] = std::max(s.facet_opening_m[side], r.facet_gap_m[t * F + f] - r.facet_gap_m[t0 * F + f]);
      }
    }
    for (size_t t = t0; t < T; ++t) s.peak_fracture_risk = std::max(s.peak_fracture_risk, r.fracture_risk[t * L + l]);
    out.levels.push_back(s);
  }
  // the joint whose fluid came nearest its cracking suction; one that cracked got there (the
  // records, at the output rate, may miss the instant)
  double nearest = 0, nearest_other = 0;
  for (size_t f = 0; f < F && f < r.facet_nucleation_Pa.size(); ++f) {
    const double crack = r.facet_nucleation_Pa[f];
    if (!(crack < 0)) continue;
    double lowest = 0;
    for (size_t t = t0; t < T; ++t) lowest = std::min(lowest, r.facet_pressure_Pa[t * F + f]);
    for (const auto& c : r.cavitations)
      if (c.facet == static_cast<int>(f) && c.time_s >= start - 1e-9) lowest = std::min(lowest, crack);
    // a joint of no level (a rib joint): also its own nearest
    bool of_level = false;
    for (size_t l = 0; l < L && !of_level; ++l)
      of_level = r.facet_names[f].compare(0, r.level_names[l].size() + 1, r.level_names[l] + " ") == 0;
    if (!of_level) {
      ++out.other_joints;
      if (lowest / crack > nearest_other) {
        nearest_other = lowest / crack;
        out.closest_other_pop = static_cast<int>(f);
        out.closest_other_pressure_Pa = lowest;
        out.closest_other_threshold_Pa = crack;
      }
    }
    if (lowest / crack > nearest) {
      nearest = lowest / crack;
      out.closest_pop_facet = static_cast<int>(f);
      out.closest_pop_pressure_Pa = lowest;
      out.closest_pop_threshold_Pa = crack;
    }
  }
  const size_t A = r.artery_names.size();
  out.has_arteries = A == 2;
  for (size_t a = 0; a < A && a < 2; ++a)
    for (size_t t = t0; t < T; ++t)
      out.peak_artery_strain[a] = std::max(out.peak_artery_strain[a], r.artery_strain[t * A + a] - r.artery_strain[t0 * A + a]);
  // the drives: how hard their servos pushed, how long at their caps, how far they turned the body
  const size_t D = r.drive_names.size();
  for (size_t k = 0; k < D && r.drive_torque_Nm.size() >= T * D; ++k) {
    ScenarioSummary::Drive x;
    x.name = r.drive_names[k];
    for (size_t t = 0; t < T; ++t) {
      const size_t i = t * D + k;
      x.peak_torque_Nm = std::max(x.peak_torque_Nm, std::abs(r.drive_torque_Nm[i]));
      x.limit_Nm = std::max(x.limit_Nm, r.drive_limit_Nm[i]);
      x.peak_rotation_rad = std::max(x.peak_rotation_rad, r.drive_rotation_rad[i]);
      x.target_rad = std::max(x.target_rad, r.drive_target_rad[i]);
      if (t > 0 && r.drive_saturated[i]) x.saturated_s += r.time_s[t] - r.time_s[t - 1];
    }
    out.drives.push_back(x);
  }
  return out;
}

ScenarioHeadline Headline(const ScenarioSummary& s) {
  ScenarioHeadline h;
  for (const LevelSummary& l : s.levels) {
    if (l.peak_annulus_shear_Pa > h.peak_annulus_shear_Pa) h.peak_annulus_shear_Pa = l.peak_annulus_shear_Pa, h.worst_level = l.level;
    h.peak_shear_N = std::max(h.peak_shear_N, l.peak_shear_N);
    h.peak_shear_change_N = std::max(h.peak_shear_change_N, l.peak_shear_change_N);
    h.peak_capsule_strain = std::max(h.peak_capsule_strain, l.peak_capsule_strain);
    h.peak_fracture_risk = std::max(h.peak_fracture_risk, l.peak_fracture_risk);
  }
  h.peak_artery_strain = std::max(s.peak_artery_strain[0], s.peak_artery_strain[1]);
  return h;
}

}  // namespace spinelab::sim

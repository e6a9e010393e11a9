// Scenario runs into HDF5 (docs/hdf5.md).
#include "spinelab/io/results.h"
#include "spinelab/sim/state.h"

#include <algorithm>
#include <cmath>

namespace spinelab::io {

namespace {
std::string JsonEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}
}  // namespace

bool WriteFileHeader(const H5Handle& file) {
  return WriteAttr(file, "schema_version", static_cast<int64_t>(1)) && WriteAttr(file, "units", std::string("SI")) &&
         WriteAttr(file, "description",
                   std::string("spinelab results. /runs/<run>/ holds one scenario run: attributes describe it "
                               "(scenario, scenario_text, parameters, status, error, seed, spinelab_version, "
                               "wall_time_s); time [T]; bodies/, levels/, facets/ time series [T, n(, 3|4)]; "
                               "events/cavitation/ one row per crack. Every dataset has a units attribute. "
                               "See docs/hdf5.md."));
}

Expected<bool> WriteRun(const H5Handle& file, const std::string& run, const sim::Scenario& sc,
                        const sim::ScenarioResult& r) {
  const std::string base = "runs/" + run;
  if (Exists(file, base)) return std::vector<Diagnostic>{{"", base, "a run of this name is already in the file"}};
  auto g = Group(file, base);
  if (!g) return g.errors();
  const H5Handle& G = g.value();
  std::string params = "{";
  for (size_t i = 0; i < sc.overrides.size(); ++i)
    params += (i ? ", " : "") + ("\"" + JsonEscape(sc.overrides[i].first) + "\": \"" + JsonEscape(sc.overrides[i].second) + "\"");
  params += "}";
  std::string overrides;  // one key=value per line, as given to --set: a reader rebuilds the run's scenario with them
  for (const auto& [k, v] : sc.overrides) overrides += k + "=" + v + "\n";
  bool ok = WriteAttr(G, "overrides", overrides) && WriteAttr(G, "scenario", sc.name) && WriteAttr(G, "title", sc.title) &&
            WriteAttr(G, "scenario_text", sc.text) && WriteAttr(G, "parameters", params) &&
            WriteAttr(G, "status", r.status) && WriteAttr(G, "error", r.error) &&
            WriteAttr(G, "seed", static_cast<int64_t>(sc.seed)) &&
            WriteAttr(G, "spinelab_version", std::string(SPINELAB_VERSION)) &&
            WriteAttr(G, "wall_time_s", r.wall_time_s) && WriteAttr(G, "dt_s", sc.dt_s) &&
            WriteAttr(G, "steps", static_cast<int64_t>(r.steps));
  const uint64_t T = r.time_s.size(), B = r.body_names.size(), L = r.level_names.size(), F = r.facet_names.size();
  ok = ok && WriteDoubles(G, "time", r.time_s, {T}, "s", "T");
  auto sub = [&](const char* name) { return Group(G, name).value(); };
  {
    const H5Handle b = sub("bodies");
    ok = ok && WriteStrings(b, "name", r.body_names) &&
         WriteDoubles(b, "position", r.body_position_m, {T, B, 3}, "m", "T x B x 3, COM in world frame (z up, x anterior, y left)") &&
         WriteDoubles(b, "orientation", r.body_orientation, {T, B, 4}, "-", "T x B x 4, unit quaternion (w, x, y, z), body to world");
  }
  {
    const H5Handle l = sub("levels");
    ok = ok && WriteStrings(l, "name", r.level_names) &&
         WriteDoubles(l, "rotation", r.level_rotation_rad, {T, L, 3}, "rad",
                      "T x L x 3: flexion (+), lateral bending to the right (+), axial rotation to the left (+)") &&
         WriteDoubles(l, "disc_compression", r.disc_compression_N, {T, L}, "N", "T x L") &&
         WriteDoubles(l, "disc_shear", r.disc_shear_N, {T, L}, "N", "T x L, magnitude") &&
         WriteDoubles(l, "disc_torsion", r.disc_torsion_Nm, {T, L}, "N*m", "T x L, axial moment carried by the disc (+ turns the upper body left)") &&
         WriteDoubles(l, "annulus_shear_stress", r.annulus_shear_Pa, {T, L}, "Pa",
                      "T x L, peak shear stress in the annulus wall: torsion T/(2 A_m t) + transverse shear 2V/A_wall") &&
         WriteDoubles(l, "disc_shear_vector", r.disc_shear_xy_N, {T, L, 2}, "N",
                      "T x L x 2, shear force on the upper body in the disc mid-frame (x anterior, y left)") &&
         WriteDoubles(l, "disc_pressure", r.disc_pressure_Pa, {T, L}, "Pa", "T x L, intradiscal pressure");
  }
  {
    const H5Handle f = sub("facets");
    ok = ok && WriteStrings(f, "name", r.facet_names) &&
         WriteDoubles(f, "gap", r.facet_gap_m, {T, F}, "m", "T x F, articular gap (negative: cartilage compressed)") &&
         WriteDoubles(f, "fluid_pressure", r.facet_pressure_Pa, {T, F}, "Pa", "T x F, gauge") &&
         WriteDoubles(f, "contact_force", r.facet_contact_N, {T, F}, "N", "T x F") &&
         WriteDoubles(f, "capsule_strain", r.facet_capsule_strain, {T, F}, "-", "T x F, incl. in-situ pre-strain") &&
         WriteDoubles(f, "bubble_radius", r.facet_bubble_radius_m, {T, F}, "m", "T x F, equivalent sphere");
  }
  {
    const H5Handle e = Group(G, "events/cavitation").value();
    std::vector<double> t, jump, peak;
    std::vector<int64_t> idx;
    std::vector<std::string> names;
    for (const auto& c : r.cavitations) {
      t.push_back(c.time_s);
      idx.push_back(c.facet);
      names.push_back(r.facet_names[c.facet]);
      jump.push_back(c.gap_jump_m);
      peak.push_back(c.sound_peak_Pa);
    }
    const uint64_t n = t.size();
    uint64_t S = 0;
    for (const auto& c : r.cavitations) S = std::max<uint64_t>(S, c.sound_Pa.size());
    std::vector<double> sound(n * S, 0.0);
    for (size_t i = 0; i < r.cavitations.size(); ++i)
      std::copy(r.cavitations[i].sound_Pa.begin(), r.cavitations[i].sound_Pa.end(), sound.begin() + i * S);
    ok = ok && WriteDoubles(e, "sound", sound, {n, S}, "Pa", "N x S: the pop at 10 cm, first 20 ms, 44100 Hz (zero-padded)") &&
         WriteAttr(e, "sound_sample_rate_Hz", sim::kSoundSampleRate_Hz);
    ok = ok && WriteDoubles(e, "time", t, {n}, "s", "N") && WriteInts(e, "facet_index", idx, "-") &&
         WriteStrings(e, "facet_name", names) && WriteDoubles(e, "gap_jump", jump, {n}, "m", "N") &&
         WriteDoubles(e, "sound_peak", peak, {n}, "Pa", "N, at 10 cm");
  }
  {
    // repeated loading: slow state per row, one row per protocol attempt
    const H5Handle l = sub("levels");
    const H5Handle f = sub("facets");
    ok = ok && WriteInts(G, "sample_kind", r.sample_kind, "-") &&
         WriteDoubles(l, "hypermobility", r.level_hypermobility, {T, L}, "-",
                      "T x L, neutral zone over the subject's at t = 0 (largest ratio over the three axes of the range under +/- the probe moment); probed at long-series samples and after attempts, carried in between") &&
         WriteDoubles(l, "protective_tone", r.level_tone, {T, L}, "-", "T x L, muscle-tone stiffness multiplier minus 1") &&
         WriteDoubles(l, "creep", r.level_creep, {T, L}, "-", "T x L, mean creep strain of the level's ligaments and capsules") &&
         WriteDoubles(f, "laxity", r.facet_laxity, {T, F}, "-", "T x F, lasting slack of the capsule (recoverable + permanent), fraction of its slack length");
    const H5Handle e = Group(G, "events/loading").value();
    std::vector<double> t, jump, strain, lax, hyp;
    std::vector<int64_t> cav, n;
    for (const auto& a : r.attempts) {
      t.push_back(a.time_s);
      cav.push_back(a.cavitated ? 1 : 0);
      n.push_back(a.cavitations);
      jump.push_back(a.gap_jump_m);
      strain.push_back(a.peak_capsule_strain);
      lax.push_back(a.laxity_after);
      hyp.push_back(a.hypermobility_after);
    }
    const uint64_t N = t.size();
    ok = ok && WriteAttr(e, "level", sc.protocol.level) && WriteDoubles(e, "time", t, {N}, "s", "N, attempt start") &&
         WriteInts(e, "cavitated", cav, "-") && WriteInts(e, "cavitations", n, "-") &&
         WriteDoubles(e, "gap_jump", jump, {N}, "m", "N, largest jump of the attempt's cracks") &&
         WriteDoubles(e, "capsule_strain", strain, {N}, "-", "N, peak capsule strain of the target level over the window") &&
         WriteDoubles(e, "laxity_after", lax, {N}, "-", "N, target level's capsule laxity after the attempt (mean of L and R)") &&
         WriteDoubles(e, "hypermobility_after", hyp, {N}, "-", "N, target level's hypermobility index after the attempt");
  }
  {
    const H5Handle sf = sub("safety");
    const uint64_t A = r.artery_names.size();
    ok = ok && WriteDoubles(sf, "fracture_risk", r.fracture_risk, {T, L}, "-",
                            "T x L, factor of risk: disc compressive force over the weaker adjacent vertebra's compressive strength at the subject's T-score");
    if (A > 0)
      ok = ok && WriteStrings(sf, "vertebral_artery_name", r.artery_names) &&
           WriteDoubles(sf, "vertebral_artery_strain", r.artery_strain, {T, A}, "-",
                        "T x 2 (left, right), path C6 -> C1 foramina -> dura, length / rest length - 1");
  }
  {
    // the static objects of the scene (floor, chair, roller, bar), for viewers
    const H5Handle sc_g = sub("scene");
    std::vector<std::string> names, shapes;
    std::vector<double> pose, half;
    for (const auto& e : r.environment) {
      names.push_back(e.name);
      shapes.push_back(e.shape == sim::EnvShape::kPlane ? "plane" : e.shape == sim::EnvShape::kBox ? "box" : "cylinder");
      const Eigen::Quaterniond q(e.X_WE.R);
      pose.insert(pose.end(), {e.X_WE.p.x(), e.X_WE.p.y(), e.X_WE.p.z(), q.w(), q.x(), q.y(), q.z()});
      half.insert(half.end(), {e.half_extents_m.x(), e.half_extents_m.y(), e.half_extents_m.z()});
    }
    const uint64_t E = names.size();
    ok = ok && WriteStrings(sc_g, "object_name", names) && WriteStrings(sc_g, "object_shape", shapes) &&
         WriteDoubles(sc_g, "object_pose", pose, {E, 7}, "m, -", "E x 7: position x y z, quaternion w x y z (plane: normal = local z; cylinder: axis = local y)") &&
         WriteDoubles(sc_g, "object_half_extents", half, {E, 3}, "m", "E x 3 (cylinder: radius, half length, radius)");
  }
  if (!ok) return std::vector<Diagnostic>{{"", base, "HDF5 write failed (disk full or file damaged?)"}};
  Flush(file);
  return true;
}

}  // namespace spinelab::io

// The table of a run's datasets (run_layout.h, docs/hdf5.md).
#include "spinelab/io/run_layout.h"

#include <algorithm>

namespace spinelab::io {

namespace {

using R = sim::ScenarioResult;
using K = RunDataset::Kind;

// a dataset that is one result field as stored: its values in the column's member `c`
template <class T>
RunDataset Field(const char* name, K kind, const char* units, const char* axes, const char* shape, std::vector<T> R::*f,
                 std::vector<T> RunColumn::*c, bool optional) {
  return {name, kind, units, axes, shape, optional,
          [f, c](const R& r) {
            RunColumn col;
            col.*c = r.*f;
            return col;
          },
          [f, c](const RunColumn& col, R* r) { r->*f = col.*c; }};
}
RunDataset Doubles(const char* name, const char* units, const char* axes, const char* shape, std::vector<double> R::*f,
                   bool optional = false) {
  return Field(name, K::kDouble, units, axes, shape, f, &RunColumn::d, optional);
}
RunDataset Strings(const char* name, const char* axes, std::vector<std::string> R::*f, bool optional = false) {
  return Field(name, K::kString, "-", axes, "", f, &RunColumn::s, optional);
}
RunDataset Ints(const char* name, const char* axes, std::vector<int64_t> R::*f, bool optional = false) {
  return Field(name, K::kInt, "-", axes, "", f, &RunColumn::i, optional);
}

// one member of each row of a table in the result (a crack, a protocol attempt), as doubles or ints
template <class Row, class M>
RunDataset RowMember(const char* name, K kind, const char* units, const char* axes, const char* shape,
                     std::vector<Row> R::*rows, M Row::*m) {
  return {name, kind, units, axes, shape, false,
          [=](const R& r) {
            RunColumn c;
            for (const Row& x : r.*rows) {
              if (kind == K::kDouble) c.d.push_back(static_cast<double>(x.*m));
              else c.i.push_back(static_cast<int64_t>(x.*m));
            }
            return c;
          },
          [=](const RunColumn& c, R* r) {
            const size_t n = kind == K::kDouble ? c.d.size() : c.i.size();
            if ((r->*rows).size() < n) (r->*rows).resize(n);
            for (size_t k = 0; k < n; ++k)
              (r->*rows)[k].*m = kind == K::kDouble ? static_cast<M>(c.d[k]) : static_cast<M>(c.i[k]);
          }};
}

template <class Row>
void Grow(std::vector<Row>* rows, size_t n) {
  if (rows->size() < n) rows->resize(n);
}

const char* ShapeName(sim::EnvShape s) {
  return s == sim::EnvShape::kPlane ? "plane" : s == sim::EnvShape::kBox ? "box" : "cylinder";
}

std::vector<RunDataset> MakeTable() {
  using C = R::Cavitation;
  using A = R::Attempt;
  std::vector<RunDataset> t = {
      Doubles("time", "s", "T", "T", &R::time_s),
      Strings("bodies/name", "B", &R::body_names),
      Doubles("bodies/position", "m", "T,B,3", "T x B x 3, COM in world frame (z up, x anterior, y left)", &R::body_position_m),
      Doubles("bodies/orientation", "-", "T,B,4", "T x B x 4, unit quaternion (w, x, y, z), body to world", &R::body_orientation),
      Strings("levels/name", "L", &R::level_names),
      Doubles("levels/rotation", "rad", "T,L,3",
              "T x L x 3: flexion (+), lateral bending to the right (+), axial rotation to the left (+)", &R::level_rotation_rad),
      Doubles("levels/disc_compression", "N", "T,L", "T x L", &R::disc_compression_N),
      Doubles("levels/disc_shear", "N", "T,L", "T x L, magnitude", &R::disc_shear_N),
      Doubles("levels/disc_torsion", "N*m", "T,L", "T x L, axial moment carried by the disc (+ turns the upper body left)",
              &R::disc_torsion_Nm),
      Doubles("levels/annulus_shear_stress", "Pa", "T,L",
              "T x L, peak shear stress in the annulus wall: torsion T/(2 A_m t) + transverse shear 2V/A_wall", &R::annulus_shear_Pa),
      Doubles("levels/disc_shear_vector", "N", "T,L,2",
              "T x L x 2, shear force on the upper body in the disc mid-frame (x anterior, y left)", &R::disc_shear_xy_N),
      Doubles("levels/disc_pressure", "Pa", "T,L", "T x L, intradiscal pressure", &R::disc_pressure_Pa),
      Strings("facets/name", "F", &R::facet_names),
      Doubles("facets/gap", "m", "T,F", "T x F, articular gap (negative: cartilage compressed)", &R::facet_gap_m),
      Doubles("facets/fluid_pressure", "Pa", "T,F", "T x F, gauge", &R::facet_pressure_Pa),
      Doubles("facets/contact_force", "N", "T,F", "T x F", &R::facet_contact_N),
      Doubles("facets/capsule_strain", "-", "T,F", "T x F, incl. in-situ pre-strain", &R::facet_capsule_strain),
      Doubles("facets/bubble_radius", "m", "T,F", "T x F, equivalent sphere", &R::facet_bubble_radius_m),
      // one row per crack; the pops zero-padded to the longest
      {"events/cavitation/sound", K::kDouble, "Pa", "N,S", "N x S: the pop as heard at 10 cm (through the tissue ring), its first 20 ms from the nucleation, 44100 Hz", false,
       [](const R& r) {
         size_t S = 0;
         for (const C& c : r.cavitations) S = std::max(S, c.sound_Pa.size());
         RunColumn col;
         col.d.assign(r.cavitations.size() * S, 0.0);
         for (size_t i = 0; i < r.cavitations.size(); ++i)
           std::copy(r.cavitations[i].sound_Pa.begin(), r.cavitations[i].sound_Pa.end(), col.d.begin() + i * S);
         return col;
       },
       [](const RunColumn& col, R* r) {
         const uint64_t N = col.dims.empty() ? 0 : col.dims[0], S = col.dims.size() > 1 ? col.dims[1] : 0;
         Grow(&r->cavitations, N);
         for (uint64_t i = 0; i < N; ++i)
           r->cavitations[i].sound_Pa.assign(col.d.begin() + i * S, col.d.begin() + (i + 1) * S);
       }},
      RowMember("events/cavitation/time", K::kDouble, "s", "N", "N", &R::cavitations, &C::time_s),
      RowMember("events/cavitation/facet_index", K::kInt, "-", "N", "", &R::cavitations, &C::facet),
      {"events/cavitation/facet_name", K::kString, "-", "N", "", false,
       [](const R& r) {
         RunColumn col;
         for (const C& c : r.cavitations) col.s.push_back(r.facet_names[c.facet]);
         return col;
       },
       nullptr},
      RowMember("events/cavitation/gap_jump", K::kDouble, "m", "N", "N", &R::cavitations, &C::gap_jump_m),
      RowMember("events/cavitation/sound_peak", K::kDouble, "Pa", "N", "N, at 10 cm", &R::cavitations, &C::sound_peak_Pa),
      // repeated loading: slow state per row
      Ints("sample_kind", "T", &R::sample_kind),
      Doubles("levels/hypermobility", "-", "T,L",
              "T x L, neutral zone over the subject's at t = 0 (largest ratio over the three axes of the range under +/- the probe moment); probed at long-series samples and after attempts, carried in between",
              &R::level_hypermobility),
      Doubles("levels/protective_tone", "-", "T,L", "T x L, muscle-tone stiffness multiplier minus 1", &R::level_tone),
      Doubles("levels/creep", "-", "T,L", "T x L, mean creep strain of the level's ligaments and capsules", &R::level_creep),
      Doubles("facets/laxity", "-", "T,F",
              "T x F, lasting slack of the capsule (recoverable + permanent), fraction of its slack length", &R::facet_laxity),
      // one row per protocol attempt
      RowMember("events/loading/time", K::kDouble, "s", "K", "N, attempt start", &R::attempts, &A::time_s),
      RowMember("events/loading/cavitated", K::kInt, "-", "K", "", &R::attempts, &A::cavitated),
      RowMember("events/loading/cavitations", K::kInt, "-", "K", "", &R::attempts, &A::cavitations),
      RowMember("events/loading/gap_jump", K::kDouble, "m", "K", "N, largest jump of the attempt's cracks", &R::attempts,
                &A::gap_jump_m),
      RowMember("events/loading/capsule_strain", K::kDouble, "-", "K",
                "N, peak capsule strain of the target level over the window", &R::attempts, &A::peak_capsule_strain),
      RowMember("events/loading/laxity_after", K::kDouble, "-", "K",
                "N, target level's capsule laxity after the attempt (mean of L and R)", &R::attempts, &A::laxity_after),
      RowMember("events/loading/hypermobility_after", K::kDouble, "-", "K",
                "N, target level's hypermobility index after the attempt", &R::attempts, &A::hypermobility_after),
      // safety
      Doubles("safety/fracture_risk", "-", "T,L",
              "T x L, factor of risk: disc compressive force over the weaker adjacent vertebra's compressive strength at the subject's T-score",
              &R::fracture_risk),
      Strings("safety/vertebral_artery_name", "A", &R::artery_names, true),
      Doubles("safety/vertebral_artery_strain", "-", "T,A",
              "T x 2 (left, right), path C6 -> C1 foramina -> dura, length / rest length - 1", &R::artery_strain, true),
      // the drives (loads with a target rotation): what their servos applied, per sample
      Strings("drives/name", "D", &R::drive_names, true),
      Doubles("drives/torque", "N*m", "T,D,3",
              "T x D x 3, torque the drive's muscles apply on the driven body, world frame (the reference body takes the opposite)",
              &R::drive_torque_W_Nm, true),
      Doubles("drives/torque_about_axis", "N*m", "T,D", "T x D, its component about the drive's axis (+ turns towards the target)",
              &R::drive_torque_Nm, true),
      Doubles("drives/torque_limit", "N*m", "T,D",
              "T x D, the cap then: effort x effort_fraction x max_torque_Nm (0: not started, or let go)", &R::drive_limit_Nm, true),
      Ints("drives/saturated", "T,D", &R::drive_saturated, true),
      Doubles("drives/rotation", "rad", "T,D",
              "T x D, the driven body's rotation about the axis relative to the reference body since the drive started",
              &R::drive_rotation_rad, true),
      Doubles("drives/target", "rad", "T,D", "T x D, the target rotation then", &R::drive_target_rad, true),
      // the static objects of the scene (floor, chair, roller, bar), for viewers
      {"scene/object_name", K::kString, "-", "E", "", false,
       [](const R& r) {
         RunColumn col;
         for (const auto& e : r.environment) col.s.push_back(e.name);
         return col;
       },
       [](const RunColumn& col, R* r) {
         Grow(&r->environment, col.s.size());
         for (size_t i = 0; i < col.s.size(); ++i) r->environment[i].name = col.s[i];
       }},
      {"scene/object_shape", K::kString, "-", "E", "", false,
       [](const R& r) {
         RunColumn col;
         for (const auto& e : r.environment) col.s.push_back(ShapeName(e.shape));
         return col;
       },
       [](const RunColumn& col, R* r) {
         Grow(&r->environment, col.s.size());
         for (size_t i = 0; i < col.s.size(); ++i)
           r->environment[i].shape = col.s[i] == "plane" ? sim::EnvShape::kPlane
                                     : col.s[i] == "box" ? sim::EnvShape::kBox
                                                         : sim::EnvShape::kCylinder;
       }},
      {"scene/object_pose", K::kDouble, "m, -", "E,7",
       "E x 7: position x y z, quaternion w x y z (plane: normal = local z; cylinder: axis = local y)", false,
       [](const R& r) {
         RunColumn col;
         for (const auto& e : r.environment) {
           const Eigen::Quaterniond q(e.X_WE.R);
           col.d.insert(col.d.end(), {e.X_WE.p.x(), e.X_WE.p.y(), e.X_WE.p.z(), q.w(), q.x(), q.y(), q.z()});
         }
         return col;
       },
       [](const RunColumn& col, R* r) {
         const size_t n = col.d.size() / 7;
         Grow(&r->environment, n);
         for (size_t i = 0; i < n; ++i) {
           const double* v = &col.d[i * 7];
           r->environment[i].X_WE.p = Vec3(v[0], v[1], v[2]);
           r->environment[i].X_WE.R = Quat(v[3], v[4], v[5], v[6]).normalized().toRotationMatrix();
         }
       }},
      {"scene/object_half_extents", K::kDouble, "m", "E,3", "E x 3 (cylinder: radius, half length, radius)", false,
       [](const R& r) {
         RunColumn col;
         for (const auto& e : r.environment)
           col.d.insert(col.d.end(), {e.half_extents_m.x(), e.half_extents_m.y(), e.half_extents_m.z()});
         return col;
       },
       [](const RunColumn& col, R* r) {
         const size_t n = col.d.size() / 3;
         Grow(&r->environment, n);
         for (size_t i = 0; i < n; ++i)
           r->environment[i].half_extents_m = Vec3(col.d[i * 3], col.d[i * 3 + 1], col.d[i * 3 + 2]);
       }},
  };
  return t;
}

}  // namespace

const std::vector<RunDataset>& RunDatasets() {
  static const std::vector<RunDataset> table = MakeTable();
  return table;
}

std::vector<uint64_t> RunDims(const RunDataset& d, const sim::ScenarioResult& r) {
  std::vector<uint64_t> dims;
  const std::string axes = d.axes;
  for (size_t start = 0; start <= axes.size();) {
    size_t end = axes.find(',', start);
    if (end == std::string::npos) end = axes.size();
    const std::string a = axes.substr(start, end - start);
    uint64_t n = 0;
    if (a == "T") n = r.time_s.size();
    else if (a == "B") n = r.body_names.size();
    else if (a == "L") n = r.level_names.size();
    else if (a == "F") n = r.facet_names.size();
    else if (a == "A") n = r.artery_names.size();
    else if (a == "N") n = r.cavitations.size();
    else if (a == "K") n = r.attempts.size();
    else if (a == "E") n = r.environment.size();
    else if (a == "D") n = r.drive_names.size();
    else if (a == "S") for (const auto& c : r.cavitations) n = std::max<uint64_t>(n, c.sound_Pa.size());
    else n = std::stoull(a);
    dims.push_back(n);
    start = end + 1;
  }
  return dims;
}

bool RunAbsent(const RunDataset& d, const std::vector<uint64_t>& dims) {
  if (!d.optional) return false;
  const std::string axes = d.axes;
  size_t i = 0;
  for (size_t start = 0; start <= axes.size(); ++i) {
    size_t end = axes.find(',', start);
    if (end == std::string::npos) end = axes.size();
    if (axes.compare(start, end - start, "T") != 0 && i < dims.size() && dims[i] == 0) return true;
    start = end + 1;
  }
  return false;
}

RunColumn RunValue(const RunDataset& d, const sim::ScenarioResult& r) {
  RunColumn c = d.get(r);
  c.dims = RunDims(d, r);
  return c;
}

}  // namespace spinelab::io

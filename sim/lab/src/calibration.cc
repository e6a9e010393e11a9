// Calibration against literature ranges of motion and preload stiffening.
#include "spinelab/lab/calibration.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <regex>
#include <sstream>

#include <toml++/toml.h>

namespace spinelab::sim {

const RomTarget* CalibrationTargets::Find(const std::string& level) const {
  for (const RomTarget& t : levels)
    if (t.level == level) return &t;
  return nullptr;
}

std::string DefaultTargetsPath() {
  if (const char* env = std::getenv("SPINELAB_MODELS")) return std::string(env) + "/calibration_targets.toml";
  return std::string(SPINELAB_SOURCE_DIR) + "/models/calibration_targets.toml";
}

Expected<CalibrationTargets> LoadCalibrationTargets(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return std::vector<Diagnostic>{{path + ":" + std::to_string(e.source().begin.line), "",
                                    "TOML syntax error: " + std::string(e.description())}};
  } catch (const std::exception& e) {
    return std::vector<Diagnostic>{{path, "", std::string("cannot read targets file: ") + e.what()}};
  }
  std::vector<Diagnostic> errors;
  auto line = [&](const toml::node* n) { return path + ":" + std::to_string(n ? n->source().begin.line : 0); };
  auto num = [&](const char* key) -> double {
    const toml::node* n = root.at_path(key).node();
    const auto v = n && n->as_table() ? (*n->as_table())["value"].value<double>() : std::nullopt;
    if (!v) errors.push_back({line(n), key, "missing or not { value = number, source = \"...\" }"});
    return v.value_or(0);
  };
  CalibrationTargets t;
  const double m_c = num("moments.cervical_Nm"), m_tl = num("moments.thoracolumbar_Nm");
  if (const toml::table* tg = root["targets"].as_table()) {
    for (const auto& [k, node] : *tg) {
      RomTarget r;
      r.level = std::string(k.str());
      const toml::table* nt = node.as_table();
      const toml::array* a = nt ? (*nt)["value"].as_array() : nullptr;
      if (!a || a->size() != 9) {
        errors.push_back({line(&node), "targets." + r.level, "must be { value = [9 numbers], source = \"...\" }"});
        continue;
      }
      std::array<double, 9> v{};
      for (size_t i = 0; i < 9; ++i) v[i] = (*a)[i].value<double>().value_or(NAN);
      for (int i = 0; i < 3; ++i) {
        r.fe_deg[i] = v[i];
        r.lb_deg[i] = v[3 + i];
        r.ar_deg[i] = v[6 + i];
      }
      for (const auto* arr : {&r.fe_deg, &r.lb_deg, &r.ar_deg})
        if (!((*arr)[0] <= (*arr)[1] && (*arr)[1] <= (*arr)[2] && (*arr)[0] > 0))
          errors.push_back({line(&node), "targets." + r.level, "each triple must be 0 < low <= centre <= high"});
      r.source = (*nt)["source"].value<std::string>().value_or("");
      r.moment_Nm = r.level[0] == 'C' ? m_c : m_tl;
      t.levels.push_back(r);
    }
  } else {
    errors.push_back({path, "targets", "missing table"});
  }
  const char* share_keys[3] = {"lumbar_shares.flexion_extension", "lumbar_shares.lateral_bending",
                               "lumbar_shares.axial_rotation"};
  for (int a = 0; a < 3; ++a) {
    const toml::node* n = root.at_path(share_keys[a]).node();
    const toml::array* arr = n && n->as_table() ? (*n->as_table())["value"].as_array() : nullptr;
    if (!arr || arr->size() != 5) {
      errors.push_back({line(n), share_keys[a], "must be { value = [5 numbers], source = \"...\" }"});
      continue;
    }
    for (int i = 0; i < 5; ++i) t.lumbar_shares[a][i] = (*arr)[i].value<double>().value_or(NAN);
  }
  t.share_tolerance = num("lumbar_shares.tolerance");
  t.ratio_250N = num("preload.ratio_250N");
  t.ratio_500N = num("preload.ratio_500N");
  t.ratio_tolerance = num("preload.tolerance");
  {
    const char* key = "rib_cage.rom_increase_without_anterior_cage";
    const toml::node* n = root.at_path(key).node();
    const toml::array* arr = n && n->as_table() ? (*n->as_table())["value"].as_array() : nullptr;
    if (!arr || arr->size() != 3) errors.push_back({line(n), key, "must be { value = [3 numbers], source = \"...\" }"});
    else for (int i = 0; i < 3; ++i) t.rib_cage_rom_increase[i] = (*arr)[i].value<double>().value_or(NAN);
  }
  t.rib_cage_moment_Nm = num("rib_cage.moment_Nm");
  t.rib_cage_tolerance = num("rib_cage.tolerance");
  if (!errors.empty()) return errors;
  return t;
}

RibCageRom MeasureRibCageRom(const SpineParams& params, double moment_Nm) {
  RibCageRom out;
  const Subject ref{params.ref_body_mass_kg, params.ref_height_m};
  SpineBuildOptions intact = PassiveSpineOptions();
  intact.rib_cage = true;
  const ModelDesc with = BuildSpineModel(params, ref, intact).value();
  const ModelDesc without = BuildSpineModel(params, ref, PassiveSpineOptions()).value();
  FlexibilityOptions o;
  o.moment_Nm = moment_Nm;
  for (const JointDesc& L : with.joints) {
    if (L.name[0] != 'T' || L.name == "T12-L1") continue;  // T1-T2 .. T11-T12
    const FlexibilityResult a = RunFlexibilityTest(with, L.name, o).value();
    const FlexibilityResult b = RunFlexibilityTest(without, L.name, o).value();
    out.intact_rad[0] += a.fe_rom_rad, out.intact_rad[1] += a.lb_rom_rad, out.intact_rad[2] += a.ar_rom_rad;
    out.stumps_rad[0] += b.fe_rom_rad, out.stumps_rad[1] += b.lb_rom_rad, out.stumps_rad[2] += b.ar_rom_rad;
  }
  return out;
}

FlexibilityOptions RomOptionsFor(const RomTarget& target) {
  FlexibilityOptions o;
  o.moment_Nm = target.moment_Nm;
  return o;
}

namespace {

// one-sided rotation [deg] of a level in one direction with the given parameters
double OneSided(const SpineParams& p, const std::string& level, LoadDirection dir, double moment) {
  auto spine = BuildSpineModel(p, Subject{p.ref_body_mass_kg, p.ref_height_m}, PassiveSpineOptions());
  FlexibilityOptions o;
  o.moment_Nm = moment;
  auto r = RunFlexibilityTest(spine.value(), level, o, {dir});
  if (!r || r.value().status != "ok") return NAN;
  return r.value().dir[static_cast<int>(dir)].rotation_rad * kRadToDeg;
}

// secant iteration on log(k2) so that the one-sided rotation hits target_deg
double FitK2(SpineParams p, std::vector<double> SpineParams::*field, int lv,
             const std::string& level, LoadDirection dir, double moment, double target_deg) {
  auto eval = [&](double log_k2) {
    (p.*field)[lv] = std::exp(log_k2);
    return OneSided(p, level, dir, moment) - target_deg;
  };
  double x0 = std::log(std::max((p.*field)[lv], 1.0)), f0 = eval(x0);
  double x1 = x0 + (f0 > 0 ? 0.5 : -0.5), f1 = eval(x1);
  for (int it = 0; it < 30 && std::isfinite(f1); ++it) {
    if (std::abs(f1) < 0.002 * target_deg) break;
    double x2 = (f1 != f0) ? x1 - f1 * (x1 - x0) / (f1 - f0) : x1 + 0.5;
    x2 = std::clamp(x2, x1 - 2.0, x1 + 2.0);
    x2 = std::clamp(x2, std::log(1e-3), std::log(1e7));
    x0 = x1; f0 = f1;
    x1 = x2; f1 = eval(x1);
    if (x1 <= std::log(1e-3) + 1e-9 && f1 < 0) break;  // even k2 -> 0 is too stiff
  }
  return std::exp(x1);
}

}  // namespace

SpineParams CalibrateRom(const SpineParams& params, const CalibrationTargets& targets,
                         const std::function<void(const std::string&)>& log) {
  SpineParams p = params;
  constexpr double kFloor = 1e-3;  // [N·m/rad²] "no disc stiffening"
  for (int lv = 0; lv < kSpineLevels; ++lv) {
    const std::string& level = p.level_names[lv];
    const RomTarget* t = targets.Find(level);
    if (!t) {
      log(level + ": no target, left as is");
      continue;
    }
    const double share = p.flexion_share[lv], M = t->moment_Nm;
    struct Group {
      std::vector<double> SpineParams::*field;
      LoadDirection dir;
      double target_deg;
    };
    const Group groups[4] = {{&SpineParams::k2_flex, LoadDirection::kFlexion, t->fe_deg[1] * share},
                             {&SpineParams::k2_ext, LoadDirection::kExtension, t->fe_deg[1] * (1 - share)},
                             {&SpineParams::k2_lb, LoadDirection::kLateralLeft, 0.5 * t->lb_deg[1]},
                             {&SpineParams::k2_ar, LoadDirection::kAxialLeft, 0.5 * t->ar_deg[1]}};
    // 1. can the disc alone reach every target? the worst direction without disc stiffening
    //    sets the level's ligament scale (ligaments never stiffer than the literature values)
    p.ligament_level_scale[lv] = 1.0;
    for (int pass = 0; pass < 3; ++pass) {
      for (const Group& g : groups) (p.*(g.field))[lv] = kFloor;
      double worst = 1e9;
      const Group* worst_group = nullptr;
      for (const Group& g : groups) {
        const double ratio = OneSided(p, level, g.dir, M) / g.target_deg;
        if (ratio < worst) {
          worst = ratio;
          worst_group = &g;
        }
      }
      if (worst >= 1.02 || !worst_group) break;
      // secant on log(scale) so that direction reaches 1.05 x target with no disc stiffening
      auto eval = [&](double log_s) {
        p.ligament_level_scale[lv] = std::exp(log_s);
        return OneSided(p, level, worst_group->dir, M) - 1.05 * worst_group->target_deg;
      };
      double x0 = std::log(p.ligament_level_scale[lv]), f0 = eval(x0), x1 = x0 - 0.7, f1 = eval(x1);
      for (int it = 0; it < 30 && std::abs(f1) > 0.002 * worst_group->target_deg; ++it) {
        double x2 = (f1 != f0) ? x1 - f1 * (x1 - x0) / (f1 - f0) : x1 - 0.5;
        x2 = std::clamp(std::clamp(x2, x1 - 1.5, x1 + 1.5), std::log(0.01), 0.0);
        x0 = x1; f0 = f1;
        x1 = x2; f1 = eval(x1);
      }
      p.ligament_level_scale[lv] = std::exp(x1);
    }
    // 2. disc stiffening per direction; repeated because the directions couple (lateral bending
    //    with axial rotation through the facets)
    for (const Group& g : groups) (p.*(g.field))[lv] = 100.0;
    for (int sweep = 0; sweep < 3; ++sweep)
      for (const Group& g : groups)
        (p.*(g.field))[lv] = FitK2(p, g.field, lv, level, g.dir, M, g.target_deg);
    std::ostringstream os;
    os << std::setprecision(4) << level << ": ligament scale " << p.ligament_level_scale[lv] << ", k2 flex "
       << p.k2_flex[lv] << ", ext " << p.k2_ext[lv] << ", lb " << p.k2_lb[lv] << ", ar " << p.k2_ar[lv]
       << " N·m/rad²";
    log(os.str());
  }
  return p;
}

double PreloadStiffnessRatio(const ModelDesc& spine, const std::string& level, double preload_N) {
  auto secant = [&](double preload) -> double {
    FlexibilityOptions o;
    o.moment_Nm = 1.0;
    o.preload_N = preload;
    auto r = RunFlexibilityTest(spine, level, o,
                                {LoadDirection::kFlexion, LoadDirection::kExtension,
                                 LoadDirection::kLateralLeft, LoadDirection::kAxialLeft});
    if (!r || r.value().status != "ok") return NAN;
    double k = 0;
    for (LoadDirection d : {LoadDirection::kFlexion, LoadDirection::kExtension,
                            LoadDirection::kLateralLeft, LoadDirection::kAxialLeft})
      k += 1.0 / r.value().dir[static_cast<int>(d)].rotation_rad / 4.0;
    return k;
  };
  return secant(preload_N) / secant(0.0);
}

SpineParams CalibratePreload(const SpineParams& params, const CalibrationTargets& targets,
                             const std::function<void(const std::string&)>& log) {
  SpineParams p = params;
  const char* levels[2] = {"L2-L3", "L4-L5"};
  for (int it = 0; it < 6; ++it) {
    auto spine = BuildSpineModel(p, Subject{p.ref_body_mass_kg, p.ref_height_m}, PassiveSpineOptions()).value();
    double r250 = 0, r500 = 0;
    for (const char* l : levels) {
      r250 += PreloadStiffnessRatio(spine, l, 250) / 2;
      r500 += PreloadStiffnessRatio(spine, l, 500) / 2;
    }
    std::ostringstream os;
    os << std::setprecision(4) << "preload fit " << it << ": gain " << p.preload_gain << ", exponent "
       << p.preload_exponent << " -> ratio " << r250 << " at 250 N (target " << targets.ratio_250N
       << "), " << r500 << " at 500 N (target " << targets.ratio_500N << ")";
    log(os.str());
    if (std::abs(r250 - targets.ratio_250N) < 0.005 && std::abs(r500 - targets.ratio_500N) < 0.005) break;
    // disc multiplier needed, assuming the segment ratio is linear in the disc multiplier
    const double s250 = 1 + p.preload_gain * std::pow(0.25, p.preload_exponent);
    const double s500 = 1 + p.preload_gain * std::pow(0.5, p.preload_exponent);
    const double n250 = (targets.ratio_250N - 1) * (s250 - 1) / (r250 - 1);
    const double n500 = (targets.ratio_500N - 1) * (s500 - 1) / (r500 - 1);
    p.preload_exponent = std::log(n500 / n250) / std::log(2.0);
    p.preload_gain = n250 / std::pow(0.25, p.preload_exponent);
  }
  return p;
}

namespace {
std::string FormatArray(const std::vector<double>& v) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) os << ", ";
    if (i > 0 && i % 8 == 0) os << "\n ";
    os << std::setprecision(5) << v[i];
  }
  os << "]";
  return os.str();
}
}  // namespace

bool WriteCalibratedParams(const std::string& path, const SpineParams& p, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot read";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string rom_src =
      "calibrated: fitted by `spinelab rom --calibrate` so the one-sided rotation at the level's test moment "
      "hits the centre of models/calibration_targets.toml (flexion/extension split by levels.flexion_share)";
  const std::string pre_src =
      "calibrated: `spinelab rom --calibrate` fit of the L2-L3/L4-L5 segment stiffness ratio to x1.71 at 250 N and "
      "x2.11 at 500 N (Gardner-Morse & Stokes 2004 J Biomech 37:205); s = 1 + gain*(F/1000 N)^exponent";
  auto replace = [&](const std::string& key, const std::string& value, const std::string& source) {
    // either `key = { value = ..., source = "..." }` on one line, or the dotted pair
    // `key.value = ...` (arrays may span lines) followed by `key.source = "..."`
    const std::regex inline_re("(^|\\n)" + key + " = \\{[^\\n]*\\}");
    const std::regex dotted_re("(^|\\n)" + key + "\\.value = [^\\]=]*?(\\]|\\n)\\s*" + key + "\\.source = \"[^\"]*\"");
    std::smatch m;
    std::string repl;
    if (std::regex_search(text, m, dotted_re)) {
      repl = m[1].str() + key + ".value = " + value + "\n" + key + ".source = \"" + source + "\"";
    } else if (std::regex_search(text, m, inline_re)) {
      repl = m[1].str() + key + " = { value = " + value + ", source = \"" + source + "\" }";
    } else {
      *error = path + ": key '" + key + "' not found";
      return false;
    }
    text = text.substr(0, m.position(0)) + repl + text.substr(m.position(0) + m.length(0));
    return true;
  };
  std::ostringstream g, e;
  g << std::setprecision(5) << p.preload_gain;
  e << std::setprecision(5) << p.preload_exponent;
  if (!replace("k2_flexion_Nm_per_rad2", FormatArray(p.k2_flex), rom_src) ||
      !replace("k2_extension_Nm_per_rad2", FormatArray(p.k2_ext), rom_src) ||
      !replace("k2_lateral_bending_Nm_per_rad2", FormatArray(p.k2_lb), rom_src) ||
      !replace("k2_axial_rotation_Nm_per_rad2", FormatArray(p.k2_ar), rom_src) ||
      !replace("level_scale", FormatArray(p.ligament_level_scale),
               "calibrated: `spinelab rom --calibrate` lowers a level's ligament stiffness only where the literature "
               "values alone already exceed a range-of-motion target (never raises it)") ||
      !replace("preload_gain", g.str(), pre_src) || !replace("preload_exponent", e.str(), pre_src))
    return false;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) {
      *error = tmp + ": cannot write";
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = path + ": cannot replace";
    return false;
  }
  return true;
}

RomReport MeasureRomReport(const ModelDesc& spine, const SpineParams& params, const CalibrationTargets& targets,
                           double dt_s) {
  RomReport rep;
  auto inside = [](double v, const std::array<double, 3>& t) { return v >= t[0] && v <= t[2]; };
  std::array<std::array<double, 5>, 3> lumbar{};
  for (const JointDesc& L : spine.joints) {
    const RomTarget* t = targets.Find(L.name);
    if (!t) continue;
    FlexibilityOptions o = RomOptionsFor(*t);
    o.dt_s = dt_s;
    RomLevelCheck c;
    c.target = *t;
    c.result = RunFlexibilityTest(spine, L.name, o).value();
    c.rom_deg = {c.result.fe_rom_rad * kRadToDeg, c.result.lb_rom_rad * kRadToDeg, c.result.ar_rom_rad * kRadToDeg};
    c.inside = {inside(c.rom_deg[0], t->fe_deg), inside(c.rom_deg[1], t->lb_deg), inside(c.rom_deg[2], t->ar_deg)};
    c.ok = c.result.status == "ok" && c.inside[0] && c.inside[1] && c.inside[2];
    if (L.name[0] == 'L') {
      const int i = L.name[1] - '1';
      if (i >= 0 && i < 5)
        for (int ax = 0; ax < 3; ++ax) lumbar[ax][i] = c.rom_deg[ax];
    }
    rep.levels.push_back(std::move(c));
  }
  // lumbar distribution (Christophy et al. 2012)
  for (int ax = 0; ax < 3; ++ax) {
    double sum = 0;
    for (double v : lumbar[ax]) sum += v;
    bool ok = true;
    for (int i = 0; i < 5; ++i) {
      rep.lumbar_share[ax][i] = lumbar[ax][i] / sum;
      ok = ok && std::abs(rep.lumbar_share[ax][i] - targets.lumbar_shares[ax][i]) <= targets.share_tolerance;
    }
    rep.share_ok[ax] = ok;
  }
  // preload stiffening (Gardner-Morse & Stokes 2004)
  for (int k = 0; k < 2; ++k) {
    const double f = rep.preload_N[k];
    rep.preload_ratio[k] = 0.5 * (PreloadStiffnessRatio(spine, "L2-L3", f) + PreloadStiffnessRatio(spine, "L4-L5", f));
    rep.preload_target[k] = k == 0 ? targets.ratio_250N : targets.ratio_500N;
    rep.preload_ok[k] = std::abs(rep.preload_ratio[k] / rep.preload_target[k] - 1) <= targets.ratio_tolerance;
  }
  // the rib cage (whole-body models only) against Liebsch et al. 2017
  rep.rib_cage = MeasureRibCageRom(params, targets.rib_cage_moment_Nm);
  for (int ax = 0; ax < 3; ++ax)
    rep.rib_cage_ok[ax] = std::abs(rep.rib_cage.increase(ax) - targets.rib_cage_rom_increase[ax]) <= targets.rib_cage_tolerance;
  return rep;
}

}  // namespace spinelab::sim

// `spinelab validate`: every calibration and held-out comparison the project has, in one table
// (quantity, model, literature value and band, source, pass / miss / info), written with its
// plots to --out (report.md, validation.csv, data/*.csv, *.png; docs/validation.md).
//
// It gathers what the other commands compute and calls their code: rom --report
// (MeasureRomReport), pa-stiffness (MeasurePaStiffness, PaStiffnessTargets), creep
// (RunCreepCalibration, CreepChecks), the distraction (RunDistraction), the technique scenarios
// (RunScenario, Summarize). A comparison that misses is a finding and stays in the report; the
// exit code is non-zero only when something failed to run (3) or the input was bad (2).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <dirent.h>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "where_it_pops.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/io/atomic_file.h"
#include "spinelab/lab/calibration.h"
#include "spinelab/lab/creep.h"
#include "spinelab/lab/distraction.h"
#include "spinelab/lab/pa_stiffness.h"
#include "spinelab/lab/sound.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/math.h"
#include "spinelab/sim/state.h"
#include "spinelab/sim/tissue_ring.h"

namespace spinelab::cli {

using namespace spinelab::sim;

namespace {

struct ValidateArgs {
  std::string out = "results/validation";
  std::string python = "/usr/bin/python3";
  bool quick = false;
  bool no_plots = false;
};

// one row of the table
struct Row {
  std::string group, quantity, unit;
  double model = 0;
  std::string model_text;       // when the model's answer is not a number ("no crack")
  std::string literature;       // value and band as the source gives them
  double low = NAN, high = NAN; // the band that passes (NaN: not compared)
  std::string source;
  std::string role;             // calibrated, held out, assumed, input, check
  std::string verdict;          // pass, miss, info
};

struct Table {
  std::vector<Row> rows;
  void Compare(Row r) {
    r.verdict = (r.model >= r.low && r.model <= r.high) ? "pass" : "miss";
    rows.push_back(std::move(r));
  }
  void Info(Row r) {
    r.verdict = "info";
    rows.push_back(std::move(r));
  }
  int Count(const char* v) const {
    return static_cast<int>(std::count_if(rows.begin(), rows.end(), [&](const Row& r) { return r.verdict == v; }));
  }
};

std::string Num(double v) {
  if (!std::isfinite(v)) return "";
  return fmt::format("{:.4g}", v);
}

std::string Band(double lo, double hi) { return std::isfinite(lo) ? Num(lo) + " – " + Num(hi) : ""; }

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string MdCell(std::string s) {
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

// every output file goes through io::AtomicFile
struct Writer {
  std::string dir;
  std::vector<std::string> written, errors;
  bool Put(const std::string& name, const std::string& text) {
    io::AtomicFile f(dir + "/" + name, "--out");
    auto ok = f.Replace(std::vector<char>(text.begin(), text.end()));
    if (!ok) {
      errors.push_back(ok.ErrorText());
      return false;
    }
    written.push_back(name);
    return true;
  }
};

bool MakeFolders(const std::string& path, std::string* error) {
  std::string at;
  std::stringstream ss(path);
  std::string part;
  if (!path.empty() && path[0] == '/') at = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty()) continue;
    at += part + "/";
    if (mkdir(at.c_str(), 0777) != 0 && errno != EEXIST) {
      *error = at + ": cannot make the folder: " + std::strerror(errno);
      return false;
    }
  }
  if (!io::IsFolder(path)) {
    *error = path + ": --out: not a folder";
    return false;
  }
  return true;
}

// [SECTION] the parts

void RomRows(const RomReport& rep, const CalibrationTargets& targets, Table* t, std::string* csv) {
  const char* axis[3] = {"flexion-extension", "lateral bending", "axial rotation"};
  *csv = "level,axis,model_deg,low_deg,centre_deg,high_deg,moment_Nm\n";
  for (const RomLevelCheck& c : rep.levels) {
    const std::array<double, 3>* band[3] = {&c.target.fe_deg, &c.target.lb_deg, &c.target.ar_deg};
    for (int ax = 0; ax < 3; ++ax) {
      const auto& b = *band[ax];
      const bool assumed = c.target.source.rfind("assumed", 0) == 0;
      Row r{"range of motion", fmt::format("{} {} at ±{:g} N·m", c.target.level, axis[ax], c.target.moment_Nm), "deg",
            c.rom_deg[ax], "", fmt::format("{:.1f} ({:.1f} – {:.1f})", b[1], b[0], b[2]), b[0], b[2], c.target.source,
            assumed ? "calibrated (band assumed)" : "calibrated", ""};
      if (c.result.status != "ok") r.model_text = "failed: " + c.result.status;
      t->Compare(r);
      *csv += fmt::format("{},{},{},{},{},{},{}\n", c.target.level, ax, c.rom_deg[ax], b[0], b[1], b[2], c.target.moment_Nm);
    }
  }
  const char* lv[5] = {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"};
  for (int ax = 0; ax < 3; ++ax) {
    double worst = 0;
    std::string shares;
    for (int i = 0; i < 5; ++i) {
      worst = std::max(worst, std::abs(rep.lumbar_share[ax][i] - targets.lumbar_shares[ax][i]));
      shares += fmt::format("{}{} {:.3f}", i ? ", " : "", lv[i], targets.lumbar_shares[ax][i]);
    }
    t->Compare({"range of motion", std::string("lumbar level shares of L1-S1 ") + axis[ax] + ": largest deviation", "-",
                worst, "", shares, 0, targets.share_tolerance, "Christophy et al. 2012 (OpenSim lumbar model)", "calibrated", ""});
  }
  for (int k = 0; k < 2; ++k)
    t->Compare({"stiffness", fmt::format("L2-L3/L4-L5 stiffening under {:.0f} N preload", rep.preload_N[k]), "x",
                rep.preload_ratio[k], "", fmt::format("×{:.2f} ± {:.0f} %", rep.preload_target[k], 100 * targets.ratio_tolerance),
                rep.preload_target[k] * (1 - targets.ratio_tolerance), rep.preload_target[k] * (1 + targets.ratio_tolerance),
                "Gardner-Morse & Stokes 2004, J Biomech", "calibrated", ""});
  for (int ax = 0; ax < 3; ++ax) {
    const double target = targets.rib_cage_rom_increase[ax];
    t->Compare({"rib cage", fmt::format("T1-T12 {} gained without the anterior rib cage, ±{:g} N·m", axis[ax], targets.rib_cage_moment_Nm),
                "%", 100 * rep.rib_cage.increase(ax), "", fmt::format("+{:.1f} ± {:.0f}", 100 * target, 100 * targets.rib_cage_tolerance),
                100 * (target - targets.rib_cage_tolerance), 100 * (target + targets.rib_cage_tolerance),
                "Liebsch et al. 2017, PLoS ONE 12:e0178733", "calibrated", ""});
  }
  // facet forces in the same flexibility tests (held out; docs/calibration.md)
  for (const RomLevelCheck& c : rep.levels) {
    const auto& d = c.result.dir;
    auto side_max = [&](LoadDirection dir) {
      const auto& f = d[static_cast<int>(dir)].peak_facet_force_N;
      return std::max(f[0], f[1]);
    };
    if (c.target.level == "L2-L3")
      t->Compare({"facet force", fmt::format("L2-L3 facet contact force in extension, ±{:g} N·m (larger side)", c.target.moment_Nm), "N",
                  side_max(LoadDirection::kExtension), "", "52 ± 39 (T12-L2)", 52 - 39, 52 + 39,
                  "Jaumard et al. 2011 review (J Biomech Eng 133:071010)", "held out", ""});
    if (c.target.level == "L2-L3" || c.target.level == "T12-L1")
      t->Compare({"facet force", fmt::format("{} contralateral facet force in axial rotation, ±{:g} N·m", c.target.level, c.target.moment_Nm), "N",
                  std::max(side_max(LoadDirection::kAxialLeft), side_max(LoadDirection::kAxialRight)), "", "70 ± 43 (T12-L2)",
                  70 - 43, 70 + 43, "Jaumard et al. 2011 review (J Biomech Eng 133:071010)", "held out", ""});
  }
}

void CapsuleRows(const SpineParams& params, Table* t) {
  const CapsuleParams& c = params.capsule[2];  // lumbar
  // the capsule's positive compliance fitted to the injection study: 0.3 ml → pressure
  t->Compare({"capsule", "lumbar facet pressure after injecting 0.3 ml", "kPa", 0.3e-6 / c.compliance_positive_m3_per_Pa * 1e-3, "",
              "15 – 40", 15, 40, "in situ lumbar facet capsule injection study (calibration.md 3)", "calibrated", ""});
  t->Info({"capsule", "resting joint-cavity pressure", "cmH2O", c.rest_pressure_Pa / 98.0665, "", "−2.4 ± 0.4", NAN, NAN,
           "Scott, Levick & Miserocchi 2003 (rabbit knee)", "input", ""});
  t->Info({"capsule", "capsule strain at nociceptor activation", "-", c.nociceptor_strain, "", "0.10 – 0.12", NAN, NAN,
           "Lu et al. 2005 (goat)", "input", ""});
  t->Info({"capsule", "capsule strain at pain behaviour", "-", c.pain_strain, "", "≈ 0.34", NAN, NAN,
           "Winkelstein group 2004/2014 (rat)", "input", ""});
  t->Info({"capsule", "capsule yield strain", "-", c.yield_strain, "", "0.80 ± 0.24", NAN, NAN, "Quinn & Winkelstein 2007 (rat)",
           "input", ""});
  t->Info({"capsule", "lumbar synovial fluid volume", "ml", c.fluid_volume_m3 * 1e6, "", "1 – 1.5", NAN, NAN,
           "joint capacity, calibration.md 2 (secondary)", "input", ""});
}

// the pop's sound; the same analysis for the distraction and the scenarios' pops
constexpr double kDunningMean_ms = 5.66, kDunningSd_ms = 1.76;  // SD from the 95 % CI of 132 pops
const char* kDunning = "Dunning et al. 2013, BMC Musculoskelet Disord 14:24 (C1-C2 thrusts, 132 pops; duration read off "
                       "spectrograms with audio feedback; SD 1.76 ms from the 95 % CI 5.36-5.96)";
const char* kReggars = "Reggars 1996, Australas Chiropr Osteopathy 5(2):39 (122 pops of C3-C4 thrusts; peak frequency, 95 % CI 285-380 Hz)";

bool DistractionRows(const ModelDesc& spine, Table* t, Writer* w, std::string* error) {
  DistractionOptions o;  // the standard test: L4-L5 left, 10 mm/s, 10 N closing load (docs/capsule.md)
  o.again_after_s = {300, 1500};
  auto r = RunDistraction(spine, "L4-L5", 'L', o);
  if (!r || r.value().status != "ok") {
    *error = "distraction: " + (r ? r.value().status : r.ErrorText());
    return false;
  }
  const DistractionResult& d = r.value();
  const PullResult& p = d.pulls[0];
  const std::string g = "cavitation (distraction L4-L5)";
  t->Info({g, "force to crack the joint (10 mm/s pull, 10 N closing load)", "N", p.peak_force_N, "", "≈ 80 (MCP joints)", NAN, NAN,
           "Unsworth, Dowson & Wright 1971, Ann Rheum Dis 30:348 [M]", "assumed (nucleation pressure)", ""});
  t->Info({g, "sudden opening of the joint at the crack", "mm", p.gap_jump_m * 1e3, "", "post-manipulation gapping ~1", NAN, NAN,
           "calibration.md 3, docs/capsule.md", "held out", ""});
  t->Compare({g, "gas after the crack, joint relaxed (share of the joint volume)", "%", 100 * p.gas_volume_fraction, "", "≈ 15",
              10, 20, "Brodeur 1995, JMPT 18:155", "held out", ""});
  t->Compare({g, "second pull 5 min after the crack cracks (1 = yes)", "-", d.pulls[1].cavitated ? 1.0 : 0.0,
              d.pulls[1].cavitated ? "crack" : "no crack", "no crack (refractory ≈ 20 min)", 0, 0,
              "Unsworth, Dowson & Wright 1971", "calibrated", ""});
  t->Compare({g, "pull 25 min after the crack cracks (1 = yes)", "-", d.pulls[2].cavitated ? 1.0 : 0.0,
              d.pulls[2].cavitated ? "crack" : "no crack", "crack (refractory ≈ 20 min)", 1, 1, "Unsworth, Dowson & Wright 1971",
              "calibrated", ""});
  t->Compare({g, "fluid volume balance, largest residual", "m³", d.max_volume_error_m3, "", "0 (to rounding)", 0, 1e-15,
              "conservation (docs/capsule.md)", "check", ""});
  const std::string s = "the pop (distraction L4-L5, at 10 cm)";
  t->Compare({s, "duration of the pop (first to last sample above 10 % of its peak)", "ms", p.sound.duration_s * 1e3, "",
              fmt::format("{:.2f} ± {:.2f} (mean ± SD)", kDunningMean_ms, kDunningSd_ms), kDunningMean_ms - kDunningSd_ms,
              kDunningMean_ms + kDunningSd_ms, kDunning, "held out", ""});
  t->Compare({s, "peak frequency of the pop", "Hz", p.sound.dominant_freq_Hz, "", "333 (95 % CI 285 – 380; range 86 – 1830)", 285,
              380, kReggars, "calibrated (tissue ring frequency)", ""});
  t->Info({s, "peak sound pressure at 10 cm", "dB SPL", p.sound.peak_dB_SPL, "", "knuckle cracks ≈ 83 [M]", NAN, NAN,
           "docs/capsule.md (no spinal measurement at a stated distance found)", "held out", ""});
  t->Info({s, "peak sound pressure at 10 cm", "Pa", p.sound.peak_Pa, "", "", NAN, NAN, "", "model", ""});
  // the plots' data: the crack curve, the pop
  std::string crack = "t_s,force_N,gap_mm\n";
  for (size_t i = 0; i < p.t_s.size(); ++i) crack += fmt::format("{},{},{}\n", p.t_s[i], p.force_N[i], p.gap_m[i] * 1e3);
  std::string pop = "t_ms,p_Pa\n";
  for (size_t i = 0; i < p.sound_Pa.size(); ++i) pop += fmt::format("{},{}\n", i / kSoundSampleRate_Hz * 1e3, p.sound_Pa[i]);
  // the whole 20 ms window for the spectrum
  const std::string info = fmt::format("time_of_crack_s,{}\npeak_force_N,{}\nduration_ms,{}\ndominant_Hz,{}\n", p.time_of_crack_s,
                                       p.peak_force_N, p.sound.duration_s * 1e3, p.sound.dominant_freq_Hz);
  return w->Put("data/crack.csv", crack) && w->Put("data/pop.csv", pop) && w->Put("data/pop_summary.csv", info);
}

bool PaRows(const SpineParams& params, const CommonOptions& c, Table* t, Writer* w, std::string* error) {
  std::string csv = "body,model_N_per_mm,measured_N_per_mm,role\n";
  for (const PaStiffnessTarget& row : PaStiffnessTargets()) {
    auto r = MeasurePaStiffness(params, Subject{c.body_mass_kg, c.height_m}, row.body);
    if (!r) {
      *error = std::string("pa-stiffness ") + row.body + ": " + r.ErrorText();
      return false;
    }
    const double k = r.value().stiffness_N_per_m * 1e-3;
    t->Compare({"PA stiffness (prone)", fmt::format("{} posterior-anterior stiffness, 50-200 N", row.body), "N/mm", k, "",
                fmt::format("{:.1f} (± {:.0f} %)", row.stiffness_N_per_mm, 100 * kPaStiffnessTolerance),
                row.stiffness_N_per_mm * (1 - kPaStiffnessTolerance), row.stiffness_N_per_mm * (1 + kPaStiffnessTolerance),
                kPaStiffnessSource, row.role, ""});
    csv += fmt::format("{},{},{},{}\n", row.body, k, row.stiffness_N_per_mm, row.role);
  }
  return w->Put("data/pa_stiffness.csv", csv);
}

bool CreepRows(const SpineParams& params, Table* t, Writer* w, std::string* error) {
  auto rep = RunCreepCalibration(params);
  if (!rep) {
    *error = "creep: " + rep.ErrorText();
    return false;
  }
  for (const CreepCheck& k : CreepChecks(rep.value())) {
    Row r{"creep and recovery (L4-L5)", k.quantity, k.unit, k.model, "", k.literature, k.low, k.high, k.source,
          "calibrated", ""};
    if (k.target) t->Compare(r); else t->Info(r);
  }
  std::string csv = "t_min,flexion_deg\n";
  for (size_t i = 0; i < rep.value().t_s.size(); ++i)
    csv += fmt::format("{},{}\n", rep.value().t_s[i] / 60, rep.value().flexion_rad[i] * kRadToDeg);
  csv += fmt::format("# recovery_2min,{}\n# recovery_30min,{}\n# tau_min,{}\n", rep.value().recovery_2min,
                     rep.value().recovery_30min, rep.value().tau_fit_s / 60);
  return w->Put("data/creep.csv", csv);
}

// what a technique is expected to do, where the literature says (thrusts usually pop)
struct PopExpectation {
  const char* scenario;
  double low, high;
  const char* literature;
  const char* source;
};
const PopExpectation kPopExpectations[] = {
    {"cervical_rotation_thrust", 1, 99, "≥ 1 (all 50 C3-C4 thrusts popped; 3.57 per C1-C2 thrust)",
     "Reggars 1996; Dunning et al. 2013"},
    {"lumbar_side_posture_thrust", 2, 9, "5.27 per L5-S1 side-lying thrust (range 2 – 9)",
     "Mourad et al. 2019, JMPT 42:12"},
    {"thoracic_thrust", 1, 99, "≥ 1 (cervicothoracic thrusts: 58 of 58 popped)", "Dunning et al., Int J Sports Phys Ther (cervicothoracic T1-T2 thrusts)"},
};

// L4-L5/L5-S1 joint space in side posture minus supine (lying on the left: the right joints are
// up), 2 s after the thrust (7.5 s) against lying_knee_twist's relaxed start (0.95 s), as
// LumbarSidePosture.TheThrustCavitatesMoreJointsThanThePositioning reads it (docs/calibration.md)
void SidePostureGapping(const std::map<std::string, ScenarioResult>& runs, Table* t) {
  auto gap = [](const ScenarioResult& r, const std::string& facet, double time) -> double {
    const auto& names = r.facet_names;
    const size_t f = std::find(names.begin(), names.end(), facet) - names.begin();
    const size_t k = std::lower_bound(r.time_s.begin(), r.time_s.end(), time - 1e-9) - r.time_s.begin();
    if (f >= names.size() || k >= r.time_s.size()) return NAN;
    return r.facet_gap_m[k * names.size() + f];
  };
  const ScenarioResult& supine = runs.at("lying_knee_twist");
  auto gapping = [&](const ScenarioResult& r, const char* side) {  // mean over L4-L5, L5-S1 [mm]
    double sum = 0;
    for (const char* l : {"L4-L5 ", "L5-S1 "}) sum += gap(r, l + std::string(side), 7.5) - gap(supine, l + std::string(side), 0.95);
    return 0.5e3 * sum;
  };
  const char* cramer = "Cramer et al. 2012, JMPT 35:614 (MRI, 40 healthy subjects)";
  t->Compare({"joint gapping (side posture)", "upside L4-L5/L5-S1 gapping after the thrust, minus supine", "mm",
              gapping(runs.at("lumbar_side_posture_thrust"), "R"), "", "+0.75 (men 1.01, women 0.49); ± 50 %", 0.375, 1.125,
              cramer, "held out", ""});
  t->Compare({"joint gapping (side posture)", "upside L4-L5/L5-S1 gapping with positioning alone, minus supine", "mm",
              gapping(runs.at("lumbar_side_posture_positioning"), "R"), "", "+0.52; ± 50 %", 0.26, 0.78, cramer, "held out", ""});
  t->Compare({"joint gapping (side posture)", "downside L4-L5/L5-S1 gapping after the thrust, minus supine", "mm",
              gapping(runs.at("lumbar_side_posture_thrust"), "L"), "", "−0.17 (SD 0.5 – 0.9)", -0.67, 0.33, cramer, "held out", ""});
}

bool ScenarioRows(const SpineParams& params, bool quick, Table* t, Writer* w, std::string* error) {
  const std::string dir = std::string(SPINELAB_SOURCE_DIR) + "/scenarios";
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".toml") files.push_back(n.substr(0, n.size() - 5));
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  if (quick) files = {"gym_rack_twist_jerk"};
  std::string pops = "scenario,facet,time_s,peak_Pa,duration_ms\n";
  std::string techniques = "scenario,pops,facets\n";
  std::vector<double> durations;
  std::map<std::string, ScenarioResult> kept;  // the side-posture gapping compares three runs
  for (const std::string& name : files) {
    auto sc = LoadScenario(dir + "/" + name + ".toml");
    if (!sc) {
      *error = sc.ErrorText();
      return false;
    }
    if (sc.value().protocol.enabled) continue;  // days of loading: docs/repeated_loading.md, not a pop table row
    std::printf("  running %s ...\n", name.c_str());
    std::fflush(stdout);
    auto r = RunScenario(sc.value(), params);
    if (!r || r.value().status != "ok") {
      *error = name + ": " + (r ? r.value().error : r.ErrorText());
      return false;
    }
    const ScenarioResult& res = r.value();
    const ScenarioSummary sum = Summarize(sc.value(), res);
    if (name == "lying_knee_twist" || name == "lumbar_side_posture_thrust" || name == "lumbar_side_posture_positioning")
      kept[name] = res;
    for (size_t i = 0; i < res.cavitations.size(); ++i) {
      const auto& c = res.cavitations[i];
      const SoundSummary s = AnalyzeSound(c.sound_Pa, kSoundSampleRate_Hz);
      if (s.peak_Pa > 0) durations.push_back(s.duration_s * 1e3);
      pops += fmt::format("{},{},{},{},{}\n", name, res.facet_names[c.facet], c.time_s, c.sound_peak_Pa, s.duration_s * 1e3);
    }
    // the joints with their times and what is reported: the "where it pops" row (where_it_pops.h)
    const PopRow pop_row = WhereItPops(sc.value(), res);
    const std::string where = res.cavitations.empty() ? "" : pop_row.joints;
    techniques += fmt::format("{},{},{}\n", name, res.cavitations.size(), CsvCell(where));
    Row row{"where each technique pops", name + ": pops" + (where.empty() ? "" : " (" + where + ")"), "pops",
            static_cast<double>(res.cavitations.size()), "", "", NAN, NAN, "", "held out", ""};
    bool compared = false;
    for (const PopExpectation& e : kPopExpectations)
      if (name == e.scenario) {
        row.literature = e.literature;
        row.low = e.low;
        row.high = e.high;
        row.source = e.source;
        t->Compare(row);
        compared = true;
      }
    if (!compared) {
      row.literature = pop_row.reported.empty() ? "people often hear pops (the seed articles); no count measured" : pop_row.reported;
      row.source = "scenarios/" + name + ".toml (scenario.pops_reported)";
      row.role = "info";
      t->Info(row);
    }
    // held-out pressures and strains from the same runs (docs/calibration.md)
    const LevelSummary* l45 = nullptr;
    for (const LevelSummary& l : sum.levels)
      if (l.level == "L4-L5") l45 = &l;
    auto idp = [&](const char* posture, double mpa) {
      if (l45)
        t->Compare({"intradiscal pressure", fmt::format("L4-L5 intradiscal pressure, {} (start of {})", posture, name), "MPa",
                    l45->idp_baseline_Pa * 1e-6, "", fmt::format("{:.2f} (± 30 %)", mpa), 0.7 * mpa, 1.3 * mpa,
                    "Wilke et al. 1999, Spine 24:755 (in vivo, one subject)", "held out", ""});
    };
    if (name == "lying_knee_twist") idp("lying supine", 0.10);
    if (name == "thoracic_thrust") idp("lying prone", 0.11);
    if (name == "lumbar_side_posture_positioning") idp("lying on the side", 0.12);
    if (name == "standing_back_bend") idp("standing", 0.50);
    if (name == "cervical_rotation_thrust" && sum.has_arteries)
      t->Compare({"vertebral artery", "vertebral artery strain in a rotation thrust, change from the baseline (larger side)", "%",
                  100 * std::max(sum.peak_artery_strain[0], sum.peak_artery_strain[1]), "", "6.2 ± 1.3 (failure 39 – 62)", 4.9,
                  7.5, "Symons et al. 2002 (cadaveric, neck manipulation)", "held out", ""});
  }
  if (kept.size() == 3) SidePostureGapping(kept, t);
  if (!durations.empty()) {
    std::sort(durations.begin(), durations.end());
    const double median = durations[durations.size() / 2];
    t->Compare({"the pop (scenarios)", fmt::format("median duration of the {} scenario pops", durations.size()), "ms", median, "",
                fmt::format("{:.2f} ± {:.2f} (mean ± SD)", kDunningMean_ms, kDunningSd_ms), kDunningMean_ms - kDunningSd_ms,
                kDunningMean_ms + kDunningSd_ms, kDunning, "held out", ""});
  }
  return w->Put("data/pops.csv", pops) && w->Put("data/techniques.csv", techniques);
}

// [SECTION] the report

std::string TableCsv(const Table& t) {
  std::string s = "group,quantity,unit,model,literature,low,high,source,role,verdict\n";
  for (const Row& r : t.rows)
    s += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", CsvCell(r.group), CsvCell(r.quantity), CsvCell(r.unit),
                     r.model_text.empty() ? Num(r.model) : CsvCell(r.model_text), CsvCell(r.literature), Num(r.low), Num(r.high),
                     CsvCell(r.source), CsvCell(r.role), r.verdict);
  return s;
}

const char* kPlots[][2] = {
    {"rom.png", "Range of motion per level against the literature bands"},
    {"crack.png", "The crack curve of a distraction (L4-L5, 10 mm/s)"},
    {"pop.png", "The pop: waveform and spectrum"},
    {"creep.png", "Creep under 20 min of sustained flexion, and recovery"},
    {"pa_stiffness.png", "Posterior-anterior stiffness of the prone spine"},
    {"pops.png", "Where each technique pops"},
};

std::string ReportMd(const Table& t, const ValidateArgs& a, double seconds, const std::vector<std::string>& plots,
                     const std::string& plot_note, const std::string& model_file) {
  std::string s = "# spinelab validate: the model against the literature\n\n";
  s += fmt::format("Model: `{}`. {} rows: **{} pass, {} miss, {} info** (a miss is a finding, not an error). {} run, {:.0f} s on this "
                   "machine. Regenerate with `build/bin/spinelab validate{}`; the same table is in `validation.csv`, the plots' "
                   "data in `data/`.\n\n",
                   model_file, t.rows.size(), t.Count("pass"), t.Count("miss"), t.Count("info"), a.quick ? "Quick" : "Full",
                   seconds, a.quick ? " --quick" : "");
  s += "*Teaching and research indicators, not medical advice.* Roles: **calibrated** = the model was fitted to this "
       "value (agreement is expected); **held out** = not fitted (a real test); **input** = a model parameter taken from "
       "the source; **assumed** = a parameter without a direct measurement; **check** = numerics. Pops' duration is the time "
       "from the first to the last sample above 10 % of the peak (−20 dB) of the sound at 10 cm; Dunning et al. 2013 read "
       "it off spectrograms with audio feedback (the audible burst), so the two are comparable to about a millisecond.\n\n";
  for (const auto& p : kPlots)
    if (std::find(plots.begin(), plots.end(), p[0]) != plots.end()) s += fmt::format("![{}]({})\n\n", p[1], p[0]);
  if (!plot_note.empty()) s += "Plots: " + plot_note + "\n\n";
  std::string group;
  for (const Row& r : t.rows) {
    if (r.group != group) {
      group = r.group;
      s += "\n## " + group + "\n\n| quantity | model | literature | band | source | role | result |\n|---|---|---|---|---|---|---|\n";
    }
    const std::string model = (r.model_text.empty() ? Num(r.model) : r.model_text) + (r.unit.empty() || r.unit == "-" ? "" : " " + r.unit);
    s += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", MdCell(r.quantity), MdCell(model), MdCell(r.literature),
                     Band(r.low, r.high), MdCell(r.source), r.role, r.verdict == "miss" ? "**miss**" : r.verdict);
  }
  return s;
}

void PrintTable(const Table& t) {
  std::printf("\n%-34s %-62s %12s  %-26s %-7s %s\n", "group", "quantity", "model", "literature", "result", "source");
  for (const Row& r : t.rows) {
    const std::string model = r.model_text.empty() ? Num(r.model) + " " + r.unit : r.model_text;
    std::printf("%-34.34s %-62.62s %12s  %-26.26s %-7s %s\n", r.group.c_str(), r.quantity.c_str(), model.c_str(),
                r.literature.c_str(), r.verdict == "miss" ? "MISS" : r.verdict.c_str(), r.source.substr(0, 60).c_str());
  }
}

// the plots: matplotlib through `python` on the data files, into a fresh temporary folder; each
// PNG then goes to --out through io::AtomicFile
std::vector<std::string> MakePlots(const ValidateArgs& a, Writer* w, std::string* note) {
  std::vector<std::string> made;
  char tmpl[] = "/tmp/spinelab-validate-XXXXXX";
  if (!mkdtemp(tmpl)) {
    *note = std::string("no temporary folder: ") + std::strerror(errno);
    return made;
  }
  const std::string tmp = tmpl;
  const std::string script = std::string(SPINELAB_SOURCE_DIR) + "/scripts/validate_plots.py";
  const std::string cmd = "'" + a.python + "' '" + script + "' '" + w->dir + "/data' '" + tmp + "' 2>&1";
  std::string log;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) log.append(buf, n);
    const int st = pclose(p);
    if (st != 0) *note = "the plot script failed (" + cmd + "): " + log;
  } else {
    *note = "cannot run " + a.python;
  }
  for (const auto& pl : kPlots) {
    const std::string from = tmp + "/" + pl[0];
    std::ifstream in(from, std::ios::binary);
    if (in) {
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (w->Put(pl[0], bytes)) made.push_back(pl[0]);
    }
    std::remove(from.c_str());
  }
  rmdir(tmp.c_str());
  if (note->empty() && made.size() < std::size(kPlots)) *note = "some plots were not made: " + log;
  return made;
}

int RunValidate(const CommonOptions& c, const ValidateArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  auto params = io::LoadModelSpec(c.model_path);  // a model file, or FILE.h5:RUN
  if (!params) {
    std::fprintf(stderr, "spinelab validate: invalid model file:\n%s\n", params.ErrorText().c_str());
    return 2;
  }
  auto targets = LoadCalibrationTargets(DefaultTargetsPath());
  if (!targets) {
    std::fprintf(stderr, "spinelab validate: invalid targets file:\n%s\n", targets.ErrorText().c_str());
    return 2;
  }
  if (!a.no_plots && access(a.python.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "spinelab validate: --python %s: not an executable (pass --no-plots to skip the plots)\n", a.python.c_str());
    return 2;
  }
  std::string err;
  if (!MakeFolders(a.out, &err) || !MakeFolders(a.out + "/data", &err)) {
    std::fprintf(stderr, "spinelab validate: %s\n", err.c_str());
    return 2;
  }
  {
    io::AtomicFile probe(a.out + "/report.md", "--out");  // an unwritable --out is said before anything runs
    if (auto ok = probe.Open(); !ok) {
      std::fprintf(stderr, "spinelab validate: %s\n", ok.ErrorText().c_str());
      return 2;
    }
  }
  Writer w{a.out, {}, {}};
  Table t;
  std::vector<std::string> failed;
  auto part = [&](const char* what, const std::function<bool(std::string*)>& run) {
    std::printf("validate: %s ...\n", what);
    std::fflush(stdout);
    std::string e;
    if (!run(&e)) failed.push_back(std::string(what) + ": " + (e.empty() ? "failed" : e));
  };
  part("range of motion, preload, rib cage (rom --report)", [&](std::string* e) {
    auto spine = BuildSpineModel(params.value(), Subject{c.body_mass_kg, c.height_m}, PassiveSpineOptions());
    if (!spine) {
      *e = spine.ErrorText();
      return false;
    }
    const RomReport rep = MeasureRomReport(spine.value(), params.value(), targets.value());
    std::string csv;
    RomRows(rep, targets.value(), &t, &csv);
    return w.Put("data/rom.csv", csv);
  });
  part("capsule constants", [&](std::string*) {
    CapsuleRows(params.value(), &t);
    return true;
  });
  part("distraction: crack, pop, refractory period (distract)", [&](std::string* e) {
    auto spine = BuildSpineModel(params.value(), Subject{c.body_mass_kg, c.height_m});
    if (!spine) {
      *e = spine.ErrorText();
      return false;
    }
    return DistractionRows(spine.value(), &t, &w, e);
  });
  part("PA stiffness (pa-stiffness)", [&](std::string* e) { return PaRows(params.value(), c, &t, &w, e); });
  part("creep and recovery (creep)", [&](std::string* e) { return CreepRows(params.value(), &t, &w, e); });
  part(a.quick ? "technique scenarios (--quick: gym_rack_twist_jerk only)" : "technique scenarios (run)",
       [&](std::string* e) { return ScenarioRows(params.value(), a.quick, &t, &w, e); });
  w.Put("validation.csv", TableCsv(t));
  std::string note;
  std::vector<std::string> plots;
  if (a.no_plots) note = "not made (--no-plots)";
  else plots = MakePlots(a, &w, &note);
  if (!a.no_plots && plots.size() < std::size(kPlots)) failed.push_back("plots: " + note);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  w.Put("report.md", ReportMd(t, a, seconds, plots, note, params.value().file));
  PrintTable(t);
  std::printf("\n%zu rows: %d pass, %d miss, %d info; %.0f s\n", t.rows.size(), t.Count("pass"), t.Count("miss"),
              t.Count("info"), seconds);
  for (const std::string& e : w.errors) failed.push_back(e);
  if (!failed.empty()) {
    for (const std::string& f : failed) std::fprintf(stderr, "spinelab validate: did not run: %s\n", f.c_str());
    return 3;
  }
  std::printf("report: %s/report.md (table: validation.csv; %zu plots)\n", a.out.c_str(), plots.size());
  return 0;
}

}  // namespace

void AddValidateCommand(CLI::App& app, CommonOptions& common, int* exit_code) {
  auto a = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "every check against the literature in one table, with a report and plots");
  cmd->add_option("--out", a->out, "folder for report.md, validation.csv, data/ and the plots")->capture_default_str();
  cmd->add_flag("--quick", a->quick, "one technique scenario instead of all (for tests)");
  cmd->add_option("--python", a->python, "Python with matplotlib for the plots")->capture_default_str();
  cmd->add_flag("--no-plots", a->no_plots, "skip the plots");
  cmd->callback([&common, a, exit_code] { *exit_code = RunValidate(common, *a); });
}

}  // namespace spinelab::cli

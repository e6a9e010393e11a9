// `spinelab run`, `spinelab list`, `spinelab compare`: technique scenarios.
#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "spinelab/io/atomic_file.h"
#include "spinelab/io/results.h"
#include "spinelab/io/wav.h"
#include "spinelab/scenario/protocol.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/state.h"

namespace spinelab::cli {

using namespace spinelab::sim;

namespace {

struct RunArgs {
  std::vector<std::string> files;
  std::string output;
  std::vector<std::string> set;
  bool overwrite = false;
  std::string wav;  // run --wav: every pop of the run on its time line
};

void PrintSummary(const Scenario& sc, const ScenarioResult& r, const ScenarioSummary& s) {
  std::printf("%s — %s\n", sc.name.c_str(), sc.title.c_str());
  if (!sc.notice.empty()) std::printf("watch: %s\n", sc.notice.c_str());
  if (!sc.protocol.enabled) {  // (a protocol times its loads from each attempt)
    // a load timed after the end never acts: usually a shortened run.duration_s
    auto late = [&](const char* what, const std::string& name, const LoadProfile& p) {
      if (p.start_s >= sc.duration_s)
        std::printf("note: %s '%s' starts at %g s, when the run (%g s) is over: it never acts\n", what, name.c_str(),
                    p.start_s, sc.duration_s);
    };
    for (const ScenarioLoad& L : sc.loads) late("load", L.name, L.profile);
    for (const ScenarioMotion& m : sc.motions) late("motion", m.name, m.profile);
    for (const ScenarioObject& o : sc.objects)
      if (o.kind == ScenarioObject::Kind::kPad && o.force_N > 0) late("pad", o.name, o.profile);
  }
  // the drives: what their muscles gave (drives/ datasets) and how far it turned the body
  for (const ScenarioSummary::Drive& d : s.drives)
    std::printf("drive '%s': up to %.1f N·m of its %.1f N·m cap (%.2f s at the cap); turned %.1f° of its %.1f° target\n",
                d.name.c_str(), d.peak_torque_Nm, d.limit_Nm, d.saturated_s, d.peak_rotation_rad * kRadToDeg,
                d.target_rad * kRadToDeg);
  std::printf("%-8s %7s %7s %7s | %8s %8s %8s %8s %9s | %7s %7s | %6s\n", "level", "flex", "latb", "axrot", "annulus", "dshear N",
              "facet N", "capsule", "dIDP kPa", "open L", "open R", "fract");
  for (const LevelSummary& l : s.levels)
    std::printf("%-8s %7.2f %7.2f %7.2f | %8.1f %8.1f %8.1f %8.3f %9.1f | %7.2f %7.2f | %6.2f\n", l.level.c_str(),
                l.peak_rotation_deg[0], l.peak_rotation_deg[1], l.peak_rotation_deg[2], l.peak_annulus_shear_Pa * 1e-3, l.peak_shear_change_N,
                l.peak_facet_contact_N, l.peak_capsule_strain, l.idp_change_Pa * 1e-3, l.facet_opening_m[0] * 1e3,
                l.facet_opening_m[1] * 1e3, l.peak_fracture_risk);
  std::printf("(degrees; annulus = change of the annulus shear stress in kPa (torsion + transverse shear); dshear = disc shear force the technique adds (vector change); capsule strain incl. pre-strain; dIDP from the baseline at %.2f s; facet opening in mm;\n"
              " fract = vertebral load over strength at bone-density T-score %.1f)\n",
              s.baseline_time_s, sc.bone_density_t_score);
  if (s.has_arteries)
    std::printf("vertebral artery strain (change from baseline): left %.1f %%, right %.1f %%\n",
                100 * s.peak_artery_strain[0], 100 * s.peak_artery_strain[1]);
  std::printf("cavitations: %zu", r.cavitations.size());
  for (size_t i = 0; i < r.cavitations.size() && i < 12; ++i)
    std::printf("  [%s at %.3f s]", r.facet_names[r.cavitations[i].facet].c_str(), r.cavitations[i].time_s);
  std::printf("%s\n", r.cavitations.size() > 12 ? " ..." : "");
  if (r.cavitations.empty() && s.closest_pop_facet >= 0)  // why nothing popped: how near the nearest joint came
    std::printf("closest to a pop: %s, fluid at %.0f kPa, %.0f %% of the %.0f kPa a pop needs\n",
                r.facet_names[s.closest_pop_facet].c_str(), s.closest_pop_pressure_Pa * 1e-3,
                100 * s.closest_pop_fraction(), s.closest_pop_threshold_Pa * 1e-3);
  if (s.other_joints > 0 && s.closest_other_pop >= 0)  // the rib joints (rib_cage.model = bodies)
    std::printf("closest rib joint to a pop (of %d): %s, fluid at %.0f kPa, %.0f %% of the %.0f kPa a pop needs\n", s.other_joints,
                r.facet_names[s.closest_other_pop].c_str(), s.closest_other_pressure_Pa * 1e-3,
                100 * s.closest_other_pressure_Pa / s.closest_other_threshold_Pa, s.closest_other_threshold_Pa * 1e-3);
  if (sc.protocol.enabled) std::printf("%s", ProtocolReport(sc, r).c_str());
  const RiskThresholds th;
  for (const LevelSummary& l : s.levels) {
    if (l.nociceptor_strain > 0 && l.peak_capsule_strain >= l.nociceptor_strain) {
      // a strain the posture itself holds is said so: the technique adds only the difference
      const std::string posture = l.baseline_capsule_strain >= l.nociceptor_strain
          ? fmt::format("; {:.2f} in the posture before the technique", l.baseline_capsule_strain) : "";
      std::printf("risk: %s capsule strain %.2f above the nociceptor threshold (%.2f)%s%s\n", l.level.c_str(),
                  l.peak_capsule_strain, l.nociceptor_strain,
                  l.pain_strain > 0 && l.peak_capsule_strain >= l.pain_strain
                      ? fmt::format(", above the pain-behaviour strain ({:.2f})", l.pain_strain).c_str() : "",
                  posture.c_str());
    }
    if (l.peak_fracture_risk >= 0.5 * th.fracture_risk)
      std::printf("risk: %s vertebral load %.0f %% of its compressive strength%s\n", l.level.c_str(),
                  100 * l.peak_fracture_risk, l.peak_fracture_risk >= th.fracture_risk ? " (fracture expected)" : "");
  }
  for (int a = 0; a < 2 && s.has_arteries; ++a)
    if (s.peak_artery_strain[a] >= th.artery_strain)
      std::printf("risk: %s vertebral artery strain %.1f %%, above the %.1f %% measured in neck manipulation (failure %.0f-62 %%)\n",
                  a == 0 ? "left" : "right", 100 * s.peak_artery_strain[a], 100 * th.artery_strain, 100 * th.artery_failure_strain);
  std::printf("(teaching and research indicators, not medical advice)\n");
  std::printf("status: %s%s; %lld steps in %.2f s wall (%.0fx real time)\n\n", r.status.c_str(),
              r.error.empty() ? "" : (": " + r.error).c_str(), static_cast<long long>(r.steps), r.wall_time_s,
              r.steps * sc.dt_s / std::max(r.wall_time_s, 1e-9));
}

constexpr double kMaxWav_s = 600;  // [s] longest time line `run --wav` writes (53 MB)

// every pop of the run (events/cavitation/sound: as heard at 10 cm) at its time, padded to the
// run's end; full scale 1 Pa unless a louder mix needs more (said in the file's comment)
bool WritePopTimeline(const std::string& path, const Scenario& sc, const ScenarioResult& r) {
  std::vector<io::WavClip> clips;
  for (const auto& c : r.cavitations) clips.push_back({c.time_s, &c.sound_Pa});
  const int fs = static_cast<int>(kSoundSampleRate_Hz);
  const std::vector<float> track = io::MixOnTimeline(clips, sc.duration_s, fs);
  double peak = 0;
  for (float p : track) peak = std::max(peak, std::abs(static_cast<double>(p)));
  io::WavOptions o;
  o.lead_s = 0;  // the file's time is the run's time
  o.full_scale_Pa = std::max(io::kWavFullScale_Pa, peak);
  if (auto w = io::WriteWav(path, track, fs, o); !w) {
    std::fprintf(stderr, "spinelab run: %s\n", w.ErrorText().c_str());
    return false;
  }
  std::printf("wrote %s: %zu pop%s on the run's %.2f s time line (16-bit PCM, 44.1 kHz, full scale %.3g Pa)\n",
              path.c_str(), r.cavitations.size(), r.cavitations.size() == 1 ? "" : "s",
              std::max(0.1, static_cast<double>(track.size()) / fs), o.full_scale_Pa);
  return true;
}

// the results file -o (io::ResultsFile: built in memory, put on disk whole at the end through
// -o's temporary file renamed over it), opened once every input is valid: a failed or killed
// command, or a full disk, leaves -o as it was. false: said why on stderr
bool OpenOutput(const std::string& output, bool overwrite, std::optional<io::ResultsFile>* out) {
  auto f = io::ResultsFile::Create(output, overwrite);
  if (!f) {
    std::fprintf(stderr, "spinelab: %s\n", f.ErrorText().c_str());
    return false;
  }
  out->emplace(std::move(f).value());
  return true;
}

bool Commit(io::ResultsFile* file) {
  auto done = file->Commit();
  if (!done) std::fprintf(stderr, "spinelab: %s\n", done.ErrorText().c_str());
  return done.ok();
}

// every scenario checked against the model, and the run names distinct (one group each), before
// any output is opened: an error here leaves every file as it was
std::string CheckRuns(const std::vector<Scenario>& scenarios, const SpineParams& params) {
  std::string errors;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    if (std::vector<Diagnostic> bad = Validate(scenarios[i], params); !bad.empty()) errors += InputError::Join(bad) + "\n";
    for (size_t j = 0; j < i; ++j)
      if (scenarios[j].name == scenarios[i].name)
        errors += scenarios[i].file + ": the run name '" + scenarios[i].name + "' (the file name) is taken by " +
                  scenarios[j].file + "; allowed: scenario files with different names in one results file\n";
  }
  return errors;
}

int RunFiles(const CommonOptions& c, const RunArgs& a, bool compare) {
  // validate everything before simulating anything
  auto params = io::LoadModelSpec(c.model_path);  // a model file, or FILE.h5:RUN
  if (!params) {
    std::fprintf(stderr, "spinelab: invalid model file:\n%s\n", params.ErrorText().c_str());
    return 2;
  }
  std::vector<Scenario> scenarios;
  std::string errors;
  for (const std::string& f : a.files) {
    auto s = LoadScenario(f, a.set);
    if (!s) errors += s.ErrorText() + "\n"; else scenarios.push_back(std::move(s).value());
  }
  if (errors.empty()) errors = CheckRuns(scenarios, params.value());
  if (!errors.empty()) {
    std::fprintf(stderr, "spinelab: invalid scenario:\n%s", errors.c_str());
    return 2;
  }
  if (!a.wav.empty()) {
    // one time line: one scenario, short enough to listen to
    std::string why;
    if (scenarios.size() != 1)
      why = fmt::format("takes one scenario (the pops of one run on its time line), got {}", scenarios.size());
    else if (scenarios[0].protocol.enabled)
      why = scenarios[0].file + " is a protocol over days; its time line is far too long to listen to";
    else if (scenarios[0].duration_s > kMaxWav_s)
      why = fmt::format("{}: run.duration_s = {} s; allowed: at most {} s on one WAV time line", scenarios[0].file,
                        scenarios[0].duration_s, kMaxWav_s);
    if (!why.empty()) {
      std::fprintf(stderr, "spinelab run: --wav %s: %s\n", a.wav.c_str(), why.c_str());
      return 2;
    }
    io::AtomicFile probe(a.wav, "--wav");  // an unwritable --wav is said before anything runs
    if (auto ok = probe.Open(); !ok) {
      std::fprintf(stderr, "spinelab run: %s\n", ok.ErrorText().c_str());
      return 2;
    }
  }
  std::optional<io::ResultsFile> file;
  if (!a.output.empty() && !OpenOutput(a.output, a.overwrite, &file)) return 2;
  std::vector<ScenarioSummary> sums;
  int failed = 0;
  for (const Scenario& sc : scenarios) {
    auto r = RunScenario(sc, params.value());
    if (!r) {
      std::fprintf(stderr, "spinelab: %s\n", r.ErrorText().c_str());
      return 2;
    }
    const ScenarioSummary s = Summarize(sc, r.value());
    if (!compare) PrintSummary(sc, r.value(), s);
    if (r.value().status != "ok") {
      ++failed;  // also on stderr: the summary may be going to a file
      std::fprintf(stderr, "spinelab: %s: run failed: %s (what was recorded up to then is kept, marked failed)\n",
                   sc.file.c_str(), r.value().error.c_str());
    }
    if (file) {
      auto w = file->Add(sc.name, sc, r.value());
      if (!w) {
        std::fprintf(stderr, "spinelab: %s\n", w.ErrorText().c_str());
        return 2;
      }
    }
    if (!a.wav.empty() && !WritePopTimeline(a.wav, sc, r.value())) return 2;
    sums.push_back(s);
  }
  if (compare && sums.size() == 2) {
    std::printf("%-8s | %-24s | %-20s | %-20s | %-20s | %-20s\n", "level", "annulus kPa (A / B, A:B)", "dshear N (A / B, A:B)", "axial rot deg",
                "dIDP kPa (A / B)", "facet open L/R mm");
    // a ratio only where the denominator means something
    auto ratio = [](double a, double b, double floor) {
      return b > floor ? fmt::format("{:6.1f}x", a / b) : std::string("      -");
    };
    for (size_t i = 0; i < sums[0].levels.size(); ++i) {
      const LevelSummary &x = sums[0].levels[i], &y = sums[1].levels[i];
      std::printf("%-8s | %7.1f %7.1f %s | %6.1f %6.1f %s | %6.2f %6.2f %s | %7.1f %7.1f     | %4.2f/%4.2f %4.2f/%4.2f\n",
                  x.level.c_str(), x.peak_annulus_shear_Pa * 1e-3, y.peak_annulus_shear_Pa * 1e-3,
                  ratio(x.peak_annulus_shear_Pa, y.peak_annulus_shear_Pa, 1e3).c_str(), x.peak_shear_change_N, y.peak_shear_change_N, ratio(x.peak_shear_change_N, y.peak_shear_change_N, 1.0).c_str(),
                  x.peak_rotation_deg[2], y.peak_rotation_deg[2],
                  ratio(x.peak_rotation_deg[2], y.peak_rotation_deg[2], 0.05).c_str(), x.idp_change_Pa * 1e-3,
                  y.idp_change_Pa * 1e-3, x.facet_opening_m[0] * 1e3, x.facet_opening_m[1] * 1e3,
                  y.facet_opening_m[0] * 1e3, y.facet_opening_m[1] * 1e3);
    }
    std::printf("A = %s, B = %s; cavitations A %d, B %d\n", scenarios[0].name.c_str(), scenarios[1].name.c_str(),
                sums[0].cavitations, sums[1].cavitations);
  }
  if (!compare && sums.size() > 1) {
    // one line per scenario: the headline numbers side by side
    std::printf("%-34s %5s %12s %10s %8s %8s %9s  %s\n", "scenario", "pops", "annulus kPa", "dshear N", "capsule",
                "fract", "artery %", "worst level");
    for (size_t i = 0; i < sums.size(); ++i) {
      const ScenarioHeadline h = Headline(sums[i]);
      std::printf("%-34s %5d %12.0f %10.0f %8.2f %8.2f %9.1f  %s\n", scenarios[i].name.c_str(), sums[i].cavitations,
                  h.peak_annulus_shear_Pa * 1e-3, h.peak_shear_change_N, h.peak_capsule_strain, h.peak_fracture_risk,
                  100 * h.peak_artery_strain, h.worst_level.c_str());
    }
    std::printf("(peaks over the run, changes from each scenario's baseline; capsule strain incl. pre-strain;\n"
                " fract = vertebral load over strength; teaching and research indicators, not medical advice)\n");
  }
  if (file) {
    if (!Commit(&*file)) return 2;
    std::printf("wrote %s\n", a.output.c_str());
  }
  return failed ? 3 : 0;
}

struct RerunArgs {
  std::string input, run, output;
  bool overwrite = false;
};

// `spinelab rerun`: the stored runs again, each with its stored scenario text, overrides and model
// text (not today's files on disk), into a new results file under the same run names
int Rerun(const RerunArgs& a) {
  auto runs = io::ListRuns(a.input);
  if (!runs) {
    std::fprintf(stderr, "spinelab rerun: %s\n", runs.ErrorText().c_str());
    return 2;
  }
  const std::vector<std::string> names = a.run.empty() ? runs.value() : std::vector<std::string>{a.run};
  if (names.empty()) {
    std::fprintf(stderr, "spinelab rerun: %s: no runs in this file\n", a.input.c_str());
    return 2;
  }
  // validate everything before simulating or writing anything
  struct Job {
    std::string run;
    Scenario scenario;
    SpineParams params;
  };
  std::vector<Job> jobs;
  std::string errors;
  for (const std::string& name : names) {
    auto stored = io::ReadRun(a.input, name);
    if (!stored) {
      errors += stored.ErrorText() + "\n";
      continue;
    }
    auto sc = io::StoredScenario(stored.value());
    auto params = io::StoredModel(stored.value());
    if (!sc) errors += sc.ErrorText() + "\n";
    if (!params) errors += params.ErrorText() + "\n";
    if (sc && params) jobs.push_back({name, std::move(sc).value(), std::move(params).value()});
  }
  for (const Job& j : jobs)  // (the stored scenario on its stored model)
    if (std::vector<Diagnostic> bad = Validate(j.scenario, j.params); !bad.empty()) errors += InputError::Join(bad) + "\n";
  if (!errors.empty()) {
    std::fprintf(stderr, "spinelab rerun: cannot rerun:\n%s", errors.c_str());
    return 2;
  }
  std::optional<io::ResultsFile> file;
  if (!OpenOutput(a.output, a.overwrite, &file)) return 2;
  int failed = 0;
  for (const Job& j : jobs) {
    auto r = RunScenario(j.scenario, j.params);
    if (!r) {
      std::fprintf(stderr, "spinelab rerun: %s:%s: %s\n", a.input.c_str(), j.run.c_str(), r.ErrorText().c_str());
      return 2;
    }
    PrintSummary(j.scenario, r.value(), Summarize(j.scenario, r.value()));
    if (r.value().status != "ok") {
      ++failed;
      std::fprintf(stderr, "spinelab rerun: %s:%s: run failed: %s\n", a.input.c_str(), j.run.c_str(), r.value().error.c_str());
    }
    auto w = file->Add(j.run, j.scenario, r.value());
    if (!w) {
      std::fprintf(stderr, "spinelab rerun: %s\n", w.ErrorText().c_str());
      return 2;
    }
  }
  if (!Commit(&*file)) return 2;
  std::printf("wrote %s (%zu run%s from %s, each on its stored scenario and model)\n", a.output.c_str(), jobs.size(),
              jobs.size() == 1 ? "" : "s", a.input.c_str());
  return failed ? 3 : 0;
}

int List() {
  const std::string dir = std::string(SPINELAB_SOURCE_DIR) + "/scenarios";
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".toml") files.push_back(n);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto s = LoadScenario(dir + "/" + f);
    std::printf("%-36s %s\n", f.substr(0, f.size() - 5).c_str(), s ? s.value().title.c_str() : "(invalid: spinelab run it for the errors)");
  }
  return 0;
}

}  // namespace

void AddScenarioCommands(CLI::App& app, CommonOptions& common, int* exit_code) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "run technique scenarios (scenarios/*.toml) and write HDF5");
  run->add_option("scenarios", a->files, "scenario files")->required()->check(CLI::ExistingFile);
  run->add_option("-o,--output", a->output, "results file (HDF5)");
  run->add_option("--set", a->set, "override a value: key.path=value (repeatable)");
  run->add_flag("--overwrite", a->overwrite, "replace an existing results file");
  run->add_option("--wav", a->wav, "write every pop of the run on its time line (one scenario; 16-bit PCM, 44.1 kHz, 1 Pa full scale)");
  run->callback([&common, a, exit_code] { *exit_code = RunFiles(common, *a, false); });

  auto b = std::make_shared<RunArgs>();
  CLI::App* cmp = app.add_subcommand("compare", "two scenarios side by side (e.g. twist versus traction)");
  cmp->add_option("scenarios", b->files, "two scenario files")->required()->expected(2)->check(CLI::ExistingFile);
  cmp->add_option("--set", b->set, "override a value in both: key.path=value");
  cmp->add_option("-o,--output", b->output, "results file (HDF5) with both runs");
  cmp->add_flag("--overwrite", b->overwrite, "replace an existing results file");
  cmp->callback([&common, b, exit_code] { *exit_code = RunFiles(common, *b, true); });

  auto ra = std::make_shared<RerunArgs>();
  CLI::App* rerun = app.add_subcommand("rerun", "run stored runs again from their stored scenario text, overrides and model text");
  rerun->add_option("file", ra->input, "results file (HDF5)")->required()->check(CLI::ExistingFile);
  rerun->add_option("--run", ra->run, "the run to rerun (default: every run of the file)");
  rerun->add_option("-o,--output", ra->output, "results file to write (HDF5)")->required();
  rerun->add_flag("--overwrite", ra->overwrite, "replace an existing results file");
  rerun->callback([ra, exit_code] { *exit_code = Rerun(*ra); });

  CLI::App* list = app.add_subcommand("list", "list the scenarios with their titles");
  list->callback([exit_code] { *exit_code = List(); });
}

}  // namespace spinelab::cli

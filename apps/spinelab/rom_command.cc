// `spinelab rom`: flexibility tests per level (JSON or table), the calibration report (model vs
// literature with pass/fail) and the calibration fit that rewrites the model file.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "spinelab/lab/calibration.h"
#include "spinelab/lab/flexibility.h"
#include "spinelab/sim/math.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::cli {

using namespace spinelab::sim;

namespace {

std::string Json(double v) { return std::isfinite(v) ? fmt::format("{:.4g}", v) : "null"; }

std::string ResultJson(const FlexibilityResult& r) {
  std::string s = "{";
  s += fmt::format("\"level\": \"{}\", \"moment_Nm\": {}, \"preload_N\": {}, ", r.level, Json(r.moment_Nm), Json(r.preload_N));
  s += fmt::format("\"flexion_extension_deg\": {}, \"lateral_bending_deg\": {}, \"axial_rotation_deg\": {}, ",
                   Json(r.fe_rom_rad * kRadToDeg), Json(r.lb_rom_rad * kRadToDeg), Json(r.ar_rom_rad * kRadToDeg));
  s += "\"one_sided_deg\": {";
  for (int i = 0; i < 6; ++i)
    s += fmt::format("{}\"{}\": {}", i ? ", " : "", kLoadDirectionNames[i], Json(r.dir[i].rotation_rad * kRadToDeg));
  s += "}, ";
  s += fmt::format("\"neutral_zone_deg\": {{\"flexion_extension\": {}, \"lateral_bending\": {}, \"axial_rotation\": {}}}, ",
                   Json(r.fe_nz_rad * kRadToDeg), Json(r.lb_nz_rad * kRadToDeg), Json(r.ar_nz_rad * kRadToDeg));
  s += "\"facet_force_N\": {";
  for (int i = 0; i < 6; ++i)
    s += fmt::format("{}\"{}\": {{\"L\": {}, \"R\": {}}}", i ? ", " : "", kLoadDirectionNames[i],
                     Json(r.dir[i].peak_facet_force_N[0]), Json(r.dir[i].peak_facet_force_N[1]));
  s += fmt::format("}}, \"status\": \"{}\"}}", r.status);
  return s;
}

struct RomArgs {
  std::string level = "all";
  double moment_Nm = 0;       // 0: the level's target moment
  double preload_N = 0;
  double dt_s = 1e-3;
  bool json = false, report = false, calibrate = false;
  std::string targets_path;
};

int RunReport(const ModelDesc& spine, const SpineParams& params, const CalibrationTargets& targets,
              const RomArgs& a) {
  std::printf("spinelab rom --report: model vs literature, pure moments, lower vertebra fixed, no preload\n");
  std::printf("model: %s\n\n", params.file.c_str());
  std::printf("%-8s %5s | %-22s | %-22s | %-22s | %s\n", "level", "M", "flex-ext deg (target)",
              "lat bend deg (target)", "axial rot deg (target)", "result");
  const RomReport rep = MeasureRomReport(spine, params, targets, a.dt_s);
  int pass = 0, total = 0;
  std::vector<std::string> sources;
  for (const RomLevelCheck& c : rep.levels) {
    const RomTarget* t = &c.target;
    pass += c.ok;
    ++total;
    auto cell = [](double v, const std::array<double, 3>& tt) {
      return fmt::format("{:5.1f} ({:4.1f}-{:4.1f}){}", v, tt[0], tt[2], v >= tt[0] && v <= tt[2] ? " " : "*");
    };
    std::printf("%-8s %5.1f | %-22s | %-22s | %-22s | %s\n", t->level.c_str(), t->moment_Nm,
                cell(c.rom_deg[0], t->fe_deg).c_str(), cell(c.rom_deg[1], t->lb_deg).c_str(),
                cell(c.rom_deg[2], t->ar_deg).c_str(), c.ok ? "pass" : "FAIL");
    if (sources.empty() || sources.back() != t->source) sources.push_back(t->source);
  }
  // lumbar distribution (Christophy et al. 2012)
  std::printf("\nlumbar share of L1-S1 motion, model (Christophy 2012), tolerance %.2f:\n", targets.share_tolerance);
  const char* axes[3] = {"flexion-extension", "lateral bending", "axial rotation"};
  for (int ax = 0; ax < 3; ++ax) {
    std::printf("  %-18s", axes[ax]);
    for (int i = 0; i < 5; ++i)
      std::printf(" L%d %.3f (%.3f)", i + 1, rep.lumbar_share[ax][i], targets.lumbar_shares[ax][i]);
    std::printf("  %s\n", rep.share_ok[ax] ? "pass" : "FAIL");
    pass += rep.share_ok[ax];
    ++total;
  }
  // preload stiffening (Gardner-Morse & Stokes 2004)
  std::printf("\npreload stiffening, L2-L3/L4-L5 mean secant stiffness at 1 N·m (Gardner-Morse & Stokes 2004):\n");
  for (int k = 0; k < 2; ++k) {
    std::printf("  %3.0f N: x%.2f (target x%.2f +/- %.0f%%)  %s\n", rep.preload_N[k], rep.preload_ratio[k],
                rep.preload_target[k], 100 * targets.ratio_tolerance, rep.preload_ok[k] ? "pass" : "FAIL");
    pass += rep.preload_ok[k];
    ++total;
  }
  // the rib cage (whole-body models only) against Liebsch et al. 2017
  {
    const RibCageRom& rc = rep.rib_cage;
    std::printf("\nrib cage: T1-T12 range of motion at +/-%.0f N·m, intact vs rib stumps only (Liebsch et al. 2017):\n",
                targets.rib_cage_moment_Nm);
    for (int ax = 0; ax < 3; ++ax) {
      const double inc = rc.increase(ax), target = targets.rib_cage_rom_increase[ax];
      std::printf("  %-18s intact %5.1f deg, stumps %5.1f deg: +%.0f %% without the cage (target +%.0f +/- %.0f %%)  %s\n",
                  axes[ax], rc.intact_rad[ax] * kRadToDeg, rc.stumps_rad[ax] * kRadToDeg, 100 * inc, 100 * target,
                  100 * targets.rib_cage_tolerance, rep.rib_cage_ok[ax] ? "pass" : "FAIL");
      pass += rep.rib_cage_ok[ax];
      ++total;
    }
  }
  std::printf("\nsources:\n");
  for (const auto& s : sources) std::printf("  - %s\n", s.c_str());
  std::printf("\n%d of %d checks inside the literature ranges (* marks a value outside)\n", pass, total);
  return 0;
}

int RunRom(const CommonOptions& c, const RomArgs& a) {
  // --calibrate rewrites the model file: a run's stored model (FILE.h5:RUN) is no file to rewrite
  if (a.calibrate && io::IsStoredModelSpec(c.model_path)) {
    std::fprintf(stderr,
                 "spinelab rom: --calibrate: --model %s names the model stored with a run, which cannot be rewritten; "
                 "give a model file (TOML)\n",
                 c.model_path.c_str());
    return 2;
  }
  auto params = io::LoadModelSpec(c.model_path);  // a model file, or FILE.h5:RUN
  if (!params) {
    std::fprintf(stderr, "spinelab rom: invalid model file:\n%s\n", params.ErrorText().c_str());
    return 2;
  }
  auto targets = LoadCalibrationTargets(a.targets_path);
  if (!targets) {
    std::fprintf(stderr, "spinelab rom: invalid targets file:\n%s\n", targets.ErrorText().c_str());
    return 2;
  }
  if (a.calibrate) {
    auto log = [](const std::string& s) { std::printf("%s\n", s.c_str()); std::fflush(stdout); };
    SpineParams p = CalibrateRom(params.value(), targets.value(), log);
    p = CalibratePreload(p, targets.value(), log);
    std::string err;
    if (!WriteCalibratedParams(c.model_path, p, &err)) {
      std::fprintf(stderr, "spinelab rom --calibrate: %s\n", err.c_str());
      return 2;
    }
    std::printf("wrote calibrated values to %s\n", c.model_path.c_str());
    return 0;
  }
  auto spine = BuildSpineModel(params.value(), Subject{c.body_mass_kg, c.height_m}, PassiveSpineOptions());
  if (!spine) {
    std::fprintf(stderr, "spinelab rom: %s\n", spine.ErrorText().c_str());
    return 2;
  }
  if (a.report) return RunReport(spine.value(), params.value(), targets.value(), a);

  std::vector<std::string> levels;
  if (a.level == "all") {
    for (const JointDesc& L : spine.value().joints) levels.push_back(L.name);
  } else {
    levels.push_back(a.level);
  }
  std::vector<FlexibilityResult> results;
  for (const std::string& level : levels) {
    FlexibilityOptions o;
    const RomTarget* t = targets.value().Find(level);
    o.moment_Nm = a.moment_Nm > 0 ? a.moment_Nm : (t ? t->moment_Nm : 7.5);
    o.preload_N = a.preload_N;
    o.dt_s = a.dt_s;
    auto r = RunFlexibilityTest(spine.value(), level, o);
    if (!r) {
      std::fprintf(stderr, "spinelab rom: --level: %s\n", r.ErrorText().c_str());
      return 2;
    }
    results.push_back(std::move(r).value());
  }
  if (a.json) {
    if (results.size() == 1) {
      std::printf("%s\n", ResultJson(results[0]).c_str());
    } else {
      std::printf("[\n");
      for (size_t i = 0; i < results.size(); ++i)
        std::printf("  %s%s\n", ResultJson(results[i]).c_str(), i + 1 < results.size() ? "," : "");
      std::printf("]\n");
    }
  } else {
    std::printf("%-8s %6s %7s | %8s %8s %8s | %8s %8s %8s | %s\n", "level", "M N·m", "pre N", "FE deg",
                "LB deg", "AR deg", "NZ FE", "NZ LB", "NZ AR", "status");
    for (const auto& r : results)
      std::printf("%-8s %6.2f %7.0f | %8.2f %8.2f %8.2f | %8.2f %8.2f %8.2f | %s\n", r.level.c_str(), r.moment_Nm,
                  r.preload_N, r.fe_rom_rad * kRadToDeg, r.lb_rom_rad * kRadToDeg, r.ar_rom_rad * kRadToDeg,
                  r.fe_nz_rad * kRadToDeg, r.lb_nz_rad * kRadToDeg, r.ar_nz_rad * kRadToDeg, r.status.c_str());
  }
  for (const auto& r : results)
    if (r.status != "ok") return 3;
  return 0;
}

}  // namespace

void AddRomCommand(CLI::App& app, CommonOptions& common, int* exit_code) {
  auto args = std::make_shared<RomArgs>();
  args->targets_path = DefaultTargetsPath();
  CLI::App* cmd = app.add_subcommand("rom", "flexibility test of functional spinal units (range of motion)");
  cmd->add_option("--level", args->level, "level such as T7-T8, or 'all'");
  cmd->add_option("--moment", args->moment_Nm, "pure moment [N·m] (default: the level's literature test moment)")
      ->check(CLI::Range(0.01, 50.0));
  cmd->add_option("--preload", args->preload_N, "compressive follower preload [N]")->check(CLI::Range(0.0, 3000.0));
  cmd->add_option("--dt-s", args->dt_s, "time step [s]")->check(CLI::Range(1e-5, 0.01));
  cmd->add_flag("--json", args->json, "print JSON");
  cmd->add_flag("--report", args->report, "model vs literature for every level, with pass/fail");
  cmd->add_flag("--calibrate", args->calibrate, "fit the disc stiffening and preload parameters and rewrite the model file");
  cmd->add_option("--targets", args->targets_path, "calibration targets file")->check(CLI::ExistingFile);
  cmd->callback([&common, args, exit_code] { *exit_code = RunRom(common, *args); });
}

}  // namespace spinelab::cli

// `spinelab creep`: creep and recovery of a passive lumbar segment under 20 min of sustained
// flexion against McGill & Brown 1992, and the capsule's relaxation ratio (calibration.md §4).
#include <cmath>
#include <cstdio>

#include "commands.h"
#include "spinelab/sim/math.h"
#include "spinelab/lab/creep.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::cli {

using namespace spinelab::sim;

namespace {
int RunCreep(const CommonOptions& c, const CreepOptions& o, bool curve) {
  auto params = io::LoadModelSpec(c.model_path);  // a model file, or FILE.h5:RUN
  if (!params) {
    std::fprintf(stderr, "spinelab creep: invalid model file:\n%s\n", params.ErrorText().c_str());
    return 2;
  }
  auto rep = RunCreepCalibration(params.value(), o);
  if (!rep) {
    std::fprintf(stderr, "spinelab creep: %s\n", rep.ErrorText().c_str());
    return 2;
  }
  const CreepReport& r = rep.value();
  std::printf("creep and recovery, %s passive segment, %.1f N m sustained flexion for %.0f min, then unloaded\n",
              r.level.c_str(), o.moment_Nm, o.hold_s / 60);
  std::printf("(McGill & Brown 1992 Clin Biomech 7:43; capsule: J Biomech Eng 2005 127:15, calibration.md 4)\n");
  std::printf("viscoelastic creep and recovery only: lasting laxity (overstretch) is off in this protocol\n\n");
  if (curve) {
    std::printf("%8s %12s\n", "t min", "flexion deg");
    for (size_t k = 0; k < r.t_s.size(); k += 24) std::printf("%8.1f %12.3f\n", r.t_s[k] / 60, r.flexion_rad[k] * kRadToDeg);
    std::printf("\n");
  }
  int outside = 0;
  std::printf("%-44s %10s   %-22s\n", "quantity", "model", "literature");
  for (const CreepCheck& k : CreepChecks(r)) {
    outside += !k.pass;
    const std::string what = k.quantity + " [" + k.unit + "]";
    std::printf("%-44s %10.3f   %-22s %s\n", what.c_str(), k.model, k.literature.c_str(), k.pass ? "ok" : "OUTSIDE");
  }
  std::printf("\nfit rms %.4f deg; %s\n", r.fit_rms_rad * kRadToDeg, outside ? "some values are OUTSIDE their target" : "all within their targets");
  return outside ? 1 : 0;
}
}  // namespace

void AddCreepCommand(CLI::App& app, CommonOptions& common, int* exit_code) {
  auto* cmd = app.add_subcommand("creep", "creep and recovery under sustained flexion vs McGill & Brown 1992; capsule relaxation");
  auto opts = std::make_shared<CreepOptions>();
  auto curve = std::make_shared<bool>(false);
  cmd->add_option("--level", opts->level, "level (segment) to load")->capture_default_str();
  cmd->add_option("--moment-Nm", opts->moment_Nm, "sustained flexion moment [N m]")->check(CLI::Range(0.1, 100.0))->capture_default_str();
  cmd->add_flag("--curve", *curve, "print the creep curve (every 2 min)");
  cmd->callback([&common, opts, curve, exit_code] { *exit_code = RunCreep(common, *opts, *curve); });
}

}  // namespace spinelab::cli

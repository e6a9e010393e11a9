// `spinelab pa-stiffness`: posterior-anterior stiffness of the prone spine at T4, T7 and T10
// against Edmondston et al. 1999 (T7 calibrates the chest's contact stiffness; T4 and T10 held out).
#include <cmath>
#include <cstdio>

#include "commands.h"
#include "spinelab/lab/pa_stiffness.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::cli {

using namespace spinelab::sim;

namespace {
int RunPaStiffness(const CommonOptions& c, bool rest, bool load_path) {
  auto params = io::LoadModelSpec(c.model_path);  // a model file, or FILE.h5:RUN
  if (!params) {
    std::fprintf(stderr, "spinelab pa-stiffness: invalid model file:\n%s\n", params.ErrorText().c_str());
    return 2;
  }
  if (rest) {
    // the scene's prone rest without the hand: how level the trunk lies
    auto r = MeasureProneRest(params.value(), Subject{c.body_mass_kg, c.height_m});
    if (!r) {
      std::fprintf(stderr, "spinelab pa-stiffness --rest: %s\n", r.ErrorText().c_str());
      return 3;
    }
    std::printf("prone at rest (the PA scene without the hand): roll (+: left side up), position along the pelvis' left axis\n");
    std::printf("%-9s %9s %9s %9s %12s\n", "body", "roll deg", "left mm", "table N", "at left mm");
    for (const ProneRestBody& b : r.value().bodies)
      std::printf("%-9s %9.2f %9.1f %9.1f %12.1f\n", b.name.c_str(), b.roll_rad / kDegToRad, b.lateral_m * 1e3, b.table_N,
                  b.table_lateral_m * 1e3);
    std::printf("largest roll %.2f deg; sternum off T7 along T7's left axis %.1f mm\n", r.value().max_roll_rad / kDegToRad,
                r.value().sternum_off_T7_m * 1e3);
    return 0;
  }
  if (load_path) {
    // where the hand's force goes: per cut, the force each family exerts on the cut's bodies along the push
    for (const PaStiffnessTarget& row : PaStiffnessTargets()) {
      auto r = MeasurePaLoadPath(params.value(), Subject{c.body_mass_kg, c.height_m}, row.body);
      if (!r) {
        std::fprintf(stderr, "spinelab pa-stiffness --load-path: %s\n", r.ErrorText().c_str());
        return 3;
      }
      const PaLoadPathResult& L = r.value();
      const double dh = L.hand_high_N - L.hand_touch_N, dl = L.hand_high_N - L.hand_low_N;
      std::printf("\nload path at %s: the hand's force on the trunk %.1f / %.1f / %.1f N at touch / 50 / 200 N\n", L.body.c_str(),
                  L.hand_touch_N, L.hand_low_N, L.hand_high_N);
      std::printf("(force on the cut's bodies along the push, N; +: towards the table; %% of the hand's change)\n");
      for (const PaLoadPathCut& cut : L.cuts) {
        std::printf("  cut: %s\n", cut.name.c_str());
        std::printf("    %-52s %9s %9s %7s %9s %7s\n", "family", "at 200 N", "touch-200", "%", "50-200", "%");
        for (const PaLoadPathFamily& f : cut.families) {
          const double a = f.high_N - f.touch_N, b = f.high_N - f.low_N;
          if (std::abs(a) < 0.05 && std::abs(b) < 0.05) continue;  // carries none of the hand's force
          std::printf("    %-52s %9.1f %9.1f %7.1f %9.1f %7.1f\n", f.name.c_str(), f.high_N, a, 100 * a / dh, b, 100 * b / dl);
        }
        std::printf("    %-52s %9.1f %9.1f %7.1f %9.1f %7.1f\n", "sum (inertia, unaccounted)", cut.residual_high_N,
                    cut.residual_high_N - cut.residual_touch_N, 100 * (cut.residual_high_N - cut.residual_touch_N) / dh,
                    cut.residual_high_N - cut.residual_low_N, 100 * (cut.residual_high_N - cut.residual_low_N) / dl);
      }
      std::printf("  travel along the push (mm; down the chain: the skin under the hand, the spine to the cage's front, the front's tissue)\n");
      std::printf("    %-52s %9s %9s\n", "body", "touch-200", "50-200");
      for (const PaLoadPathResult::Travel& t : L.travel)
        std::printf("    %-52s %9.2f %9.2f\n", t.name.c_str(), t.from_touch_m * 1e3, t.from_low_m * 1e3);
    }
    return 0;
  }
  std::printf("PA stiffness, prone, 50-200 N (Edmondston et al. 1999, Man Ther 4:157)\n");
  std::printf("%-5s %10s %10s %8s %12s %12s  %s\n", "body", "model", "measured", "ratio", "hand mm", "vertebra mm", "");
  int outside = 0;
  for (const PaStiffnessTarget& row : PaStiffnessTargets()) {
    auto r = MeasurePaStiffness(params.value(), Subject{c.body_mass_kg, c.height_m}, row.body);
    if (!r) {
      std::fprintf(stderr, "spinelab pa-stiffness: %s\n", r.ErrorText().c_str());
      return 3;
    }
    const double k = r.value().stiffness_N_per_m * 1e-3, ratio = k / row.stiffness_N_per_mm;
    const bool ok = std::abs(ratio - 1) <= kPaStiffnessTolerance;
    outside += !ok;
    std::printf("%-5s %10.1f %10.1f %8.2f %12.1f %12.1f  %s%s\n", row.body, k, row.stiffness_N_per_mm, ratio,
                r.value().pad_travel_m * 1e3, r.value().vertebra_travel_m * 1e3, row.role, ok ? "" : "  * outside +-50 %");
  }
  std::printf("(N/mm, 50-200 N; the hand's travel includes the skin under it and the chest on the table)\n");
  return outside > 0 ? 1 : 0;
}
}  // namespace

void AddPaStiffnessCommand(CLI::App& app, CommonOptions& common, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("pa-stiffness", "posterior-anterior stiffness of the prone spine vs. Edmondston 1999");
  static bool rest = false, load_path = false;
  cmd->add_flag("--rest", rest, "print the prone rest without the hand (roll and side shift per body) instead");
  cmd->add_flag("--load-path", load_path,
                "print where the hand's force goes at T4, T7, T10 instead: per cut of bodies, the force each element family carries");
  cmd->callback([&common, exit_code]() { *exit_code = RunPaStiffness(common, rest, load_path); });
}

}  // namespace spinelab::cli

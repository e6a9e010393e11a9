// `spinelab settle`: the whole spine standing under gravity with muscle tone, pelvis fixed.
// Prints how far each region sagged, disc loads, and the speed of the run.
#include <chrono>
#include <cmath>
#include <cstdio>

#include "commands.h"
#include "spinelab/sim/math.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/world.h"

namespace spinelab::cli {

using namespace spinelab::sim;

namespace {
struct SettleArgs {
  double duration_s = 3.0;
  double dt_s = 1e-3;
};

int RunSettle(const CommonOptions& c, const SettleArgs& a) {
  auto desc = LoadSpineOrReport(c, "settle");
  if (!desc) return 2;
  auto model = std::make_shared<const Model>(Model::Compile(std::move(*desc)).value());
  SimOptions so;
  so.dt_s = a.dt_s;
  auto w = World::Create(model, so);
  if (!w) {
    std::fprintf(stderr, "spinelab settle: %s\n", w.ErrorText().c_str());
    return 2;
  }
  World& world = w.value();
  const State initial = world.state();
  const int64_t n = std::llround(a.duration_s / a.dt_s);
  const auto t0 = std::chrono::steady_clock::now();
  uint32_t status = kStepOk;
  int64_t i = 0;
  for (; i < n && status == kStepOk; ++i) status = world.Step();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const ModelDesc& d = model->desc();
  std::printf("spinelab settle: whole spine standing under gravity, pelvis fixed, muscle tone on\n");
  std::printf("subject %.0f kg, %.2f m; %d bodies, %zu bushings, %zu ligaments, %zu facets; dt %.4g s\n\n",
              c.body_mass_kg, c.height_m, model->num_bodies(), d.bushings.size(), d.ligaments.size(),
              d.synovial_joints.size(), a.dt_s);
  std::printf("%-8s %10s %12s %10s %10s %10s\n", "level", "d-flex deg", "compress N", "shear N", "IDP MPa", "facet N");
  for (const JointDesc& L : d.joints) {
    if (L.name != "C0-C1" && L.name != "C4-C5" && L.name != "C7-T1" && L.name != "T4-T5" && L.name != "T7-T8" &&
        L.name != "T12-L1" && L.name != "L2-L3" && L.name != "L4-L5" && L.name != "L5-S1")
      continue;
    const BushingOutput& b = world.outputs().bushings[L.bushing];
    const double facet = world.outputs().synovial_joints[L.synovial[0]].contact_force_N +
                         world.outputs().synovial_joints[L.synovial[1]].contact_force_N;
    std::printf("%-8s %10.2f %12.1f %10.1f %10.3f %10.1f\n", L.name.c_str(), b.rotation_rad.y() * kRadToDeg,
                b.compression_N, b.shear_N, b.pressure_Pa * 1e-6, facet);
  }
  const Vec3 head0 = initial.bodies[0].p_WB, head1 = world.state().bodies[0].p_WB;
  const double tilt = std::acos(std::clamp((world.state().bodies[0].q_WB.toRotationMatrix().col(2)).z(), -1.0, 1.0));
  std::printf("\nhead moved %.1f mm (forward %.1f, down %.1f); head tilt from vertical %.1f deg\n",
              (head1 - head0).norm() * 1e3, (head1.x() - head0.x()) * 1e3, (head0.z() - head1.z()) * 1e3,
              tilt * kRadToDeg);
  std::printf("simulated %.2f s in %.3f s wall: %.0f steps/s, real-time factor %.1fx\n", i * a.dt_s, wall, i / wall,
              i * a.dt_s / wall);
  {
    const StepProfile& pr = w.value().profile();
    const double per = 1e6 / std::max<int64_t>(pr.steps, 1);
    std::printf("per step: forces %.1f us, solve %.1f us, capsules and Bullet %.1f us, other %.1f us\n", pr.forces_s * per,
                pr.solve_s * per, pr.bullet_s * per, std::max(0.0, wall * 1e6 / std::max<double>(i, 1) - (pr.forces_s + pr.solve_s + pr.bullet_s) * per));
  }
  const bool upright = head1.z() > 0.8 * head0.z() && (head1 - head0).norm() < 0.1;
  std::printf("status: %s; %s\n", StepStatusText(status).c_str(), upright ? "upright" : "NOT upright (collapsed)");
  return status == kStepOk && upright ? 0 : 3;
}
}  // namespace

void AddSettleCommand(CLI::App& app, CommonOptions& common, int* exit_code) {
  auto args = std::make_shared<SettleArgs>();
  CLI::App* cmd = app.add_subcommand("settle", "whole spine standing under gravity (settling run)");
  cmd->add_option("--duration-s", args->duration_s, "simulated time [s]")->check(CLI::Range(0.001, 3600.0));
  cmd->add_option("--dt-s", args->dt_s, "time step [s]")->check(CLI::Range(1e-5, 0.01));
  cmd->callback([&common, args, exit_code] { *exit_code = RunSettle(common, *args); });
}

}  // namespace spinelab::cli

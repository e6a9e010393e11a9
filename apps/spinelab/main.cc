// spinelab: command-line entry point. `spinelab --help` lists the subcommands.
#include <cstdio>

#include "commands.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::cli {
CLI::Validator ModelSpecValidator() {
  return CLI::Validator(
      [](std::string& spec) -> std::string {
        std::FILE* f = std::fopen(spec.c_str(), "rb");
        if (!f && spec.rfind(':') != std::string::npos) f = std::fopen(spec.substr(0, spec.rfind(':')).c_str(), "rb");
        if (f) {
          std::fclose(f);
          return "";
        }
        return "model not found: '" + spec + "' (a model file, or FILE.h5:RUN for the model stored with a run)";
      },
      "FILE.toml|FILE.h5:RUN");
}

std::optional<sim::ModelDesc> LoadSpineOrReport(const CommonOptions& c, const char* command,
                                                 const sim::SpineBuildOptions& options) {
  auto params = io::LoadModelSpec(c.model_path);  // a model file, or FILE.h5:RUN
  if (!params) {
    std::fprintf(stderr, "spinelab %s: invalid model file:\n%s\n", command, params.ErrorText().c_str());
    return std::nullopt;
  }
  auto spine = sim::BuildSpineModel(params.value(), sim::Subject{c.body_mass_kg, c.height_m}, options);
  if (!spine) {
    std::fprintf(stderr, "spinelab %s: %s\n", command, spine.ErrorText().c_str());
    return std::nullopt;
  }
  return std::move(spine).value();
}
}  // namespace spinelab::cli

int main(int argc, char** argv) {
  CLI::App app{"spinelab: biomechanical spine simulation (teaching and research indicators, not medical advice)"};
  app.require_subcommand(1);
  spinelab::cli::CommonOptions common;
  common.model_path = spinelab::sim::DefaultSpineModelPath();
  app.add_option("--model", common.model_path, "spine model file (TOML), or FILE.h5:RUN: the model_text stored with that run")
      ->check(spinelab::cli::ModelSpecValidator());
  app.add_option("--body-mass-kg", common.body_mass_kg, "subject body mass [kg]")->check(CLI::Range(30.0, 200.0));
  app.add_option("--height-m", common.height_m, "subject height [m]")->check(CLI::Range(1.2, 2.2));
  int exit_code = 0;
  spinelab::cli::AddRomCommand(app, common, &exit_code);
  spinelab::cli::AddSettleCommand(app, common, &exit_code);
  spinelab::cli::AddDistractCommand(app, common, &exit_code);
  spinelab::cli::AddScenarioCommands(app, common, &exit_code);
  spinelab::cli::AddPaStiffnessCommand(app, common, &exit_code);
  spinelab::cli::AddBatchCommand(app, common, &exit_code);
  spinelab::cli::AddCreepCommand(app, common, &exit_code);
  spinelab::cli::AddValidateCommand(app, common, &exit_code);
  spinelab::cli::AddRibsCommand(app, common, &exit_code);
  spinelab::cli::AddWhereItPopsCommand(app, common, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // bad arguments (a missing file, a value out of range) stop the command like any other bad
    // input: exit code 2 (docs/reliability.md); --help is 0
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const spinelab::InputError& e) {
    std::fprintf(stderr, "spinelab: error:\n%s\n", e.what());
    return 2;
  }
  return exit_code;
}

#pragma once
// Subcommands of the `spinelab` command-line tool. Each registers its options on the CLI11 app
// and returns the process exit code when run.
#include <optional>

#include <CLI/CLI.hpp>

#include "spinelab/anatomy/spine.h"
#include "spinelab/io/results.h"

namespace spinelab::cli {

struct CommonOptions {
  std::string model_path;     // --model: a model file (TOML), or FILE.h5:RUN (the model_text stored with a run)
  double body_mass_kg = 75;   // --body-mass-kg
  double height_m = 1.75;     // --height-m
};

/// --model's check: an existing file, or FILE.h5:RUN with FILE existing (the run is checked when read).
CLI::Validator ModelSpecValidator();

/// Loads the model file and builds the subject's spine; on failure prints
/// "spinelab <command>: ..." with every diagnostic and returns nullopt (exit code 2).
std::optional<sim::ModelDesc> LoadSpineOrReport(const CommonOptions& common, const char* command,
                                                 const sim::SpineBuildOptions& options = {});

void AddRomCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddSettleCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddDistractCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddScenarioCommands(CLI::App& app, CommonOptions& common, int* exit_code);
void AddPaStiffnessCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddBatchCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddCreepCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddValidateCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddRibsCommand(CLI::App& app, CommonOptions& common, int* exit_code);
void AddWhereItPopsCommand(CLI::App& app, CommonOptions& common, int* exit_code);

}  // namespace spinelab::cli

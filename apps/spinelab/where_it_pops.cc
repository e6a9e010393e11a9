// `spinelab where-it-pops FILE.h5`: the "where it pops" table (issue 21) from a results file
// (`make run` writes results/demo.h5): one row per technique run (protocols are left out: their
// days of loading are docs/repeated_loading.md), the joints that popped with their times, the
// region, and what the seeds and clinical studies report (the scenario's scenario.pops_reported,
// read from the scenario text stored with the run).
#include "where_it_pops.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "spinelab/io/results.h"

namespace spinelab::cli {

using namespace spinelab::sim;

std::string JointRegion(const std::string& joint) {
  if (joint.rfind("CV ", 0) == 0 || joint.rfind("CT ", 0) == 0) return "rib";
  if (joint.empty()) return "?";
  switch (joint[0]) {
    case 'C': return "cervical";
    case 'T': return "thoracic";
    case 'L': return "lumbar";
    default: return "?";
  }
}

PopRow WhereItPops(const Scenario& sc, const ScenarioResult& r) {
  PopRow row;
  row.scenario = sc.name;
  row.title = sc.title;
  row.reported = sc.pops_reported;
  row.pops = static_cast<int>(r.cavitations.size());
  std::vector<std::string> regions;
  for (const auto& c : r.cavitations) {
    const std::string& name = c.facet >= 0 && c.facet < static_cast<int>(r.facet_names.size()) ? r.facet_names[c.facet] : "?";
    row.joints += fmt::format("{}{} {:.3f} s", row.joints.empty() ? "" : ", ", name, c.time_s);
    const std::string region = JointRegion(name);
    if (std::find(regions.begin(), regions.end(), region) == regions.end()) regions.push_back(region);
  }
  if (row.joints.empty()) row.joints = "none";
  for (const std::string& g : regions) row.regions += (row.regions.empty() ? "" : ", ") + g;
  if (row.regions.empty()) row.regions = "-";
  return row;
}

std::string PopTableMarkdown(const std::vector<PopRow>& rows) {
  auto cell = [](std::string s) {  // a Markdown table cell: no pipes, no line breaks
    for (char& ch : s)
      if (ch == '|') ch = '/';
      else if (ch == '\n') ch = ' ';
    return s.empty() ? std::string("(not given: scenario.pops_reported)") : s;
  };
  std::string s = "| technique | pops | joints that popped (time) | region | what the seeds and clinical studies report |\n";
  s += "|---|---|---|---|---|\n";
  for (const PopRow& r : rows)
    s += fmt::format("| {} | {} | {} | {} | {} |\n", r.scenario, r.pops, r.joints, r.regions, cell(r.reported));
  return s;
}

namespace {

int WhereItPopsCommand(const std::string& path) {
  const char* me = "spinelab where-it-pops";
  auto runs = io::ListRuns(path);
  if (!runs) {
    std::fprintf(stderr, "%s: %s\n", me, runs.ErrorText().c_str());
    return 2;
  }
  if (runs.value().empty()) {
    std::fprintf(stderr, "%s: %s: no runs in this file (write one with `spinelab run SCENARIO.toml -o %s`)\n", me, path.c_str(),
                 path.c_str());
    return 2;
  }
  std::vector<PopRow> rows;
  std::string model, version;
  int protocols = 0;
  for (const std::string& name : runs.value()) {
    auto stored = io::ReadRun(path, name);
    if (!stored) {
      std::fprintf(stderr, "%s: %s\n", me, stored.ErrorText().c_str());
      return 2;
    }
    auto sc = io::StoredScenario(stored.value());
    if (!sc) {
      std::fprintf(stderr, "%s: %s\n", me, sc.ErrorText().c_str());
      return 2;
    }
    if (sc.value().protocol.enabled) {  // days of loading, not a technique
      ++protocols;
      continue;
    }
    PopRow row = WhereItPops(sc.value(), stored.value().result);
    row.scenario = name;  // the run's name in the file
    if (stored.value().status != "ok") row.joints = "run " + stored.value().status + ": " + stored.value().error;
    rows.push_back(row);
    if (model.empty()) model = stored.value().model_file;
    if (version.empty()) version = stored.value().spinelab_version;
  }
  if (rows.empty()) {
    std::fprintf(stderr, "%s: %s: no technique runs in this file (%d protocol run%s: see their protocol reports)\n", me,
                 path.c_str(), protocols, protocols == 1 ? "" : "s");
    return 2;
  }
  std::printf("Where it pops: %s, %zu technique run%s (%d protocol run%s left out); model %s; spinelab %s\n\n", path.c_str(),
              rows.size(), rows.size() == 1 ? "" : "s", protocols, protocols == 1 ? "" : "s",
              model.empty() ? "(not stored)" : model.c_str(), version.c_str());
  std::printf("%s", PopTableMarkdown(rows).c_str());
  std::printf("\n(pops: facet or rib-joint cavitations in the run; times from the run's start. Teaching and research indicators, "
              "not medical advice)\n");
  return 0;
}

}  // namespace

void AddWhereItPopsCommand(CLI::App& app, CommonOptions&, int* exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("where-it-pops",
                                   "per technique run of a results file: the joints that popped (with times), the region, and what "
                                   "the seeds and clinical studies report (scenario.pops_reported)");
  c->add_option("file", *path, "results file (HDF5), e.g. results/demo.h5")->required();
  c->callback([path, exit_code] { *exit_code = WhereItPopsCommand(*path); });
}

}  // namespace spinelab::cli

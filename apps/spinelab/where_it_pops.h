#pragma once
// "Where it pops" (issue 21): per technique, the joints that popped (facet or rib joint, with
// times), their region, and what the seeds and clinical studies report for the technique (the
// scenario's own `scenario.pops_reported`, its one home). `spinelab where-it-pops FILE.h5` prints
// the table from a results file; `spinelab validate` lists the same joints in its pop rows.
#include <string>
#include <vector>

#include "spinelab/scenario/scenario.h"

namespace spinelab::cli {

struct PopRow {
  std::string scenario, title;
  int pops = 0;
  std::string joints;    ///< "L5-S1 R 3.610 s, L3-L4 R 5.502 s" ("none")
  std::string regions;   ///< the popped joints' regions in order of first pop ("-" when none)
  std::string reported;  ///< scenario.pops_reported
};

/// The region of a joint by its name: "cervical" (C0-C1 .. C7-T1), "thoracic" (T1-T2 .. T12-L1),
/// "lumbar" (L1-L2 .. L5-S1), "rib" (CV/CT rib joints).
std::string JointRegion(const std::string& joint);

/// The row of one run.
PopRow WhereItPops(const sim::Scenario& sc, const sim::ScenarioResult& r);

/// The rows as a Markdown table (what `where-it-pops` prints and docs/scenarios.md holds).
std::string PopTableMarkdown(const std::vector<PopRow>& rows);

}  // namespace spinelab::cli

// Scenario runs into HDF5 (docs/hdf5.md).
#include "spinelab/io/results.h"
#include "spinelab/sim/state.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <sys/stat.h>

namespace spinelab::io {

namespace {
std::string JsonEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}
}  // namespace

namespace {
// one dataset of the run table under the run's group G (its folders made on the way); `beside`
// writes what goes with it on the dataset's group (attributes)
template <class Beside>
bool WriteRunColumn(const H5Handle& G, const RunDataset& d, const RunColumn& c, Beside beside) {
  const std::string name = d.name;
  const size_t slash = name.rfind('/');
  auto parent = slash == std::string::npos ? H5Handle() : Group(G, name.substr(0, slash)).value();
  const H5Handle& loc = slash == std::string::npos ? G : parent;
  const std::string leaf = slash == std::string::npos ? name : name.substr(slash + 1);
  bool ok = false;
  switch (d.kind) {
    case RunDataset::Kind::kDouble: ok = WriteDoubles(loc, leaf, c.d, c.dims, d.units, d.shape); break;
    case RunDataset::Kind::kInt: ok = WriteInts(loc, leaf, c.i, d.units, c.dims); break;
    case RunDataset::Kind::kString: ok = WriteStrings(loc, leaf, c.s); break;
  }
  return ok && beside(loc);
}
}  // namespace

bool WriteFileHeader(const H5Handle& file) {
  return WriteAttr(file, "schema_version", static_cast<int64_t>(1)) && WriteAttr(file, "units", std::string("SI")) &&
         WriteAttr(file, "description",
                   std::string("spinelab results. /runs/<run>/ holds one scenario run: attributes describe it "
                               "(scenario, scenario_text, parameters, status, error, seed, spinelab_version, "
                               "wall_time_s); time [T]; bodies/, levels/, facets/ time series [T, n(, 3|4)]; "
                               "events/cavitation/ one row per crack. Every dataset has a units attribute. "
                               "See docs/hdf5.md."));
}

std::vector<RunAttribute> RunAttributes(const sim::Scenario& sc, const sim::ScenarioResult& r) {
  std::string params = "{";
  for (size_t i = 0; i < sc.overrides.size(); ++i)
    params += (i ? ", " : "") + ("\"" + JsonEscape(sc.overrides[i].first) + "\": \"" + JsonEscape(sc.overrides[i].second) + "\"");
  params += "}";
  std::string overrides;  // one key=value per line, as given to --set: a reader rebuilds the run's scenario with them
  for (const auto& [k, v] : sc.overrides) overrides += k + "=" + v + "\n";
  using namespace run_attr;
  std::vector<RunAttribute> a = {
      {kOverrides, overrides},
      {kScenario, sc.name},
      {kTitle, sc.title},
      {kScenarioText, sc.text},
      {kParameters, params},
      {kStatus, r.status},
      {kError, r.error},
      {kSeed, static_cast<int64_t>(sc.seed)},
      {kVersion, std::string(SPINELAB_VERSION)},
      {kWallTime, r.wall_time_s},
      {kDt, sc.dt_s},
      {kSteps, static_cast<int64_t>(r.steps)},
  };
  if (!r.model_text.empty()) {  // the model it ran on, whole: a rerun needs no model file
    a.push_back({kModelText, r.model_text});
    a.push_back({kModelFile, r.model_file});
  }
  if (!r.rib_cage_text.empty()) {  // the rib cage it ran on (the cage as bodies)
    a.push_back({kRibCageText, r.rib_cage_text});
    a.push_back({kRibCageFile, r.rib_cage_file});
  }
  return a;
}

Expected<bool> WriteRun(const H5Handle& file, const std::string& run, const sim::Scenario& sc,
                        const sim::ScenarioResult& r) {
  const std::string base = "runs/" + run;
  if (Exists(file, base)) return std::vector<Diagnostic>{{"", base, "a run of this name is already in the file"}};
  auto g = Group(file, base);
  if (!g) return g.errors();
  const H5Handle& G = g.value();
  bool ok = true;
  for (const RunAttribute& a : RunAttributes(sc, r)) {
    if (!ok) break;
    ok = std::visit([&](const auto& v) { return WriteAttr(G, a.name, v); }, a.value);
  }
  // every dataset through the one table (run_layout.h)
  for (const RunDataset& d : RunDatasets()) {
    if (!ok) break;
    const RunColumn c = RunValue(d, r);
    if (RunAbsent(d, c.dims)) continue;
    ok = WriteRunColumn(G, d, c, [&](const H5Handle& loc) {
      if (d.name == std::string("events/cavitation/sound")) return WriteAttr(loc, "sound_sample_rate_Hz", sim::kSoundSampleRate_Hz);
      if (d.name == std::string("events/loading/time")) return WriteAttr(loc, "level", sc.protocol.level);
      return true;
    });
  }
  if (!ok) return std::vector<Diagnostic>{{"", base, "HDF5 write failed (disk full or file damaged?)"}};
  Flush(file);
  return true;
}

// ListRuns(path) and ReadRun(path, run): isolated_read.cc (in a child process)

Expected<StoredRun> ReadRun(const H5Handle& F, const std::string& path, const std::string& run) {
  const auto runs = ListGroups(F, "runs");
  if (std::find(runs.begin(), runs.end(), run) == runs.end()) {
    std::string list;
    for (const auto& r : runs) list += (list.empty() ? "" : ", ") + r;
    return std::vector<Diagnostic>{{path, "runs/" + run, "'" + run + "' is not a run of this file; runs: " + (list.empty() ? "(none)" : list)}};
  }
  const std::string base = "runs/" + run;
  StoredRun out;
  out.file = path;
  out.run = run;
  std::vector<Diagnostic> errors;
  using namespace run_attr;
  auto text = [&](const char* key, std::string* v, bool required) {
    auto a = ReadStringAttr(F, base, key);
    if (a) *v = a.value();
    else if (required) errors.push_back({path, base + "@" + key, "missing attribute"});
    return a.ok();
  };
  text(kScenario, &out.scenario, true);
  text(kTitle, &out.title, false);
  text(kScenarioText, &out.scenario_text, true);
  text(kParameters, &out.parameters, false);
  text(kStatus, &out.status, true);
  text(kError, &out.error, false);
  text(kVersion, &out.spinelab_version, false);
  out.has_model_text = text(kModelText, &out.model_text, false);
  text(kModelFile, &out.model_file, false);
  text(kRibCageText, &out.rib_cage_text, false);
  text(kRibCageFile, &out.rib_cage_file, false);
  std::string overrides;
  if (text(kOverrides, &overrides, false)) {  // older files have none
    std::stringstream lines(overrides);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) out.overrides.push_back(line);
  }
  if (auto v = ReadIntAttr(F, base, kSeed)) out.seed = v.value();
  if (auto v = ReadIntAttr(F, base, kSteps)) out.steps = v.value();
  if (auto v = ReadDoubleAttr(F, base, kDt)) out.dt_s = v.value();
  if (auto v = ReadDoubleAttr(F, base, kWallTime)) out.wall_time_s = v.value();
  sim::ScenarioResult& r = out.result;
  for (const RunDataset& d : RunDatasets()) {
    const std::string name = base + "/" + d.name;
    if (!Exists(F, name)) {
      if (!d.optional) errors.push_back({path, name, "missing dataset (not a spinelab results file, or a run that never started?)"});
      continue;
    }
    RunColumn c;
    bool ok = true;
    if (d.kind == RunDataset::Kind::kString) {
      auto v = ReadStrings(F, name);
      ok = v.ok();
      if (ok) c.s = std::move(v).value(), c.dims = {c.s.size()};
    } else if (d.kind == RunDataset::Kind::kInt) {
      auto v = ReadInts(F, name, &c.dims);
      ok = v.ok();
      if (ok) c.i = std::move(v).value();
    } else {
      auto v = ReadDoubles(F, name, &c.dims);
      ok = v.ok();
      if (ok) c.d = std::move(v).value();
    }
    if (!ok) {
      errors.push_back({path, name, "unreadable dataset"});
      continue;
    }
    if (d.set) d.set(c, &r);
    out.columns[d.name] = std::move(c);
  }
  if (!errors.empty()) return errors;
  // every dataset's dims agree with the run's axes (time, bodies, levels, facets, cracks, ...)
  for (const RunDataset& d : RunDatasets()) {
    auto it = out.columns.find(d.name);
    if (it == out.columns.end()) continue;
    const std::vector<uint64_t> want = RunDims(d, r);
    if (it->second.dims != want) {
      auto str = [](const std::vector<uint64_t>& v) {
        std::string o;
        for (uint64_t x : v) o += (o.empty() ? "" : ", ") + std::to_string(x);
        return "[" + o + "]";
      };
      errors.push_back({path, base + "/" + d.name, "has shape " + str(it->second.dims) + "; the run's axes (" + d.axes + ") give " + str(want)});
    }
  }
  for (const auto& c : r.cavitations)
    if (c.facet < 0 || static_cast<size_t>(c.facet) >= r.facet_names.size())
      errors.push_back({path, base + "/events/cavitation/facet_index", "a crack names facet " + std::to_string(c.facet) + ", not one of the run's facets"});
  if (!errors.empty()) return errors;
  r.status = out.status;
  r.error = out.error;
  r.steps = out.steps;
  r.wall_time_s = out.wall_time_s;
  r.model_text = out.model_text;
  r.model_file = out.model_file;
  r.rib_cage_text = out.rib_cage_text;
  r.rib_cage_file = out.rib_cage_file;
  return out;
}

Expected<bool> WriteStoredRun(const H5Handle& file, const StoredRun& s) {
  const std::string base = "runs/" + s.run;
  if (Exists(file, base)) return std::vector<Diagnostic>{{"", base, "a run of this name is already in the file"}};
  auto g = Group(file, base);
  if (!g) return g.errors();
  const H5Handle& G = g.value();
  using namespace run_attr;
  std::string overrides;
  for (const std::string& o : s.overrides) overrides += o + "\n";
  bool ok = true;
  auto text = [&](const char* key, const std::string& v) { ok = ok && WriteAttr(G, key, v); };
  text(kScenario, s.scenario);
  text(kTitle, s.title);
  text(kScenarioText, s.scenario_text);
  text(kParameters, s.parameters);
  text(kOverrides, overrides);
  text(kStatus, s.status);
  text(kError, s.error);
  text(kVersion, s.spinelab_version);
  if (s.has_model_text) text(kModelText, s.model_text);  // (its presence is read: has_model_text)
  text(kModelFile, s.model_file);
  text(kRibCageText, s.rib_cage_text);
  text(kRibCageFile, s.rib_cage_file);
  ok = ok && WriteAttr(G, kSeed, s.seed) && WriteAttr(G, kSteps, s.steps) && WriteAttr(G, kDt, s.dt_s) &&
       WriteAttr(G, kWallTime, s.wall_time_s);
  for (const RunDataset& d : RunDatasets()) {
    auto it = s.columns.find(d.name);
    if (!ok || it == s.columns.end()) continue;  // (an optional dataset the run has not)
    ok = WriteRunColumn(G, d, it->second, [](const H5Handle&) { return true; });
  }
  if (!ok) return std::vector<Diagnostic>{{"", base, "HDF5 write failed"}};
  return true;
}

Expected<sim::Scenario> StoredScenario(const StoredRun& run) {
  // named "<file>:<run>/<scenario>.toml": messages point into the stored text, the stem stays the scenario's name
  return sim::LoadScenarioText(run.scenario_text, run.file + ":" + run.run + "/" + run.scenario + ".toml", run.overrides);
}

Expected<sim::SpineParams> StoredModel(const StoredRun& run) {
  if (!run.has_model_text)
    return std::vector<Diagnostic>{{run.file, "runs/" + run.run + "@model_text",
                                    "run '" + run.run + "' has no model_text attribute (written before spinelab stored the model it ran on); "
                                    "run its scenario again with --model FILE.toml"}};
  auto p = sim::LoadSpineParamsText(run.model_text, run.file + ":" + run.run);
  if (p && !run.rib_cage_text.empty()) {  // the rib cage it ran on, not today's file
    p.value().rib_cage_text = run.rib_cage_text;
    p.value().rib_cage_file = run.file + ":" + run.run + "@rib_cage_text";
  }
  return p;
}

bool IsStoredModelSpec(const std::string& spec) {
  struct stat st;
  return stat(spec.c_str(), &st) != 0 && spec.find(':') != std::string::npos;
}

Expected<sim::SpineParams> LoadModelSpec(const std::string& spec) {
  if (!IsStoredModelSpec(spec)) return sim::LoadSpineParams(spec);
  const size_t colon = spec.rfind(':');
  const std::string file = spec.substr(0, colon), run = spec.substr(colon + 1);
  if (run.empty())
    return std::vector<Diagnostic>{{file, "--model", "'" + spec + "' names no run: use FILE.h5:RUN"}};
  auto stored = ReadRun(file, run);
  if (!stored) return stored.errors();
  return StoredModel(stored.value());
}

Expected<ResultsFile> ResultsFile::Create(const std::string& path, bool overwrite, const std::string& key,
                                          const std::string& overwrite_flag) {
  auto atomic = std::make_unique<AtomicFile>(path, key);
  if (!overwrite && PathExists(path) && !IsFolder(path))
    return std::vector<Diagnostic>{{"", "", key + " " + path + " exists; pass " + overwrite_flag + " to replace it"}};
  auto ok = atomic->Open();  // a folder, or a folder that cannot be written: said now
  if (!ok) return ok.errors();
  auto f = CreateMemoryFile();
  if (!f) return f.errors();
  auto h5 = std::make_unique<H5Handle>(std::move(f).value());
  if (!WriteFileHeader(*h5)) return std::vector<Diagnostic>{{path, "", "HDF5 write of the file header failed"}};
  return ResultsFile(std::move(atomic), std::move(h5));
}

Expected<bool> ResultsFile::Add(const std::string& run, const sim::Scenario& scenario, const sim::ScenarioResult& result) {
  if (!h5_) return std::vector<Diagnostic>{{path(), run, "the file is already committed; nothing can be added"}};
  auto w = WriteRun(*h5_, run, scenario, result);
  if (!w) return std::vector<Diagnostic>{{"", "", path() + ": " + w.ErrorText() + "; " + path() + " is as it was"}};
  return true;
}

Expected<bool> ResultsFile::Commit() {
  if (!h5_) return std::vector<Diagnostic>{{path(), "", "the file is already committed"}};
  auto image = FileImage(*h5_);
  h5_.reset();
  auto done = image ? atomic_->Replace(image.value()) : Expected<bool>(image.errors());
  if (!done) return std::vector<Diagnostic>{{"", "", done.ErrorText() + "; " + path() + " is as it was"}};
  return true;
}

}  // namespace spinelab::io

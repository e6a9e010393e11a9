// Batches of scenario runs: plans (sweeps, Latin hypercube), shards and the study file (batch.h).
#include "spinelab/batch/batch.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <deque>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "spinelab/io/atomic_file.h"
#include "spinelab/io/h5.h"
#include "spinelab/io/results.h"

namespace spinelab::io {

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::stringstream ss(s);
  while (std::getline(ss, part, sep)) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

bool ParseDouble(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return *end == '\0' && std::isfinite(*v);
}

// shortest text that reads back to the same double
std::string NumberText(double v) { return fmt::format("{}", v); }

// a group and file name: no path separators, quotes or spaces
std::string SafeName(const std::string& s) {
  std::string o;
  for (char c : s) o += (c == '/' || c == '\\' || c == '"' || c == '\'' || c == ' ' || c == '\t') ? '_' : c;
  return o;
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// splitmix64: a small, fully specified generator (the same sample on every platform and library)
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  uint64_t Below(uint64_t n) { return Next() % n; }  // n is small: the modulo bias is below 1e-12
};



std::string BaseOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string ShardFile(const std::string& shard_dir, const PlannedRun& run) { return shard_dir + "/" + run.name + ".h5"; }

// the headline results of a run, as attributes of its group (a shard carries its own index row)
constexpr const char* kRowDoubles[] = {"peak_disc_shear_N",   "peak_disc_shear_change_N", "peak_annulus_shear_stress_Pa",
                                       "peak_capsule_strain", "peak_fracture_risk",       "peak_artery_strain",
                                       "nearest_pop_fraction"};
constexpr int kNumRowDoubles = sizeof(kRowDoubles) / sizeof(kRowDoubles[0]);
double* RowDouble(IndexRow& r, int k) {
  double* p[] = {&r.peak_disc_shear_N,   &r.peak_disc_shear_change_N, &r.peak_annulus_shear_stress_Pa,
                 &r.peak_capsule_strain, &r.peak_fracture_risk,       &r.peak_artery_strain,
                 &r.nearest_pop_fraction};
  static_assert(sizeof(p) / sizeof(p[0]) == kNumRowDoubles);
  return p[k];
}

}  // namespace

std::mutex& H5Mutex() {
  static std::mutex m;
  return m;
}

// [SECTION] plans

Expected<SweepAxis> ParseSweep(const std::string& spec) {
  const size_t eq = spec.find('=');
  auto bad = [&](const std::string& why) {
    return Expected<SweepAxis>(std::vector<Diagnostic>{{"--sweep", spec, why}});
  };
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    return bad("must be key.path=start:stop:count or key.path=a,b,c (e.g. subject.body_mass_kg=60:90:4)");
  SweepAxis a;
  a.key = Trim(spec.substr(0, eq));
  const std::string v = spec.substr(eq + 1);
  if (v.find(':') != std::string::npos) {
    const auto p = Split(v, ':');
    double count = 0;
    if (p.size() != 3 || !ParseDouble(Trim(p[0]), &a.start) || !ParseDouble(Trim(p[1]), &a.stop) ||
        !ParseDouble(Trim(p[2]), &count))
      return bad("range '" + v + "' must be start:stop:count with numbers (e.g. 60:90:4)");
    if (count < 1 || count != std::floor(count) || count > 100000)
      return bad("count '" + Trim(p[2]) + "' must be a whole number from 1 to 100000");
    a.is_range = true;
    const int n = static_cast<int>(count);
    for (int i = 0; i < n; ++i)
      a.values.push_back(NumberText(n == 1 ? a.start : a.start + (a.stop - a.start) * i / (n - 1)));
    return a;
  }
  for (const std::string& raw : Split(v, ',')) {
    const std::string x = Trim(raw);
    if (x.empty()) return bad("list '" + v + "' has an empty value");
    double d;
    a.numeric = a.numeric && ParseDouble(x, &d);
    a.values.push_back(x);
  }
  return a;
}

Expected<BatchPlan> PlanBatch(const BatchRequest& q) {
  std::vector<Diagnostic> errors;
  std::vector<SweepAxis> axes;
  std::set<std::string> keys;
  for (const std::string& s : q.sweeps) {
    auto a = ParseSweep(s);
    if (!a) {
      errors.insert(errors.end(), a.errors().begin(), a.errors().end());
      continue;
    }
    if (!keys.insert(a.value().key).second) errors.push_back({"--sweep", a.value().key, "is swept twice"});
    axes.push_back(std::move(a).value());
  }
  if (q.samples < 0 || q.samples > 1000000)
    errors.push_back({"--samples", std::to_string(q.samples), "must be from 1 to 1000000"});
  if (q.samples > 0 && axes.empty()) errors.push_back({"--samples", std::to_string(q.samples), "needs at least one --sweep to sample"});
  if (q.scenario_files.empty()) errors.push_back({"", "scenarios", "give at least one scenario file"});
  BatchPlan plan;
  std::string spec = "spinelab batch v1\n";
  std::vector<std::string> texts;
  for (const std::string& f : q.scenario_files) {
    std::ifstream in(f);
    if (!in) {
      errors.push_back({f, "", "cannot read scenario file (does it exist?)"});
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    spec += fmt::format("scenario {} {:016x}\n", BaseOf(f), Fnv1a(ss.str()));
  }
  if (!errors.empty()) return errors;
  for (const std::string& s : q.set) spec += "set " + s + "\n";
  for (const std::string& s : q.sweeps) spec += "sweep " + s + "\n";
  if (q.samples > 0) spec += fmt::format("samples {} seed {}\n", q.samples, q.seed);
  plan.spec = spec;
  for (const SweepAxis& a : axes) {
    plan.swept_keys.push_back(a.key);
    // a sampled range draws numbers; a sampled list picks its values
    plan.swept_numeric.push_back(a.numeric);
  }

  // the points: rows of value texts, one per swept key
  std::vector<std::vector<std::string>> points;
  if (q.samples > 0) {
    // Latin hypercube: each axis cut into `samples` equal strata, each stratum used once, strata
    // paired at random between axes, a uniform point inside each stratum
    Rng rng{q.seed};
    const int n = q.samples;
    points.assign(static_cast<size_t>(n), std::vector<std::string>(axes.size()));
    for (size_t d = 0; d < axes.size(); ++d) {
      std::vector<int> perm(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
      for (int i = n - 1; i > 0; --i) std::swap(perm[static_cast<size_t>(i)], perm[rng.Below(static_cast<uint64_t>(i) + 1)]);
      for (int i = 0; i < n; ++i) {
        const double u = (perm[static_cast<size_t>(i)] + rng.Uniform()) / n;
        const SweepAxis& a = axes[d];
        points[static_cast<size_t>(i)][d] =
            a.is_range ? NumberText(a.start + u * (a.stop - a.start))
                       : a.values[std::min(a.values.size() - 1, static_cast<size_t>(u * a.values.size()))];
      }
    }
  } else {
    // Cartesian product, the first sweep varying slowest
    points.emplace_back();
    for (const SweepAxis& a : axes) {
      std::vector<std::vector<std::string>> next;
      for (const auto& p : points)
        for (const std::string& v : a.values) {
          next.push_back(p);
          next.back().push_back(v);
        }
      points = std::move(next);
    }
  }

  std::set<std::string> names;
  for (const std::string& f : q.scenario_files) {
    std::string stem = BaseOf(f);
    if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".toml") stem.resize(stem.size() - 5);
    for (const auto& p : points) {
      PlannedRun r;
      r.scenario_file = f;
      r.scenario_name = stem;
      r.values = p;
      r.overrides = q.set;
      r.name = stem;
      for (size_t d = 0; d < p.size(); ++d) {
        r.overrides.push_back(axes[d].key + "=" + p[d]);
        double v;
        // names stay short: numbers to 4 significant digits (the index and parameters have them exactly)
        r.name += "__" + axes[d].key + "=" + (ParseDouble(p[d], &v) ? fmt::format("{:.4g}", v) : p[d]);
      }
      r.name = SafeName(r.name);
      if (!names.insert(r.name).second) {
        const std::string base = r.name;
        for (int k = 2; !names.insert(r.name = base + "__" + std::to_string(k)).second; ++k) {
        }
      }
      plan.runs.push_back(std::move(r));
    }
  }
  return plan;
}

// [SECTION] runs

RunRecord ExecuteRun(const BatchPlan& plan, int index, const sim::SpineParams& params,
                     const std::function<bool()>& cancelled) {
  const PlannedRun& p = plan.runs[static_cast<size_t>(index)];
  RunRecord rec;
  IndexRow& row = rec.row;
  row.batch_index = index;
  row.run = p.name;
  row.scenario = p.scenario_name;
  row.values = p.values;
  auto sc = sim::LoadScenario(p.scenario_file, p.overrides);
  if (!sc) {
    row.error = sc.ErrorText();
    return rec;
  }
  rec.scenario = std::move(sc).value();
  // the run stopped by the predicate (not one that ended before it said stop)
  const std::function<bool()> stop = [&] { return cancelled && (rec.cancelled = cancelled()); };
  auto r = sim::RunScenario(*rec.scenario, params, stop);
  if (rec.cancelled) return rec;
  if (!r) {
    row.error = r.ErrorText();
    return rec;
  }
  rec.result = std::move(r).value();
  const sim::ScenarioResult& res = *rec.result;
  row.status = res.status;
  row.error = res.error;
  row.cavitations = static_cast<int64_t>(res.cavitations.size());
  const sim::ScenarioSummary s = sim::Summarize(*rec.scenario, res);
  const sim::ScenarioHeadline h = sim::Headline(s);
  row.peak_disc_shear_N = h.peak_shear_N;
  row.peak_disc_shear_change_N = h.peak_shear_change_N;
  row.peak_capsule_strain = h.peak_capsule_strain;
  row.peak_fracture_risk = h.peak_fracture_risk;
  row.worst_level = h.worst_level;
  row.peak_annulus_shear_stress_Pa = h.peak_annulus_shear_Pa;
  row.peak_artery_strain = h.peak_artery_strain;
  row.nearest_pop_fraction = s.closest_pop_fraction();
  return rec;
}

Expected<int> CheckPlannedRuns(const BatchPlan& plan, const BatchRequest& request) {
  const std::vector<std::string>& files = request.scenario_files;
  std::vector<std::string> first_error(files.size());
  std::vector<int> bad(files.size(), 0), total(files.size(), 0);
  for (const PlannedRun& r : plan.runs) {
    const size_t f = static_cast<size_t>(std::find(files.begin(), files.end(), r.scenario_file) - files.begin());
    if (f >= files.size()) continue;
    ++total[f];
    auto s = sim::LoadScenario(r.scenario_file, r.overrides);
    if (!s && !bad[f]++) first_error[f] = s.ErrorText();
  }
  std::string errors;
  int invalid = 0;
  for (size_t f = 0; f < bad.size(); ++f) {
    if (bad[f] == total[f] && total[f] > 0) errors += first_error[f] + "\n";
    invalid += bad[f];
  }
  if (!errors.empty()) return std::vector<Diagnostic>{{"", "", "invalid scenario or value (no run could start):\n" + errors}};
  return invalid;
}

// [SECTION] shards

std::string ShardDirFor(const std::string& study_path) {
  std::string base = study_path;
  if (base.size() > 3 && base.substr(base.size() - 3) == ".h5") base.resize(base.size() - 3);
  return base + ".runs";
}

Expected<ShardImage> BuildShard(const BatchPlan& plan, const RunRecord& rec) {
  const PlannedRun& p = plan.runs[static_cast<size_t>(rec.row.batch_index)];
  auto fail = [&](const std::string& why) { return Expected<ShardImage>(std::vector<Diagnostic>{{"", p.name, why}}); };
  ShardImage out;
  out.row = rec.row;
  std::lock_guard<std::mutex> lock(H5Mutex());
  auto f = CreateMemoryFile();
  if (!f) return fail(f.ErrorText());
  const H5Handle& F = f.value();
  bool ok = WriteFileHeader(F) && WriteAttr(F, "batch_spec", plan.spec);
  const std::string group = "runs/" + p.name;
  if (ok && rec.scenario && rec.result) {
    auto w = WriteRun(F, p.name, *rec.scenario, *rec.result);
    ok = w.ok();
  } else if (ok) {
    // the run never started (a bad value): the group says what was asked and why it failed
    auto g = Group(F, group);
    ok = g.ok();
    std::string params = "{";
    for (size_t i = 0; i < p.overrides.size(); ++i) params += (i ? ", " : "") + ("\"" + p.overrides[i] + "\"");
    ok = ok && WriteAttr(g.value(), "scenario", p.scenario_name) && WriteAttr(g.value(), "parameters", params + "}") &&
         WriteAttr(g.value(), "status", std::string("failed")) && WriteAttr(g.value(), "error", rec.row.error);
  }
  if (ok) {
    auto g = Group(F, group);
    ok = g.ok();
    const H5Handle& G = g.value();
    ok = ok && WriteAttr(G, "batch_index", rec.row.batch_index) && WriteAttr(G, "cavitations", rec.row.cavitations) &&
         WriteAttr(G, "worst_level", rec.row.worst_level);
    if (rec.scenario && rec.result) ok = ok && WriteAttr(G, "status", rec.row.status);
    IndexRow copy = rec.row;
    for (int k = 0; k < kNumRowDoubles && ok; ++k) ok = WriteAttr(G, kRowDoubles[k], *RowDouble(copy, k));
  }
  if (!ok) return fail("HDF5 could not build the run's file");
  auto bytes = FileImage(F);
  if (!bytes) return fail(bytes.ErrorText());
  out.bytes = std::move(bytes).value();
  return out;
}

Expected<IndexRow> SaveShard(const std::string& shard_dir, const BatchPlan& plan, const ShardImage& image) {
  const PlannedRun& p = plan.runs[static_cast<size_t>(image.row.batch_index)];
  AtomicFile out(ShardFile(shard_dir, p));  // (a shard that exists is complete)
  auto fail = [&](const std::string& why) {
    return Expected<IndexRow>(std::vector<Diagnostic>{{out.temp_path(), p.name, why}});
  };
  // no HDF5 here, so no lock: the other workers go on meanwhile
  if (auto saved = out.Replace(image.bytes); !saved) return fail(saved.errors().front().message);
  return image.row;
}

Expected<IndexRow> WriteShard(const std::string& shard_dir, const BatchPlan& plan, const RunRecord& rec) {
  auto image = BuildShard(plan, rec);
  if (!image) {
    const PlannedRun& p = plan.runs[static_cast<size_t>(rec.row.batch_index)];
    return std::vector<Diagnostic>{{ShardFile(shard_dir, p), p.name, image.errors().front().message}};
  }
  return SaveShard(shard_dir, plan, image.value());
}

namespace {

constexpr const char* kOtherBatch = "was written by a different batch (other scenarios, --set, --sweep or --samples)";

// a double as text that reads back bit for bit (its 64 bits in hex)
std::string BitsText(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return fmt::format("{:016x}", b);
}
double FromBits(const std::string& s) {
  const uint64_t b = std::strtoull(s.c_str(), nullptr, 16);
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// The row of a shard, read in a child process (io::ReadIsolated): a shard on disk may be damaged
// (a disk error, a copy cut short, a hand-edited file), and libhdf5 crashes on some damaged files.
// `other_batch` (optional) is set when the shard is whole but was made by another batch.
Expected<IndexRow> ReadShard(const std::string& shard_dir, const BatchPlan& plan, int index, bool* other_batch) {
  const PlannedRun& p = plan.runs[static_cast<size_t>(index)];
  const std::string path = ShardFile(shard_dir, p), g = "runs/" + p.name;
  std::lock_guard<std::mutex> lock(H5Mutex());  // (no thread inside HDF5 when the reader is forked)
  // the child sends: batch_spec, status, error, worst_level, cavitations, batch_index, the doubles
  auto got = ReadIsolated(path, [&](const H5Handle& F) -> Expected<std::vector<std::string>> {
    auto spec = ReadStringAttr(F, ".", "batch_spec");
    if (!spec) return std::vector<Diagnostic>{{path, "batch_spec", "is not a run file of a batch (no batch_spec)"}};
    if (spec.value() != plan.spec) return std::vector<std::string>{spec.value()};
    auto status = ReadStringAttr(F, g, "status");
    auto error = ReadStringAttr(F, g, "error");
    auto worst = ReadStringAttr(F, g, "worst_level");
    auto cav = ReadIntAttr(F, g, "cavitations");
    auto bi = ReadIntAttr(F, g, "batch_index");
    if (!status || !error || !cav || !worst || !bi || bi.value() != index)
      return std::vector<Diagnostic>{{path, g, "is not a complete run of this batch"}};
    std::vector<std::string> out = {spec.value(), status.value(), error.value(), worst.value(),
                                    std::to_string(cav.value()), std::to_string(bi.value())};
    for (int k = 0; k < kNumRowDoubles; ++k) {
      auto v = ReadDoubleAttr(F, g, kRowDoubles[k]);
      if (!v) return v.errors();
      out.push_back(BitsText(v.value()));
    }
    return out;
  });
  if (!got) return got.errors();
  const std::vector<std::string>& v = got.value();
  if (!v.empty() && v[0] != plan.spec) {
    if (other_batch) *other_batch = true;
    return std::vector<Diagnostic>{{path, "batch_spec", kOtherBatch}};
  }
  if (v.size() != 6 + static_cast<size_t>(kNumRowDoubles))
    return std::vector<Diagnostic>{{path, g, "damaged HDF5 file (its reader sent a bad row)"}};
  IndexRow row;
  row.batch_index = index;
  row.run = p.name;
  row.scenario = p.scenario_name;
  row.values = p.values;
  row.status = v[1];
  row.error = v[2];
  row.worst_level = v[3];
  row.cavitations = std::strtoll(v[4].c_str(), nullptr, 10);
  for (int k = 0; k < kNumRowDoubles; ++k) *RowDouble(row, k) = FromBits(v[6 + static_cast<size_t>(k)]);
  return row;
}

}  // namespace

Expected<IndexRow> ReadShardRow(const std::string& shard_dir, const BatchPlan& plan, int index) {
  return ReadShard(shard_dir, plan, index, nullptr);
}

// [SECTION] the study file

Expected<Study> Study::Open(const std::string& path, const BatchPlan& plan, bool resume, bool overwrite) {
  Study s;
  s.path_ = path;
  s.shard_dir_ = ShardDirFor(path);
  s.plan_ = &plan;
  s.rows_.assign(plan.runs.size(), std::nullopt);
  auto err = [&](const std::string& key, const std::string& why) {
    return Expected<Study>(std::vector<Diagnostic>{{path, key, why}});
  };
  const bool exists = PathExists(path), dir_exists = PathExists(s.shard_dir_);
  if ((exists || dir_exists) && !resume && !overwrite)
    return err("-o", std::string(exists ? "exists" : s.shard_dir_ + " exists") +
                         "; pass --resume to finish that batch or --overwrite to replace it");
  if (resume && overwrite) return err("-o", "--resume and --overwrite exclude each other");
  if (!PathExists(FolderOf(path))) return err("-o", "folder " + FolderOf(path) + " does not exist");
  if (exists && resume) {
    // read in a child (io::ReadIsolated): a damaged file ends the child, not the batch
    std::lock_guard<std::mutex> lock(H5Mutex());
    auto spec = ReadIsolated(path, [](const H5Handle& f) -> Expected<std::vector<std::string>> {
      auto attr = ReadStringAttr(f, ".", "batch_spec");
      return std::vector<std::string>{attr ? attr.value() : std::string()};
    });
    if (!spec)
      return err("-o", "exists but cannot be read as a study file (HDF5) to resume: " + spec.errors().front().message +
                           "; its finished runs in " + s.shard_dir_ + " are kept: remove or move " + path +
                           " and --resume again to rebuild it from them");
    if (spec.value().size() != 1 || spec.value()[0] != plan.spec)
      return err("--resume", "the file was made by a different batch (other scenarios, --set, --sweep or --samples); "
                             "give the same arguments, or --overwrite");
  }
  if (overwrite) {
    // the study and every run file of the folder (an earlier batch may have had other runs)
    std::remove(path.c_str());
    if (DIR* d = opendir(s.shard_dir_.c_str())) {
      while (dirent* e = readdir(d)) {
        const std::string n = e->d_name;
        const bool ours = (n.size() > 3 && n.compare(n.size() - 3, 3, ".h5") == 0) ||
                          (n.size() > 7 && n.compare(n.size() - 7, 7, ".h5.tmp") == 0);
        if (ours) std::remove((s.shard_dir_ + "/" + n).c_str());
      }
      closedir(d);
    }
  }
  if (!PathExists(s.shard_dir_) && ::mkdir(s.shard_dir_.c_str(), 0777) != 0)
    return err("-o", "cannot create the run folder " + s.shard_dir_ + ": " + std::strerror(errno));
  // finished shards of an earlier attempt; half-written ones (*.tmp) are dropped
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    std::remove((ShardFile(s.shard_dir_, plan.runs[i]) + ".tmp").c_str());
    if (!resume || !PathExists(ShardFile(s.shard_dir_, plan.runs[i]))) continue;
    bool other_batch = false;
    auto row = ReadShard(s.shard_dir_, plan, static_cast<int>(i), &other_batch);
    if (!row && other_batch) return row.errors();  // not this batch's to replace
    if (!row) {
      // damaged (or not a whole run): reported, and run again (its file replaced when it is done)
      const std::string file = ShardFile(s.shard_dir_, plan.runs[i]);
      const Diagnostic& d = row.errors().front();
      s.damaged_.push_back({file, "", d.where == file ? Diagnostic{"", d.path, d.message}.Format() : d.Format()});
      continue;
    }
    s.rows_[i] = std::move(row).value();
  }
  auto w = s.WriteStudyFile();  // also proves the file can be written, before anything runs
  if (!w) return w.errors();
  return s;
}

std::vector<int> Study::Todo() const {
  std::vector<int> out;
  for (size_t i = 0; i < rows_.size(); ++i)
    if (!rows_[i]) out.push_back(static_cast<int>(i));
  return out;
}

int Study::done_count() const {
  return static_cast<int>(std::count_if(rows_.begin(), rows_.end(), [](const auto& r) { return r.has_value(); }));
}

int Study::failed_count() const {
  return static_cast<int>(std::count_if(rows_.begin(), rows_.end(), [](const auto& r) { return r && r->status != "ok"; }));
}

Expected<bool> Study::Record(const IndexRow& row) {
  rows_[static_cast<size_t>(row.batch_index)] = row;
  dirty_ = true;
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_write_end_).count();
  // (never put off while the file on disk lists no run: a slow first rewrite on a busy disk
  // would otherwise keep a batch of short runs showing none of them until its end)
  if (since < 20 * last_write_s_ && written_runs_ > 0 && done_count() < static_cast<int>(rows_.size())) return true;
  return WriteStudyFile();
}

Expected<bool> Study::Flush() { return dirty_ ? WriteStudyFile() : Expected<bool>(true); }

Expected<bool> Study::RecordShard(int index) {
  auto row = ReadShardRow(shard_dir_, *plan_, index);
  if (!row) return row.errors();
  return Record(row.value());
}

Expected<bool> Study::WriteStudyFile() {
  const auto t0 = std::chrono::steady_clock::now();
  AtomicFile out(path_);
  auto fail = [&](const std::string& why) { return Expected<bool>(std::vector<Diagnostic>{{path_, "", why}}); };
  std::vector<char> image;
  size_t n = 0;  // runs listed
  {
    std::lock_guard<std::mutex> lock(H5Mutex());
    auto f = CreateMemoryFile();
    if (!f) return fail(f.ErrorText());
    const H5Handle& F = f.value();
    bool ok = WriteFileHeader(F) && WriteAttr(F, "batch_spec", plan_->spec) &&
              WriteAttr(F, "run_folder", BaseOf(shard_dir_)) &&
              WriteAttr(F, "runs_planned", static_cast<int64_t>(plan_->runs.size())) &&
              WriteAttr(F, "runs_done", static_cast<int64_t>(done_count())) &&
              WriteAttr(F, "runs_failed", static_cast<int64_t>(failed_count())) &&
              WriteAttr(F, "index_description",
                        std::string("/index: one row per finished run in plan order: run (the group under /runs), "
                                    "scenario, each swept key, status, error, the headline results; "
                                    "pandas.DataFrame(f['index'][()]) loads it"));
    std::vector<TableColumn> cols;
    auto col = [&](const std::string& name, const std::string& units, TableColumn::Kind kind) {
      cols.push_back({name, units, kind, {}, {}, {}});
      return cols.size() - 1;
    };
    using K = TableColumn::Kind;
    const size_t c_run = col("run", "-", K::kString), c_sc = col("scenario", "-", K::kString);
    const size_t c_key0 = cols.size();
    for (size_t d = 0; d < plan_->swept_keys.size(); ++d)
      col(plan_->swept_keys[d], "as the key in docs/scenarios.md (SI)", plan_->swept_numeric[d] ? K::kDouble : K::kString);
    const size_t c_status = col("status", "-", K::kString), c_err = col("error", "-", K::kString);
    const size_t c_cav = col("cavitations", "count", K::kInt);
    const char* units[] = {"N", "N", "Pa", "-", "-", "-", "-"};
    static_assert(sizeof(units) / sizeof(units[0]) == kNumRowDoubles);
    const size_t c_d0 = cols.size();
    for (int k = 0; k < kNumRowDoubles; ++k) col(kRowDoubles[k], units[k], K::kDouble);
    const size_t c_worst = col("worst_level", "-", K::kString);
    for (const auto& r : rows_) {
      if (!r) continue;
      ++n;
      ok = ok && WriteExternalLink(F, "runs/" + r->run, BaseOf(shard_dir_) + "/" + r->run + ".h5", "/runs/" + r->run);
      cols[c_run].s.push_back(r->run);
      cols[c_sc].s.push_back(r->scenario);
      for (size_t d = 0; d < plan_->swept_keys.size(); ++d) {
        TableColumn& c = cols[c_key0 + d];
        double v = std::numeric_limits<double>::quiet_NaN();
        if (c.kind == K::kDouble) ParseDouble(r->values[d], &v), c.d.push_back(v); else c.s.push_back(r->values[d]);
      }
      cols[c_status].s.push_back(r->status);
      cols[c_err].s.push_back(r->error);
      cols[c_cav].i.push_back(r->cavitations);
      IndexRow copy = *r;
      for (int k = 0; k < kNumRowDoubles; ++k) cols[c_d0 + static_cast<size_t>(k)].d.push_back(*RowDouble(copy, k));
      cols[c_worst].s.push_back(r->worst_level);
    }
    if (n == 0) ok = ok && Group(F, "runs").ok();
    ok = ok && WriteTable(F, "index", cols, n,
                          "one row per finished run (plan order); headline results are peaks over the run, changes "
                          "from the run's baseline where the name says change");
    if (!ok) return fail("HDF5 could not build the study file");
    auto bytes = FileImage(F);
    if (!bytes) return fail(bytes.ErrorText());
    image = std::move(bytes).value();
  }
  if (auto saved = out.Replace(image); !saved) return fail(saved.errors().front().message);
  dirty_ = false;
  written_runs_ = static_cast<int>(n);
  last_write_end_ = std::chrono::steady_clock::now();
  last_write_s_ = std::chrono::duration<double>(last_write_end_ - t0).count();
  return true;
}

// [SECTION] the study's runner

StudyRunner::StudyRunner(Study* study) : study_(study), todo_(study->Todo()) {}

int StudyRunner::Next() {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_ < todo_.size() && !stopped_ ? todo_[next_++] : -1;
}

bool StudyRunner::Done(const Expected<IndexRow>& row) {
  Expected<bool> w = row.errors();
  if (row) {  // (the study file rewritten: the workers meanwhile take their next runs)
    std::lock_guard<std::mutex> lock(record_mutex_);
    w = study_->Record(row.value());
  }
  if (!w) Stop(w.ErrorText());  // the first failure is the cause
  return w.ok();
}

bool StudyRunner::DoneElsewhere(int index) {
  Expected<bool> w = true;
  {
    std::lock_guard<std::mutex> lock(record_mutex_);
    w = study_->RecordShard(index);
  }
  if (!w) Stop(w.ErrorText());
  return w.ok();
}

void StudyRunner::Stop(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_.empty()) error_ = why;
  stopped_ = true;
}

std::string StudyRunner::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

PoolHooks StudyRunner::Hooks() {
  PoolHooks h;
  h.next = [this] { return Next(); };
  h.on_done = [this](const Expected<IndexRow>& row) { return Done(row); };
  return h;
}

// [SECTION] the pool


PoolStats RunPool(const BatchPlan& plan, const sim::SpineParams& params, const std::string& shard_dir, int threads,
                  const PoolHooks& hooks) {
  // workers simulate and build each run's file in memory; one writer thread puts the files on
  // disk (write, sync, rename) while the workers go on with the next runs
  using Clock = std::chrono::steady_clock;
  const int n_workers = std::max(1, threads);
  PoolStats stats;
  std::mutex m;
  std::condition_variable cv;        // the caller: something finished, or a thread ended
  std::condition_variable cv_write;  // the writer: an image is queued; the workers: the queue has room
  std::deque<Expected<IndexRow>> finished;
  std::deque<ShardImage> to_write;
  std::mutex next_mutex;
  bool stop = false;
  int workers_left = n_workers;
  bool writer_done = false;
  auto seconds = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  auto worker = [&] {
    while (true) {
      int i;
      {
        std::lock_guard<std::mutex> lock(next_mutex);
        {
          std::lock_guard<std::mutex> l2(m);
          if (stop) break;
        }
        i = hooks.next();
      }
      if (i < 0) break;
      const auto t0 = Clock::now();
      const RunRecord rec = ExecuteRun(plan, i, params, hooks.cancelled);
      if (rec.cancelled) continue;  // dropped: a resume runs it again
      const auto t1 = Clock::now();
      auto image = BuildShard(plan, rec);
      const auto t2 = Clock::now();
      std::unique_lock<std::mutex> lock(m);
      ++stats.runs;
      stats.run_s += seconds(t0, t1);
      stats.build_s += seconds(t1, t2);
      if (!image) {
        const PlannedRun& p = plan.runs[static_cast<size_t>(i)];
        finished.push_back(std::vector<Diagnostic>{{ShardFile(shard_dir, p), p.name, image.errors().front().message}});
        cv.notify_one();
        continue;
      }
      // at most one image per worker waits for the disk (memory stays bounded)
      cv_write.wait(lock, [&] { return static_cast<int>(to_write.size()) < n_workers || stop; });
      to_write.push_back(std::move(image).value());
      cv_write.notify_all();
    }
    std::lock_guard<std::mutex> lock(m);
    --workers_left;
    cv_write.notify_all();
    cv.notify_one();
  };
  auto writer = [&] {
    std::unique_lock<std::mutex> lock(m);
    while (true) {
      cv_write.wait(lock, [&] { return !to_write.empty() || workers_left == 0; });
      if (to_write.empty()) break;  // every worker has ended and everything is written
      ShardImage image = std::move(to_write.front());
      to_write.pop_front();
      cv_write.notify_all();
      lock.unlock();
      const auto t0 = Clock::now();
      auto row = SaveShard(shard_dir, plan, image);
      const auto t1 = Clock::now();
      lock.lock();
      stats.save_s += seconds(t0, t1);
      finished.push_back(std::move(row));
      cv.notify_one();
    }
    writer_done = true;
    cv.notify_one();
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < n_workers; ++t) pool.emplace_back(worker);
  std::thread writer_thread(writer);
  std::unique_lock<std::mutex> lock(m);
  while (true) {
    cv.wait_for(lock, std::chrono::milliseconds(2), [&] { return !finished.empty() || writer_done; });
    while (!finished.empty()) {
      Expected<IndexRow> row = std::move(finished.front());
      finished.pop_front();
      lock.unlock();
      const bool go_on = hooks.on_done(row);
      lock.lock();
      if (!go_on) {
        stop = true;
        cv_write.notify_all();
      }
    }
    if (writer_done && finished.empty()) break;
    if (hooks.poll) {
      lock.unlock();
      hooks.poll();
      lock.lock();
    }
  }
  lock.unlock();
  for (std::thread& t : pool) t.join();
  writer_thread.join();
  return stats;
}

}  // namespace spinelab::io

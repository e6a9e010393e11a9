// spinelab._core: the C++ library bound for Python (docs/python.md). The package around it
// (python/spinelab/__init__.py) adds the pandas tables and the friendly signatures; everything
// that simulates, reads or writes is here and calls the library the CLI calls:
//   run       sim::LoadScenario(Text) + sim::RunScenario, as `spinelab run`
//   save      io::ResultsFile, as `spinelab run -o` (in memory, then io::AtomicFile)
//   load      io::ReadRun + io::StoredScenario (the run's model: its model_text)
//   batch     io::PlanBatch, io::CheckPlannedRuns, io::Study, io::StudyRunner, io::RunPool
//   Simulation sim::ScenarioRunner, as the viewer's live and explore mode
// The GIL is released while simulating; Ctrl-C (SIGINT) is checked every ~50 ms of wall time
// with the GIL taken back for the check, and stops the run (or the batch) cleanly.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "spinelab/anatomy/spine.h"
#include "spinelab/batch/batch.h"
#include "spinelab/io/results.h"
#include "spinelab/io/run_layout.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/sim/world.h"

namespace py = pybind11;

namespace spinelab::python {

namespace {

// [SECTION] errors

// A library error on its way to Python: which exception class of spinelab._errors to raise, and
// every diagnostic (file:line, key, message), as the CLI prints them.
struct PyInputError {
  const char* kind;  // "ScenarioError", "ModelError", "ResultsError", "BatchError"
  std::vector<Diagnostic> diagnostics;
};

[[noreturn]] void Throw(const char* kind, const std::vector<Diagnostic>& d) { throw PyInputError{kind, d}; }
[[noreturn]] void Throw(const char* kind, const std::string& message) { Throw(kind, {Diagnostic{"", "", message}}); }

template <class T>
T Take(Expected<T>&& e, const char* kind) {
  if (!e) Throw(kind, e.errors());
  return std::move(e).value();
}

void Translate(const PyInputError& e) {
  py::module_ errors = py::module_::import("spinelab._errors");
  py::list diags;
  for (const Diagnostic& d : e.diagnostics) diags.append(py::make_tuple(d.where, d.path, d.message));
  py::object exc = errors.attr(e.kind)(InputError::Join(e.diagnostics), diags);
  PyErr_SetObject(exc.get_type().ptr(), exc.ptr());
}

// [SECTION] Ctrl-C

// Asked before every step while the GIL is released: every ~50 ms it takes the GIL back and lets
// Python handle pending signals (PyErr_CheckSignals runs the SIGINT handler, which sets
// KeyboardInterrupt). Once that says stop, it stays stopped; Raise() then raises what was set.
class Interrupt {
 public:
  bool operator()() {
    if (stopped_) return true;
    if (++calls_ % 64 != 0) return false;  // (a clock read per step costs more than the check)
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(50)) return false;
    last_ = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      error_ = std::make_unique<py::error_already_set>();  // fetched: raised again by Raise()
      stopped_ = true;
    }
    return stopped_;
  }
  bool stopped() const { return stopped_; }
  // with the GIL held
  void Raise() {
    if (error_) {
      error_->restore();
      error_.reset();
      throw py::error_already_set();
    }
  }
  ~Interrupt() {
    if (error_) {
      py::gil_scoped_acquire gil;
      error_.reset();
    }
  }

 private:
  std::atomic<bool> stopped_{false};  // (read by the batch's workers)
  uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::unique_ptr<py::error_already_set> error_;
};

// [SECTION] inputs

std::vector<std::string> Strings(const py::handle& v) {
  std::vector<std::string> out;
  if (v.is_none()) return out;
  for (py::handle h : v) out.push_back(py::str(h));
  return out;
}

// a scenario from a path or from its text (the text names it `name`.toml in messages)
sim::Scenario LoadScenarioArg(const std::string& path_or_text, bool is_text, const std::string& name,
                              const std::vector<std::string>& overrides) {
  auto sc = is_text ? sim::LoadScenarioText(path_or_text, name + ".toml", overrides) : sim::LoadScenario(path_or_text, overrides);
  return Take(std::move(sc), "ScenarioError");
}

// the model: "" the default file, a model file, FILE.h5:RUN (the model stored with a run), or the
// text of a model (`is_text`: e.g. a Result's model_text)
sim::SpineParams LoadModelArg(const std::string& spec, bool is_text, const std::string& name) {
  if (is_text) return Take(sim::LoadSpineParamsText(spec, name), "ModelError");
  std::lock_guard<std::mutex> lock(io::H5Mutex());  // FILE.h5:RUN reads HDF5
  return Take(io::LoadModelSpec(spec.empty() ? sim::DefaultSpineModelPath() : spec), "ModelError");
}

// [SECTION] Result

py::array ColumnArray(std::shared_ptr<io::RunColumn> c, io::RunDataset::Kind kind) {
  std::vector<py::ssize_t> shape(c->dims.begin(), c->dims.end());
  if (kind == io::RunDataset::Kind::kString) {
    py::array out(py::dtype("O"), shape);
    auto* p = static_cast<PyObject**>(out.mutable_data());
    for (size_t i = 0; i < c->s.size(); ++i) {
      Py_XDECREF(p[i]);
      p[i] = py::str(c->s[i]).release().ptr();
    }
    return out;
  }
  // zero-copy: the array's memory is the column's, kept alive by a capsule
  auto* owner = new std::shared_ptr<io::RunColumn>(c);
  py::capsule base(owner, [](void* o) { delete static_cast<std::shared_ptr<io::RunColumn>*>(o); });
  py::array out = kind == io::RunDataset::Kind::kDouble ? py::array(py::dtype::of<double>(), shape, c->d.data(), base)
                                                         : py::array(py::dtype::of<int64_t>(), shape, c->i.data(), base);
  py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return out;
}

// A run: its scenario (as it ran: text and overrides), its record and where it came from.
class Result {
 public:
  Result(sim::Scenario scenario, sim::ScenarioResult result, std::string run)
      : scenario_(std::move(scenario)), result_(std::move(result)), run_(std::move(run)) {}
  Result(io::StoredRun stored, sim::Scenario scenario)
      : scenario_(std::move(scenario)), result_(std::move(stored.result)), run_(stored.run), stored_(std::move(stored)) {}

  const std::string& run() const { return run_; }
  const sim::Scenario& scenario() const { return scenario_; }
  const sim::ScenarioResult& result() const { return result_; }

  // the datasets this run has (an optional one with nothing to hold is absent, as in the file)
  std::vector<std::string> Keys() const {
    std::vector<std::string> out;
    for (const io::RunDataset& d : io::RunDatasets())
      if (Column(d)) out.push_back(d.name);
    return out;
  }
  py::array Get(const std::string& name) const {
    for (const io::RunDataset& d : io::RunDatasets())
      if (name == d.name) {
        auto c = Column(d);
        if (!c) break;
        return ColumnArray(c, d.kind);
      }
    std::string list;
    for (const std::string& k : Keys()) list += (list.empty() ? "" : ", ") + k;
    throw py::key_error("'" + name + "' is not a dataset of this run (docs/hdf5.md); datasets: " + list);
  }
  py::dict Units() const {
    py::dict out;
    for (const io::RunDataset& d : io::RunDatasets())
      if (Column(d)) out[d.name] = d.units;
    return out;
  }
  py::dict Shapes() const {
    py::dict out;
    for (const io::RunDataset& d : io::RunDatasets())
      if (Column(d)) out[d.name] = std::string(*d.shape ? d.shape : d.axes);
    return out;
  }
  // the run group's attributes, as WriteRun writes them (io::RunAttributes); a loaded run keeps
  // the version that wrote it
  py::dict Attrs() const {
    py::dict a;
    for (const io::RunAttribute& x : io::RunAttributes(scenario_, result_))
      std::visit([&](const auto& v) { a[x.name.c_str()] = v; }, x.value);
    if (stored_) a[io::run_attr::kVersion] = stored_->spinelab_version;
    return a;
  }
  std::string File() const { return stored_ ? stored_->file : std::string(); }
  // per level, SI (the CLI's table; angles in rad)
  py::dict Summary() const {
    const sim::ScenarioSummary s = sim::Summarize(scenario_, result_);
    constexpr double kRadPerDeg = 3.14159265358979323846 / 180.0;
    py::dict cols;
    auto col = [&](const char* name, auto get) {
      py::list v;
      for (const sim::LevelSummary& l : s.levels) v.append(get(l));
      cols[name] = v;
    };
    col("level", [](const sim::LevelSummary& l) { return l.level; });
    col("peak_flexion_rad", [&](const sim::LevelSummary& l) { return l.peak_rotation_deg[0] * kRadPerDeg; });
    col("peak_lateral_bending_rad", [&](const sim::LevelSummary& l) { return l.peak_rotation_deg[1] * kRadPerDeg; });
    col("peak_axial_rotation_rad", [&](const sim::LevelSummary& l) { return l.peak_rotation_deg[2] * kRadPerDeg; });
    col("peak_disc_shear_N", [](const sim::LevelSummary& l) { return l.peak_shear_N; });
    col("peak_disc_shear_change_N", [](const sim::LevelSummary& l) { return l.peak_shear_change_N; });
    col("peak_annulus_shear_stress_Pa", [](const sim::LevelSummary& l) { return l.peak_annulus_shear_Pa; });
    col("peak_facet_contact_N", [](const sim::LevelSummary& l) { return l.peak_facet_contact_N; });
    col("peak_capsule_strain", [](const sim::LevelSummary& l) { return l.peak_capsule_strain; });
    col("baseline_capsule_strain", [](const sim::LevelSummary& l) { return l.baseline_capsule_strain; });
    col("idp_baseline_Pa", [](const sim::LevelSummary& l) { return l.idp_baseline_Pa; });
    col("idp_change_Pa", [](const sim::LevelSummary& l) { return l.idp_change_Pa; });
    col("facet_opening_left_m", [](const sim::LevelSummary& l) { return l.facet_opening_m[0]; });
    col("facet_opening_right_m", [](const sim::LevelSummary& l) { return l.facet_opening_m[1]; });
    col("peak_fracture_risk", [](const sim::LevelSummary& l) { return l.peak_fracture_risk; });
    col("nociceptor_strain", [](const sim::LevelSummary& l) { return l.nociceptor_strain; });
    col("pain_strain", [](const sim::LevelSummary& l) { return l.pain_strain; });
    py::dict run;
    const sim::ScenarioHeadline h = sim::Headline(s);
    run["baseline_time_s"] = s.baseline_time_s;
    run["cavitations"] = s.cavitations;
    run["closest_pop_facet"] = s.closest_pop_facet >= 0 ? py::object(py::str(result_.facet_names[s.closest_pop_facet])) : py::none();
    run["closest_pop_pressure_Pa"] = s.closest_pop_pressure_Pa;
    run["closest_pop_threshold_Pa"] = s.closest_pop_threshold_Pa;
    run["nearest_pop_fraction"] = s.closest_pop_fraction();
    run["peak_annulus_shear_stress_Pa"] = h.peak_annulus_shear_Pa;
    run["worst_level"] = h.worst_level;
    run["peak_disc_shear_N"] = h.peak_shear_N;
    run["peak_disc_shear_change_N"] = h.peak_shear_change_N;
    run["peak_capsule_strain"] = h.peak_capsule_strain;
    run["peak_fracture_risk"] = h.peak_fracture_risk;
    run["peak_artery_strain"] = s.has_arteries ? py::object(py::float_(h.peak_artery_strain)) : py::none();
    // per drive (docs/scenarios.md "Drives"): what its servo gave (the drives/ datasets per sample)
    py::dict drives;
    auto dcol = [&](const char* name, auto get) {
      py::list v;
      for (const sim::ScenarioSummary::Drive& x : s.drives) v.append(get(x));
      drives[name] = v;
    };
    dcol("drive", [](const sim::ScenarioSummary::Drive& x) { return x.name; });
    dcol("peak_torque_Nm", [](const sim::ScenarioSummary::Drive& x) { return x.peak_torque_Nm; });
    dcol("limit_Nm", [](const sim::ScenarioSummary::Drive& x) { return x.limit_Nm; });
    dcol("saturated_s", [](const sim::ScenarioSummary::Drive& x) { return x.saturated_s; });
    dcol("peak_rotation_rad", [](const sim::ScenarioSummary::Drive& x) { return x.peak_rotation_rad; });
    dcol("target_rad", [](const sim::ScenarioSummary::Drive& x) { return x.target_rad; });
    return py::dict(py::arg("columns") = cols, py::arg("run") = run, py::arg("drives") = drives);
  }
  // the file the CLI writes for this run (`run -o`; a loaded run under its stored name)
  void Save(const std::string& path, bool overwrite) const {
    std::lock_guard<std::mutex> lock(io::H5Mutex());
    io::ResultsFile f = Take(io::ResultsFile::Create(path, overwrite, "save", "overwrite=True"), "ResultsError");
    Take(f.Add(run_, scenario_, result_), "ResultsError");
    Take(f.Commit(), "ResultsError");
  }

 private:
  // the dataset's value: as stored (a loaded run) or from the record (what the writer writes);
  // null for an optional dataset with nothing to hold
  std::shared_ptr<io::RunColumn> Column(const io::RunDataset& d) const {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(d.name);
    if (it != cache_.end()) return it->second;
    std::shared_ptr<io::RunColumn> c;
    if (stored_) {
      auto s = stored_->columns.find(d.name);  // (moved out: each column is asked for once, then cached)
      if (s != stored_->columns.end()) c = std::make_shared<io::RunColumn>(std::move(s->second));
    } else {
      io::RunColumn v = io::RunValue(d, result_);
      if (!io::RunAbsent(d, v.dims)) c = std::make_shared<io::RunColumn>(std::move(v));
    }
    cache_[d.name] = c;
    return c;
  }
  sim::Scenario scenario_;
  sim::ScenarioResult result_;
  std::string run_;
  mutable std::optional<io::StoredRun> stored_;  // (its columns move into the cache)
  mutable std::mutex cache_mutex_;
  mutable std::map<std::string, std::shared_ptr<io::RunColumn>> cache_;
};

std::shared_ptr<Result> Run(const std::string& path_or_text, bool is_text, const std::string& name,
                            const py::object& overrides, const std::string& model, bool model_is_text) {
  const std::vector<std::string> set = Strings(overrides);
  const sim::SpineParams params = LoadModelArg(model, model_is_text, name + " model");
  sim::Scenario sc = LoadScenarioArg(path_or_text, is_text, name, set);
  // checked against the model before anything runs, as the CLI does
  if (std::vector<Diagnostic> bad = sim::Validate(sc, params); !bad.empty()) Throw("ScenarioError", bad);
  Interrupt interrupt;
  Expected<sim::ScenarioResult> r = std::vector<Diagnostic>{};
  {
    py::gil_scoped_release release;
    r = sim::RunScenario(sc, params, [&] { return interrupt(); });
  }
  interrupt.Raise();
  sim::ScenarioResult res = Take(std::move(r), "ScenarioError");
  std::string run = sc.name;
  return std::make_shared<Result>(std::move(sc), std::move(res), std::move(run));
}

std::vector<std::string> ListRuns(const std::string& path) {
  std::lock_guard<std::mutex> lock(io::H5Mutex());
  return Take(io::ListRuns(path), "ResultsError");
}

std::shared_ptr<Result> Load(const std::string& path, const std::string& run) {
  io::StoredRun stored = [&] {
    std::lock_guard<std::mutex> lock(io::H5Mutex());
    return Take(io::ReadRun(path, run), "ResultsError");
  }();
  sim::Scenario sc = Take(io::StoredScenario(stored), "ScenarioError");
  return std::make_shared<Result>(std::move(stored), std::move(sc));
}

// [SECTION] batch

// `spinelab batch` in this process: the same plan, checks, study file, runner and pool. Returns
// (the study file, whether Ctrl-C stopped it); the index is read from the file.
py::tuple Batch(const std::vector<std::string>& files, const std::vector<std::string>& set, const std::vector<std::string>& sweeps,
                int samples, uint64_t seed, int jobs, const std::string& out, bool resume, bool overwrite, const std::string& model,
                bool model_is_text) {
  const sim::SpineParams params = LoadModelArg(model, model_is_text, "batch model");
  io::BatchRequest request;
  request.scenario_files = files;
  request.set = set;
  request.sweeps = sweeps;
  request.samples = samples;
  request.seed = seed;
  const io::BatchPlan plan = Take(io::PlanBatch(request), "BatchError");
  const int invalid = Take(io::CheckPlannedRuns(plan, request), "BatchError");
  if (invalid > 0) {
    auto warnings = py::module_::import("warnings");
    warnings.attr("warn")(std::to_string(invalid) + " of " + std::to_string(plan.runs.size()) +
                          " runs have a value their scenario does not allow; they will be recorded as failed");
  }
  io::Study study = Take(io::Study::Open(out, plan, resume, overwrite), "BatchError");
  for (const Diagnostic& d : study.damaged())  // (a damaged run file of the earlier attempt: run again)
    py::module_::import("warnings").attr("warn")(d.Format() + "; that run is run again");
  io::StudyRunner runner(&study);
  io::PoolHooks hooks = runner.Hooks();
  Interrupt interrupt;
  hooks.poll = [&] {
    if (!runner.stopped() && interrupt()) runner.Stop();
  };
  // Ctrl-C stops the runs under way too (they are dropped: resume=True runs them again)
  hooks.cancelled = [&] { return interrupt.stopped(); };
  {
    py::gil_scoped_release release;
    io::RunPool(plan, params, study.shard_dir(), std::max(1, jobs), hooks);
  }
  if (auto w = study.Flush(); !w) runner.Stop(w.ErrorText());
  if (!runner.error().empty())
    Throw("BatchError", "stopped: " + runner.error() + "\n" + std::to_string(study.done_count()) + " of " +
                            std::to_string(plan.runs.size()) + " runs are safe in " + out + " (finish with resume=True)");
  if (interrupt.stopped())
    py::print("spinelab.batch: interrupted; " + std::to_string(study.done_count()) + " of " + std::to_string(plan.runs.size()) +
                  " runs are safe in " + out + " (finish with resume=True)",
              py::arg("file") = py::module_::import("sys").attr("stderr"));
  interrupt.Raise();
  return py::make_tuple(out, interrupt.stopped());
}

// [SECTION] Simulation

// A scenario one step at a time: the viewer's live runner (sim::ScenarioRunner).
class Simulation {
 public:
  Simulation(const std::string& path_or_text, bool is_text, const std::string& name, const py::object& overrides,
             const std::string& model, bool model_is_text) {
    const sim::SpineParams params = LoadModelArg(model, model_is_text, name + " model");
    sc_ = LoadScenarioArg(path_or_text, is_text, name, Strings(overrides));
    Expected<sim::ScenarioRunner> r = std::vector<Diagnostic>{};
    Interrupt interrupt;  // Ctrl-C while it settles into the posture
    {
      py::gil_scoped_release release;  // (Create settles the posture)
      r = sim::ScenarioRunner::Create(sc_, params, [&] { return interrupt(); });
    }
    interrupt.Raise();
    runner_.emplace(Take(std::move(r), "ScenarioError"));
  }
  // n steps (fewer when the run ends); true while it goes on
  bool Step(int64_t n) {
    if (n < 0) throw py::value_error("step(n): n = " + std::to_string(n) + " must be >= 0");
    Interrupt interrupt;
    {
      py::gil_scoped_release release;
      for (int64_t i = 0; i < n && !runner_->done() && !interrupt(); ++i) runner_->Step();
    }
    interrupt.Raise();
    return !runner_->done();
  }
  bool done() const { return runner_->done(); }
  double time_s() const { return runner_->world().state().time_s; }
  double end_s() const { return sc_.duration_s; }
  double dt_s() const { return sc_.dt_s; }
  int64_t step_index() const { return runner_->world().state().step_index; }
  std::string status() const { return runner_->result().status; }
  std::string error() const { return runner_->result().error; }
  std::vector<std::string> bodies() const {
    std::vector<std::string> out;
    for (const auto& b : runner_->model().bodies) out.push_back(b.name);
    return out;
  }
  std::vector<std::string> levels() const {
    std::vector<std::string> out;
    for (const auto& l : runner_->model().joints) out.push_back(l.name);
    return out;
  }
  py::dict State() const {
    const sim::State& s = runner_->world().state();
    const size_t B = s.bodies.size();
    py::array_t<double> p({B, size_t{3}}), q({B, size_t{4}}), v({B, size_t{3}}), w({B, size_t{3}});
    auto P = p.mutable_unchecked<2>(), Q = q.mutable_unchecked<2>(), V = v.mutable_unchecked<2>(), W = w.mutable_unchecked<2>();
    for (size_t b = 0; b < B; ++b) {
      const sim::BodyState& x = s.bodies[b];
      for (int k = 0; k < 3; ++k) P(b, k) = x.p_WB[k], V(b, k) = x.v_WB[k], W(b, k) = x.w_WB[k];
      Q(b, 0) = x.q_WB.w(), Q(b, 1) = x.q_WB.x(), Q(b, 2) = x.q_WB.y(), Q(b, 3) = x.q_WB.z();
    }
    py::dict out;
    out["time_s"] = s.time_s;
    out["step_index"] = s.step_index;
    out["bodies"] = bodies();
    out["position_m"] = p;
    out["orientation"] = q;
    out["velocity_m_per_s"] = v;
    out["angular_velocity_rad_per_s"] = w;
    return out;
  }
  py::dict Facets() const {
    const sim::World& world = runner_->world();
    const auto& joints = runner_->model().synovial_joints;
    const size_t F = joints.size();
    std::vector<std::string> names;
    py::array_t<double> gap(F), pressure(F), contact(F), strain(F), radius(F);
    for (size_t i = 0; i < F; ++i) {
      const sim::SynovialJointOutput& f = world.outputs().synovial_joints[i];
      names.push_back(joints[i].name);
      gap.mutable_at(i) = f.gap_m;
      pressure.mutable_at(i) = f.pressure_Pa;
      contact.mutable_at(i) = f.contact_force_N;
      strain.mutable_at(i) = f.capsule_strain;
      radius.mutable_at(i) = world.state().capsules[i].radius_m;
    }
    py::dict out;
    out["name"] = names;
    out["gap_m"] = gap;
    out["fluid_pressure_Pa"] = pressure;
    out["contact_force_N"] = contact;
    out["capsule_strain"] = strain;
    out["bubble_radius_m"] = radius;
    return out;
  }
  // an extra force [N] and moment [N m] about the body's COM on top of the scenario's loads,
  // until changed: world axes, or the body's own (x anterior, y left, z up) turned into world
  // axes now, as the viewer's explore panel does
  void Apply(const py::object& body, const std::array<double, 3>& force_N, const std::array<double, 3>& torque_Nm, bool body_frame) {
    const sim::ModelDesc& m = runner_->model();
    sim::BodyId id = -1;
    if (py::isinstance<py::str>(body)) {
      const std::string name = py::str(body);
      id = m.FindBody(name);
      if (id < 0) {
        std::string list;
        for (const auto& b : m.bodies) list += (list.empty() ? "" : ", ") + b.name;
        throw py::key_error("apply: '" + name + "' is not a body of the model; bodies: " + list);
      }
    } else {
      id = body.cast<sim::BodyId>();
      if (id < 0 || id >= static_cast<sim::BodyId>(m.bodies.size()))
        throw py::index_error("apply: body " + std::to_string(id) + " out of range [0, " + std::to_string(m.bodies.size()) + ")");
    }
    Vec3 F(force_N[0], force_N[1], force_N[2]), T(torque_Nm[0], torque_Nm[1], torque_Nm[2]);
    if (!F.allFinite() || !T.allFinite()) throw py::value_error("apply: force_N and torque_Nm must be finite");
    if (body_frame) {
      const Mat3 R = runner_->world().state().bodies[id].q_WB.toRotationMatrix();
      F = R * F;
      T = R * T;
    }
    runner_->SetExtraLoad(id, F, T);
  }
  // what has been recorded so far, as a Result
  std::shared_ptr<Result> Record() const {
    sim::ScenarioResult r = runner_->result();
    return std::make_shared<Result>(sc_, std::move(r), sc_.name);
  }

 private:
  sim::Scenario sc_;
  std::optional<sim::ScenarioRunner> runner_;
};

}  // namespace
}  // namespace spinelab::python

PYBIND11_MODULE(_core, m) {
  using namespace spinelab;
  using namespace spinelab::python;
  m.doc() = "spinelab's C++ library (the spinelab package wraps it; docs/python.md)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const PyInputError& e) {
      Translate(e);
    } catch (const InputError& e) {
      Translate(PyInputError{"SpinelabError", e.diagnostics()});
    }
  });
  m.attr("version") = SPINELAB_VERSION;
  m.def("default_model_path", &sim::DefaultSpineModelPath, "the model file runs use when none is given");

  py::class_<Result, std::shared_ptr<Result>>(m, "Result")
      .def_property_readonly("run", &Result::run)
      .def("keys", &Result::Keys)
      .def("__getitem__", &Result::Get)
      .def("units", &Result::Units)
      .def("shapes", &Result::Shapes)
      .def("attrs", &Result::Attrs)
      .def_property_readonly("file", &Result::File)
      .def("summary", &Result::Summary)
      .def("save", &Result::Save, py::arg("path"), py::arg("overwrite"));

  m.def("run", &Run, py::arg("path_or_text"), py::arg("is_text"), py::arg("name"), py::arg("overrides"), py::arg("model"),
        py::arg("model_is_text"));
  m.def("list_runs", &ListRuns, py::arg("path"));
  m.def("load", &Load, py::arg("path"), py::arg("run"));
  m.def("batch", &Batch, py::arg("files"), py::arg("set"), py::arg("sweeps"), py::arg("samples"), py::arg("seed"),
        py::arg("jobs"), py::arg("out"), py::arg("resume"), py::arg("overwrite"), py::arg("model"), py::arg("model_is_text"));

  py::class_<Simulation>(m, "Simulation")
      .def(py::init<const std::string&, bool, const std::string&, const py::object&, const std::string&, bool>(),
           py::arg("path_or_text"), py::arg("is_text"), py::arg("name"), py::arg("overrides"), py::arg("model"),
           py::arg("model_is_text"))
      .def("step", &Simulation::Step, py::arg("n"))
      .def_property_readonly("done", &Simulation::done)
      .def_property_readonly("time_s", &Simulation::time_s)
      .def_property_readonly("end_s", &Simulation::end_s)
      .def_property_readonly("dt_s", &Simulation::dt_s)
      .def_property_readonly("step_index", &Simulation::step_index)
      .def_property_readonly("status", &Simulation::status)
      .def_property_readonly("error", &Simulation::error)
      .def_property_readonly("bodies", &Simulation::bodies)
      .def_property_readonly("levels", &Simulation::levels)
      .def("state", &Simulation::State)
      .def("facets", &Simulation::Facets)
      .def("apply", &Simulation::Apply, py::arg("body"), py::arg("force_N"), py::arg("torque_Nm"), py::arg("body_frame"))
      .def("result", &Simulation::Record);
}

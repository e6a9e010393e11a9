// `spinelab batch`: many scenario runs and parameter variations into one study file, on threads
// and (under mpirun) on MPI ranks; completed runs survive a kill and --resume skips them.
// docs/batch.md describes it for users.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#ifdef SPINELAB_HAVE_MPI
#include <mpi.h>
#endif

#include "commands.h"
#include "spinelab/batch/batch.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/anatomy/spine.h"

namespace spinelab::cli {

namespace {

struct BatchArgs {
  io::BatchRequest request;
  std::string output;
  int threads = 0;
  bool resume = false, overwrite = false, quiet = false;
};

using Clock = std::chrono::steady_clock;

std::string Duration(double s) {
  const long t = std::lround(std::max(s, 0.0));
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60) : fmt::format("{}:{:02}", t / 60, t % 60);
}

/// Progress on stderr: a bar redrawn in place on a terminal, a line per step of progress otherwise.
class Progress {
 public:
  Progress(int total, int already, bool quiet) : total_(total), already_(already), quiet_(quiet), tty_(isatty(2)) {}
  void Update(int done, int failed) {
    if (quiet_ || total_ == 0) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const int fresh = done - already_;
    const double left = fresh > 0 ? elapsed / fresh * (total_ - done) : 0;
    const int width = 30, filled = width * done / total_;
    const std::string line = fmt::format("[{}{}] {}/{} runs, {} failed, {} elapsed, {} left", std::string(filled, '#'),
                                         std::string(width - filled, '.'), done, total_, failed, Duration(elapsed),
                                         fresh > 0 ? Duration(left) : std::string("?"));
    if (tty_) {
      std::fprintf(stderr, "\r%s\033[K", line.c_str());
      if (done == total_) std::fprintf(stderr, "\n");
    } else {
      // about twenty lines per batch
      const int step = std::max(1, total_ / 20);
      if (done == total_ || done / step != last_ / step) std::fprintf(stderr, "%s\n", line.c_str());
    }
    last_ = done;
  }

 private:
  int total_, already_;
  bool quiet_, tty_;
  int last_ = -1;
  Clock::time_point start_ = Clock::now();
};

bool LaunchedByMpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

// MPI message tags
constexpr int kTagRequest = 1, kTagIndex = 2, kTagDone = 3, kTagFinished = 4, kTagAbort = 5;

int Batch(const CommonOptions& c, BatchArgs& a) {
  int rank = 0, ranks = 1;
#ifdef SPINELAB_HAVE_MPI
  const bool mpi = LaunchedByMpi();
  if (mpi) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  }
  struct Finalize {
    bool on;
    ~Finalize() {
      if (on) MPI_Finalize();
    }
  } finalize{mpi};
#else
  if (LaunchedByMpi()) {
    std::fprintf(stderr, "spinelab batch: this build has no MPI (libopenmpi-dev missing at build time); every rank would run the whole batch\n");
    return 2;
  }
#endif
  const bool root = rank == 0;
  auto report = [&](const std::string& what) {
    if (root) std::fprintf(stderr, "spinelab batch: %s\n", what.c_str());
  };

  // everything is checked before anything runs (each rank checks the same, so all agree)
  auto params = io::LoadModelSpec(c.model_path);  // a model file, or FILE.h5:RUN
  if (!params) return report("invalid model file:\n" + params.ErrorText()), 2;
  auto plan_or = io::PlanBatch(a.request);
  if (!plan_or) return report("invalid batch:\n" + plan_or.ErrorText()), 2;
  const io::BatchPlan& plan = plan_or.value();
  // a value no run can use (an unknown key, a malformed --set) stops the batch here; a value
  // only some runs cannot use (out of range in part of a sweep) is recorded as their failure
  auto invalid = io::CheckPlannedRuns(plan, a.request);
  if (!invalid) return report(invalid.ErrorText()), 2;
  if (invalid.value() && root)
    std::fprintf(stderr, "spinelab batch: %d of %zu runs have a value their scenario does not allow; they will be recorded as failed\n",
                 invalid.value(), plan.runs.size());
  // default: one thread per core, or one per rank under MPI (ranks are placed one per core)
  const int threads = a.threads > 0 ? a.threads : ranks > 1 ? 1 : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  std::unique_ptr<io::Study> study;
  int open_ok = 1;
  if (root) {
    auto s = io::Study::Open(a.output, plan, a.resume, a.overwrite);
    if (!s) {
      report(s.ErrorText());
      open_ok = 0;
    } else {
      study = std::make_unique<io::Study>(std::move(s).value());
    }
  }
#ifdef SPINELAB_HAVE_MPI
  if (mpi) MPI_Bcast(&open_ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
  if (!open_ok) return 2;
  const std::string shard_dir = io::ShardDirFor(a.output);

  const auto t0 = Clock::now();
  // rank 0 hands out the runs (to its threads and, under MPI, to the other ranks) and records them
  std::unique_ptr<io::StudyRunner> runner = root ? std::make_unique<io::StudyRunner>(study.get()) : nullptr;
  const size_t todo = root ? study->Todo().size() : 0;
  const int already = root ? study->done_count() : 0;
  if (root)
    for (const Diagnostic& d : study->damaged())
      std::fprintf(stderr, "spinelab batch: %s; that run is run again\n", d.Format().c_str());
  if (root && already)
    std::fprintf(stderr, "spinelab batch: resuming %s: %d of %zu runs already done\n", a.output.c_str(), already, plan.runs.size());
  if (root && !a.quiet)
    std::fprintf(stderr, "spinelab batch: %zu runs to do on %d rank%s x %d thread%s\n", todo, ranks, ranks > 1 ? "s" : "", threads,
                 threads > 1 ? "s" : "");
  Progress progress(static_cast<int>(plan.runs.size()), already, a.quiet || !root);
  std::vector<int> runs_by_rank(static_cast<size_t>(ranks), 0);

  io::PoolHooks hooks;
  if (root) {
    hooks = runner->Hooks();
    hooks.on_done = [&](const Expected<io::IndexRow>& row) {
      if (!runner->Done(row)) return false;
      ++runs_by_rank[0];
      progress.Update(study->done_count(), study->failed_count());
      return true;
    };
  }
#ifdef SPINELAB_HAVE_MPI
  std::mutex mpi_mutex;
  int finished_ranks = 0;
  // rank 0: hand out indices, record the shards other ranks finished
  auto serve = [&] {
    while (true) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
      if (!flag) return;
      int msg[2] = {0, 0};
      MPI_Recv(msg, 2, MPI_INT, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (st.MPI_TAG == kTagRequest) {
        const int i = runner->Next();
        MPI_Send(&i, 1, MPI_INT, st.MPI_SOURCE, kTagIndex, MPI_COMM_WORLD);
      } else if (st.MPI_TAG == kTagDone) {
        runner->DoneElsewhere(msg[0]);
        ++runs_by_rank[static_cast<size_t>(st.MPI_SOURCE)];
        progress.Update(study->done_count(), study->failed_count());
      } else if (st.MPI_TAG == kTagAbort) {
        runner->Stop(fmt::format("rank {} could not write a run (its message is above)", st.MPI_SOURCE));
      } else if (st.MPI_TAG == kTagFinished) {
        ++finished_ranks;
      }
    }
  };
  if (mpi && ranks > 1) {
    if (root) {
      hooks.poll = serve;
    } else {
      hooks.next = [&] {
        std::lock_guard<std::mutex> lock(mpi_mutex);
        const int req[2] = {rank, 0};
        MPI_Send(req, 2, MPI_INT, 0, kTagRequest, MPI_COMM_WORLD);
        int i = -1;
        MPI_Recv(&i, 1, MPI_INT, 0, kTagIndex, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        return i;
      };
      hooks.on_done = [&](const Expected<io::IndexRow>& row) {
        std::lock_guard<std::mutex> lock(mpi_mutex);
        if (!row) {
          std::fprintf(stderr, "spinelab batch (rank %d): %s\n", rank, row.ErrorText().c_str());
          const int msg[2] = {-1, 0};
          MPI_Send(msg, 2, MPI_INT, 0, kTagAbort, MPI_COMM_WORLD);
          return false;
        }
        const int msg[2] = {static_cast<int>(row.value().batch_index), 0};
        MPI_Send(msg, 2, MPI_INT, 0, kTagDone, MPI_COMM_WORLD);
        return true;
      };
    }
  }
#endif
  const io::PoolStats stats = io::RunPool(plan, params.value(), shard_dir, threads, hooks);
#ifdef SPINELAB_HAVE_MPI
  if (mpi && ranks > 1) {
    if (root) {
      while (finished_ranks < ranks - 1) {
        serve();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    } else {
      const int msg[2] = {rank, 0};
      MPI_Send(msg, 2, MPI_INT, 0, kTagFinished, MPI_COMM_WORLD);
    }
  }
#endif
  if (!root) return 0;
  if (auto w = study->Flush(); !w) runner->Stop(w.ErrorText());
  const std::string write_error = runner->error();

  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const int done = study->done_count(), failed = study->failed_count();
  const int fresh = done - already;
  if (!write_error.empty()) {
    std::fprintf(stderr, "\nspinelab batch: stopped: %s\n%d of %zu runs are safe in %s (finish with --resume)\n", write_error.c_str(),
                 done, plan.runs.size(), a.output.c_str());
    return 4;
  }
  std::printf("batch: %d runs (%d new, %d resumed): %d ok, %d failed; %s wall, %.1f runs/min\n", done, fresh, already, done - failed,
              failed, Duration(wall).c_str(), wall > 0 ? 60.0 * fresh / wall : 0.0);
  if (stats.runs > 0)
    std::printf("time per run%s: %.3f s simulating, %.3f s building its file (%.1f %% more), %.3f s writing it to disk "
                "(beside the next runs)\n",
                ranks > 1 ? " on rank 0" : "", stats.run_s / stats.runs, stats.build_s / stats.runs,
                100 * stats.build_s / std::max(stats.run_s, 1e-9), stats.save_s / stats.runs);
  // the headline results: every run when there are few, otherwise their range
  const auto& rows = study->rows();
  if (!a.quiet && done > 0 && done <= 40) {
    std::printf("%-56s %-6s %5s %6s %10s %10s %8s %7s\n", "run", "status", "pops", "near %", "shear N", "dshear N", "capsule", "fract");
    for (const auto& r : rows)
      if (r)
        std::printf("%-56s %-6s %5lld %6.0f %10.1f %10.1f %8.3f %7.2f\n", r->run.c_str(), r->status.c_str(),
                    static_cast<long long>(r->cavitations), 100 * r->nearest_pop_fraction, r->peak_disc_shear_N,
                    r->peak_disc_shear_change_N, r->peak_capsule_strain, r->peak_fracture_risk);
  } else if (!a.quiet && done > 40) {
    auto range = [&](const char* name, auto get) {
      std::vector<double> v;
      for (const auto& r : rows)
        if (r && r->status == "ok") v.push_back(get(*r));
      if (v.empty()) return;
      std::sort(v.begin(), v.end());
      std::printf("  %-28s min %10.3f  median %10.3f  max %10.3f\n", name, v.front(), v[v.size() / 2], v.back());
    };
    std::printf("headline results over the ok runs:\n");
    range("cavitations", [](const io::IndexRow& r) { return static_cast<double>(r.cavitations); });
    range("nearest pop [fraction]", [](const io::IndexRow& r) { return r.nearest_pop_fraction; });
    range("peak disc shear [N]", [](const io::IndexRow& r) { return r.peak_disc_shear_N; });
    range("peak shear added [N]", [](const io::IndexRow& r) { return r.peak_disc_shear_change_N; });
    range("peak capsule strain [-]", [](const io::IndexRow& r) { return r.peak_capsule_strain; });
    range("peak fracture risk [-]", [](const io::IndexRow& r) { return r.peak_fracture_risk; });
  }
  if (ranks > 1) {
    std::string by;
    for (int r = 0; r < ranks; ++r) by += fmt::format("{}rank {}: {}", r ? ", " : "", r, runs_by_rank[static_cast<size_t>(r)]);
    std::printf("runs per rank: %s\n", by.c_str());
  }
  int listed = 0;
  for (const auto& r : study->rows())
    if (r && r->status != "ok" && listed++ < 10) {
      const std::string first = r->error.substr(0, r->error.find('\n'));
      std::printf("  failed: %s: %s\n", r->run.c_str(), first.c_str());
    }
  std::printf("wrote %s (index: /index; each run under /runs/, stored in %s/)\n", a.output.c_str(), shard_dir.c_str());
  return failed ? 3 : 0;
}

}  // namespace

void AddBatchCommand(CLI::App& app, CommonOptions& common, int* exit_code) {
  auto a = std::make_shared<BatchArgs>();
  CLI::App* b = app.add_subcommand("batch", "many runs and parameter sweeps into one study file (docs/batch.md)");
  b->add_option("scenarios", a->request.scenario_files, "scenario files")->required()->check(CLI::ExistingFile);
  b->add_option("-o,--output", a->output, "study file (HDF5); its runs go to the folder beside it (study.runs/)")->required();
  b->add_option("--set", a->request.set, "override a value in every run: key.path=value (repeatable)");
  b->add_option("--sweep", a->request.sweeps,
                "vary a value: key.path=start:stop:count or key.path=a,b,c (repeatable; several form a product)");
  b->add_option("--samples", a->request.samples, "Latin hypercube sample of N points over the swept ranges instead of the product")
      ->check(CLI::Range(1, 1000000));
  b->add_option("--seed", a->request.seed, "seed of the sample");
  b->add_option("-j,--threads", a->threads, "worker threads per process (default: one per core; under MPI one per rank)")
      ->check(CLI::Range(1, 256));
  b->add_flag("--resume", a->resume, "finish an interrupted batch, keeping its completed runs");
  b->add_flag("--overwrite", a->overwrite, "replace an existing study file and its runs");
  b->add_flag("-q,--quiet", a->quiet, "no progress bar");
  b->callback([&common, a, exit_code] { *exit_code = Batch(common, *a); });
}

}  // namespace spinelab::cli

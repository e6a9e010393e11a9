#pragma once
/// @file batch.h
/// Batches of scenario runs into one study file (`spinelab batch`, docs/batch.md).
///
/// A plan is every scenario times every point of the sweeps (a Cartesian product, or a Latin
/// hypercube sample over the swept ranges). Each run is written, as soon as it finishes, to a
/// shard file of its own in the study's shard folder (written to a temporary name, synced, then
/// renamed: a shard that exists is complete). The study file itself holds the schema header, the
/// batch description, an external link /runs/<run> to every finished shard and the /index table;
/// it is rewritten to a temporary name and renamed after every finished run, so a SIGKILL at any
/// moment leaves it and every finished run readable, and `--resume` finds the shards and skips
/// them.
///
/// HDF5 (Debian's serial build) is not thread-safe: every call made here holds H5Mutex().

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spinelab/scenario/scenario.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/status.h"

namespace spinelab::io {

/// One swept key: its values as TOML value text (what `--set key=value` would take).
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;  ///< list form, or the `count` points of a range
  bool is_range = false;            ///< start:stop:count (a Latin hypercube samples [start, stop])
  double start = 0, stop = 0;
  bool numeric = true;              ///< every value is a number (the index column is a float)
};

/// "key=start:stop:count" (count evenly spaced numbers, both ends included) or "key=a,b,c".
Expected<SweepAxis> ParseSweep(const std::string& spec);

struct PlannedRun {
  std::string name;                 ///< group and shard name: scenario plus swept key=value pairs
  std::string scenario_file;
  std::string scenario_name;
  std::vector<std::string> values;  ///< [swept key] value text of this run
  std::vector<std::string> overrides;  ///< the --set values, then the swept key=value pairs
};

struct BatchPlan {
  std::vector<std::string> swept_keys;
  std::vector<bool> swept_numeric;
  std::vector<PlannedRun> runs;
  std::string spec;  ///< canonical description of the batch (arguments and scenario texts); resume checks it
};

struct BatchRequest {
  std::vector<std::string> scenario_files;
  std::vector<std::string> set;      ///< key=value for every run
  std::vector<std::string> sweeps;   ///< --sweep specs
  int samples = 0;                   ///< > 0: Latin hypercube of this many points instead of the product
  uint64_t seed = 1;                 ///< the sample's seed
};

/// Expands the request into runs. Malformed sweeps and unreadable scenario files are errors.
Expected<BatchPlan> PlanBatch(const BatchRequest& request);

/// The headline results of one run: a row of /index.
struct IndexRow {
  int64_t batch_index = -1;          ///< position in the plan
  std::string run, scenario;
  std::vector<std::string> values;   ///< swept values (text)
  std::string status = "failed", error;
  int64_t cavitations = 0;
  double peak_disc_shear_N = 0;           ///< [N] largest disc shear force at any level
  double peak_disc_shear_change_N = 0;    ///< [N] largest shear the technique adds (vector change from baseline)
  double peak_annulus_shear_stress_Pa = 0;///< [Pa] largest annulus shear stress change from baseline
  double peak_capsule_strain = 0;         ///< [-] largest facet capsule strain (incl. pre-strain)
  double peak_fracture_risk = 0;          ///< [-] vertebral load over strength
  double peak_artery_strain = 0;          ///< [-] neck scenarios (0 otherwise)
  /// [-] how near the nearest joint came to a pop: its lowest fluid pressure over the pressure
  /// at which it cracks (1: it popped; 0: no joint under suction)
  double nearest_pop_fraction = 0;
  std::string worst_level;                ///< level of the largest annulus shear stress
};

/// What one run produced: the scenario (when it loaded), its record (when it ran) and the row.
struct RunRecord {
  std::optional<sim::Scenario> scenario;
  std::optional<sim::ScenarioResult> result;
  IndexRow row;
  bool cancelled = false;  ///< stopped by the cancel predicate: not a result (a resume runs it again)
};

/// Every planned run's scenario loaded with its values, before anything runs (the CLI's batch
/// and Python's spinelab.batch): a scenario file none of whose runs can start (an unknown key, a
/// malformed --set) is an error, with its first message; otherwise the number of runs whose
/// values their scenario does not allow (e.g. a sweep reaching below a key's range), which will
/// be recorded as failed while the rest run.
Expected<int> CheckPlannedRuns(const BatchPlan& plan, const BatchRequest& request);

/// Loads and runs one planned run. Never throws: a bad value or an unstable run is a failed row
/// with its error. `cancelled` (optional) is asked before every step: true stops the run, which
/// comes back with `cancelled` set.
RunRecord ExecuteRun(const BatchPlan& plan, int index, const sim::SpineParams& params,
                     const std::function<bool()>& cancelled = {});

/// Serialises every HDF5 call of the batch (the library is not thread-safe).
std::mutex& H5Mutex();

/// The study file and its shard folder (only one process, MPI rank 0, owns it).
class Study {
 public:
  /// Prepares `path` for `plan`: an existing file (or shard folder) is an error unless `resume`
  /// (then it must have been made by the same batch; its finished shards are kept) or
  /// `overwrite` (then it is replaced). Checks that the file and its folder can be written
  /// before anything runs.
  static Expected<Study> Open(const std::string& path, const BatchPlan& plan, bool resume, bool overwrite);

  const std::string& path() const { return path_; }
  const std::string& shard_dir() const { return shard_dir_; }
  /// Plan indices still to run, in plan order.
  std::vector<int> Todo() const;
  int done_count() const;
  int failed_count() const;
  /// Records a finished run and rewrites the study file (temporary name, then rename). In a big
  /// study the rewrite costs more than a short run: it is then put off until the time since the
  /// last one is 20x what that one took (the run itself is safe in its shard meanwhile, and
  /// --resume finds it), so rewriting never takes more than ~5 % of the batch; never while the
  /// file lists no run yet.
  Expected<bool> Record(const IndexRow& row);
  /// Reads a finished shard's row (another process wrote it) and records it.
  Expected<bool> RecordShard(int index);
  /// Writes the study file if a recorded run is not in it yet (at the end of a batch).
  Expected<bool> Flush();
  const std::vector<std::optional<IndexRow>>& rows() const { return rows_; }
  /// The finished runs of an earlier attempt that --resume could not read (a damaged file: each
  /// names its file and why); they are run again like the runs never started.
  const std::vector<Diagnostic>& damaged() const { return damaged_; }

 private:
  Expected<bool> WriteStudyFile();
  std::string path_, shard_dir_;
  bool dirty_ = false;
  int written_runs_ = 0;                          ///< runs the study file on disk lists
  double last_write_s_ = 0;                       ///< [s] wall time the last rewrite took
  std::chrono::steady_clock::time_point last_write_end_;
  const BatchPlan* plan_ = nullptr;
  std::vector<std::optional<IndexRow>> rows_;
  std::vector<Diagnostic> damaged_;
};

/// The shard folder of a study file: "study.h5" -> "study.runs".
std::string ShardDirFor(const std::string& study_path);
/// A run's file built in memory, with its index row.
struct ShardImage {
  IndexRow row;
  std::vector<char> bytes;
};
Expected<ShardImage> BuildShard(const BatchPlan& plan, const RunRecord& record);
/// Puts a built file on disk (temporary name, fsync, rename); on failure (disk full, no
/// permission) nothing is left behind and the error names the file.
Expected<IndexRow> SaveShard(const std::string& shard_dir, const BatchPlan& plan, const ShardImage& image);
/// BuildShard and SaveShard.
Expected<IndexRow> WriteShard(const std::string& shard_dir, const BatchPlan& plan, const RunRecord& record);
/// Reads the index row stored in a finished shard, in a child process (io::ReadIsolated): a
/// damaged shard is an error naming its file, never a crash. Holds H5Mutex.
Expected<IndexRow> ReadShardRow(const std::string& shard_dir, const BatchPlan& plan, int index);

/// How a pool gets its work and reports it (a single process, or one MPI rank).
struct PoolHooks {
  /// The next plan index to run, or -1 when there is none. Called by the workers, one at a time.
  std::function<int()> next;
  /// A run finished (its shard written) or its shard could not be written. Called on the thread
  /// that called RunPool; returning false stops the pool taking new runs.
  std::function<bool(const Expected<IndexRow>&)> on_done;
  /// Called on that thread about every 2 ms while it waits (an MPI rank 0 serves its ranks here).
  std::function<void()> poll;
  /// Optional, asked by the workers before every step of their runs (any thread): true stops
  /// the runs under way; they are dropped (no file, not reported), so a resume runs them again.
  std::function<bool()> cancelled;
};

class Study;

/// A study's runs still to do in this process, handed out to a pool and recorded as they finish:
/// the one driver of `spinelab batch` (MPI rank 0 included, whose ranks take their runs here too)
/// and of Python's spinelab.batch. Thread-safe.
class StudyRunner {
 public:
  /// The runs of `study` not finished yet (Study::Todo), in plan order.
  explicit StudyRunner(Study* study);
  /// The next plan index to run, or -1 once every run is handed out or after Stop().
  int Next();
  /// Records a finished run (PoolHooks::on_done). False, and stopped, when its file or the study
  /// file could not be written: error() says why (the first such failure).
  bool Done(const Expected<IndexRow>& row);
  /// Records a run another process finished (MPI): its shard's row read and recorded.
  bool DoneElsewhere(int index);
  /// Hands out no more runs; those running finish and are recorded (Ctrl-C). `why` becomes
  /// error() when there is none yet ("" : a stop that is no error).
  void Stop(const std::string& why = "");
  bool stopped() const { return stopped_; }
  std::string error() const;
  /// hooks.next and hooks.on_done of this runner (poll left empty).
  PoolHooks Hooks();

 private:
  Study* study_;
  std::vector<int> todo_;
  size_t next_ = 0;
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;    // next_, error_
  std::mutex record_mutex_;     // the study (its rows and file)
  std::string error_;
};

/// Where a pool spent its time (summed over its threads) [s].
struct PoolStats {
  int runs = 0;
  double run_s = 0;    ///< loading and simulating the scenarios (workers)
  double build_s = 0;  ///< building the runs' files in memory (workers: adds to each run)
  double save_s = 0;   ///< writing, syncing and renaming them (the writer thread, beside the workers)
};

/// Runs plan indices taken from hooks.next on `threads` worker threads; each worker builds its
/// run's file in memory and one writer thread puts the files on disk. Returns when every taken
/// run is written (or has failed) and reported.
PoolStats RunPool(const BatchPlan& plan, const sim::SpineParams& params, const std::string& shard_dir, int threads,
                  const PoolHooks& hooks);

}  // namespace spinelab::io

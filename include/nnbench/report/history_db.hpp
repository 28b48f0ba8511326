// The results history: every run also goes into an SQLite database (results/history.db by
// default), one transaction per run, so that trends across commits and regressions against the
// previous run on the same machine can be read back without the result directories.
// Tables: runs (run facts, commit, machine, the run and environment JSON), variants (benchmark,
// variant, status, the variant record JSON without samples), statistics (one row per metric: value,
// unit, direction, count, mean, std, min, max, median, percentiles, the median's confidence
// interval) and samples (every raw sample). WAL journal and a busy timeout: several processes
// may record at once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnbench/core/result.hpp"
#include "nnbench/report/result_reader.hpp"

namespace nnbench::report {

// Whether this build has SQLite (libsqlite3-dev at configure time).
bool history_supported();

// "<hostname> | <cpu model> | <gpu names>": runs compare only with runs of the same machine.
std::string machine_of(const Environment& environment);

struct HistoryRun {
  std::string run_id, started_at, git_commit, machine;
  bool git_dirty = false;
  std::size_t variants = 0, ok = 0;
};

struct TrendPoint {
  std::string run_id, started_at, git_commit, status;
  bool git_dirty = false;
  std::optional<double> value, median_ci_low, median_ci_high;  // absent when not ok
  std::size_t samples = 0;
  std::string unit;
};

class HistoryDb {
 public:
  enum class Access {
    ReadWrite,  // created (with its folder) where missing; switched to write-ahead logging
    ReadOnly,   // must exist; never written to, so a database one cannot write can be read
  };
  // Opens the database at `path`. A file that is neither empty nor an nnbench history (another
  // SQLite database, any other file) is refused before anything is written to it. Throws
  // UnavailableError in a build without SQLite, IoError naming the file when it cannot be opened
  // or is not an nnbench history.
  static HistoryDb open(const std::filesystem::path& path, Access access = Access::ReadWrite);

  // Whether a run with this id is stored.
  bool has_run(const std::string& run_id) const;
  ~HistoryDb();
  HistoryDb(HistoryDb&&) noexcept;
  HistoryDb& operator=(HistoryDb&&) noexcept;

  // Stores a finished run and its results in one transaction (all or nothing). Throws InputError
  // when the run id is already stored, IoError when writing fails.
  void record(const std::vector<Result>& results, const RunInfo& run_info);

  // Every stored run, oldest first (by start time, then run id).
  std::vector<HistoryRun> runs() const;
  // One stored run as the result reader gives it (samples included). Throws InputError when the
  // run id is unknown.
  LoadedRun load(const std::string& run_id) const;
  // The metric of one variant in every run that has it, oldest first.
  std::vector<TrendPoint> trend(const std::string& benchmark, const std::string& variant,
                                const std::string& metric) const;
  // For every (benchmark, variant) of `machine`'s runs: the ids of its last two runs there with
  // status ok, latest first; variants with fewer than two are left out.
  struct VariantPair {
    std::string benchmark, variant, latest_run, previous_run;
  };
  std::vector<VariantPair> latest_pairs(const std::string& machine) const;
  // The machine of the most recent run, or empty when there is none.
  std::string latest_machine() const;

  struct Connection;  // the SQLite handle (history_db.cpp)

 private:
  explicit HistoryDb(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connection_;
};

}  // namespace nnbench::report

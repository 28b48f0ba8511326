// A run's journal: what survives a crash. While a run goes on, its partial directory holds
// `.journal/run.json` (the run as it was asked for: id, command line, configuration and its hash,
// the machine) and `.journal/results.jsonl`, one line per finished variant, each appended and
// flushed to disk (fsync) as the variant ends. A run killed by SIGKILL, the OOM killer or a crash
// keeps every finished variant; `nnbench run --resume DIR` reads the journal back, runs the rest
// and finishes the run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench::report {

struct JournaledRun {
  RunInfo run_info;
  std::vector<Result> results;  // the finished variants, in the order they finished
};

class RunJournal {
 public:
  // Starts the journal of a new run in `run_dir` (its partial directory): writes run.json and an
  // empty results.jsonl, both flushed to disk with the folder. Throws IoError.
  static RunJournal start(const std::filesystem::path& run_dir, const RunInfo& run_info);
  // Continues the journal of an interrupted run (results are appended after its own).
  static RunJournal resume(const std::filesystem::path& run_dir, const RunInfo& run_info);

  // Appends one finished variant as one line and flushes it to disk before returning. Throws
  // IoError.
  void append(const Result& result) const;

  const std::filesystem::path& directory() const { return directory_; }

 private:
  RunJournal(std::filesystem::path directory, RunInfo run_info)
      : directory_(std::move(directory)), run_info_(std::move(run_info)) {}
  std::filesystem::path directory_;
  RunInfo run_info_;
};

// Whether `run_dir` holds a journal.
bool has_journal(const std::filesystem::path& run_dir);

// Reads a journal back. A last line cut short by a crash is left out; anything else malformed is
// an InputError naming the file and line.
JournaledRun read_journal(const std::filesystem::path& run_dir);

// Removes the journal of a finished run (its result files now hold everything).
void remove_journal(const std::filesystem::path& run_dir);

}  // namespace nnbench::report

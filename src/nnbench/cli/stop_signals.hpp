// Ctrl-C, SIGTERM and SIGHUP during a run. The first asks the run to stop between samples (the
// variants not run are recorded as skipped, everything is written); a second one stops the
// process at once, with exit code 130: the variants that finished are in the run's journal
// (report/run_journal.hpp), so `nnbench run --resume DIR` can finish the run. Private to the cli.
#pragma once

#include <atomic>
#include <string>

namespace nnbench::cli {

// While alive, the three signals go to nnbench's handler; the previous handlers come back when it
// is destroyed. `hint` is printed by the second signal before the process exits (where the
// finished variants are); it is copied. One at a time per process.
class StopSignals {
 public:
  explicit StopSignals(const std::string& hint);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // True once a signal asked the run to stop.
  static const std::atomic<bool>& stop_requested();

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
  void (*previous_hup_)(int);
};

}  // namespace nnbench::cli

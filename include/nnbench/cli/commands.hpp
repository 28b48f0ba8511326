// The subcommands. Each takes its parsed options as a plain struct and returns an exit code;
// errors propagate as nnbench::Error and are turned into one line by run_app().
#pragma once

#include <string>
#include <vector>

#include "nnbench/cli/run_settings.hpp"
#include "nnbench/core/runner.hpp"
#include "nnbench/core/worker_launcher.hpp"
#include "nnbench/report/compare.hpp"

namespace nnbench::cli {

// The request is complete: both levels of settings merged (run_settings.hpp).
int run_command(RunRequest request);

struct ListCommandOptions {
  bool include_mock = true;
  bool json = false;  // axes and options as data
};
int list_command(const ListCommandOptions& options);

int env_command();

// The flags of every command that judges changes (compare, history --check).
struct ComparisonFlags {
  std::string metric = "latency_ms";
  std::string threshold = "0.05";  // a fraction (0.05) or a percentage (5%)
  double alpha = 0.05;
  std::string format = "terminal";  // terminal | markdown
};
// The report layer's options from the flags; throws InputError on invalid values.
report::CompareOptions to_compare_options(const ComparisonFlags& flags);

struct CompareCommandOptions {
  std::string base, candidate;
  ComparisonFlags flags;
};
int compare_command(const CompareCommandOptions& options);

struct HistoryCommandOptions {
  std::string db = "results/history.db";
  std::string benchmark, variant;  // both: the metric's trend for that variant
  bool check = false;              // latest vs previous run per variant; exit 1 on a regression
  std::string import_dir;          // --import DIR: record a finished run directory
  ComparisonFlags flags;
};
int history_command(const HistoryCommandOptions& options);

struct ReportCommandOptions {
  std::string run_dir;  // with --html also a folder of runs
  bool plots = true;    // --no-plots: only report.md
  bool html = false;    // the dashboard instead of report.md and plots
  std::string out;      // --html: the file; default <run_dir>/dashboard.html
};
int report_command(const ReportCommandOptions& options);

struct CompileCommandOptions {
  std::string model_file;
  std::string emit = "summary";           // summary | json | torch-cpp | pytorch
  std::string output;                     // file to write; stdout when empty
  std::string network;                    // which network of the file; needed when it has several
  std::vector<std::string> hpo_settings;  // AXIS=VALUE choices for search spaces
  int hpo_samples = 3;
  bool time_phases = false;
};
int compile_command(const CompileCommandOptions& options);

struct LaunchCommandOptions {
  LaunchPlan plan;
};
// The workers' exit status as the job's: 0, the first failing rank's code, 124 after --timeout.
int launch_command(const LaunchCommandOptions& options);

}  // namespace nnbench::cli

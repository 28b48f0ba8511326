// The subcommands. Each takes its parsed options as a plain struct and returns an exit code;
// errors propagate as nnbench::Error and are turned into one line by run_app().
#pragma once

#include <string>
#include <vector>

#include "nnbench/core/runner.hpp"
#include "nnbench/core/worker_launcher.hpp"
#include "nnbench/report/compare.hpp"

namespace nnbench::cli {

struct RunCommandOptions {
  RunConfig config;
  std::string config_file;             // --config, applied before the flags below
  std::vector<std::string> set_flags;  // which flags the user gave (they override the file)
  std::vector<std::string> include, exclude, axis_texts, option_texts;
  // Seed-style spellings: --suite dsl-vs-native, --models a,b, --epochs N, --backends torch.
  std::vector<std::string> suites, models, backends;
  int epochs = 0;
  std::string data;  // --data DIR: same as --option data=DIR
  int threads = 0;
  bool quiet = false;
  bool list_only = false;  // --dry-run: print the planned variants and stop
  std::string history;     // --history PATH; empty: <output-dir>/history.db
  bool no_history = false;
  std::vector<std::string> command_line;
};
int run_command(RunCommandOptions options);

struct ListCommandOptions {
  bool show_axes = true;
  bool include_mock = true;
};
int list_command(const ListCommandOptions& options);

int env_command();

// The flags of every command that judges changes (compare, history --check).
struct ComparisonFlags {
  std::string metric = "latency_ms";
  double threshold = 0.05;
  double alpha = 0.05;
  std::string format = "terminal";  // terminal | markdown
};
// The report layer's options from the flags; throws InputError on invalid values.
CompareOptions to_compare_options(const ComparisonFlags& flags);

struct CompareCommandOptions {
  std::string base, candidate;
  ComparisonFlags flags;
};
int compare_command(const CompareCommandOptions& options);

struct HistoryCommandOptions {
  std::string db = "results/history.db";
  std::string benchmark, variant;  // both: the metric's trend for that variant
  bool check = false;              // latest vs previous run per variant; exit 1 on a regression
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

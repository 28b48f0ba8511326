// `nnbench run`: plan, measure every variant, write all result files atomically.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/cli/progress.hpp"
#include "nnbench/cli/run_settings.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/engine/distributed/distributed_environment.hpp"
#include "nnbench/engine/runtime/runtime.hpp"
#include "nnbench/report/history_db.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/text_table.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::cli {
namespace {

// Set by SIGINT/SIGTERM; the runner checks it between variants. A signal handler can only
// reach a variable of static storage, so this is the one exception to "no global state" here.
std::atomic<bool> g_stop_requested{false};

extern "C" void request_stop(int) { g_stop_requested.store(true); }

std::string headline(const Result& result, const std::string& metric_name) {
  const Metric* metric = result.find_metric(metric_name);
  return metric ? report::format_significant(metric->value) + " " + metric->unit : "-";
}

bool is_load_scenario(const Result& result) {
  return result.provenance.sampling_mode == "scenario";
}

// A load scenario's verdict, first word: VALID or INVALID (the reasons are in the result files).
std::string verdict_word(const Result& result) {
  const auto it = result.labels.find("validity");
  if (it == result.labels.end()) return "-";
  return it->second.substr(0, it->second.find(':'));
}

void print_summary(const std::vector<Result>& results, std::FILE* stream) {
  report::TextTable table;
  table.header = {"benchmark", "variant", "status", "latency (median)", "throughput", "stop"};
  table.right_aligned = {false, false, false, true, true, false};
  for (const Result& r : results) {
    // A load scenario's median is its queries' p50 latency; its stop column, its verdict.
    const bool load = is_load_scenario(r);
    table.rows.push_back(
        {r.benchmark, r.variant.name(),
         r.status == ResultStatus::Ok ? "ok" : to_string(r.status) + ": " + r.reason,
         headline(r, load ? "latency_p50_ms" : "latency_ms"), headline(r, "throughput"),
         load ? "scenario " + verdict_word(r) : r.provenance.stop_reason});
  }
  fmt::print(stream, "{}", report::render_plain_table(table));
}

// Records the finished run in the SQLite history (<output-dir>/history.db unless --history names
// another, none with --no-history). The result files are complete by now: a history that cannot
// be written costs a warning, not the run. A build without SQLite says so only when --history
// asked for it.
void record_history(const RunRequest& request, const std::vector<Result>& results,
                    const RunInfo& run_info) {
  if (request.no_history || (!report::history_supported() && request.history.empty())) return;
  const std::filesystem::path path =
      request.history.empty() ? std::filesystem::path(request.config.output_dir) / "history.db"
                              : std::filesystem::path(request.history);
  try {
    report::HistoryDb::open(path).record(results, run_info);
    fmt::print("history: {}\n", path.string());
  } catch (const Error& e) {
    fmt::print(stderr, "nnbench: warning: the run is not in the history: {}\n", e.what());
  }
}

// Runs the plan with SIGINT and SIGTERM asking it to stop between variants (g_stop_requested);
// the previous handlers are back when it returns or throws.
std::vector<Result> execute_stoppable(const std::vector<PlannedBenchmark>& plan,
                                      const RunConfig& config, RunObserver* observer) {
  struct StopSignals {
    StopSignals()
        : previous_int(std::signal(SIGINT, request_stop)),
          previous_term(std::signal(SIGTERM, request_stop)) {}
    ~StopSignals() {
      std::signal(SIGINT, previous_int);
      std::signal(SIGTERM, previous_term);
    }
    void (*previous_int)(int);
    void (*previous_term)(int);
  };
  g_stop_requested.store(false);
  const StopSignals handlers;
  return execute_plan(plan, config, observer, &g_stop_requested);
}

// A rank other than 0: the plan runs (its collectives need this rank), nothing is written, and
// only warnings reach standard error (nnbench launch prefixes them with the rank).
int run_as_helper_rank(const std::vector<PlannedBenchmark>& plan, const RunConfig& config,
                       const engine::DistributedEnvironment& job) {
  struct FailureReporter final : RunObserver {
    void on_variant_start(std::size_t, std::size_t, const std::string&, const Variant&) override {}
    void on_variant_end(std::size_t, std::size_t, const Result& r) override {
      if (r.status == ResultStatus::Failed) {
        fmt::print(stderr, "nnbench: {} {}: failed: {}\n", r.benchmark, r.variant.name(), r.reason);
      }
    }
  } reporter;
  const std::vector<Result> results = execute_stoppable(plan, config, &reporter);
  if (g_stop_requested.load()) return kExitInterrupted;
  std::size_t failed = 0;
  for (const Result& r : results) failed += r.status == ResultStatus::Failed ? 1 : 0;
  if (failed > 0) {
    fmt::print(stderr, "nnbench: rank {} of {}: {} of {} variant(s) failed\n", job.rank,
               job.world_size, failed, results.size());
    return kExitFailures;
  }
  return kExitOk;
}

// The run as the result files record it: when, how it was asked for, the configuration and its
// hash, and the machine.
RunInfo make_run_info(const RunRequest& request, const std::string& host_allocator) {
  RunInfo run_info;
  run_info.started_at = utc_timestamp_iso8601();
  run_info.command_line = request.command_line;
  run_info.config = recorded_configuration(request);
  std::string flat_text;
  for (const auto& [key, value] : run_info.config) flat_text += key + "=" + value + "\n";
  run_info.config_hash = fnv1a_hex(flat_text);
  run_info.environment = capture_environment();
  engine::add_torch_environment(run_info.environment);
  run_info.environment.software["host_allocator"] = host_allocator;
  return run_info;
}

// Progress on standard error, and the run's log in run.log.
struct RunLog {
  RunLog(const std::filesystem::path& dir, bool quiet)
      : console(std::make_shared<spdlog::sinks::stderr_color_sink_mt>()),
        file(std::make_shared<spdlog::sinks::basic_file_sink_mt>((dir / "run.log").string(), true)),
        log("nnbench", {console, file}) {
    console->set_level(quiet ? spdlog::level::warn : spdlog::level::info);
    console->set_pattern("%^%l%$: %v");
    file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    log.set_level(spdlog::level::info);
    log.flush_on(spdlog::level::info);
  }
  std::shared_ptr<spdlog::sinks::stderr_color_sink_mt> console;
  std::shared_ptr<spdlog::sinks::basic_file_sink_mt> file;
  spdlog::logger log;
};

// One line per finished variant in the log, and the progress line on a terminal.
class LoggingProgress final : public RunObserver {
 public:
  LoggingProgress(spdlog::logger& log, bool quiet) : line(stderr, !quiet), log_(log) {}
  void on_variant_start(std::size_t i, std::size_t n, const std::string& b,
                        const Variant& v) override {
    line.on_variant_start(i, n, b, v);
  }
  void on_variant_end(std::size_t i, std::size_t n, const Result& r) override {
    line.clear();
    const Metric* latency = r.find_metric("latency_ms");
    if (r.status == ResultStatus::Ok && is_load_scenario(r)) {
      const auto name = r.labels.find("headline");
      const std::string metric = name == r.labels.end() ? "throughput" : name->second;
      log_.info("[{}/{}] {} {}: {} {} ({} queries, {})", i + 1, n, r.benchmark, r.variant.name(),
                metric, headline(r, metric), r.provenance.sample_count,
                r.labels.count("validity") ? r.labels.at("validity") : "-");
    } else if (r.status == ResultStatus::Ok) {
      log_.info("[{}/{}] {} {}: median {} ms ({} samples, {})", i + 1, n, r.benchmark,
                r.variant.name(), latency ? report::format_significant(latency->value) : "-",
                r.provenance.sample_count, r.provenance.stop_reason);
    } else {
      log_.warn("[{}/{}] {} {}: {}: {}", i + 1, n, r.benchmark, r.variant.name(),
                to_string(r.status), r.reason);
    }
  }

  ProgressLine line;

 private:
  spdlog::logger& log_;
};

// The results in the formats asked for: on standard output (--format) and in a file (--out).
void emit_formats(const RunRequest& request, const std::vector<Result>& results,
                  const RunInfo& run_info) {
  if (!request.out.empty()) {
    std::string format = request.formats.empty() ? "" : request.formats.front();
    if (format.empty()) format = report::format_of_extension(request.out);
    report::write_file_atomically(request.out, report::render_run(format, results, run_info));
  }
  if (request.out.empty()) {
    for (const std::string& format : request.formats) {
      fmt::print("{}", report::render_run(format, results, run_info));
    }
  }
}

// The checks of --out that need no results, made before anything runs.
void check_out_file(const RunRequest& request) {
  if (request.out.empty() || !request.formats.empty()) return;
  if (report::format_of_extension(request.out).empty()) {
    throw InputError(fmt::format(
        "--out {}: its extension names no format; end it in .json, .csv or .md, or give --format",
        request.out));
  }
}

}  // namespace

int run_command(RunRequest request) {
  // Before the first tensor: where the heap places a tensor must not depend on the run's history.
  const std::string host_allocator = fix_host_allocator_thresholds();
  const RunConfig& config = request.config;
  check_out_file(request);
  engine::set_threads(request.threads);
  const std::vector<PlannedBenchmark> plan = plan_run(config, Registry::global());
  std::size_t total = 0;
  for (const PlannedBenchmark& planned : plan) total += planned.variants.size();
  if (request.dry_run) {
    for (const PlannedBenchmark& planned : plan) {
      for (const Variant& variant : planned.variants)
        fmt::print("{} {}\n", planned.info->name, variant.name());
    }
    return kExitOk;
  }

  // In a job of several ranks (nnbench launch, torchrun, srun), rank 0 writes the results: the
  // distributed suites give every rank the job's figures (the slowest rank's time per sample,
  // the job's throughput), and the other ranks only run their part and report failures.
  const engine::DistributedEnvironment job = engine::distributed_environment_from_env();
  if (job.rank != 0) return run_as_helper_rank(plan, config, job);

  RunInfo run_info = make_run_info(request, host_allocator);
  report::OutputDirectory output(config.output_dir,
                                 report::unique_run_id(config.output_dir, utc_timestamp_compact()));
  run_info.run_id = output.run_id();
  RunLog run_log(output.path(), request.quiet);
  spdlog::logger& log = run_log.log;
  if (run_info.environment.debug_build) {
    log.warn(
        "this nnbench is a {} build with assertions or without optimisation: timings are not "
        "representative (recorded in every result)",
        run_info.environment.build_type);
  }
  log.info("run {}: {} benchmark(s), {} variant(s), device {}, writing to {}", run_info.run_id,
           plan.size(), total, config.device, output.partial_path().string());

  LoggingProgress progress(log, request.quiet);
  std::vector<Result> results;
  try {
    results = execute_stoppable(plan, config, &progress);
  } catch (const Error& e) {
    if (!dynamic_cast<const InputError*>(&e) && !dynamic_cast<const IoError*>(&e)) throw;
    // Nothing of a run stopped by bad input is kept: no directory that could pass for results.
    progress.line.clear();
    run_log.file->flush();
    std::error_code ignored;
    std::filesystem::remove_all(output.path(), ignored);
    throw;
  }
  run_info.finished_at = utc_timestamp_iso8601();

  report::write_all(results, run_info, output.path());
  log.info("finished: {} variant(s) in {}", results.size(), run_info.finished_at);
  log.flush();
  const std::filesystem::path final_dir = output.commit();
  record_history(request, results, run_info);
  emit_formats(request, results, run_info);

  std::size_t failed = 0;
  for (const Result& r : results) failed += r.status == ResultStatus::Failed ? 1 : 0;
  if (!request.quiet && request.formats.empty()) print_summary(results, stdout);
  fmt::print(request.formats.empty() || !request.out.empty() ? stdout : stderr,
             "results: {}  (report: {})\n", final_dir.string(), (final_dir / "report.md").string());
  if (g_stop_requested.load()) {
    fmt::print(stderr,
               "nnbench: run interrupted; the remaining variants are recorded as skipped\n");
    return kExitInterrupted;
  }
  if (failed > 0) {
    fmt::print(stderr, "nnbench: {} of {} variant(s) failed; see the reasons above and in {}\n",
               failed, results.size(), (final_dir / "report.md").string());
    return kExitFailures;
  }
  return kExitOk;
}

}  // namespace nnbench::cli

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
#include "nnbench/cli/config_file.hpp"
#include "nnbench/cli/progress.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/engine/distributed_environment.hpp"
#include "nnbench/engine/runtime.hpp"
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

bool flag_set(const RunCommandOptions& options, const std::string& name) {
  return std::find(options.set_flags.begin(), options.set_flags.end(), name) !=
         options.set_flags.end();
}

// Command-line values override the config file's.
RunConfig effective_config(RunCommandOptions& options, int& threads) {
  RunConfig config = options.config;  // CLI values (defaults where not given)
  if (options.config_file.empty()) {
    threads = options.threads;
  } else {
    RunConfig from_file;
    FileSettings settings;
    load_config_file(options.config_file, from_file, settings);
    const RunConfig& cli = options.config;
    auto pick = [&](const char* flag, auto& target, const auto& cli_value) {
      if (flag_set(options, flag)) target = cli_value;
    };
    pick("--warmup", from_file.measurement.warmup_iterations, cli.measurement.warmup_iterations);
    pick("--iterations", from_file.measurement.iterations, cli.measurement.iterations);
    pick("--iterations-per-sample", from_file.measurement.iterations_per_sample,
         cli.measurement.iterations_per_sample);
    pick("--adaptive", from_file.measurement.mode, cli.measurement.mode);
    pick("--target-rse", from_file.measurement.target_rse, cli.measurement.target_rse);
    pick("--min-samples", from_file.measurement.min_samples, cli.measurement.min_samples);
    pick("--max-samples", from_file.measurement.max_samples, cli.measurement.max_samples);
    pick("--time-budget", from_file.measurement.time_budget_s, cli.measurement.time_budget_s);
    pick("--timeout", from_file.measurement.timeout_s, cli.measurement.timeout_s);
    pick("--device", from_file.device, cli.device);
    pick("--seed", from_file.seed, cli.seed);
    pick("--output-dir", from_file.output_dir, cli.output_dir);
    if (flag_set(options, "--quick")) from_file.quick = true;
    if (flag_set(options, "--enable-mock")) from_file.enable_mock = true;
    config = from_file;
    threads = flag_set(options, "--threads") ? options.threads : settings.threads;
  }
  if (!options.include.empty()) config.include = options.include;
  for (const std::string& suite : options.suites) {
    // Suites are spelled with dashes on the command line (dsl-vs-native), benchmarks with
    // underscores; --suite adds to --include.
    std::string name = suite;
    std::replace(name.begin(), name.end(), '-', '_');
    config.include.push_back(name);
  }
  if (!options.models.empty()) config.axes["model"] = options.models;
  if (options.epochs != 0) {
    if (options.epochs < 1)
      throw InputError(fmt::format("--epochs {}: expected >= 1", options.epochs));
    config.options["epochs"] = std::to_string(options.epochs);
  }
  if (!options.data.empty()) config.options["data"] = options.data;
  // --backends: torch is in-process LibTorch (every suite); the others run the language's code
  // for a framework in that framework's runtime as a worker process (the cross-framework suite's
  // `backend` axis).
  static const std::vector<std::string> kBackends{"torch", "pytorch", "pytorch-compile", "jax",
                                                  "keras"};
  for (const std::string& backend : options.backends) {
    if (std::find(kBackends.begin(), kBackends.end(), backend) == kBackends.end()) {
      throw InputError(fmt::format(
          "--backends '{}': this nnbench runs torch (in-process LibTorch), and pytorch, "
          "pytorch-compile, jax, keras (each framework's runtime, suite cross-framework)",
          backend));
    }
  }
  if (std::any_of(options.backends.begin(), options.backends.end(),
                  [](const std::string& b) { return b != "torch"; })) {
    config.axes["backend"] = options.backends;
  }
  config.device = engine::resolve_auto_device(config.device);
  if (!options.exclude.empty()) config.exclude = options.exclude;
  for (const std::string& text : options.axis_texts) {
    auto [name, values] = parse_axis_override(text);
    config.axes[name] = values;
  }
  for (const std::string& text : options.option_texts) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError(fmt::format("--option '{}': expected KEY=VALUE", text));
    }
    config.options[text.substr(0, eq)] = text.substr(eq + 1);
  }
  // --quick: adaptive sampling on a short budget, so small runs still reach a usable noise level.
  if (config.quick && !flag_set(options, "--iterations") && !flag_set(options, "--adaptive")) {
    config.measurement.mode = SamplingMode::Adaptive;
    if (!flag_set(options, "--target-rse")) config.measurement.target_rse = 0.01;
    if (!flag_set(options, "--time-budget")) config.measurement.time_budget_s = 1.0;
    if (!flag_set(options, "--max-samples")) config.measurement.max_samples = 2000;
  }
  return config;
}

std::string headline(const Result& result, const std::string& metric_name) {
  const Metric* metric = result.find_metric(metric_name);
  return metric ? format_significant(metric->value) + " " + metric->unit : "-";
}

bool is_scenario(const Result& result) { return result.provenance.sampling_mode == "scenario"; }

// A load scenario's verdict, first word: VALID or INVALID (the reasons are in the result files).
std::string verdict_word(const Result& result) {
  const auto it = result.labels.find("validity");
  if (it == result.labels.end()) return "-";
  return it->second.substr(0, it->second.find(':'));
}

void print_summary(const std::vector<Result>& results, std::FILE* stream) {
  TextTable table;
  table.header = {"benchmark", "variant", "status", "latency (median)", "throughput", "stop"};
  table.right_aligned = {false, false, false, true, true, false};
  for (const Result& r : results) {
    // A load scenario's median is its queries' p50 latency; its stop column, its verdict.
    const bool scenario = is_scenario(r);
    table.rows.push_back(
        {r.benchmark, r.variant.name(),
         r.status == ResultStatus::Ok ? "ok" : to_string(r.status) + ": " + r.reason,
         headline(r, scenario ? "latency_p50_ms" : "latency_ms"), headline(r, "throughput"),
         scenario ? "scenario " + verdict_word(r) : r.provenance.stop_reason});
  }
  fmt::print(stream, "{}", render_plain_table(table));
}

// Records the finished run in the SQLite history (<output-dir>/history.db unless --history names
// another, none with --no-history). The result files are complete by now: a history that cannot
// be written costs a warning, not the run. A build without SQLite says so only when --history
// asked for it.
void record_history(const RunCommandOptions& options, const RunConfig& config,
                    const std::vector<Result>& results, const RunInfo& run_info) {
  if (options.no_history || (!history_supported() && options.history.empty())) return;
  const std::filesystem::path path = options.history.empty()
                                         ? std::filesystem::path(config.output_dir) / "history.db"
                                         : std::filesystem::path(options.history);
  try {
    HistoryDb::open(path).record(results, run_info);
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

}  // namespace

int run_command(RunCommandOptions options) {
  // Before the first tensor: where the heap places a tensor must not depend on the run's history.
  const std::string host_allocator = fix_host_allocator_thresholds();
  int threads = 0;
  RunConfig config = effective_config(options, threads);
  engine::set_threads(threads);
  const std::vector<PlannedBenchmark> plan = plan_run(config, Registry::global());
  std::size_t total = 0;
  for (const PlannedBenchmark& planned : plan) total += planned.variants.size();
  if (options.list_only) {
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

  RunInfo run_info;
  run_info.started_at = utc_timestamp_iso8601();
  run_info.command_line = options.command_line;
  run_info.config = config.flatten();
  std::string flat_text;
  for (const auto& [key, value] : run_info.config) flat_text += key + "=" + value + "\n";
  run_info.config_hash = fnv1a_hex(flat_text);
  run_info.environment = capture_environment();
  engine::add_torch_environment(run_info.environment);
  run_info.environment.software["host_allocator"] = host_allocator;

  OutputDirectory output(config.output_dir,
                         unique_run_id(config.output_dir, utc_timestamp_compact()));
  run_info.run_id = output.run_id();

  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_level(options.quiet ? spdlog::level::warn : spdlog::level::info);
  console->set_pattern("%^%l%$: %v");
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(
      (output.path() / "run.log").string(), true);
  file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  spdlog::logger log("nnbench", {console, file});
  log.set_level(spdlog::level::info);
  log.flush_on(spdlog::level::info);

  if (run_info.environment.debug_build) {
    log.warn(
        "this nnbench is a {} build with assertions or without optimisation: timings are not "
        "representative (recorded in every result)",
        run_info.environment.build_type);
  }
  log.info("run {}: {} benchmark(s), {} variant(s), device {}, writing to {}", run_info.run_id,
           plan.size(), total, config.device, output.partial_path().string());

  struct LoggingProgress final : RunObserver {
    LoggingProgress(spdlog::logger& log, bool quiet) : log(log), line(stderr, !quiet) {}
    void on_variant_start(std::size_t i, std::size_t n, const std::string& b,
                          const Variant& v) override {
      line.on_variant_start(i, n, b, v);
    }
    void on_variant_end(std::size_t i, std::size_t n, const Result& r) override {
      line.clear();
      const Metric* latency = r.find_metric("latency_ms");
      if (r.status == ResultStatus::Ok && is_scenario(r)) {
        const auto name = r.labels.find("headline");
        const std::string metric = name == r.labels.end() ? "throughput" : name->second;
        log.info("[{}/{}] {} {}: {} {} ({} queries, {})", i + 1, n, r.benchmark, r.variant.name(),
                 metric, headline(r, metric), r.provenance.sample_count,
                 r.labels.count("validity") ? r.labels.at("validity") : "-");
      } else if (r.status == ResultStatus::Ok) {
        log.info("[{}/{}] {} {}: median {} ms ({} samples, {})", i + 1, n, r.benchmark,
                 r.variant.name(), latency ? format_significant(latency->value) : "-",
                 r.provenance.sample_count, r.provenance.stop_reason);
      } else {
        log.warn("[{}/{}] {} {}: {}: {}", i + 1, n, r.benchmark, r.variant.name(),
                 to_string(r.status), r.reason);
      }
    }
    spdlog::logger& log;
    ProgressLine line;
  } progress(log, options.quiet);

  std::vector<Result> results;
  try {
    results = execute_stoppable(plan, config, &progress);
  } catch (const Error& e) {
    if (!dynamic_cast<const InputError*>(&e) && !dynamic_cast<const IoError*>(&e)) throw;
    // Nothing of a run stopped by bad input is kept: no directory that could pass for results.
    progress.line.clear();
    file->flush();
    std::error_code ignored;
    std::filesystem::remove_all(output.path(), ignored);
    throw;
  }
  run_info.finished_at = utc_timestamp_iso8601();

  write_all(results, run_info, output.path());
  log.info("finished: {} variant(s) in {}", results.size(), run_info.finished_at);
  log.flush();
  const std::filesystem::path final_dir = output.commit();
  record_history(options, config, results, run_info);

  std::size_t failed = 0;
  for (const Result& r : results) failed += r.status == ResultStatus::Failed ? 1 : 0;
  if (!options.quiet) print_summary(results, stdout);
  fmt::print("results: {}  (report: {})\n", final_dir.string(), (final_dir / "report.md").string());
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

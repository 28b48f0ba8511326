// `nnbench run`: plan, measure every variant, and write the results so that nothing finished is
// lost: each variant goes to the run's journal as it ends, the result files are written
// atomically at the end, and the directory is renamed to its final name only when they are
// complete. `--resume DIR` finishes an interrupted run; `--isolate` runs each variant in a child
// process.
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/cli/isolated_variant.hpp"
#include "nnbench/cli/run_console.hpp"
#include "nnbench/cli/run_settings.hpp"
#include "nnbench/cli/seed_compat.hpp"
#include "nnbench/cli/stop_signals.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/host_allocator.hpp"
#include "nnbench/engine/distributed/distributed_environment.hpp"
#include "nnbench/engine/runtime/runtime.hpp"
#include "nnbench/report/history_db.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/run_journal.hpp"
#include "nnbench/report/seed_layout.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::cli {
namespace fs = std::filesystem;

namespace {

// Records the finished run in the SQLite history (<output-dir>/history.db unless --history names
// another, none with --no-history). The result files are complete by now, so a history that
// cannot be written costs the run's exit code (1) and says how to record it later, never the
// results. A build without SQLite says so only when --history asked for it.
bool record_history(const RunRequest& request, const std::vector<Result>& results,
                    const RunInfo& run_info, const fs::path& run_dir) {
  if (request.no_history || (!report::history_supported() && request.history.empty())) {
    return true;
  }
  const fs::path path = request.history.empty() ? fs::path(request.config.output_dir) / "history.db"
                                                : fs::path(request.history);
  try {
    report::HistoryDb::open(path).record(results, run_info);
    fmt::print("history: {}\n", path.string());
    return true;
  } catch (const Error& e) {
    fmt::print(stderr,
               "nnbench: error: the run is not in the history: {}; its results are complete in "
               "{} (record them with: nnbench history --db '{}' --import '{}')\n",
               e.what(), run_dir.string(), path.string(), run_dir.string());
    return false;
  }
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
  const StopSignals signals("");
  const std::vector<Result> results =
      execute_plan(plan, config, &reporter, &StopSignals::stop_requested());
  if (StopSignals::stop_requested().load()) return kExitInterrupted;
  std::size_t failed = 0;
  for (const Result& r : results) failed += r.status == ResultStatus::Failed ? 1 : 0;
  if (failed > 0) {
    fmt::print(stderr, "nnbench: rank {} of {}: {} of {} variant(s) failed\n", job.rank,
               job.world_size, failed, results.size());
    return kExitFailures;
  }
  return kExitOk;
}

std::string config_hash(const std::map<std::string, std::string>& config) {
  std::string flat_text;
  for (const auto& [key, value] : config) flat_text += key + "=" + value + "\n";
  return fnv1a_hex(flat_text);
}

// The run as the result files record it: when, how it was asked for, the configuration and its
// hash, and the machine.
RunInfo make_run_info(const RunRequest& request, const std::string& host_allocator) {
  RunInfo run_info;
  run_info.started_at = utc_timestamp_iso8601();
  run_info.command_line = request.command_line;
  run_info.config = recorded_configuration(request);
  run_info.config_hash = config_hash(run_info.config);
  run_info.environment = capture_environment();
  engine::add_torch_environment(run_info.environment);
  run_info.environment.software["host_allocator"] = host_allocator;
  return run_info;
}

// --color: always and never as said; auto colours a terminal unless NO_COLOR is set to
// anything non-empty (no-color.org).
spdlog::color_mode color_mode(const std::string& color) {
  if (color == "always") return spdlog::color_mode::always;
  if (color == "never") return spdlog::color_mode::never;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return spdlog::color_mode::never;
  return spdlog::color_mode::automatic;
}

// Progress on standard error, and the run's log in run.log (appended to on --resume).
struct RunLog {
  // `log_level`: --log-level (debug, info, warning, error, critical); --quiet shows warnings and
  // worse at most. run.log gets info and worse, or debug when asked.
  RunLog(const fs::path& dir, bool quiet, const std::string& log_level, const std::string& color)
      : console(std::make_shared<spdlog::sinks::stderr_color_sink_mt>(color_mode(color))),
        file(std::make_shared<spdlog::sinks::basic_file_sink_mt>((dir / "run.log").string())),
        log("nnbench", {console, file}) {
    const spdlog::level::level_enum level =
        spdlog::level::from_str(log_level == "warning" ? "warn" : log_level);
    console->set_level(quiet ? std::max(level, spdlog::level::warn) : level);
    console->set_pattern("%^%l%$: %v");
    file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    file->set_level(std::min(level, spdlog::level::info));
    log.set_level(std::min(level, spdlog::level::info));
    log.flush_on(spdlog::level::info);
  }
  std::shared_ptr<spdlog::sinks::stderr_color_sink_mt> console;
  std::shared_ptr<spdlog::sinks::basic_file_sink_mt> file;
  spdlog::logger log;
};

// The console's progress, and every finished variant into the journal before the next starts.
class JournalingProgress final : public RunObserver {
 public:
  JournalingProgress(LoggingProgress& console, const report::RunJournal& journal,
                     spdlog::logger& log)
      : console_(console), journal_(journal), log_(log) {}
  void on_variant_start(std::size_t i, std::size_t n, const std::string& b,
                        const Variant& v) override {
    console_.on_variant_start(i, n, b, v);
  }
  void on_variant_end(std::size_t i, std::size_t n, const Result& r) override {
    console_.on_variant_end(i, n, r);
    try {
      journal_.append(r);
    } catch (const IoError& e) {
      if (!warned_) log_.warn("{}: a crash now would lose the variants finished since", e.what());
      warned_ = true;
    }
  }

 private:
  LoggingProgress& console_;
  const report::RunJournal& journal_;
  spdlog::logger& log_;
  bool warned_ = false;
};

// The results in the formats asked for: on standard output (--format) and in a file (--out).
void emit_formats(const RunRequest& request, const std::vector<Result>& results,
                  const RunInfo& run_info) {
  if (!request.out.empty()) {
    std::string format = request.formats.empty() ? "" : request.formats.front();
    if (format.empty()) format = report::format_of_extension(request.out);
    report::write_file_atomically(request.out, report::render_run(format, results, run_info));
    return;
  }
  for (const std::string& format : request.formats) {
    fmt::print("{}", report::render_run(format, results, run_info));
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

// Where the run writes, and what an interrupted one had finished: a new partial directory, or
// (--resume) the interrupted run's own, with its journal.
struct RunOutput {
  report::OutputDirectory directory;
  RunInfo run_info;
  std::vector<Result> finished;
  report::RunJournal journal;
};

RunOutput open_output(const RunRequest& request, const std::string& host_allocator) {
  if (request.resume.empty()) {
    RunInfo run_info = make_run_info(request, host_allocator);
    report::OutputDirectory directory(
        request.config.output_dir,
        report::unique_run_id(request.config.output_dir,
                              report::new_run_id(utc_timestamp_compact())));
    run_info.run_id = directory.run_id();
    report::RunJournal journal = report::RunJournal::start(directory.path(), run_info);
    return {std::move(directory), std::move(run_info), {}, std::move(journal)};
  }
  report::OutputDirectory directory = report::OutputDirectory::reopen(request.resume);
  report::JournaledRun journaled = report::read_journal(request.resume);
  report::RunJournal journal = report::RunJournal::resume(request.resume, journaled.run_info);
  return {std::move(directory), std::move(journaled.run_info), std::move(journaled.results),
          std::move(journal)};
}

// A resumed run must be the run that was interrupted: the same configuration (a config file may
// have changed since) and the same machine.
void check_resumable(const RunRequest& request, const RunInfo& recorded) {
  const std::map<std::string, std::string> now = recorded_configuration(request);
  for (const auto& [key, value] : now) {
    const auto then = recorded.config.find(key);
    if (then == recorded.config.end() || then->second != value) {
      throw InputError(fmt::format(
          "--resume {}: the run's configuration has changed since it started ({}: was '{}', is "
          "'{}'); a run resumes only as it was configured",
          request.resume, key, then == recorded.config.end() ? "" : then->second, value));
    }
  }
  const std::string host = capture_environment().hostname;
  if (host != recorded.environment.hostname) {
    throw InputError(fmt::format(
        "--resume {}: the run started on host '{}', this is '{}'; resume it where it started",
        request.resume, recorded.environment.hostname, host));
  }
}

}  // namespace

int run_command(RunRequest request) {
  // Before the first tensor: where the heap places a tensor must not depend on the run's history.
  const std::string host_allocator = fix_host_allocator_thresholds();
  if (!request.variant_child_benchmark.empty()) return run_variant_child(request);
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

  RunOutput output = open_output(request, host_allocator);
  if (!request.resume.empty()) check_resumable(request, output.run_info);
  RunInfo& run_info = output.run_info;
  RunLog run_log(output.directory.path(), request.quiet, request.log_level, request.color);
  spdlog::logger& log = run_log.log;
  if (run_info.environment.debug_build) {
    log.warn(
        "this nnbench is a {} build with assertions or without optimisation: timings are not "
        "representative (recorded in every result)",
        run_info.environment.build_type);
  }
  if (request.resume.empty()) {
    log.info("run {}: {} benchmark(s), {} variant(s), device {}, writing to {}", run_info.run_id,
             plan.size(), total, config.device, output.directory.path().string());
  } else {
    log.info("run {} resumed: {} of {} variant(s) finished before, device {}, in {}",
             run_info.run_id, output.finished.size(), total, config.device,
             output.directory.path().string());
  }

  LoggingProgress console(log, request.quiet);
  JournalingProgress progress(console, output.journal, log);
  ExecuteOptions execute;
  execute.observer = &progress;
  execute.stop_requested = &StopSignals::stop_requested();
  execute.finished = &output.finished;
  if (request.isolate) {
    execute.execute_variant = [&](Benchmark&, const std::string& name, const Variant& variant) {
      return run_in_child(request.command_line, name, variant, output.journal.directory());
    };
  }
  std::vector<Result> results;
  try {
    const StopSignals signals(fmt::format(
        "The variants that finished are kept in {}; nnbench run --resume '{}' finishes the run.",
        output.directory.path().string(), output.directory.path().string()));
    results = execute_plan(plan, config, execute);
  } catch (const Error& e) {
    if (!dynamic_cast<const InputError*>(&e) && !dynamic_cast<const IoError*>(&e)) throw;
    console.line.clear();
    run_log.file->flush();
    // Nothing of a new run stopped by bad input is kept: no directory that could pass for
    // results. A resumed run keeps what it had.
    if (request.resume.empty()) {
      std::error_code ignored;
      fs::remove_all(output.directory.path(), ignored);
    }
    throw;
  }
  run_info.finished_at = utc_timestamp_iso8601();

  report::write_all(results, run_info, output.directory.path());
  log.info("finished: {} variant(s) in {}", results.size(), run_info.finished_at);
  log.flush();
  const fs::path final_dir = output.directory.commit();
  report::remove_journal(final_dir);
  const bool recorded = record_history(request, results, run_info, final_dir);
  emit_formats(request, results, run_info);
  // --compat SEED: the seed's own files beside nnbench's, made from the finished results.
  if (!request.compat.empty()) {
    for (const fs::path& file :
         report::write_seed_layout(find_seed_profile(request.compat).layout, request.seed_outputs,
                                   results, run_info, final_dir, request.config.output_dir)) {
      fmt::print("{} output: {}\n", request.compat, file.string());
    }
  }

  std::size_t failed = 0;
  for (const Result& r : results) failed += r.status == ResultStatus::Failed ? 1 : 0;
  if (!request.quiet && request.formats.empty()) print_summary(results, stdout);
  fmt::print(request.formats.empty() || !request.out.empty() ? stdout : stderr,
             "results: {}  (report: {})\n", final_dir.string(), (final_dir / "report.md").string());
  if (StopSignals::stop_requested().load()) {
    fmt::print(stderr,
               "nnbench: run interrupted; the remaining variants are recorded as skipped\n");
    return kExitInterrupted;
  }
  if (failed > 0) {
    fmt::print(stderr, "nnbench: {} of {} variant(s) failed; see the reasons above and in {}\n",
               failed, results.size(), (final_dir / "report.md").string());
    return kExitFailures;
  }
  return recorded ? kExitOk : kExitFailures;
}

}  // namespace nnbench::cli

// `nnbench history`: the runs recorded in the SQLite history, a metric's trend for one variant
// across them, or --check: each variant's latest run against its previous one on this machine.
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/report/compare_render.hpp"
#include "nnbench/report/history_check.hpp"
#include "nnbench/report/history_db.hpp"
#include "nnbench/report/result_reader.hpp"
#include "nnbench/report/text_table.hpp"

namespace nnbench::cli {
namespace {

std::string commit_cell(const std::string& commit, bool dirty) {
  if (commit.empty()) return "-";
  return commit.substr(0, 10) + (dirty ? "+dirty" : "");
}

std::string render(const report::TextTable& table, const std::string& format) {
  return format == "markdown" ? report::render_markdown_table(table)
                              : report::render_plain_table(table);
}

int list_runs(const report::HistoryDb& history, const HistoryCommandOptions& options) {
  report::TextTable table;
  table.header = {"run", "started", "commit", "variants", "ok", "machine"};
  table.right_aligned = {false, false, false, true, true, false};
  for (const report::HistoryRun& run : history.runs()) {
    table.rows.push_back({run.run_id, run.started_at, commit_cell(run.git_commit, run.git_dirty),
                          std::to_string(run.variants), std::to_string(run.ok), run.machine});
  }
  fmt::print("{} run(s) in {}\n{}", table.rows.size(), options.db,
             render(table, options.flags.format));
  return kExitOk;
}

int show_trend(const report::HistoryDb& history, const HistoryCommandOptions& options) {
  if (options.benchmark.empty()) {
    throw InputError("--variant needs --benchmark: the benchmark the variant belongs to");
  }
  const auto points = history.trend(options.benchmark, options.variant, options.flags.metric);
  if (points.empty()) {
    throw InputError(fmt::format("no run in {} has variant '{}' of benchmark '{}'", options.db,
                                 options.variant, options.benchmark));
  }
  report::TextTable table;
  table.header = {"run",    "started", "commit",     "status", options.flags.metric,
                  "95% CI", "samples", "vs previous"};
  table.right_aligned = {false, false, false, false, true, true, true, true};
  std::optional<double> previous;
  for (const report::TrendPoint& p : points) {
    std::string change = "-";
    if (p.value && previous && *previous != 0) {
      change = fmt::format("{:+.1f}%", 100.0 * (*p.value / *previous - 1.0));
    }
    const std::string ci = p.median_ci_low && p.median_ci_high
                               ? report::format_significant(*p.median_ci_low) + " .. " +
                                     report::format_significant(*p.median_ci_high)
                               : "-";
    table.rows.push_back({p.run_id, p.started_at, commit_cell(p.git_commit, p.git_dirty), p.status,
                          report::format_optional(p.value), ci,
                          p.samples > 0 ? std::to_string(p.samples) : "-", change});
    if (p.value) previous = p.value;
  }
  const std::string unit = points.back().unit.empty() ? "" : " (" + points.back().unit + ")";
  fmt::print("{} of {} {} in {}{}\n{}", options.flags.metric, options.benchmark, options.variant,
             options.db, unit, render(table, options.flags.format));
  return kExitOk;
}

int check(const report::HistoryDb& history, const HistoryCommandOptions& options) {
  const report::Comparison comparison =
      report::check_history(history, to_compare_options(options.flags));
  if (comparison.rows.empty()) {
    fmt::print("nothing to check in {}: no variant has two ok runs on the latest run's machine\n",
               options.db);
    return kExitOk;
  }
  fmt::print("{}", options.flags.format == "markdown"
                       ? report::render_comparison_markdown(comparison)
                       : report::render_comparison_terminal(comparison));
  return report::has_significant_regression(comparison) ? kExitFailures : kExitOk;
}

// Records a finished run directory that has no row yet (a run killed between finishing its
// directory and writing its row, or one recorded into another history).
int import_run(const HistoryCommandOptions& options) {
  const report::LoadedRun run = report::read_results(options.import_dir);
  report::HistoryDb history = report::HistoryDb::open(options.db);
  if (history.has_run(run.run_info.run_id)) {
    fmt::print("run {} is in {} already; nothing to import\n", run.run_info.run_id, options.db);
    return kExitOk;
  }
  history.record(run.results, run.run_info);
  fmt::print("imported run {} ({} variant(s)) into {}\n", run.run_info.run_id, run.results.size(),
             options.db);
  return kExitOk;
}

}  // namespace

int history_command(const HistoryCommandOptions& options) {
  if (!options.import_dir.empty()) {
    if (options.check || !options.variant.empty()) {
      throw InputError("--import records a run; give it without --check or --variant");
    }
    return import_run(options);
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.db, ec)) {
    throw InputError(fmt::format(
        "history {} does not exist: `nnbench run` records there (--output-dir, --history); "
        "name another with --db",
        options.db));
  }
  // Reading never writes: a history one may read but not write (another user's, a read-only
  // mount) opens as well.
  const report::HistoryDb history =
      report::HistoryDb::open(options.db, report::HistoryDb::Access::ReadOnly);
  if (options.check) return check(history, options);
  if (!options.variant.empty()) return show_trend(history, options);
  return list_runs(history, options);
}

}  // namespace nnbench::cli

// report.md.
#include "nnbench/report/markdown_writer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "nnbench/report/json_writer.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/result_row.hpp"
#include "nnbench/report/text_table.hpp"

namespace nnbench::report {
namespace {

// Every value from a result reaches report.md through markdown_text() (text_table.hpp): a model
// path, a benchmark name or a reason may hold any text, and must show as text.
std::string shown(const std::string& value) {
  return value.empty() ? "unknown" : markdown_text(value);
}

// A value in monospace. A code span (`...`) shows backslashes literally and ends at a backtick of
// the value, so the value is escaped text inside <code>.
std::string code(const std::string& value) { return "<code>" + markdown_text(value) + "</code>"; }

std::string gibibytes(std::int64_t bytes) {
  return format_significant(static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0), 3) + " GiB";
}

void append_environment(std::string& out, const RunInfo& run_info) {
  const Environment& e = run_info.environment;
  out += "## Environment\n\n";
  if (e.debug_build) {
    out += fmt::format(
        "> **WARNING: this is a debug build (build type {}): assertions on or optimisation off. "
        "Its figures are not representative; rebuild with -DCMAKE_BUILD_TYPE=Release.**\n\n",
        shown(e.build_type));
  }
  out += fmt::format("- CPU: {} ({} logical / {} physical cores)\n", shown(e.cpu_model),
                     e.logical_cores, e.physical_cores);
  out += fmt::format("- Memory: {}\n", gibibytes(e.memory_total_bytes));
  out += fmt::format("- OS: {} ({}, {})\n", shown(e.os), shown(e.kernel), shown(e.arch));
  out += fmt::format("- Compiler: {}; flags {}\n", shown(e.compiler), code(e.cxx_flags));
  out += fmt::format("- Build type: {}{}\n", shown(e.build_type),
                     e.debug_build ? " (DEBUG BUILD)" : "");
  auto libtorch = e.software.find("libtorch");
  out +=
      fmt::format("- LibTorch: {}\n", libtorch != e.software.end() ? markdown_text(libtorch->second)
                                                                   : std::string("not used"));
  for (const auto& [name, version] : e.software) {
    if (name != "libtorch")
      out += fmt::format("- {}: {}\n", markdown_text(name), markdown_text(version));
  }
  for (const auto& [name, count] : e.threads)
    out += fmt::format("- Threads ({}): {}\n", markdown_text(name), markdown_text(count));
  for (const GpuInfo& gpu : e.gpus) {
    out += fmt::format("- GPU {}: {} ({}, compute capability {}, driver {})\n", gpu.index,
                       markdown_text(gpu.name), gibibytes(gpu.memory_total_bytes),
                       shown(gpu.compute_capability), shown(gpu.driver_version));
  }
  out += fmt::format("- nnbench: {}, git commit {}{}\n", shown(e.nnbench_version),
                     shown(e.git_commit), e.git_dirty ? " (dirty: uncommitted changes)" : "");
  out += fmt::format("- Host: {}, load average (1 min) at start {}\n\n", shown(e.hostname),
                     format_significant(e.load_average_1m, 3));
}

void append_run(std::string& out, const RunInfo& run_info) {
  out += "## Run\n\n";
  out += fmt::format("- Started {}, finished {}\n", shown(run_info.started_at),
                     shown(run_info.finished_at));
  out += fmt::format("- Command line: {}\n",
                     code(fmt::format("{}", fmt::join(run_info.command_line, " "))));
  out += fmt::format("- Config hash: {}\n\n", shown(run_info.config_hash));
  if (!run_info.config.empty()) {
    TextTable config{{"setting", "value"}, {}, {}};
    for (const auto& [key, value] : run_info.config) config.rows.push_back({key, value});
    out += render_markdown_table(config) + "\n";
  }
}

std::string median_with_ci(const ResultRow& row) {
  if (!row.latency_p50_ms) return "-";
  std::string cell = format_significant(*row.latency_p50_ms);
  if (row.latency_ci_low_ms && row.latency_ci_high_ms) {
    cell += fmt::format(" [{}, {}]", format_significant(*row.latency_ci_low_ms),
                        format_significant(*row.latency_ci_high_ms));
  }
  return cell;
}

// The CI's coverage when it falls short of 95% (fewer than 6 samples): said, not hidden.
std::string ci_shortfall(const Result& result) {
  const Metric* latency = result.find_metric(kLatencyMetric);
  if (!latency || !latency->statistics) return "";
  const double level = latency->statistics->median_ci_level;
  if (level >= 0.95 || !std::isfinite(level)) return "";
  return fmt::format(" ({}% CI)", format_significant(100 * level, 3));
}

bool is_derived(const Result& result) { return result.provenance.sampling_mode == "derived"; }

// Derived comparison rows (suites/paired_comparison.hpp names their metrics <m>_<a>, <m>_<b>,
// <m>_diff, <m>_diff_pct) as one table per pair: metric, both values, difference, percentage.
void append_comparisons(std::string& out, const std::vector<Result>& results) {
  bool any = false;
  for (const Result& result : results) {
    if (!is_derived(result) || result.status != ResultStatus::Ok) continue;
    std::vector<std::string> bases;
    for (const Metric& metric : result.metrics) {
      const std::string suffix = "_diff";
      if (metric.name.size() > suffix.size() &&
          metric.name.compare(metric.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        bases.push_back(metric.name.substr(0, metric.name.size() - suffix.size()));
      }
    }
    if (bases.empty()) continue;
    // The two sides' names: the suffixes of the first base other than diff / diff_pct.
    std::vector<std::string> sides;
    for (const Metric& metric : result.metrics) {
      const std::string prefix = bases.front() + "_";
      if (metric.name.rfind(prefix, 0) != 0) continue;
      const std::string side = metric.name.substr(prefix.size());
      if (side != "diff" && side != "diff_pct") sides.push_back(side);
    }
    if (sides.size() != 2) continue;
    if (!any) out += "Comparisons:\n\n";
    any = true;
    TextTable table{{"metric", sides[0], sides[1], "difference", "difference %"},
                    {},
                    {false, true, true, true, true}};
    for (const std::string& base : bases) {
      auto cell = [&](const std::string& suffix) {
        const Metric* m = result.find_metric(base + "_" + suffix);
        return m ? format_significant(m->value) : std::string("-");
      };
      const Metric* a = result.find_metric(base + "_" + sides[0]);
      table.rows.push_back({base + (a && !a->unit.empty() ? " (" + a->unit + ")" : ""),
                            cell(sides[0]), cell(sides[1]), cell("diff"), cell("diff_pct")});
    }
    out += code(result.variant.name());
    const auto verdict = result.labels.find("verdict");
    if (verdict != result.labels.end()) out += ": **" + markdown_text(verdict->second) + "**";
    out += "\n\n" + render_markdown_table(table) + "\n";
  }
}

// Metrics beyond the table's columns (accuracy, compile time, derived comparisons, memory
// details), one line each, so nothing a benchmark measured is left out of the report.
void append_other_metrics(std::string& out, const std::vector<Result>& results) {
  static const std::vector<std::string> in_table = {kLatencyMetric, "throughput"};
  TextTable table{{"variant", "metric", "value", "unit"}, {}, {false, false, true, false}};
  for (const Result& result : results) {
    if (result.status != ResultStatus::Ok || is_derived(result)) continue;
    for (const Metric& metric : result.metrics) {
      if (std::find(in_table.begin(), in_table.end(), metric.name) != in_table.end()) continue;
      std::string value = format_significant(metric.value);
      if (metric.statistics && metric.samples.size() > 1) {
        value += fmt::format(" (median of {})", metric.samples.size());
      }
      table.rows.push_back({result.variant.name(), metric.name, value, metric.unit});
    }
  }
  if (table.rows.empty()) return;
  out += "Other metrics:\n\n" + render_markdown_table(table) + "\n";
}

// The table of the completed rows (derived ones are compared below); the others are collected in
// `not_run`, every distinct note in `notes`.
void append_result_table(std::string& out, const std::vector<Result>& results,
                         const std::vector<std::string>& axes, const RunInfo& run_info,
                         std::vector<const Result*>& not_run, std::vector<std::string>& notes) {
  TextTable table;
  table.header = axes.empty() ? std::vector<std::string>{"variant"} : axes;
  const std::size_t first_figure = table.header.size();
  for (const char* column : {"median ms [95% CI]", "p95 ms", "p99 ms", "cv %", "throughput",
                             "memory MiB", "samples", "stop reason"}) {
    table.header.push_back(column);
  }
  table.right_aligned.assign(table.header.size(), false);
  for (std::size_t c = first_figure; c + 1 < table.header.size(); ++c)
    table.right_aligned[c] = true;
  for (const Result& result : results) {
    for (const std::string& note : result.provenance.notes) {
      if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
    }
    if (result.status != ResultStatus::Ok) {
      not_run.push_back(&result);
      continue;
    }
    if (is_derived(result)) continue;  // in the comparison tables below
    const ResultRow row = make_result_row(result, run_info);
    std::vector<std::string> cells;
    if (axes.empty()) cells.push_back(row.variant);
    for (const std::string& axis : axes) {
      cells.push_back(result.variant.has(axis) ? result.variant.at(axis) : std::string("-"));
    }
    cells.push_back(median_with_ci(row) + ci_shortfall(result));
    cells.push_back(format_optional(row.latency_p95_ms));
    cells.push_back(format_optional(row.latency_p99_ms));
    cells.push_back(row.latency_cv ? format_significant(100 * *row.latency_cv, 3) : "-");
    cells.push_back(row.throughput ? format_significant(*row.throughput) + " " + row.throughput_unit
                                   : "-");
    cells.push_back(format_optional(row.memory_mib));
    cells.push_back(std::to_string(result.provenance.sample_count));
    cells.push_back(row.stop_reason.empty() ? "-" : row.stop_reason);
    table.rows.push_back(std::move(cells));
  }
  if (!table.rows.empty()) {
    out += render_markdown_table(table) + "\n";
  } else {
    out += "No variant completed.\n\n";
  }
}

// Rows of users' models (label model_source: the user_model benchmark, checkpoint directories)
// grouped by model file, in run order; one group of all rows otherwise.
std::vector<std::vector<Result>> group_by_model_source(const std::vector<Result>& results) {
  std::vector<std::string> sources;
  std::vector<std::vector<Result>> groups;
  for (const Result& result : results) {
    const std::string source = result.attribute("model_source");
    const auto at = std::find(sources.begin(), sources.end(), source);
    if (at == sources.end()) {
      sources.push_back(source);
      groups.push_back({result});
    } else {
      groups[static_cast<std::size_t>(at - sources.begin())].push_back(result);
    }
  }
  return groups;
}

void append_benchmark(std::string& out, const std::vector<Result>& results,
                      const RunInfo& run_info) {
  out += fmt::format("## {}\n\n", markdown_text(results.front().benchmark));
  std::vector<std::string> axes;
  for (const Result& result : results) {
    for (const auto& [axis, value] : result.variant.values) {
      if (std::find(axes.begin(), axes.end(), axis) == axes.end()) axes.push_back(axis);
    }
  }
  std::vector<const Result*> not_run;
  std::vector<std::string> notes;
  const std::vector<std::vector<Result>> groups = group_by_model_source(results);
  for (const std::vector<Result>& group : groups) {
    if (groups.size() > 1) {
      const Result& first = group.front();
      const std::string source = first.attribute("model_source");
      out += fmt::format("### {}\n\n", markdown_text(first.attribute("model")));
      if (!source.empty()) {
        out += fmt::format("{} {}, hash {}\n\n", markdown_text(first.attribute("model_kind")),
                           code(source), code(first.attribute("model_hash")));
      }
    }
    append_result_table(out, group, axes, run_info, not_run, notes);
  }
  append_comparisons(out, results);
  append_other_metrics(out, results);
  if (!not_run.empty()) {
    out += "Variants that did not complete:\n\n";
    for (const Result* result : not_run) {
      out +=
          fmt::format("- {}: **{}**: {}\n", code(result->variant.name()), to_string(result->status),
                      result->reason.empty() ? "no reason given" : markdown_text(result->reason));
    }
    out += "\n";
  }
  if (!notes.empty()) {
    out += "Notes:\n\n";
    for (const std::string& note : notes) out += "- " + markdown_text(note) + "\n";
    out += "\n";
  }
}

}  // namespace

std::string render_markdown_report(const std::vector<Result>& results, const RunInfo& run_info) {
  std::string out = fmt::format("# nnbench report: run {}\n\n", shown(run_info.run_id));
  std::size_t completed = 0;
  for (const Result& result : results) completed += result.status == ResultStatus::Ok ? 1 : 0;
  out +=
      fmt::format("{} variant(s) of {} benchmark(s); {} completed, {} did not.\n\n", results.size(),
                  group_by_benchmark(results).size(), completed, results.size() - completed);
  append_environment(out, run_info);
  append_run(out, run_info);
  out +=
      "Latency is milliseconds per run_once() call: median with the distribution-free 95% "
      "confidence interval of the median, then the 95th and 99th percentiles; cv is the "
      "coefficient of variation (std / mean).\n\n";
  for (const std::vector<Result>& group : group_by_benchmark(results)) {
    append_benchmark(out, group, run_info);
  }
  return out;
}

void MarkdownWriter::write(const std::vector<Result>& results, const RunInfo& run_info,
                           const std::filesystem::path& dir) const {
  write_file_atomically(dir / "report.md", render_markdown_report(results, run_info));
}

}  // namespace nnbench::report

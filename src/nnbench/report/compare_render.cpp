// Markdown and terminal tables of a Comparison.
#include "nnbench/report/compare_render.hpp"

#include <fmt/format.h>

#include "nnbench/report/text_table.hpp"

namespace nnbench::report {
namespace {

std::string change_cell(const CompareRow& row) {
  if (!row.ratio) return "-";
  return fmt::format("{:+.1f}%", 100 * (*row.ratio - 1));
}

std::string p_cell(const CompareRow& row) {
  if (!row.p_value) return "-";
  return *row.p_value < 0.0001 ? std::string("<0.0001") : fmt::format("{:.4f}", *row.p_value);
}

std::string median_cell(const std::optional<double>& median, const std::string& unit) {
  if (!median) return "-";
  return format_significant(*median) + (unit.empty() ? "" : " " + unit);
}

constexpr std::size_t kVerdictColumn = 8;  // of the header below

// Every cell is plain text; a significant verdict is bold in Markdown (strong_cells).
TextTable comparison_table(const Comparison& comparison) {
  TextTable table;
  table.header = {"benchmark", "variant", "metric",  "base",    "new",
                  "ratio",     "change",  "p-value", "verdict", "note"};
  table.right_aligned = {false, false, false, true, true, true, true, true, false, false};
  for (const CompareRow& row : comparison.rows) {
    if (row.verdict == Verdict::Slower || row.verdict == Verdict::Faster) {
      table.strong_cells.emplace_back(table.rows.size(), kVerdictColumn);
    }
    table.rows.push_back({row.benchmark, row.variant, row.metric,
                          median_cell(row.base_median, row.unit),
                          median_cell(row.new_median, row.unit),
                          row.ratio ? fmt::format("{:.3f}", *row.ratio) : std::string("-"),
                          change_cell(row), p_cell(row), to_string(row.verdict), row.note});
  }
  return table;
}

}  // namespace

std::string comparison_tally(const Comparison& comparison) {
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const CompareRow& row : comparison.rows) ++counts[static_cast<int>(row.verdict)];
  return fmt::format(
      "{} faster, {} slower, {} same, {} missing (threshold {}%, alpha {})",
      counts[static_cast<int>(Verdict::Faster)], counts[static_cast<int>(Verdict::Slower)],
      counts[static_cast<int>(Verdict::Same)], counts[static_cast<int>(Verdict::Missing)],
      format_significant(100 * comparison.options.threshold, 3), comparison.options.alpha);
}

std::string render_comparison_markdown(const Comparison& comparison) {
  std::string out = fmt::format(
      "## Comparison: {} (base) vs {} (new), metric {}\n\n", markdown_text(comparison.base_run_id),
      markdown_text(comparison.new_run_id), markdown_text(comparison.options.metric));
  out += render_markdown_table(comparison_table(comparison));
  out.append("\n").append(comparison_tally(comparison)).append("\n");
  if (has_significant_regression(comparison)) out += "\n**Significant regression detected.**\n";
  return out;
}

std::string render_comparison_terminal(const Comparison& comparison) {
  std::string out = fmt::format("base {}  vs  new {}  (metric {})\n\n", comparison.base_run_id,
                                comparison.new_run_id, comparison.options.metric);
  out += render_plain_table(comparison_table(comparison));
  out.append("\n").append(comparison_tally(comparison)).append("\n");
  if (has_significant_regression(comparison)) out += "Significant regression detected.\n";
  return out;
}

}  // namespace nnbench::report

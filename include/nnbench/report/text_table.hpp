// Human-facing text: numbers with a fixed count of significant digits, and tables rendered as
// Markdown (GitHub pipe tables) or as plain aligned columns for a terminal. Shared by report.md
// and the compare renderers.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nnbench::report {

// `value` with `significant` significant digits in fixed notation (no exponent), e.g.
// 1234.5 -> "1235", 1.23456 -> "1.235", 0.00123456 -> "0.001235"; "nan"/"inf" for non-finite.
std::string format_significant(double value, int significant = 4);
// Empty optional -> "-".
std::string format_optional(const std::optional<double>& value, int significant = 4);

// The one escaping function for Markdown: `text` (a value from a result: a name, a variant, a
// label, a reason, a path) as inert text, rendered exactly as written wherever it stands in a
// line of report.md or compare's Markdown (a table cell, a list item, a heading). See
// text_table.cpp for the rules.
std::string markdown_text(const std::string& text);

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right_aligned;  // per column; missing entries mean left-aligned
  // Cells shown in bold in Markdown, as (row, column); the plain table shows them as they are.
  std::vector<std::pair<std::size_t, std::size_t>> strong_cells = {};
};

// GitHub-flavoured Markdown table, one line per row, every cell (header too) through
// markdown_text().
std::string render_markdown_table(const TextTable& table);
// Columns padded to their widest cell (display width of UTF-8 text), two spaces apart, with a
// rule of '-' under the header.
std::string render_plain_table(const TextTable& table);

}  // namespace nnbench::report

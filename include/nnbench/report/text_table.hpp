// Human-facing text: numbers with a fixed count of significant digits, and tables rendered as
// Markdown (GitHub pipe tables) or as plain aligned columns for a terminal. Shared by report.md
// and the compare renderers.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nnbench::report {

// `value` with `significant` significant digits in fixed notation (no exponent), e.g.
// 1234.5 -> "1235", 1.23456 -> "1.235", 0.00123456 -> "0.001235"; "nan"/"inf" for non-finite.
std::string format_significant(double value, int significant = 4);
// Empty optional -> "-".
std::string format_optional(const std::optional<double>& value, int significant = 4);

// Escapes what would break a Markdown table cell: '|' and newlines.
std::string markdown_cell(const std::string& text);

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right_aligned;  // per column; missing entries mean left-aligned
};

// GitHub-flavoured Markdown table, one line per row, cells escaped.
std::string render_markdown_table(const TextTable& table);
// Columns padded to their widest cell (display width of UTF-8 text), two spaces apart, with a
// rule of '-' under the header.
std::string render_plain_table(const TextTable& table);

}  // namespace nnbench::report

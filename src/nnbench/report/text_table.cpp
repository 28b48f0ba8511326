// Number formatting and table rendering for Markdown and terminals.
#include "nnbench/report/text_table.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace nnbench::report {

std::string format_significant(double value, int significant) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  const int decimals = std::clamp(significant - 1 - magnitude, 0, 12);
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text == "-0") text = "0";
  return text;
}

std::string format_optional(const std::optional<double>& value, int significant) {
  return value ? format_significant(*value, significant) : std::string("-");
}

std::string markdown_cell(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') {
      escaped += "\\|";
    } else if (c == '\n') {
      escaped += "<br>";
    } else if (c != '\r') {
      escaped += c;
    }
  }
  return escaped;
}

namespace {

bool is_right(const TextTable& table, std::size_t column) {
  return column < table.right_aligned.size() && table.right_aligned[column];
}

// Counts code points, not bytes, so "µs" and "±" do not throw the columns off.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string render_markdown_table(const TextTable& table) {
  std::string out = "|";
  for (const std::string& cell : table.header)
    out.append(" ").append(markdown_cell(cell)).append(" |");
  out += "\n|";
  for (std::size_t column = 0; column < table.header.size(); ++column) {
    out += is_right(table, column) ? " ---: |" : " --- |";
  }
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (std::size_t column = 0; column < table.header.size(); ++column) {
      out.append(" ")
          .append(markdown_cell(column < row.size() ? row[column] : std::string()))
          .append(" |");
    }
    out += "\n";
  }
  return out;
}

std::string render_plain_table(const TextTable& table) {
  std::vector<std::size_t> widths(table.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t column = 0; column < widths.size() && column < cells.size(); ++column) {
      widths[column] = std::max(widths[column], display_width(cells[column]));
    }
  };
  measure(table.header);
  for (const auto& row : table.rows) measure(row);

  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t column = 0; column < widths.size(); ++column) {
      const std::string cell = column < cells.size() ? cells[column] : std::string();
      const std::string padding(widths[column] - display_width(cell), ' ');
      if (column > 0) out += "  ";
      out += is_right(table, column) ? padding + cell : cell + padding;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(table.header);
  std::size_t total = 0;
  for (std::size_t width : widths) total += width;
  total += widths.empty() ? 0 : 2 * (widths.size() - 1);
  out += std::string(total, '-') + "\n";
  for (const auto& row : table.rows) out += line(row);
  return out;
}

}  // namespace nnbench::report

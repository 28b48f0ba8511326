// Number formatting and table rendering for Markdown and terminals.
#include "nnbench/report/text_table.hpp"

#include "nnbench/core/printable.hpp"

#include <algorithm>
#include <cctype>
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

namespace {

// Where the character is that makes `text` a list item after a bullet: the '-' or '+' of "- x",
// the '.' or ')' of "1. x" and "1) x"; npos when it has none.
std::size_t list_marker(const std::string& text) {
  const auto blank_at = [&](std::size_t at) {
    return at >= text.size() || text[at] == ' ' || text[at] == '\t';
  };
  if (text.size() > 1 && (text[0] == '-' || text[0] == '+') && blank_at(1)) return 0;
  const std::size_t digits_end = text.find_first_not_of("0123456789");
  if (digits_end != 0 && digits_end != std::string::npos &&
      (text[digits_end] == '.' || text[digits_end] == ')') && blank_at(digits_end + 1)) {
    return digits_end;
  }
  return std::string::npos;
}

}  // namespace

// markdown_text's rules, for CommonMark and GitHub's Markdown (which both render inline HTML):
// - '<', '>' and '&' become &lt; &gt; &amp;: no HTML tag, autolink or entity can start, even in a
//   renderer that knows no backslash escapes.
// - '\\', '`', '*', '[', ']', '|', '#', '~' and '$' get a backslash: no code span, emphasis,
//   link, image, table cell break, heading, strikethrough or (GitHub's) math. ('!' needs none: an
//   image needs a '['.)
// - '_' gets a backslash unless both its neighbours are ASCII letters or digits: CommonMark never
//   opens or closes emphasis inside a word, and batch_size stays readable in the raw file.
// - A leading list marker ("- x", "+ x", "1. x", "1) x") gets a backslash, so a value after a
//   list bullet stays one item of text; a sign ("-20.0%") and the lone "-" of an unknown figure
//   are left alone.
// - A line break (LF, CR LF or CR) becomes <br>, the only markup this function writes: a value
//   never spans two lines of the file.
std::string markdown_text(const std::string& text) {
  const auto is_word = [&](std::size_t at) {
    return at < text.size() && std::isalnum(static_cast<unsigned char>(text[at])) != 0;
  };
  const std::size_t marker = list_marker(text);
  std::string escaped;
  escaped.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '&':
        escaped += "&amp;";
        break;
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '|':
      case '#':
      case '~':
      case '$':
        escaped.append(1, '\\').append(1, c);
        break;
      case '_':
        if (!(i > 0 && is_word(i - 1) && is_word(i + 1))) escaped += '\\';
        escaped += c;
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        escaped += "<br>";
        break;
      case '\n':
        escaped += "<br>";
        break;
      default:
        if (i == marker) escaped += '\\';
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

std::string render_shown_table(const TextTable& table) {
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

}  // namespace

std::string render_markdown_table(const TextTable& table) {
  std::string out = "|";
  for (const std::string& cell : table.header)
    out.append(" ").append(markdown_text(cell)).append(" |");
  out += "\n|";
  for (std::size_t column = 0; column < table.header.size(); ++column) {
    out += is_right(table, column) ? " ---: |" : " --- |";
  }
  out += "\n";
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    out += "|";
    for (std::size_t column = 0; column < table.header.size(); ++column) {
      const std::vector<std::string>& cells = table.rows[row];
      const std::string text = markdown_text(column < cells.size() ? cells[column] : "");
      const bool strong =
          !text.empty() && std::find(table.strong_cells.begin(), table.strong_cells.end(),
                                     std::pair{row, column}) != table.strong_cells.end();
      out.append(" ").append(strong ? "**" + text + "**" : text).append(" |");
    }
    out += "\n";
  }
  return out;
}

std::string render_plain_table(const TextTable& table) {
  // For a terminal: every cell shown safely (no escape sequence or bidirectional override in a
  // name reaches the screen as one), uncut.
  TextTable shown = table;
  for (std::string& cell : shown.header) cell = printable(cell, std::string::npos);
  for (auto& row : shown.rows) {
    for (std::string& cell : row) cell = printable(cell, std::string::npos);
  }
  return render_shown_table(shown);
}

}  // namespace nnbench::report

// Diagnostic rendering (source line + caret, made printable and cut to a window) and
// edit-distance suggestions.
#include "nnbench/dsl/diagnostic.hpp"

#include <algorithm>
#include <cctype>
#include <deque>

#include "nnbench/core/printable.hpp"
#include "nnbench/core/suggest.hpp"

namespace nnbench::dsl {
namespace {

constexpr std::size_t kMaxMessageChars = 512;    // a message quotes a few names, each cut
constexpr std::size_t kLineWindowColumns = 120;  // of a source line, at most this much is echoed
constexpr std::size_t kColumnsAfterCaret = 80;  // when it is cut, at most this much after the caret

// The echoed source line and the caret line under it.
struct EchoedLine {
  std::string text;
  std::string marks;
};

// A character of the echoed line. Tabs stay tabs (the caret line copies them), so the caret
// lines up under the same character in any editor.
ShownChar shown_in_line(std::string_view line, std::size_t offset) {
  return line[offset] == '\t' ? ShownChar{1, "\t", 1} : shown_char(line, offset);
}

// Terminal columns of line[offset, ...), counted up to `limit`.
std::size_t columns_from(std::string_view line, std::size_t offset, std::size_t limit) {
  std::size_t columns = 0;
  while (offset < line.size() && columns <= limit) {
    const ShownChar c = shown_in_line(line, offset);
    columns += c.columns;
    offset += c.bytes;
  }
  return columns;
}

// `line` with every character made printable, cut to kLineWindowColumns around the caret at
// byte `caret` ("…" where cut), and the caret line: '^' under the caret, '~' up to byte
// `range_end`.
EchoedLine echo_line(std::string_view line, std::size_t caret, std::size_t range_end) {
  const std::size_t after = columns_from(line, caret, kLineWindowColumns);
  const std::size_t before_budget = kLineWindowColumns - std::min(after, kColumnsAfterCaret);
  // Only the last bytes before the caret can be shown (a character is at most 4 bytes wide in
  // the source and at least one column on screen), so a megabyte line costs no more to echo.
  std::size_t offset = caret > 4 * (before_budget + 1) ? caret - 4 * (before_budget + 1) : 0;
  while (offset > 0 && offset < caret &&
         (static_cast<unsigned char>(line[offset]) & 0xC0) == 0x80) {
    ++offset;
  }
  bool cut_before = offset > 0;
  std::deque<ShownChar> before;
  std::size_t before_columns = 0;
  while (offset < caret) {
    before.push_back(shown_in_line(line, offset));
    offset += before.back().bytes;
    before_columns += before.back().columns;
    while (before_columns > before_budget) {
      before_columns -= before.front().columns;
      before.pop_front();
      cut_before = true;
    }
  }
  EchoedLine out;
  if (cut_before) {
    out.text += "…";
    out.marks += ' ';
  }
  for (const ShownChar& c : before) {
    out.text += c.shown;
    out.marks += c.shown == "\t" ? std::string("\t") : std::string(c.columns, ' ');
  }
  out.marks += '^';
  std::size_t columns = before_columns;
  for (bool first = true; offset < line.size(); first = false) {
    const ShownChar c = shown_in_line(line, offset);
    if (columns + c.columns > kLineWindowColumns) {
      out.text += "…";
      break;
    }
    out.text += c.shown;
    if (offset < range_end) out.marks += std::string(c.columns - (first ? 1 : 0), '~');
    columns += c.columns;
    offset += c.bytes;
  }
  return out;
}

}  // namespace

void Diagnostics::error(SourceRange range, std::string message) {
  if (full()) {
    dropped_ = true;
    return;
  }
  list_.push_back(Diagnostic{range, std::move(message)});
}

std::string Diagnostics::render(const SourceFile& file) const {
  std::string out;
  for (const Diagnostic& d : list_) out += dsl::render(d, file);
  if (dropped_) {
    out += printable(file.name(), std::string::npos) + ": error: too many errors; stopping here\n";
  }
  return out;
}

std::string render(const Diagnostic& diagnostic, const SourceFile& file) {
  const SourceLocation& begin = diagnostic.range.begin;
  // Messages quote source text through quote_text(); printable() again bounds any that does not.
  std::string out = printable(file.name(), std::string::npos) + ":" + std::to_string(begin.line) +
                    ":" + std::to_string(begin.column) +
                    ": error: " + printable(diagnostic.message, kMaxMessageChars) + "\n";
  const std::string_view line = file.line_text(begin.line);
  const std::size_t caret = std::min(static_cast<std::size_t>(begin.column - 1), line.size());
  std::size_t range_end = caret;
  if (diagnostic.range.end.line == begin.line && diagnostic.range.end.column > begin.column) {
    range_end = std::min(static_cast<std::size_t>(diagnostic.range.end.column - 1), line.size());
  }
  const EchoedLine echoed = echo_line(line, caret, range_end);
  out += echoed.text + "\n" + echoed.marks + "\n";
  return out;
}

std::string closest_name(std::string_view name, const std::vector<std::string_view>& candidates) {
  constexpr std::size_t kLongestName = 64;  // bounded work on absurd identifiers
  if (name.empty() || name.size() > kLongestName) return "";
  const std::size_t allowed = std::max<std::size_t>(1, (name.size() + 2) / 3);
  std::string_view best;
  std::size_t best_distance = allowed + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t d = nnbench::edit_distance(name, candidate);  // core/suggest.hpp
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best_distance <= allowed ? std::string(best) : "";
}

std::string with_suggestion(std::string message, std::string_view name,
                            const std::vector<std::string_view>& candidates) {
  const std::string best = closest_name(name, candidates);
  if (!best.empty()) message += "; did you mean '" + best + "'?";
  return message;
}

}  // namespace nnbench::dsl

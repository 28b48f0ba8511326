// Diagnostic rendering (source line + caret) and edit-distance suggestions.
#include "nnbench/dsl/diagnostic.hpp"

#include <algorithm>
#include <cctype>

#include "nnbench/core/suggest.hpp"

namespace nnbench::dsl {

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
  if (dropped_) out += file.name() + ": error: too many errors; stopping here\n";
  return out;
}

std::string render(const Diagnostic& diagnostic, const SourceFile& file) {
  const SourceLocation& begin = diagnostic.range.begin;
  std::string out = file.name() + ":" + std::to_string(begin.line) + ":" +
                    std::to_string(begin.column) + ": error: " + diagnostic.message + "\n";
  const std::string_view line = file.line_text(begin.line);
  out.append(line);
  out += '\n';
  // Keep tabs so the caret lines up under the same character in any editor.
  const std::size_t caret_at = std::min(static_cast<std::size_t>(begin.column - 1), line.size());
  for (std::size_t i = 0; i < caret_at; ++i) out += line[i] == '\t' ? '\t' : ' ';
  out += '^';
  std::size_t end_column = static_cast<std::size_t>(begin.column);
  if (diagnostic.range.end.line == begin.line && diagnostic.range.end.column > begin.column) {
    end_column = static_cast<std::size_t>(diagnostic.range.end.column);
  }
  const std::size_t line_end_column = line.size() + 1;
  for (std::size_t c = static_cast<std::size_t>(begin.column) + 1;
       c < std::min(end_column, line_end_column); ++c) {
    out += '~';
  }
  out += '\n';
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

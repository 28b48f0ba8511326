// The one diagnostic type of the model language, the list that collects them, and the
// "did you mean" helper. A diagnostic renders as
//   file:line:col: error: message
//   <the source line>
//   <spaces>^~~~
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "nnbench/core/error.hpp"
#include "nnbench/dsl/source.hpp"

namespace nnbench::dsl {

struct Diagnostic {
  SourceRange range;    // the caret goes under range.begin, tildes up to range.end on that line
  std::string message;  // one sentence, no trailing period
};

// Diagnostics of one compilation, in the order found. Stops collecting after max_errors
// (so no input can make the list grow without bound) and records that it did.
class Diagnostics {
 public:
  static constexpr std::size_t kMaxErrors = 25;

  void error(SourceRange range, std::string message);
  bool has_errors() const { return !list_.empty(); }
  bool full() const { return list_.size() >= kMaxErrors; }
  const std::vector<Diagnostic>& list() const { return list_; }

  // All diagnostics rendered against `file`, each ending with a newline, plus a final
  // "too many errors" line when some were dropped.
  std::string render(const SourceFile& file) const;

 private:
  std::vector<Diagnostic> list_;
  bool dropped_ = false;
};

// One diagnostic rendered (three lines, each ending with '\n').
std::string render(const Diagnostic& diagnostic, const SourceFile& file);

// The candidate closest to `name` by edit distance (case-insensitive), or "" when none is close
// enough to be a plausible typo.
std::string closest_name(std::string_view name, const std::vector<std::string_view>& candidates);

// "<message>; did you mean 'X'?" when a close candidate exists, else `message`.
std::string with_suggestion(std::string message, std::string_view name,
                            const std::vector<std::string_view>& candidates);

// Thrown by compile(): what() is the full rendered diagnostics text.
class CompileError : public InputError {
 public:
  CompileError(const std::string& rendered, std::vector<Diagnostic> diagnostics)
      : InputError(rendered), diagnostics_(std::move(diagnostics)) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace nnbench::dsl

// Macro and repetition expansion: `define Name { ... }` blocks used by name, and `Item * n`.
#pragma once

#include "nnbench/dsl/ast.hpp"
#include "nnbench/dsl/diagnostic.hpp"

namespace nnbench::dsl {

// At most this many layers after expansion, per network (bounds memory on hostile input).
inline constexpr std::size_t kMaxExpandedLayers = 10000;

// Entry point of expansion. Rewrites every network's layers in place so that macro uses are
// replaced by (expanded copies of) their bodies and `* n` repetitions become n copies; Residual
// bodies are expanded too. Macros may be defined before or after the networks that use them and
// may use other macros; a macro that uses itself, a duplicate or an argument-taking use is
// reported. A device hint on a macro use applies to every layer of the body without its own.
// file.macros is left as written (HPO axes of macro bodies are named from it).
void expand_macros(ast::File& file, Diagnostics& diagnostics);

}  // namespace nnbench::dsl

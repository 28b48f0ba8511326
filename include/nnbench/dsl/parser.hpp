// The parser: tokens -> syntax tree, with error recovery.
#pragma once

#include <vector>

#include "nnbench/dsl/ast.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/lexer.hpp"

namespace nnbench::dsl {

// Nesting deeper than this (blocks, tuples, HPO values) is reported instead of recursed into,
// so no input can exhaust the stack.
inline constexpr int kMaxNestingDepth = 48;

// Entry point of the parser. Parses every `network` and `define` in `tokens` (from lex()).
// On a syntax error it reports to `diagnostics`, skips to the next layer, section or top-level
// declaration, and goes on, so one pass reports several errors. The tree is complete only when
// diagnostics has no errors.
ast::File parse(const std::vector<Token>& tokens, Diagnostics& diagnostics);

}  // namespace nnbench::dsl

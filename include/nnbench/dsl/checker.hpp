// The checker: an expanded syntax tree -> the checked IR, with shapes, parameter counts and
// MACs per layer.
#pragma once

#include <optional>

#include "nnbench/dsl/ast.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// Entry point of the checker. `network` must come from expand_macros() with every HPO value
// substituted (substitute_hpo()). Resolves every argument, propagates shapes from the input
// through each layer, reports impossible shapes, unknown names, missing loss or optimizer and
// bad settings to `diagnostics`, and returns the IR only when there was no error. The returned
// network's hpo list is empty; compile() fills it.
std::optional<ir::Network> check(const ast::Network& network, const SourceFile& file,
                                 Diagnostics& diagnostics);

}  // namespace nnbench::dsl

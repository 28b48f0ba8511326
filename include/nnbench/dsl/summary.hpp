// `--emit summary`: a per-layer table of a checked network (output shape, parameters, MACs,
// activation bytes) with totals.
#pragma once

#include <string>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// The table as text, one row per layer (Residual bodies indented under their block), counts
// with thousands separators, ending with a newline. Shapes are per sample in LibTorch order.
std::string render_summary(const ir::Network& network);

// 101770 -> "101,770".
std::string with_thousands(std::int64_t value);

}  // namespace nnbench::dsl

// `--emit jax`: a checked network -> a standalone Flax (linen) module with Optax: the nn.Module
// (input in PyTorch's order, convolutions run channels-last inside), predict(), the language's
// loss, its optimizer with LibTorch's semantics, a jitted training step, a training loop and a
// __main__ that prints the parameter count and runs one forward pass and one step.
// Networks with LSTM, GRU, MultiHeadAttention or TransformerEncoder layers have no translation
// yet: InputError naming the layer.
#pragma once

#include <string>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// The Python source text (imports jax, flax and optax only). Pure function; no I/O.
std::string emit_jax(const ir::Network& network);

}  // namespace nnbench::dsl

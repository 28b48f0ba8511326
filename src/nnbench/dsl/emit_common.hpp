// Helpers every code-emitting back end (pytorch, torch-cpp, jax, keras) shares; private to the
// dsl layer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::emit {

// The attribute, member or variable name of a layer: "residual_1/conv2d_3" ->
// "residual_1_conv2d_3".
std::string identifier(const std::string& layer_name);

// Whether any of `values` (e.g. a layer's per-side padding) is not 0.
bool any_nonzero(const std::vector<std::int64_t>& values);

// Whether a layer of `kind` is among `layers` or their Residual bodies: a back end writes the
// helper classes of some layers (ClassToken, PositionEmbedding) only into files that use them.
bool uses(const std::vector<ir::Layer>& layers, ir::LayerKind kind);

}  // namespace nnbench::dsl::emit

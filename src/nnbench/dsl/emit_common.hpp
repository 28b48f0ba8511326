// Helpers every code-emitting back end (pytorch, torch-cpp, jax, keras) shares; private to the
// dsl layer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnbench::dsl::emit {

// The attribute, member or variable name of a layer: "residual_1/conv2d_3" ->
// "residual_1_conv2d_3".
std::string identifier(const std::string& layer_name);

// Whether any of `values` (e.g. a layer's per-side padding) is not 0.
bool any_nonzero(const std::vector<std::int64_t>& values);

}  // namespace nnbench::dsl::emit

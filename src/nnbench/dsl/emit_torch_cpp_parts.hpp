// Pieces of the LibTorch C++ emitter shared by its two source files (private to the dsl layer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emit_channels_first.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::cpp {

// A C++ double literal that reads back as the same value ("0.001", "1e-08", "0.0").
std::string number(double value);
// A braced list: "{3, 3}".
std::string braced(const std::vector<std::int64_t>& values);
// The expression applying `a` to the expression `x`.
std::string activation(const ir::Activation& a, const std::string& x);
// Appends every layer's members, registrations and forward statements: the channels-first walk,
// spelled for LibTorch's C++ API.
void emit_layers(const std::vector<ir::Layer>& layers, channels_first::Body& body);
// The module structs the network's layers need beyond torch::nn's (ClassToken,
// PositionEmbedding), in namespace nnbench_layers, followed by a blank line; "" when it needs none.
std::string helper_modules(const ir::Network& net);

}  // namespace nnbench::dsl::cpp

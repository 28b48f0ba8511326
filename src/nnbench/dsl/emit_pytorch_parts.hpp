// Pieces of the PyTorch emitter shared by its two source files and the Python spellings the JAX
// and Keras emitters reuse (private to the dsl layer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emit_channels_first.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::py {

// A Python float literal that reads back as the same double ("0.001", "1e-08", "0.0").
std::string number(double value);
// "3, 32, 32": sizes for a docstring.
std::string joined(const std::vector<std::int64_t>& values);
// A Python tuple literal: "(3, 3)", "(2,)".
std::string tuple(const std::vector<std::int64_t>& values);
// The expression applying `a` to the expression `x`.
std::string activation(const ir::Activation& a, const std::string& x);
// Appends every layer's attributes (to body.init) and forward statements: the channels-first
// walk, spelled for PyTorch.
void emit_layers(const std::vector<ir::Layer>& layers, channels_first::Body& body);
// The module classes the network's layers need beyond torch.nn's (ClassToken,
// PositionEmbedding), each followed by two blank lines; "" when it needs none.
std::string helper_classes(const ir::Network& net);

}  // namespace nnbench::dsl::py

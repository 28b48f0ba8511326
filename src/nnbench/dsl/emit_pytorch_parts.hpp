// Pieces of the PyTorch emitter shared by its two source files (private to the dsl layer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::py {

// The lines of the generated class, without indentation.
struct Body {
  std::vector<std::string> init;     // inside __init__
  std::vector<std::string> forward;  // inside forward(self, x)
};

// A Python float literal that reads back as the same double ("0.001", "1e-08", "0.0").
std::string number(double value);
// "3, 32, 32": sizes for a docstring.
std::string joined(const std::vector<std::int64_t>& values);
// A Python tuple literal: "(3, 3)", "(2,)".
std::string tuple(const std::vector<std::int64_t>& values);
// The expression applying `a` to the expression `x`.
std::string activation(const ir::Activation& a, const std::string& x);
// Appends every layer's attributes and forward statements (Residual bodies inline).
void emit_layers(const std::vector<ir::Layer>& layers, Body& body);

}  // namespace nnbench::dsl::py

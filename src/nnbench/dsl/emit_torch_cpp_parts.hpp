// Pieces of the LibTorch C++ emitter shared by its two source files (private to the dsl layer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::cpp {

// The lines of the generated module struct, without indentation.
struct Body {
  std::vector<std::string> members;  // "torch::nn::Linear dense_1{nullptr};"
  std::vector<std::string> init;     // constructor statements (register_module)
  std::vector<std::string> forward;  // statements of forward(torch::Tensor x)
};

// A C++ double literal that reads back as the same value ("0.001", "1e-08", "0.0").
std::string number(double value);
// A braced list: "{3, 3}".
std::string braced(const std::vector<std::int64_t>& values);
// The expression applying `a` to the expression `x`.
std::string activation(const ir::Activation& a, const std::string& x);
// Appends every layer's members, registrations and forward statements (Residual bodies inline).
void emit_layers(const std::vector<ir::Layer>& layers, Body& body);

}  // namespace nnbench::dsl::cpp

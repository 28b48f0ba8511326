// `--emit torch-cpp`: a checked network -> a standalone LibTorch C++ source file: a module struct
// (register_module in the constructor, a straight-line forward, predict), the loss, the
// optimizer, and a main() that builds the module, prints "parameters: N", and runs a forward
// pass, the loss and an inference pass on a random batch of 2.
#pragma once

#include <string>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

// The C++ source text (C++17, includes <torch/torch.h> only). Same architecture, parameter
// count (network.total_params) and loss semantics as the in-process builder
// (engine/model_builder.hpp). Pure function; no I/O.
std::string emit_torch_cpp(const ir::Network& network);

}  // namespace nnbench::dsl

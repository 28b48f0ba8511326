// Helpers shared by the model-builder tests: compile model-language text to the checked IR,
// count a module's parameters, run a command, and a network that covers most layer kinds.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "../python_run.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::engine::testing {

// A network called T with `layers` (one per line), the given input, loss and optimizer.
inline std::string network_text(const std::string& input, const std::string& layers,
                                const std::string& loss = "\"mse\"",
                                const std::string& optimizer = "Adam()") {
  return "network T {\n  input: " + input + "\n  layers:\n" + layers + "\n  loss: " + loss +
         "\n  optimizer: " + optimizer + "\n}\n";
}

// Compiles `text` (one network); fails the test with the diagnostics when it does not compile.
inline dsl::ir::Network compile_one(const std::string& text) {
  try {
    std::vector<dsl::ir::Network> networks = dsl::compile(dsl::SourceFile("test.nn", text));
    if (networks.size() != 1) ADD_FAILURE() << "expected one network, got " << networks.size();
    return networks.empty() ? dsl::ir::Network{} : networks.front();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected diagnostics:\n" << e.what();
    return {};
  }
}

inline std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

// A layer's own parameters plus those of its Residual body, as LibTorch counts a module.
inline std::int64_t ir_count_with_body(const dsl::ir::Layer& layer) {
  std::int64_t count = layer.param_count;
  for (const dsl::ir::Layer& inner : layer.body) count += ir_count_with_body(inner);
  return count;
}

// Running Python and reading what it prints: shared with the dsl tests.
using python_run::CommandResult;
using python_run::line_value;
using python_run::run_command;

}  // namespace nnbench::engine::testing

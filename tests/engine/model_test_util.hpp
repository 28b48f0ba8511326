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

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `command` through the shell and collects its output.
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The text after "key: " on the first line that starts with it; "" when none does.
inline std::string line_value(const std::string& output, const std::string& key) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  }
  return "";
}

}  // namespace nnbench::engine::testing

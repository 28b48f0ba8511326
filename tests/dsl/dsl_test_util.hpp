// Helpers shared by the dsl tests: compile a snippet, collect its diagnostics, find a layer, read
// golden files.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/diagnostic.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::testing {

// Wraps `layers` in a network with the given input, loss and optimizer.
inline std::string network_text(const std::string& input, const std::string& layers,
                                const std::string& loss = "\"mse\"") {
  return "network T {\n  input: " + input + "\n  layers:\n" + layers + "\n  loss: " + loss +
         "\n  optimizer: Adam()\n}\n";
}

// Compiles `text`; fails the test (with the diagnostics) when it does not compile.
inline ir::Network compile_ok(const std::string& text, const CompileOptions& options = {}) {
  try {
    std::vector<ir::Network> networks = compile(SourceFile("test.nn", text), options);
    if (networks.empty()) ADD_FAILURE() << "no network";
    return networks.empty() ? ir::Network{} : networks.front();
  } catch (const CompileError& e) {
    ADD_FAILURE() << "unexpected diagnostics:\n" << e.what();
    return {};
  }
}

// The rendered diagnostics of `text`, or "" when it compiles.
inline std::string compile_errors(const std::string& text, const CompileOptions& options = {}) {
  try {
    compile(SourceFile("test.nn", text), options);
    return "";
  } catch (const CompileError& e) {
    return e.what();
  }
}

// The single layer of a network built from one layer line.
inline ir::Layer only_layer(const std::string& input, const std::string& layer) {
  const ir::Network n = compile_ok(network_text(input, "    " + layer));
  if (n.layers.size() != 1) {
    ADD_FAILURE() << "expected one layer";
    return {};
  }
  return n.layers.front();
}

// The bytes of a file ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The files of `dir` whose extension is `extension` (".nn"), sorted.
inline std::vector<std::filesystem::path> files_with_extension(const std::filesystem::path& dir,
                                                               const std::string& extension) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == extension) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace nnbench::dsl::testing

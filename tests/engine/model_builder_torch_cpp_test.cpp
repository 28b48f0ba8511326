// Cross-backend check of `--emit torch-cpp`: the emitted source for a network that covers most
// layer kinds compiles with g++ (-Wall -Wextra, no warnings) against the project's LibTorch,
// prints the IR's parameter count, and, seeded like build_model(), computes the same eval-mode
// logits and probabilities as the in-process module. Slow: one LibTorch TU (~40 s).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model_test_util.hpp"
#include "nnbench/dsl/emit_torch_cpp.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::engine {
namespace {

namespace ir = dsl::ir;
namespace fs = std::filesystem;
using testing::line_value;
using testing::run_command;

std::vector<double> numbers(const std::string& text) {
  std::istringstream in(text);
  std::vector<double> values;
  double v = 0.0;
  while (in >> v) values.push_back(v);
  return values;
}

void expect_values_near(const std::string& printed, const torch::Tensor& expected) {
  const std::vector<double> got = numbers(printed);
  const torch::Tensor flat = expected.reshape({-1}).to(torch::kDouble).contiguous();
  ASSERT_EQ(static_cast<std::int64_t>(got.size()), flat.numel()) << printed;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], flat[static_cast<std::int64_t>(i)].item<double>(), 1e-5) << i;
  }
}

TEST(ModelBuilderTorchCpp, CompilesAndMatchesInProcessModule_WhenBuiltAgainstLibTorch) {
  const std::vector<ir::Network> networks = dsl::compile(
      dsl::SourceFile::read(std::string(NNBENCH_TEST_DATA_DIR) + "/models/many_kinds.nn"));
  ASSERT_EQ(networks.size(), 1U);
  const ir::Network& net = networks.front();
  const testing::CommandResult torch_dir =
      run_command(std::string(NNBENCH_PYTHON_EXE) +
                  " -c \"import torch, os; print(os.path.dirname(torch.__file__))\"");
  ASSERT_EQ(torch_dir.exit_code, 0) << torch_dir.output;
  const std::string torch = torch_dir.output.substr(0, torch_dir.output.find('\n'));

  const fs::path dir =
      fs::temp_directory_path() / ("nnbench_emit_torch_cpp_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path source = dir / "many_kinds.cpp";
  const fs::path binary = dir / "many_kinds";
  std::ofstream(source) << dsl::emit_torch_cpp(net);
  const testing::CommandResult build = run_command(
      "g++ -std=c++17 -O0 -Wall -Wextra -D_GLIBCXX_USE_CXX11_ABI=1 -isystem " + torch +
      "/include -isystem " + torch + "/include/torch/csrc/api/include " + source.string() + " -o " +
      binary.string() + " -L" + torch + "/lib -ltorch_cpu -lc10 -Wl,-rpath," + torch + "/lib");
  ASSERT_EQ(build.exit_code, 0) << build.output;
  EXPECT_EQ(build.output.find("warning:"), std::string::npos) << build.output;
  const testing::CommandResult run = run_command(binary.string());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  fs::remove_all(dir);

  EXPECT_EQ(line_value(run.output, "parameters"), std::to_string(net.total_params)) << run.output;
  EXPECT_EQ(line_value(run.output, "output"), "[2, 4]") << run.output;
  EXPECT_EQ(line_value(run.output, "inference"), "[2, 4]") << run.output;
  EXPECT_NE(line_value(run.output, "loss"), "") << run.output;

  // The emitted main() seeds 0, constructs the module and draws its input, as build_model()
  // with seed 0 followed by example_input() does.
  BuiltModel built = build_model(net, {.seed = 0});
  const torch::Tensor input = example_input(net, 2);
  built.module->eval();
  torch::NoGradGuard no_grad;
  expect_values_near(line_value(run.output, "logits"), built.forward(input));
  expect_values_near(line_value(run.output, "predicted"), built.infer(input));
}

}  // namespace
}  // namespace nnbench::engine

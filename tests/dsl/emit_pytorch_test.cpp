// `--emit pytorch`: the emitted module mirrors the IR (folded activation, explicit padding,
// loss input), and, run under the project's Python PyTorch, prints the IR's parameter count
// and output shape for every model in models/ and a network covering most layer kinds.
#include "nnbench/dsl/emit_pytorch.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "../python_run.hpp"
#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using python_run::kDriver;
using python_run::line_value;
using python_run::python_shape;
using python_run::run_command;
using python_run::section;
using testing::compile_ok;
using testing::network_text;

// Sequences and recurrent states the first network does not cover, under other losses.
const char* kSequences = R"(
network Sequences {
  input: (12, 6)
  layers:
    LSTM(5, num_layers=2, bidirectional=true)
    Output(3, "sigmoid")
  loss: "binary_crossentropy"
  optimizer: RMSprop(learning_rate=0.01, rho=0.9)
}
network Signals {
  input: (20, 2)
  layers:
    Conv1D(4, 5, strides=2)
    GlobalAveragePooling1D()
    Flatten()
    Output(3, "softmax")
  loss: "categorical_crossentropy"
  optimizer: AdamW()
}
network LastState {
  input: (9, 4)
  layers:
    GRU(6)
    Dense(2, "log_softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: Adam()
}
)";

TEST(PytorchEmit, TrainsOnLogits_WhenSoftmaxIsFoldedIntoTheLoss) {
  const std::string text = emit_pytorch(compile_ok(
      network_text("(6,)", "    Output(3, \"softmax\")", "\"sparse_categorical_crossentropy\"")));
  EXPECT_NE(text.find("        x = self.output_1(x)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("return torch.softmax(self.forward(x), dim=1)"), std::string::npos) << text;
  EXPECT_NE(text.find("logp = torch.log_softmax(output, dim=-1)"), std::string::npos) << text;
}

TEST(PytorchEmit, ReadsProbabilities_WhenSoftmaxIsNotFolded) {
  const ir::Network net = compile_ok(
      network_text("(6,)", "    Dense(3, \"softmax\")", "\"sparse_categorical_crossentropy\""));
  EXPECT_EQ(loss_input(net), LossInput::kProbabilities);
  const std::string text = emit_pytorch(net);
  EXPECT_NE(text.find("x = torch.softmax(self.dense_1(x), dim=1)"), std::string::npos) << text;
  EXPECT_NE(text.find("logp = torch.log(output.clamp(1e-07, 1.0))"), std::string::npos) << text;
}

TEST(LossInput, FollowsTheFinalActivation_WhenNotFoldedIntoTheLoss) {
  const auto input_of = [](const std::string& layer, const std::string& loss) {
    return loss_input(compile_ok(network_text("(6,)", "    " + layer, loss)));
  };
  const std::string sparse = "\"sparse_categorical_crossentropy\"";
  const std::string bce = "\"binary_crossentropy\"";
  EXPECT_EQ(input_of("Output(3, \"softmax\")", sparse), LossInput::kLogits);
  EXPECT_EQ(input_of("Output(3)", sparse), LossInput::kLogits);
  EXPECT_EQ(input_of("Dense(3, \"softmax\")", sparse), LossInput::kProbabilities);
  EXPECT_EQ(input_of("Dense(3, \"log_softmax\")", sparse), LossInput::kLogProbabilities);
  EXPECT_EQ(input_of("Dense(3, \"softmax\")", "\"categorical_crossentropy\""),
            LossInput::kProbabilities);
  EXPECT_EQ(input_of("Output(1, \"sigmoid\")", bce), LossInput::kLogits);
  EXPECT_EQ(input_of("Dense(1, \"sigmoid\")", bce), LossInput::kProbabilities);
  EXPECT_EQ(input_of("Output(2, \"softmax\")", "\"mse\""), LossInput::kLogits);
}

TEST(PytorchEmit, PadsExplicitly_WhenSamePaddingIsAsymmetric) {
  const std::string text = emit_pytorch(compile_ok(
      network_text("(5, 5, 1)",
                   "    Conv2D(2, (2, 2), padding=\"same\")\n    AveragePooling2D(2, strides=1, "
                   "padding=\"same\")")));
  EXPECT_NE(text.find("x = F.pad(x, (0, 1, 0, 1))"), std::string::npos) << text;
  EXPECT_NE(text.find("padding=(0, 0)"), std::string::npos) << text;
  EXPECT_NE(text.find("/ F.avg_pool2d(mask, kernel_size=(2, 2), stride=(1, 1))"), std::string::npos)
      << text;
}

TEST(PytorchEmit, RunsAndPrintsIrParameterCount_WhenExecutedWithPytorch) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nnbench_emit_pytorch_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::vector<ir::Network> networks =
      compile(SourceFile::read(std::string(NNBENCH_TEST_DATA_DIR) + "/models/many_kinds.nn"));
  for (ir::Network& n : compile(SourceFile("sequences.nn", kSequences))) networks.push_back(n);
  int model_files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(NNBENCH_SOURCE_DIR) / "models")) {
    if (entry.path().extension() != ".nn") continue;
    ++model_files;
    for (ir::Network& n : compile_file(entry.path().string())) networks.push_back(n);
  }
  EXPECT_GE(model_files, 5);
  std::string command = std::string(NNBENCH_PYTHON_EXE) + " " + (dir / "driver.py").string();
  std::ofstream(dir / "driver.py") << kDriver;
  for (const ir::Network& net : networks) {
    const std::filesystem::path file = dir / (net.name + ".py");
    std::ofstream(file) << emit_pytorch(net);
    command += ' ';
    command += file.string();
  }
  const python_run::CommandResult run = run_command(command);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const ir::Network& net : networks) {
    SCOPED_TRACE(net.name);
    const std::string out = section(run.output, (dir / (net.name + ".py")).string());
    EXPECT_EQ(line_value(out, "parameters"), std::to_string(net.total_params)) << run.output;
    EXPECT_EQ(line_value(out, "output"), python_shape(net.output_shape)) << run.output;
    EXPECT_EQ(line_value(out, "inference"), python_shape(net.output_shape)) << run.output;
    EXPECT_NE(line_value(out, "loss"), "") << run.output;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nnbench::dsl

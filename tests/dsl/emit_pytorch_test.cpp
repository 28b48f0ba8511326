// `--emit pytorch`: the emitted module mirrors the IR (folded activation, explicit padding,
// loss input, the vision transformer's token layers), and, run under the project's Python
// PyTorch, prints the IR's parameter count and output shape for a network covering most layer
// kinds and every model in models/ (vit_b_16, torchvision's 86,567,656 parameters, on one image
// without a training step).
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

TEST(PytorchEmit, VisionTransformerLayers_AreHelperModulesInLayerOrder) {
  const std::string text = emit_pytorch(compile_ok(
      network_text("(8, 8, 3)",
                   "    Conv2D(4, (4, 4), strides=4)\n    PatchesToSequence()\n    ClassToken()\n"
                   "    PositionEmbedding()\n    SelectToken(0)")));
  // torchvision's _process_input: reshape to (N, C, H*W), then permute to (N, H*W, C).
  EXPECT_NE(text.find("        x = x.reshape(x.shape[0], 4, 4)\n        x = x.permute(0, 2, 1)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("class _ClassToken(nn.Module):"), std::string::npos) << text;
  EXPECT_NE(text.find("self.class_token_1 = _ClassToken(4)"), std::string::npos) << text;
  EXPECT_NE(text.find("self.position_embedding_1 = _PositionEmbedding(5, 4, std=0.02)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("x = x.select(1, 0)"), std::string::npos) << text;
  // Only files that use them define the helper classes.
  EXPECT_EQ(emit_pytorch(compile_ok(network_text("(6,)", "    Output(3)"))).find("_ClassToken"),
            std::string::npos);
}

constexpr std::int64_t kLargeModelParameters = 50'000'000;

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
    for (ir::Network& n : compile_file(entry.path().string())) {
      // vit_b_16's self-check (a training step of 86 M parameters) is left to the test below.
      if (n.total_params <= kLargeModelParameters) networks.push_back(n);
    }
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

// models/vit_b_16.nn's PyTorch module, built and run on one image without autograd: torchvision's
// 86,567,656 parameters and 1000 outputs.
TEST(PytorchEmit, VitB16_HasTorchvisionsParameterCount_WhenExecutedWithPytorch) {
  const ir::Network net = compile_file(std::string(NNBENCH_SOURCE_DIR) + "/models/vit_b_16.nn")[0];
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nnbench_emit_vit_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "vit.py") << emit_pytorch(net);
  std::ofstream(dir / "check.py")
      << "import runpy, sys, torch\n"
         "module = runpy.run_path(sys.argv[1])\n"
         "model = module[\"VitB16\"]().eval()\n"
         "print(f\"parameters: {sum(p.numel() for p in model.parameters())}\")\n"
         "with torch.no_grad():\n"
         "    print(f\"inference: {tuple(model.predict(module['example_input'](1)).shape)}\")\n";
  const python_run::CommandResult run =
      run_command(std::string(NNBENCH_PYTHON_EXE) + " " + (dir / "check.py").string() + " " +
                  (dir / "vit.py").string());
  std::filesystem::remove_all(dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(line_value(run.output, "parameters"), "86567656") << run.output;
  EXPECT_EQ(line_value(run.output, "parameters"), std::to_string(net.total_params));
  EXPECT_EQ(line_value(run.output, "inference"), "(1, 1000)") << run.output;
}

}  // namespace
}  // namespace nnbench::dsl

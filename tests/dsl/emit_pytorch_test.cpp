// `--emit pytorch`: the emitted module mirrors the IR (folded activation, explicit padding,
// loss input), and, run under the project's Python PyTorch, prints the IR's parameter count
// and output shape for every model in models/ and a network covering most layer kinds.
#include "nnbench/dsl/emit_pytorch.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_ok;
using testing::network_text;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult run_command(const std::string& command) {
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
std::string line_value(const std::string& output, const std::string& key) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  }
  return "";
}

// "(2, 10)" for an output shape (10).
std::string python_shape(const ir::Shape& sample_shape) {
  std::string out = "(2";
  for (std::int64_t d : sample_shape) {
    out += ", ";
    out += std::to_string(d);
  }
  return out + ")";
}

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

// Runs every file as __main__ in one Python process (torch is imported once), each section
// of the output headed by "== <file>".
const char* kDriver = R"(import runpy, sys
for path in sys.argv[1:]:
    print(f"== {path}", flush=True)
    runpy.run_path(path, run_name="__main__")
    sys.stdout.flush()
)";

// The output section of `file`, from its "== " header to the next one.
std::string section(const std::string& output, const std::string& file) {
  const std::string header = "== " + file + "\n";
  const std::size_t start = output.find(header);
  if (start == std::string::npos) return "";
  const std::size_t end = output.find("\n== ", start + header.size());
  return output.substr(start + header.size(), end == std::string::npos
                                                  ? std::string::npos
                                                  : end + 1 - start - header.size());
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
  const CommandResult run = run_command(command);
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

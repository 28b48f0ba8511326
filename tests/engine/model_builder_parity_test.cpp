// Cross-backend check: the in-process LibTorch module and the emitted PyTorch module
// (dsl/emit_pytorch.hpp) compute the same function. The test copies the builder's weights, in
// parameters() order, into the Python module, runs both in eval mode on one batch and compares
// the training (logits) and inference outputs. Covers padding, pooling, recurrent states,
// attention layout and the folded Output activation numerically, not just by shape.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model_test_util.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::engine {
namespace {

namespace ir = dsl::ir;
namespace fs = std::filesystem;
using testing::run_command;

// Loads each case's emitted module, copies the weights (checking every shape), runs it and
// prints "<name> logits_diff=<max abs> predict_diff=<max abs>".
const char* kDriver = R"(import importlib.util, sys, torch

def read(path, dtype):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=dtype)

for line in open(sys.argv[1]):
    name, folder, int_input = line.split()
    spec = importlib.util.spec_from_file_location(name, f"{folder}/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, name)()
    shapes = [[int(d) for d in s.split(",") if d] for s in open(f"{folder}/shapes.txt").read().split()]
    params = list(model.parameters())
    assert len(params) == len(shapes), (name, len(params), len(shapes))
    flat = read(f"{folder}/params.bin", torch.float32)
    offset = 0
    with torch.no_grad():
        for p, shape in zip(params, shapes):
            assert list(p.shape) == shape, (name, list(p.shape), shape)
            p.copy_(flat[offset:offset + p.numel()].view(p.shape))
            offset += p.numel()
    assert offset == flat.numel()
    in_shape = [int(d) for d in open(f"{folder}/input_shape.txt").read().split(",")]
    x = read(f"{folder}/input.bin", torch.int64 if int_input == "1" else torch.float32).view(in_shape)
    model.eval()
    with torch.no_grad():
        logits = model(x)
        predicted = model.predict(x)
    want_logits = read(f"{folder}/logits.bin", torch.float32).view(logits.shape)
    want_predicted = read(f"{folder}/predict.bin", torch.float32).view(predicted.shape)
    print(f"{name} logits_diff={(logits - want_logits).abs().max().item():.3g} "
          f"predict_diff={(predicted - want_predicted).abs().max().item():.3g}")
)";

void write_tensor(const fs::path& path, const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  std::ofstream(path, std::ios::binary)
      .write(static_cast<const char*>(c.data_ptr()),
             static_cast<std::streamsize>(c.numel() * c.element_size()));
}

std::string comma_joined(torch::IntArrayRef sizes) {
  std::string out;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0) out += ",";
    out += std::to_string(sizes[i]);
  }
  return out;
}

// Writes the emitted module, the builder's weights, one input and both outputs to `folder`.
void write_case(const ir::Network& net, const fs::path& folder) {
  fs::create_directories(folder);
  std::ofstream(folder / "model.py") << dsl::emit_pytorch(net);
  BuiltModel built = build_model(net, {.seed = 11});
  built.module->eval();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> flat;
  std::ofstream shapes(folder / "shapes.txt");
  for (const torch::Tensor& p : built.module->parameters()) {
    flat.push_back(p.reshape({-1}));
    shapes << comma_joined(p.sizes()) << "\n";
  }
  write_tensor(folder / "params.bin", torch::cat(flat));
  torch::manual_seed(5);
  const torch::Tensor x = example_input(net, 3);
  std::ofstream(folder / "input_shape.txt") << comma_joined(x.sizes());
  write_tensor(folder / "input.bin", x);
  write_tensor(folder / "logits.bin", built.forward(x));
  write_tensor(folder / "predict.bin", built.infer(x));
}

const char* kSequences = R"(
network Recurrent {
  input: (12, 6)
  layers:
    LSTM(5, num_layers=2, bidirectional=true)
    Output(3, "sigmoid")
  loss: "binary_crossentropy"
  optimizer: Adam()
}
network LastState {
  input: (20, 2)
  layers:
    Conv1D(4, 5, strides=2, padding="same")
    Permute((2, 1))
    GRU(6)
    Dense(2, "log_softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: Adam()
}
)";

TEST(ModelBuilderParity, MatchesEmittedPytorch_WhenGivenTheSameWeights) {
  std::vector<ir::Network> networks = dsl::compile(
      dsl::SourceFile::read(std::string(NNBENCH_TEST_DATA_DIR) + "/models/many_kinds.nn"));
  for (ir::Network& n : dsl::compile(dsl::SourceFile("sequences.nn", kSequences))) {
    networks.push_back(n);
  }
  for (const auto& entry : fs::directory_iterator(fs::path(NNBENCH_SOURCE_DIR) / "models")) {
    if (entry.path().extension() != ".nn") continue;
    for (ir::Network& n : dsl::compile_file(entry.path().string())) {
      // vit_b_16.nn's 346 MB of weights stay out: its layers are all in ManyKinds, and
      // model_builder_vit_test.cpp checks it against the zoo's ViT.
      if (n.total_params <= 50'000'000) networks.push_back(n);
    }
  }
  const fs::path dir = fs::temp_directory_path() / ("nnbench_parity_" + std::to_string(getpid()));
  std::ofstream manifest(dir.string() + ".txt");
  for (const ir::Network& net : networks) {
    write_case(net, dir / net.name);
    manifest << net.name << " " << (dir / net.name).string() << " "
             << (net.input_dtype == ir::InputDType::kInt64 ? 1 : 0) << "\n";
  }
  manifest.close();
  std::ofstream(dir / "driver.py") << kDriver;
  const testing::CommandResult run =
      run_command(std::string(NNBENCH_PYTHON_EXE) + " " + (dir / "driver.py").string() + " " +
                  dir.string() + ".txt");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::istringstream lines(run.output);
  std::string line;
  std::size_t checked = 0;
  while (std::getline(lines, line)) {
    const std::size_t logits_at = line.find(" logits_diff=");
    const std::size_t predict_at = line.find(" predict_diff=");
    if (logits_at == std::string::npos || predict_at == std::string::npos) continue;
    SCOPED_TRACE(line.substr(0, logits_at));
    EXPECT_LT(std::stod(line.substr(logits_at + 13)), 1e-4) << run.output;
    EXPECT_LT(std::stod(line.substr(predict_at + 14)), 1e-4) << run.output;
    ++checked;
  }
  EXPECT_EQ(checked, networks.size()) << run.output;
  fs::remove_all(dir);
  fs::remove(dir.string() + ".txt");
}

}  // namespace
}  // namespace nnbench::engine

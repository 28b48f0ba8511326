// The user_model benchmark on the CPU: a user's .py model in eager PyTorch, torch.compile,
// AOTInductor from C++ and its ONNX export in ONNX Runtime, each checked against eager PyTorch;
// a .pt2 given directly (an AOTInductor package, a torch.export program) and an .onnx file; and
// every way a user's model can be wrong, each one message, exit 2 and no results. The
// onnxruntime backend needs `make setup-frameworks` (skipped without it, failed in CI).
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../python_run.hpp"
#include "cli_runner.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

// Rows of the run in `out` by "<model name>/<backend>".
std::map<std::string, nlohmann::json> rows(const fs::path& out) {
  const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "user_model.json"));
  std::map<std::string, nlohmann::json> by_key;
  for (const auto& s : json["benchmark_scenarios"]) {
    by_key[s["labels"]["model"].get<std::string>() + "/" +
           s["variant"]["backend"].get<std::string>()] = s;
  }
  return by_key;
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

const char* const kTinyModel = R"(import torch
from torch import nn

class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.head = nn.Linear(8, 5)

    def forward(self, images, scale):
        x = torch.relu(self.conv(images)).mean(dim=(2, 3))
        return self.head(x) * scale

def model():
    return Tiny()

def example_inputs(batch_size, dtype, device):
    return (torch.randn(batch_size, 3, 16, 16, dtype=dtype, device=device),
            torch.ones(batch_size, 1, dtype=dtype, device=device))
)";

std::string run_args(const fs::path& out, const fs::path& cache) {
  return " --warmup 1 --iterations 3 --quiet --no-history --output-dir '" + out.string() +
         "' --option aot_cache='" + cache.string() + "'";
}

// One model through every CPU backend, then the compiled forms nnbench made given back to it
// directly: the AOTInductor package (aot) and the ONNX export (onnxruntime).
TEST(UserModel, PythonFile_AllCpuBackends_CheckedAgainstEager_ThenItsPackagesGivenDirectly) {
  NNBENCH_REQUIRE_PYTHON_MODULES("onnxruntime, onnx, onnxscript");
  TempDir tmp;
  const fs::path model = tmp.path() / "tiny.py";
  write(model, kTinyModel);
  const fs::path cache = tmp.path() / "cache";
  const auto out = tmp.path() / "out";
  auto r = run_nnbench("run --suite user-model --models '" + model.string() +
                           "' --axis backend=pytorch,pytorch-compile,aot,onnxruntime "
                           "--axis batch_size=2" +
                           run_args(out, cache),
                       tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto by_backend = rows(out);
  ASSERT_EQ(by_backend.size(), 4U);
  for (const auto& [key, s] : by_backend) {
    ASSERT_EQ(s["status"], "ok") << key << ": " << s["reason"];
    EXPECT_EQ(s["measurements"]["latency_ms"]["count"].get<int>(), 3) << key;
    EXPECT_EQ(s["labels"]["model_source"], model.string()) << key;
    EXPECT_EQ(s["labels"]["model_hash"].get<std::string>().size(), 16U) << key;
    EXPECT_EQ(s["labels"]["model_kind"], "Python model file") << key;
    if (s["variant"]["backend"] != "pytorch") {
      const double difference =
          s["measurements"]["relative_difference_vs_eager"]["value"].get<double>();
      EXPECT_LE(difference, 1e-4) << key;
    }
  }
  EXPECT_EQ(by_backend.at("tiny/pytorch")["labels"]["correctness"], "the reference: eager PyTorch");
  EXPECT_GT(by_backend.at("tiny/pytorch-compile")["measurements"]["compile_time_ms"]["value"], 0);
  EXPECT_EQ(by_backend.at("tiny/aot")["labels"]["framework"], "libtorch aotinductor 2.11.0");
  EXPECT_EQ(by_backend.at("tiny/aot")["labels"]["input_shape"], "2x3x16x16, 2x1");
  EXPECT_EQ(by_backend.at("tiny/aot")["measurements"]["parameter_count"]["value"], 224 + 45);

  // What nnbench made, given back: the package (inputs by option) and the ONNX file.
  fs::path package, onnx;
  for (const auto& entry : fs::recursive_directory_iterator(cache)) {
    if (entry.path().filename() == "model.pt2") package = entry.path();
    if (entry.path().filename() == "model.onnx") onnx = entry.path();
  }
  ASSERT_FALSE(package.empty());
  ASSERT_FALSE(onnx.empty());
  const fs::path given = tmp.path() / "given";
  fs::create_directories(given);
  fs::copy_file(package, given / "tiny_aoti.pt2");
  fs::copy_file(onnx, given / "tiny.onnx");
  const auto direct = tmp.path() / "direct";
  r = run_nnbench("run --suite user-model --models '" + (given / "tiny_aoti.pt2").string() + "','" +
                      (given / "tiny.onnx").string() +
                      "' --axis backend=aot,onnxruntime --axis batch_size=2 "
                      "--option input_shape=3x16x16,1" +
                      run_args(direct, cache),
                  tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto given_rows = rows(direct);
  ASSERT_EQ(given_rows.size(), 4U);
  const auto& aoti = given_rows.at("tiny_aoti/aot");
  ASSERT_EQ(aoti["status"], "ok") << aoti["reason"];
  EXPECT_EQ(aoti["labels"]["model_kind"], "AOTInductor package");
  EXPECT_NE(aoti["labels"]["correctness"].get<std::string>().find("not checked"),
            std::string::npos);
  const auto& ort = given_rows.at("tiny/onnxruntime");
  ASSERT_EQ(ort["status"], "ok") << ort["reason"];
  EXPECT_LE(ort["measurements"]["relative_difference_vs_unoptimized"]["value"].get<double>(), 1e-4);
  EXPECT_EQ(given_rows.at("tiny_aoti/onnxruntime")["status"], "skipped");
  EXPECT_EQ(given_rows.at("tiny/aot")["reason"], "an ONNX file runs in backend onnxruntime only");
}

// A torch.export program (.pt2) given directly: run eagerly at its sample inputs' batch; another
// batch is skipped with the reason.
TEST(UserModel, ExportedProgram_RunsAtItsSampleInputs_OtherBatchesSkipped) {
  TempDir tmp;
  const fs::path model = tmp.path() / "tiny.py";
  write(model, kTinyModel);
  const fs::path program = tmp.path() / "tiny_program.pt2";
  const auto made = python_run::run_command(
      std::string(NNBENCH_PYTHON_EXE) + " -c \"import sys, torch; sys.path.insert(0, '" +
      tmp.path().string() +
      "'); import tiny; m = tiny.model().eval(); "
      "torch.export.save(torch.export.export(m, tiny.example_inputs(3, torch.float32, 'cpu')), '" +
      program.string() + "')\"");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto out = tmp.path() / "out";
  const auto r = run_nnbench("run --suite user-model --models '" + program.string() +
                                 "' --axis backend=pytorch --axis batch_size=3,4" +
                                 run_args(out, tmp.path() / "cache"),
                             tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "user_model.json"));
  ASSERT_EQ(json["benchmark_scenarios"].size(), 2U);
  const auto& at_three = json["benchmark_scenarios"][0];
  ASSERT_EQ(at_three["status"], "ok") << at_three["reason"];
  EXPECT_EQ(at_three["labels"]["model_kind"], "torch.export program");
  const auto& at_four = json["benchmark_scenarios"][1];
  EXPECT_EQ(at_four["status"], "skipped");
  EXPECT_EQ(at_four["reason"],
            "the exported program is specialised to batch 3 in fp32 (its sample inputs); asked "
            "batch 4 in fp32");
}

// A compiled backend whose output differs from eager PyTorch's is a failed row naming the
// difference (here a model that draws random numbers in its forward pass).
TEST(UserModel, CompiledOutputDiffersFromEager_FailedRowNamesTheDifference) {
  TempDir tmp;
  const fs::path model = tmp.path() / "noisy.py";
  write(model,
        "import torch\n"
        "class Noisy(torch.nn.Module):\n"
        "    def forward(self, x):\n"
        "        return x + torch.rand_like(x)\n"
        "def model():\n    return Noisy()\n"
        "def example_inputs(batch_size, dtype, device):\n"
        "    return torch.zeros(batch_size, 4, dtype=dtype, device=device)\n");
  const auto out = tmp.path() / "out";
  const auto r = run_nnbench("run --suite user-model --models '" + model.string() +
                                 "' --axis backend=pytorch-compile --axis batch_size=1" +
                                 run_args(out, tmp.path() / "cache"),
                             tmp.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "user_model.json"));
  const auto& row = json["benchmark_scenarios"][0];
  EXPECT_EQ(row["status"], "failed");
  EXPECT_NE(row["reason"].get<std::string>().find(
                "backend pytorch-compile: the output differs from eager PyTorch's by"),
            std::string::npos)
      << row["reason"];
}

// Each way a user's model can be wrong: one clear message, exit 2, no results directory.
TEST(UserModel, WrongModels_OneMessage_Exit2_NoResults) {
  TempDir tmp;
  const auto file = [&](const std::string& name, const std::string& text) {
    write(tmp.path() / name, text);
    return (tmp.path() / name).string();
  };
  const std::string header = "import torch\n";
  const std::string inputs =
      "def example_inputs(batch_size, dtype, device):\n"
      "    return torch.zeros(batch_size, 4, dtype=dtype, device=device)\n";
  const std::string linear = "def model():\n    return torch.nn.Linear(4, 2)\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {file("no_model.py", header + inputs), "defines no function model() (it builds the model)"},
      {file("no_inputs.py", header + linear),
       "defines no function example_inputs(batch_size, dtype, device)"},
      {file("wrong_signature.py",
            header + linear + "def example_inputs(batch_size):\n    return torch.zeros(1, 4)\n"),
       "example_inputs(batch_size) must take (batch_size, dtype, device)"},
      {file("raises.py", header +
                             "class Bad(torch.nn.Module):\n"
                             "    def forward(self, x):\n"
                             "        raise ValueError('no good')\n"
                             "def model():\n    return Bad()\n" +
                             inputs),
       "the model raised on its example inputs: ValueError: no good (at raises.py:4)"},
      {file("not_a_module.py", header + "def model():\n    return 42\n" + inputs),
       "model() returned a int, not a torch.nn.Module"},
      {file("syntax.py", "def model(:\n"), "raised while it was imported: SyntaxError"},
      {file("weights.bin", "x"), "unknown kind of model file '.bin'"},
      {file("broken.pt2", "not a zip"), "is not a .pt2 archive (a zip file)"},
      {file("broken.onnx", "not onnx"), "ONNX Runtime"},
      {tmp.path().string(), "is a directory without a config.json"},
      {(tmp.path() / "no_inputs.py:build").string(), "defines no function build() (it builds"},
  };
  for (const auto& [model, expected] : cases) {
    if (model.ends_with(".onnx") && !python_run::missing_framework("onnxruntime").empty()) {
      continue;
    }
    const auto out = tmp.path() / "out";
    const std::string backend = model.ends_with(".onnx") ? "onnxruntime" : "pytorch";
    const auto r =
        run_nnbench("run --suite user-model --models '" + model + "' --axis backend=" + backend +
                        " --axis batch_size=1" + run_args(out, tmp.path() / "cache"),
                    tmp.path());
    EXPECT_EQ(r.exit_code, 2) << model << ": " << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << model << ": " << r.err;
    EXPECT_TRUE(only_run_dir(out).empty()) << model;
    std::error_code ignored;
    fs::remove_all(out, ignored);
  }
}

}  // namespace
}  // namespace nnbench

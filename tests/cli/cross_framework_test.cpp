// The cross-framework suite on the CPU: the language's model in-process (LibTorch) and in
// PyTorch, JAX and Keras as worker processes, measured by one harness with equal parameter
// counts, and trained for one epoch on Fashion-MNIST to accuracies within 0.02 of each other;
// workers that crash, hang or print garbage give a failed row with their message. The jax and
// keras tests need `make setup-frameworks` (skipped without it, failed in CI).
#include <sys/stat.h>

#include <algorithm>
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

std::map<std::string, nlohmann::json> scenarios(const fs::path& out) {
  const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "cross_framework.json"));
  std::map<std::string, nlohmann::json> by_backend;
  for (const auto& s : json["benchmark_scenarios"]) by_backend[s["variant"]["backend"]] = s;
  return by_backend;
}

TEST(CrossFramework, TorchAndPytorch_SameModel_SameParameters_OneHarness) {
  TempDir tmp;
  const auto out = tmp.path() / "out";
  const auto r = run_nnbench(
      "run --suite cross-framework --backends torch,pytorch --axis mode=inference,train "
      "--axis batch_size=16 --warmup 2 --iterations 7 --quiet --no-history --output-dir '" +
          out.string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(read_text(only_run_dir(out) / "cross_framework.json"));
  ASSERT_EQ(json["benchmark_scenarios"].size(), 4U);
  for (const auto& s : json["benchmark_scenarios"]) {
    ASSERT_EQ(s["status"], "ok") << s["scenario_name"] << ": " << s["reason"];
    const auto& m = s["measurements"];
    EXPECT_EQ(m["parameter_count"]["value"].get<double>(), 101770.0) << s["scenario_name"];
    EXPECT_EQ(m["latency_ms"]["count"].get<int>(), 7) << s["scenario_name"];
    EXPECT_GT(m["latency_ms"]["value"].get<double>(), 0.0);
    const std::string framework = s["labels"]["framework"];
    if (s["variant"]["backend"] == "pytorch") {
      EXPECT_EQ(framework.rfind("pytorch 2.11.0", 0), 0U) << framework;
      EXPECT_NE(s["provenance"]["timer_kind"].get<std::string>().find("worker process"),
                std::string::npos);
    } else {
      EXPECT_EQ(framework, "libtorch 2.11.0");
    }
  }
}

TEST(CrossFramework, PytorchCompile_ReportsItsCompileTime_AndTheSameModel) {
  TempDir tmp;
  const auto out = tmp.path() / "out";
  const auto r = run_nnbench(
      "run --suite cross-framework --backends pytorch-compile --iterations 5 --warmup 1 --quiet "
      "--no-history --output-dir '" +
          out.string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = scenarios(out).at("pytorch-compile");
  ASSERT_EQ(s["status"], "ok") << s["reason"];
  EXPECT_GT(s["measurements"]["compile_time_ms"]["value"].get<double>(), 0.0);
  EXPECT_EQ(s["measurements"]["parameter_count"]["value"].get<double>(), 101770.0);
  EXPECT_EQ(s["labels"]["framework"].get<std::string>().rfind("pytorch (torch.compile) 2.11.0", 0),
            0U);
}

// The runs of all four backends, keyed by backend, every one of them ok.
std::map<std::string, nlohmann::json> four_backends(const fs::path& dir, const std::string& args) {
  const auto r =
      run_nnbench("run --suite cross-framework --backends torch,pytorch,jax,keras " + args +
                      " --quiet --no-history --output-dir '" + (dir / "out").string() + "'",
                  dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto by_backend = scenarios(dir / "out");
  EXPECT_EQ(by_backend.size(), 4U);
  for (const auto& [backend, s] : by_backend) {
    EXPECT_EQ(s["status"], "ok") << backend << ": " << s["reason"];
    EXPECT_EQ(s["measurements"]["parameter_count"]["value"].get<double>(), 101770.0) << backend;
  }
  return by_backend;
}

TEST(CrossFramework, FourBackends_Inference_SameModel_OneHarness) {
  NNBENCH_REQUIRE_PYTHON_MODULES("jax, flax, optax, keras, tensorflow");
  TempDir tmp;
  const auto runs = four_backends(tmp.path(), "--axis batch_size=16 --warmup 2 --iterations 6");
  for (const auto& [backend, s] : runs) {
    EXPECT_EQ(s["measurements"]["latency_ms"]["count"].get<int>(), 6) << backend;
  }
  // jax.jit and Keras compile their first call: reported apart.
  EXPECT_GT(runs.at("jax")["measurements"]["compile_time_ms"]["value"].get<double>(), 0.0);
  EXPECT_GT(runs.at("keras")["measurements"]["compile_time_ms"]["value"].get<double>(), 0.0);
  EXPECT_EQ(runs.at("jax")["labels"]["framework"].get<std::string>().rfind("jax 0.", 0), 0U);
  EXPECT_EQ(runs.at("keras")["labels"]["framework"].get<std::string>().rfind("keras 3.", 0), 0U);
}

// models/vit_b_16.nn (the name vit_b_16 is the zoo's native model), the emitted Flax and Keras
// code, at batch 1 on the CPU: each framework builds torchvision's 86,567,656 parameters and
// classifies. One timed call each; most of the time is the frameworks' start-up and compilation.
TEST(CrossFramework, VitB16_RunsInJaxAndKeras_WithTorchvisionsParameterCount) {
  NNBENCH_REQUIRE_PYTHON_MODULES("jax, flax, optax, keras, tensorflow");
  TempDir tmp;
  const auto out = tmp.path() / "out";
  const auto r = run_nnbench("run --suite cross-framework --backends jax,keras --axis model='" +
                                 std::string(NNBENCH_SOURCE_DIR) +
                                 "/models/vit_b_16.nn' --axis mode=inference --axis batch_size=1 "
                                 "--warmup 0 --iterations 1 --quiet --no-history --output-dir '" +
                                 out.string() + "'",
                             tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto runs = scenarios(out);
  ASSERT_EQ(runs.size(), 2U);
  for (const auto& [backend, s] : runs) {
    ASSERT_EQ(s["status"], "ok") << backend << ": " << s["reason"];
    EXPECT_EQ(s["labels"]["model"], "VitB16") << backend;
    EXPECT_EQ(s["measurements"]["parameter_count"]["value"].get<double>(), 86567656.0) << backend;
    EXPECT_EQ(s["measurements"]["latency_ms"]["count"].get<int>(), 1) << backend;
  }
}

TEST(CrossFramework, FourBackends_OneEpochOnFashionMnist_AccuraciesWithin002) {
  NNBENCH_REQUIRE_PYTHON_MODULES("jax, flax, optax, keras, tensorflow");
  TempDir tmp;
  const auto runs = four_backends(
      tmp.path(), "--axis mode=epoch --axis batch_size=64 --option train_limit=12000");
  double lowest = 1, highest = 0;
  for (const auto& [backend, s] : runs) {
    const auto& m = s["measurements"];
    EXPECT_EQ(m["latency_ms"]["count"].get<int>(), 1) << backend;  // one epoch
    EXPECT_NEAR(m["throughput"]["value"].get<double>() * m["latency_ms"]["value"].get<double>(),
                12000.0 * 1000.0, 1.0)
        << backend << ": samples/s of the 12,000 training images";
    const double accuracy = m["test_accuracy"]["value"].get<double>();
    EXPECT_GT(accuracy, 0.7) << backend << " learned Fashion-MNIST";
    lowest = std::min(lowest, accuracy);
    highest = std::max(highest, accuracy);
  }
  EXPECT_LE(highest - lowest, 0.02) << "test accuracies after one epoch";
}

TEST(CrossFramework, AMissingJax_IsUnavailable_WithTheInstallCommand) {
  TempDir tmp;
  // Debian's python3 has no jax (the frameworks go into .venv only).
  const auto r = run_nnbench(
      "run --suite cross-framework --axis backend=jax --option python=/usr/bin/python3 --quiet "
      "--no-history --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = scenarios(tmp.path() / "out").at("jax");
  EXPECT_EQ(s["status"], "unavailable");
  EXPECT_NE(s["reason"].get<std::string>().find("cannot import jax"), std::string::npos)
      << s["reason"];
  EXPECT_NE(s["reason"].get<std::string>().find("make setup-frameworks"), std::string::npos)
      << s["reason"];
}

TEST(CrossFramework, EpochMode_OfAModelThatIsNotForFashionMnist_IsOneClearError) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --suite cross-framework --axis model=resnet_small --axis mode=epoch --quiet "
      "--no-history --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("mode epoch trains on Fashion-MNIST: model 'ResNetSmall' takes (3, 32, 32)"),
            std::string::npos)
      << r.err;
  const auto zero = run_nnbench(
      "run --suite cross-framework --axis mode=epoch --option epochs=0 --quiet --no-history "
      "--output-dir '" +
          (tmp.path() / "out0").string() + "'",
      tmp.path());
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_NE(zero.err.find("option epochs='0': out of range: expected integer from 1 to 100000"),
            std::string::npos)
      << zero.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "out0") && !fs::is_empty(tmp.path() / "out0"))
      << "a failed setup leaves no result";
}

// nnbench run of the pytorch backend alone with `python` as the worker's interpreter, writing
// to <dir>/out; extra run options after.
testing::CommandResult run_pytorch_with(const fs::path& dir, const fs::path& python,
                                        const std::string& options = "") {
  return run_nnbench("run --suite cross-framework --axis backend=pytorch --option python='" +
                         python.string() + "'" + options + " --quiet --no-history --output-dir '" +
                         (dir / "out").string() + "'",
                     dir);
}

// A fake "python" that behaves as told by its script body.
fs::path fake_python(const fs::path& dir, const std::string& body) {
  const fs::path path = dir / "python";
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  chmod(path.c_str(), 0755);
  return path;
}

TEST(CrossFramework, WorkersThatCrashHangOrPrintGarbage_FailTheirRowWithTheirMessage) {
  TempDir tmp;
  const std::map<std::string, std::pair<std::string, std::string>> cases{
      {"crash",
       {"echo 'Traceback: CUDA out of memory' >&2; exit 1",
        "exited with code 1: Traceback: CUDA out of memory"}},
      {"garbage",
       {"echo 'hello there'; exit 0",
        "printed a line that is not nnbench's worker protocol: 'hello there'"}},
      {"hang", {"sleep 30", "ran past its timeout of 1 s and was killed"}},
      {"short", {"echo '{\"sample_ns\": 5}'; exit 0", "ended without {\"done\": true} after 1"}},
  };
  for (const auto& [name, behaviour] : cases) {
    const fs::path dir = tmp.path() / name;
    fs::create_directories(dir);
    const fs::path python = fake_python(dir, behaviour.first);
    const auto r = run_pytorch_with(dir, python, " --option worker_timeout_s=1");
    EXPECT_EQ(r.exit_code, 1) << name << ": " << r.err;
    const auto s = scenarios(dir / "out").at("pytorch");
    EXPECT_EQ(s["status"], "failed") << name;
    EXPECT_NE(s["reason"].get<std::string>().find(behaviour.second), std::string::npos)
        << name << ": " << s["reason"];
  }
}

TEST(CrossFramework, AFrameworkThatIsMissing_IsUnavailableWithTheReason) {
  TempDir tmp;
  const fs::path python =
      fake_python(tmp.path(), "echo '{\"unavailable\": \"cannot import torch: No module\"}'");
  const auto r = run_pytorch_with(tmp.path(), python);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto s = scenarios(tmp.path() / "out").at("pytorch");
  EXPECT_EQ(s["status"], "unavailable");
  EXPECT_EQ(s["reason"], "cannot import torch: No module");
}

TEST(CrossFramework, TheWorker_RunsWithTheRunsHeapPolicy) {
  TempDir tmp;
  // The worker says what glibc will read from its environment.
  const fs::path python = fake_python(
      tmp.path(), "echo \"{\\\"unavailable\\\": \\\"mmap $MALLOC_MMAP_THRESHOLD_\\\"}\"");
  const auto r = run_pytorch_with(tmp.path(), python);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(scenarios(tmp.path() / "out").at("pytorch")["reason"], "mmap 33554432");
}

}  // namespace
}  // namespace nnbench

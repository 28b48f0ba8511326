// End to end: the inference suite on the CPU (small images so it stays quick): measured eager
// rows, the skips of what needs a GPU, and the errors for a model or device that cannot run;
// the fused and AOTInductor modes on models of the language, checked against eager.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#ifdef NNBENCH_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

#include "cli_runner.hpp"
#include "nnbench/engine/runtime/runtime.hpp"

namespace nnbench {
namespace {

namespace fs = std::filesystem;
using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

// The CSV line of the variant whose name contains `variant`, or empty.
std::string csv_line(const std::string& csv, const std::string& variant) {
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("," + variant + ",") != std::string::npos) return line;
  }
  return {};
}

std::string small_run(const std::string& args, const fs::path& out) {
  return "run --suite inference --device cpu --threads 1 --option image_size=32 --warmup 1 "
         "--iterations 3 --quiet " +
         args + " --output-dir '" + out.string() + "'";
}

TEST(InferenceSuite, MeasuresEagerOnTheCpu_AndSkipsGraphModeSayingWhy) {
  TempDir tmp;
  const auto r = run_nnbench(
      small_run("--models resnet50,vit_b_16,scaling_mlp --axis batch_size=2", tmp.path() / "out"),
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "out");
  ASSERT_FALSE(dir.empty());
  const std::string csv = read_text(dir / "results.csv");
  for (const std::string model : {"resnet50", "vit_b_16", "scaling_mlp"}) {
    const std::string variant = "model=" + model +
                                "/dtype=fp32/layout=contiguous/tf32=off/cudnn_benchmark=on/"
                                "batch_size=2/mode=";
    const std::string eager = csv_line(csv, variant + "eager");
    EXPECT_NE(eager.find(",ok,"), std::string::npos) << eager << "\n" << csv;
    EXPECT_NE(eager.find(",libtorch,eager,cpu,"), std::string::npos) << eager;
    const std::string graph = csv_line(csv, variant + "graph");
    EXPECT_NE(graph.find(",skipped,"), std::string::npos) << graph;
    EXPECT_NE(graph.find("needs a CUDA device"), std::string::npos) << graph;
  }
  const std::string json = read_text(dir / "inference.json");
  for (const char* metric : {"\"latency_per_sample_ms\"", "\"throughput\"",
                             "\"compute_flop_per_s\"", "\"parameter_count\"", "25557032"}) {
    EXPECT_NE(json.find(metric), std::string::npos) << metric;
  }
  const auto v = testing::validate_result_schema(dir / "inference.json", tmp.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(InferenceSuite, DtypeAndLayoutThatCannotApply_AreSkippedWithTheReason) {
  TempDir tmp;
  const auto r = run_nnbench(small_run("--models scaling_mlp --axis batch_size=1 --axis mode=eager "
                                       "--axis dtype=fp16,bf16 --axis layout=channels_last "
                                       "--axis tf32=on,off",
                                       tmp.path() / "out"),
                             tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_text(only_run_dir(tmp.path() / "out") / "results.csv");
  const std::string fp16 = csv_line(csv,
                                    "model=scaling_mlp/dtype=fp16/layout=channels_last/tf32=off/"
                                    "cudnn_benchmark=on/batch_size=1/mode=eager");
  EXPECT_NE(fp16.find("fp16 matrix products are not supported on the CPU"), std::string::npos)
      << fp16;
  const std::string tf32 = csv_line(csv,
                                    "model=scaling_mlp/dtype=bf16/layout=channels_last/"
                                    "tf32=on/cudnn_benchmark=on/batch_size=1/mode=eager");
  EXPECT_NE(tf32.find("tf32=on is a mode of CUDA matrix units"), std::string::npos) << tf32;
  const std::string layout = csv_line(csv,
                                      "model=scaling_mlp/dtype=bf16/layout=channels_last/"
                                      "tf32=off/cudnn_benchmark=on/batch_size=1/mode=eager");
  EXPECT_NE(layout.find("channels_last applies to convolutional models"), std::string::npos)
      << layout;
}

TEST(InferenceSuite, UnknownModel_StopsBeforeRunning_WithASuggestion) {
  TempDir tmp;
  const auto r = run_nnbench(small_run("--models resnet5", tmp.path() / "out"), tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("resnet5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("resnet50"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "out") && !only_run_dir(tmp.path() / "out").empty());
}

TEST(InferenceSuite, CudaWithoutAGpu_IsAnUnavailableRowPerVariant_AndTheRunGoesOn) {
  if (engine::resolve_auto_device("auto") == "cuda") {
    GTEST_SKIP() << "a CUDA GPU is visible here; the gpu label measures it";
  }
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include inference,mlp_inference --device cuda --axis model=scaling_mlp "
      "--axis batch_size=1 --iterations 2 --warmup 1 --quiet --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  const fs::path dir = only_run_dir(tmp.path() / "out");
  ASSERT_FALSE(dir.empty()) << r.err;
  const std::string csv = read_text(dir / "results.csv");
  EXPECT_NE(csv.find("mlp_inference,"), std::string::npos) << csv;  // the run went on
  EXPECT_NE(csv.find(",unavailable,"), std::string::npos) << csv;
  EXPECT_TRUE(csv.find("no CUDA GPU") != std::string::npos ||
              csv.find("cuda build") != std::string::npos)
      << csv;
  EXPECT_EQ(csv.find(",ok,"), std::string::npos) << csv;
}

TEST(InferenceSuite, MissingImageFolder_StopsTheRunNamingIt) {
  TempDir tmp;
  const auto r = run_nnbench(small_run("--models resnet50 --axis batch_size=1 --axis mode=eager "
                                       "--data '" +
                                           (tmp.path() / "no-such-folder").string() + "'",
                                       tmp.path() / "out"),
                             tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no-such-folder"), std::string::npos) << r.err;
}

#ifdef NNBENCH_WITH_OPENCV
TEST(InferenceSuite, FeedsAnImageFolder_RepeatingItsImagesToFillTheBatch) {
  TempDir tmp;
  const fs::path images = tmp.path() / "images";
  int index = 0;
  for (const std::string label : {"cat", "dog"}) {
    fs::create_directories(images / label);
    for (int i = 0; i < (label == "cat" ? 2 : 1); ++i) {
      const cv::Mat picture(40 + 10 * index, 48, CV_8UC3, cv::Scalar(30 * index, 90, 200));
      ASSERT_TRUE(
          cv::imwrite((images / label / (std::to_string(index++) + ".png")).string(), picture));
    }
  }
  const auto r = run_nnbench(
      small_run("--models resnet50,scaling_mlp --axis batch_size=4 --axis mode=eager --data '" +
                    images.string() + "'",
                tmp.path() / "out"),
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path dir = only_run_dir(tmp.path() / "out");
  const std::string json = read_text(dir / "inference.json");
  EXPECT_NE(json.find("3 images of 2 classes from"), std::string::npos) << json;
  EXPECT_NE(json.find("3 images from"), std::string::npos);  // the note on repeating them
  const std::string csv = read_text(dir / "results.csv");
  EXPECT_NE(csv_line(csv,
                     "model=resnet50/dtype=fp32/layout=contiguous/tf32=off/"
                     "cudnn_benchmark=on/batch_size=4/mode=eager")
                .find(",ok,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv_line(csv,
                     "model=scaling_mlp/dtype=fp32/layout=contiguous/tf32=off/"
                     "cudnn_benchmark=on/batch_size=4/mode=eager")
                .find("holds images; scaling_mlp takes vectors"),
            std::string::npos)
      << csv;
}
#endif

// The fused and aot modes on the CPU, on models of the language (a .nn path as the model).

// Two convolutions with BatchNorm, one residual block: an AOTInductor compile of it is short.
constexpr const char* kTinyModel = R"(network Tiny {
  input: (8, 8, 3)
  layers:
    Conv2D(4, (3, 3), padding="same", use_bias=false)
    BatchNormalization()
    Activation("relu")
    Residual {
      Conv2D(4, (3, 3), padding="same", use_bias=false)
      BatchNormalization()
    }
    Activation("relu")
    GlobalAveragePooling2D()
    Output(3, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: SGD(learning_rate=0.1)
}
)";

fs::path write_tiny_model(const fs::path& dir) {
  const fs::path path = dir / "tiny.nn";
  std::ofstream(path) << kTinyModel;
  return path;
}

std::string quick_run(const std::string& model, const std::string& args, const fs::path& out) {
  return "run --suite inference --device cpu --threads 1 --quick --axis model='" + model +
         "' --axis batch_size=2 --quiet --no-history " + args + " --output-dir '" + out.string() +
         "'";
}

// The scenarios of the run's inference.json by their mode.
std::map<std::string, nlohmann::json> scenarios_by_mode(const fs::path& out) {
  std::map<std::string, nlohmann::json> by_mode;
  const fs::path dir = only_run_dir(out);
  if (dir.empty()) return by_mode;
  const auto json = nlohmann::json::parse(read_text(dir / "inference.json"), nullptr, false);
  if (json.is_discarded()) return by_mode;
  for (const auto& s : json["benchmark_scenarios"]) by_mode[s["variant"]["mode"]] = s;
  return by_mode;
}

double metric(const nlohmann::json& scenario, const std::string& name) {
  const auto& measurements = scenario["measurements"];
  if (!measurements.contains(name)) {
    ADD_FAILURE() << "no metric " << name << " in " << scenario["scenario_name"];
    return -1;
  }
  return measurements[name]["value"].get<double>();
}

// The .pt2 packages in the AOT cache `dir`.
int package_count(const fs::path& dir) {
  int count = 0;
  if (!fs::exists(dir)) return count;
  for (const auto& entry : fs::directory_iterator(dir)) {
    count += entry.path().extension() == ".pt2" ? 1 : 0;
  }
  return count;
}

bool is_empty_or_missing(const fs::path& dir) { return !fs::exists(dir) || fs::is_empty(dir); }

TEST(InferenceSuite, FusedMode_OnAModelFile_MatchesEager_AndLabelsWhatItFused) {
  TempDir tmp;
  const std::string model = std::string(NNBENCH_SOURCE_DIR) + "/models/resnet_small.nn";
  const auto r =
      run_nnbench(quick_run(model, "--axis mode=eager,fused", tmp.path() / "out"), tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto by_mode = scenarios_by_mode(tmp.path() / "out");
  ASSERT_EQ(by_mode.size(), 2U);
  nlohmann::json eager = by_mode["eager"];
  nlohmann::json fused = by_mode["fused"];
  ASSERT_EQ(eager["status"], "ok") << eager["reason"];
  ASSERT_EQ(fused["status"], "ok") << fused["reason"];
  EXPECT_EQ(fused["labels"]["model"], "ResNetSmall");  // the network's name
  EXPECT_EQ(fused["labels"]["model_file"], model);
  EXPECT_EQ(fused["labels"]["mode"], "fused");
  EXPECT_FALSE(eager["labels"].contains("fusion"));
  EXPECT_FALSE(eager["measurements"].contains("relative_difference_vs_eager"));
  // The two strided convolutions of resnet_small pad "same" asymmetrically and stay unfused.
  EXPECT_EQ(fused["labels"]["fusion"],
            "11 convolutions fused: 11 batch norms folded, 11 ReLUs, 5 residual adds; 101178 -> "
            "100842 parameters");
  const double difference = metric(fused, "relative_difference_vs_eager");
  EXPECT_GE(difference, 0.0);
  EXPECT_LE(difference, 1e-4);
  EXPECT_EQ(fused["measurements"]["relative_difference_vs_eager"]["unit"], "ratio");
  EXPECT_EQ(metric(eager, "parameter_count"), 101178.0);
  EXPECT_EQ(metric(fused, "parameter_count"), 100842.0);
  const auto v = testing::validate_result_schema(
      only_run_dir(tmp.path() / "out") / "inference.json", tmp.path());
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(InferenceSuite, GraphAndFusedGraphModes_OnTheCpu_AreSkippedSayingWhy) {
  TempDir tmp;
  const fs::path model = write_tiny_model(tmp.path());
  const auto r = run_nnbench(
      quick_run(model.string(), "--axis mode=graph,fused+graph", tmp.path() / "out"), tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;  // a skip is not a failure
  auto by_mode = scenarios_by_mode(tmp.path() / "out");
  ASSERT_EQ(by_mode.size(), 2U);
  EXPECT_EQ(by_mode["graph"]["status"], "skipped");
  EXPECT_EQ(by_mode["graph"]["reason"],
            "mode 'graph' replays a CUDA graph and needs a CUDA device; on the CPU use "
            "mode=eager");
  EXPECT_EQ(by_mode["fused+graph"]["status"], "skipped");
  EXPECT_EQ(by_mode["fused+graph"]["reason"],
            "mode 'fused+graph' replays a CUDA graph and needs a CUDA device; on the CPU use "
            "mode=fused");
}

// The one slow test here: PyTorch's AOTInductor compiles the tiny model for the CPU (about 20 s).
TEST(InferenceSuite, AotMode_CompilesOnce_ThenRunsThePackageFromTheCache) {
  TempDir tmp;
  const fs::path model = write_tiny_model(tmp.path());
  const fs::path cache = tmp.path() / "aot-cache";
  const std::string args = "--axis mode=aot --option aot_cache='" + cache.string() + "'";

  const auto first = run_nnbench(quick_run(model.string(), args, tmp.path() / "first"), tmp.path());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto compiled = scenarios_by_mode(tmp.path() / "first")["aot"];
  ASSERT_EQ(compiled["status"], "ok") << compiled["reason"];
  EXPECT_EQ(compiled["labels"]["aot_package"], "compiled now");
  EXPECT_EQ(compiled["labels"]["framework"], "libtorch aotinductor");
  const double compile_ms = metric(compiled, "compile_time_ms");
  EXPECT_GT(compile_ms, 0.0);
  EXPECT_LE(metric(compiled, "relative_difference_vs_eager"), 1e-4);
  EXPECT_EQ(package_count(cache), 1);

  const auto second =
      run_nnbench(quick_run(model.string(), args, tmp.path() / "second"), tmp.path());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto cached = scenarios_by_mode(tmp.path() / "second")["aot"];
  ASSERT_EQ(cached["status"], "ok") << cached["reason"];
  EXPECT_EQ(cached["labels"]["aot_package"], "cached");
  // A cached package reports the compile time it took when it was made.
  EXPECT_DOUBLE_EQ(metric(cached, "compile_time_ms"), compile_ms);
  EXPECT_LE(metric(cached, "relative_difference_vs_eager"), 1e-4);
  EXPECT_EQ(package_count(cache), 1);
}

TEST(InferenceSuite, AotMode_WithAPythonWithoutTorch_IsUnavailable_AndCachesNothing) {
  TempDir tmp;
  const fs::path model = write_tiny_model(tmp.path());
  // The project's Python without its site-packages: it runs, but cannot import torch.
  const fs::path python = tmp.path() / "python-without-torch";
  std::ofstream(python) << "#!/bin/sh\nexec '" << NNBENCH_PYTHON_EXE << "' -S \"$@\"\n";
  fs::permissions(python, fs::perms::owner_all);
  const fs::path cache = tmp.path() / "aot-cache";
  const auto r =
      run_nnbench(quick_run(model.string(),
                            "--axis mode=eager,aot --option aot_cache='" + cache.string() +
                                "' --option python='" + python.string() + "'",
                            tmp.path() / "out"),
                  tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;  // unavailable is not a failure
  auto by_mode = scenarios_by_mode(tmp.path() / "out");
  ASSERT_EQ(by_mode.size(), 2U) << r.err;
  EXPECT_EQ(by_mode["eager"]["status"], "ok") << by_mode["eager"]["reason"];
  nlohmann::json aot = by_mode["aot"];
  EXPECT_EQ(aot["status"], "unavailable");
  const std::string reason = aot["reason"];
  EXPECT_NE(reason.find("cannot import torch._inductor"), std::string::npos) << reason;
  EXPECT_NE(reason.find(NNBENCH_PYTHON_EXE), std::string::npos) << reason;
  EXPECT_NE(reason.find("install torch with `make setup`"), std::string::npos) << reason;
  EXPECT_TRUE(is_empty_or_missing(cache));
}

// Without an interpreter at all the variant is unavailable too (the run still succeeds), and the
// row names the interpreter.
TEST(InferenceSuite, AotMode_WithAMissingInterpreter_IsUnavailableNamingIt_AndCachesNothing) {
  TempDir tmp;
  const fs::path model = write_tiny_model(tmp.path());
  const fs::path cache = tmp.path() / "aot-cache";
  const auto r =
      run_nnbench(quick_run(model.string(),
                            "--axis mode=eager,aot --option aot_cache='" + cache.string() +
                                "' --option python=/nonexistent/python3",
                            tmp.path() / "out"),
                  tmp.path());
  auto by_mode = scenarios_by_mode(tmp.path() / "out");
  ASSERT_EQ(by_mode.size(), 2U) << r.err;
  EXPECT_EQ(by_mode["eager"]["status"], "ok") << by_mode["eager"]["reason"];
  EXPECT_EQ(r.exit_code, 0) << r.err;  // unavailable, not failed
  nlohmann::json aot = by_mode["aot"];
  EXPECT_EQ(aot["status"], "unavailable");
  const std::string reason = aot["reason"];
  EXPECT_EQ(reason, "cannot run '/nonexistent/python3': No such file or directory");
  EXPECT_FALSE(aot["labels"].contains("aot_package"));
  EXPECT_TRUE(is_empty_or_missing(cache));
}

TEST(InferenceSuite, ModelAxis_AcceptsAModelFile_AndRejectsOtherValuesNamingTheAllowedOnes) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "some" / "dir");
  fs::copy_file(fs::path(NNBENCH_SOURCE_DIR) / "models" / "simple_mlp.nn",
                tmp.path() / "some" / "dir" / "net.nn");
  const auto planned = testing::run_command_line(
      "cd '" + tmp.path().string() + "' && '" + NNBENCH_BINARY +
          "' run --suite inference --device cpu --axis model=some/dir/net.nn,resnet50 "
          "--axis batch_size=1 --axis mode=eager --dry-run",
      tmp.path());
  EXPECT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.out.find("inference model=some/dir/net.nn/dtype=fp32"), std::string::npos)
      << planned.out;
  EXPECT_NE(planned.out.find("inference model=resnet50/dtype=fp32"), std::string::npos)
      << planned.out;

  for (const auto& [value, error] : std::vector<std::pair<std::string, std::string>>{
           {"foo.txt", "unknown model 'foo.txt' (known: resnet50, vit_b_16, scaling_mlp, gpt2"},
           {".nn", "model '.nn': no file .nn"},
           {"net.nn.txt", "unknown model 'net.nn.txt'"},
           {"gpt2",
            "model 'gpt2' is a decoder preset; this benchmark runs a zoo model or a "
            "model-language file (model=gpt2 runs in: generation)"}}) {
    const auto r =
        run_nnbench(quick_run(value, "--axis mode=eager", tmp.path() / "out"), tmp.path());
    EXPECT_EQ(r.exit_code, 2) << value << ": " << r.err;
    EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
    EXPECT_TRUE(only_run_dir(tmp.path() / "out").empty()) << value;
  }
}

}  // namespace
}  // namespace nnbench

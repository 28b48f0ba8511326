// End to end: the inference suite on the CPU (small images so it stays quick): measured eager
// rows, the skips of what needs a GPU, and the errors for a model or device that cannot run.
#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#ifdef NNBENCH_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

#include "cli_runner.hpp"
#include "nnbench/engine/runtime.hpp"

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

}  // namespace
}  // namespace nnbench

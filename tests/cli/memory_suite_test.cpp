// End to end: the memory suite on the CPU. Gradients as large as the parameters, Adam's state
// twice that, the parameters halved in bf16, and what the forward pass keeps growing with the
// batch at a constant size per sample; and the layer-by-layer profile.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace nnbench {
namespace {

using testing::only_run_dir;
using testing::read_text;
using testing::run_nnbench;
using testing::TempDir;

TEST(MemorySuite, BreaksTheTrainingStepDown_AndActivationsPerSampleAreConstant) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include memory --axis model=simple_mlp --axis dtype=fp32,bf16 --axis "
      "batch_size=8,32 --iterations 2 --warmup 1 --quiet --no-history --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json =
      nlohmann::json::parse(read_text(only_run_dir(tmp.path() / "out") / "memory.json"));
  std::map<std::string, nlohmann::json> by_variant;
  for (const auto& s : json["benchmark_scenarios"]) {
    ASSERT_EQ(s["status"], "ok") << s["scenario_name"] << ": " << s["reason"];
    by_variant[s["scenario_name"]] = s["measurements"];
  }
  ASSERT_EQ(by_variant.size(), 4U);
  const auto value = [&](const std::string& variant, const char* metric) {
    return by_variant.at(variant).at(metric).at("value").get<double>();
  };
  const std::string fp32_8 = "model=simple_mlp/dtype=fp32/batch_size=8";
  const std::string fp32_32 = "model=simple_mlp/dtype=fp32/batch_size=32";
  const std::string bf16_8 = "model=simple_mlp/dtype=bf16/batch_size=8";
  EXPECT_EQ(value(fp32_8, "parameter_bytes"), 101770.0 * 4);  // simple_mlp.nn: 101,770
  EXPECT_EQ(value(fp32_8, "parameter_bytes_over_estimate"), 1.0);
  EXPECT_EQ(value(fp32_8, "gradient_bytes"), value(fp32_8, "parameter_bytes"));
  EXPECT_EQ(value(fp32_8, "optimizer_state_bytes"), 2 * value(fp32_8, "parameter_bytes"));
  EXPECT_EQ(value(bf16_8, "parameter_bytes"), 101770.0 * 2);
  EXPECT_GT(value(fp32_8, "activation_bytes"), 0);
  EXPECT_NEAR(value(fp32_32, "activation_bytes_per_sample"),
              value(fp32_8, "activation_bytes_per_sample"),
              0.02 * value(fp32_8, "activation_bytes_per_sample"));
  EXPECT_GE(value(fp32_8, "training_step_peak_bytes"),
            value(fp32_8, "gradient_bytes") + value(fp32_8, "optimizer_state_bytes"));
}

// A zoo model (scaling_mlp: 1024 -> 512 x 3 -> 10, 1,055,242 parameters) under cross-entropy and
// Adam: the same breakdown, and no language estimate.
TEST(MemorySuite, ZooModel_BreaksDownWithoutAnEstimate) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include memory --axis model=scaling_mlp --axis batch_size=16 --iterations 2 "
      "--warmup 1 --quiet --no-history --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json =
      nlohmann::json::parse(read_text(only_run_dir(tmp.path() / "out") / "memory.json"));
  const auto& s = json["benchmark_scenarios"][0];
  ASSERT_EQ(s["status"], "ok") << s["reason"];
  const auto& m = s["measurements"];
  const double parameters = 1024.0 * 512 + 512 + 2 * (512.0 * 512 + 512) + 512.0 * 10 + 10;
  EXPECT_EQ(m["parameter_count"]["value"].get<double>(), parameters);
  EXPECT_EQ(m["parameter_bytes"]["value"].get<double>(), 4 * parameters);
  EXPECT_EQ(m["gradient_bytes"]["value"].get<double>(), 4 * parameters);
  EXPECT_EQ(m["optimizer_state_bytes"]["value"].get<double>(), 8 * parameters);
  // ReLU keeps three 16 x 512 results; the rest (the last product, the loss) is small.
  EXPECT_GE(m["activation_bytes"]["value"].get<double>(), 3 * 16 * 512 * 4);
  EXPECT_FALSE(m.contains("estimated_activation_bytes"));
}

// cnn.nn layer by layer at batch 4: Conv2D(32, 3x3) on 28 x 28 x 1 gives 4 x 32 x 26 x 26
// floats; the max pooling after it keeps its output and its int64 indices for backward.
TEST(LayerProfile, MeasuresEachLayer_WithSizesKnownByHand) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include layer_profile --axis model=cnn --axis batch_size=4 "
      "--iterations 7 --warmup 2 --quiet --no-history --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json =
      nlohmann::json::parse(read_text(only_run_dir(tmp.path() / "out") / "layer_profile.json"));
  const auto& m = json["benchmark_scenarios"][0]["measurements"];
  const double conv = 4.0 * 32 * 26 * 26 * 4;
  EXPECT_EQ(m["layer01_conv2d_1_output_bytes"]["value"].get<double>(), conv);
  EXPECT_EQ(m["layer01_conv2d_1_kept_bytes"]["value"].get<double>(), conv);
  const double pooled = conv / 4;
  EXPECT_EQ(m["layer02_max_pooling2d_1_output_bytes"]["value"].get<double>(), pooled);
  EXPECT_EQ(m["layer02_max_pooling2d_1_kept_bytes"]["value"].get<double>(), pooled * 3);
  EXPECT_EQ(m["layer05_flatten_1_output_bytes"]["value"].get<double>(), 0);  // a view
  EXPECT_EQ(m["layer01_conv2d_1_ms"]["count"].get<int>(), 7);  // the samples, not the warm-up
  EXPECT_GT(m["layer01_conv2d_1_ms"]["median"].get<double>(), 0);
}

TEST(MemorySuite, AnUnknownModel_IsNamed) {
  TempDir tmp;
  const auto r = run_nnbench(
      "run --include memory --axis model=nope --axis batch_size=8 "
      "--iterations 1 --quiet --no-history --output-dir '" +
          (tmp.path() / "out").string() + "'",
      tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnbench

// The inference fusion pass (engine/inference_fusion.hpp): on the zoo's ResNet-50 and on models
// of the language, with BatchNorm statistics far from their defaults so that folding them
// changes every weight, the fused model computes what the unfused one did (fp32, CPU), the report
// counts what was rewritten, and its parameter counts match the module tree before and after.
// Models with nothing to fuse come out untouched; a second pass finds nothing left.
#include "nnbench/engine/models/inference_fusion.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/models/model_zoo.hpp"

namespace nnbench::engine {
namespace {

namespace fs = std::filesystem;

// A rewrite may leave a few fp32 roundings per layer: the suite's tolerance for fp32.
constexpr double kRelativeTolerance = 1e-4;

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const torch::Tensor& p : module.parameters()) count += p.numel();
  return count;
}

// Every BatchNorm2d gets seeded random statistics and affine parameters (variance in [0.5, 2],
// scale in [0.5, 1.5], mean and shift in [-0.5, 0.5]); with the defaults (mean 0, variance 1,
// scale 1, shift 0) folding would change the weights by 1 / sqrt(1 + eps) only.
void randomize_batch_norms(torch::nn::Module& root, std::uint64_t seed) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(seed);
  for (const auto& module : root.modules()) {
    auto* norm = dynamic_cast<torch::nn::BatchNorm2dImpl*>(module.get());
    if (norm == nullptr) continue;
    norm->running_mean.uniform_(-0.5, 0.5);
    norm->running_var.uniform_(0.5, 2.0);
    if (norm->options.affine()) {
      norm->weight.uniform_(0.5, 1.5);
      norm->bias.uniform_(-0.5, 0.5);
    }
  }
}

// What the module tree holds, counted module by module.
struct TreeCensus {
  int batch_norms = 0;
  int convolutions = 0;  // torch::nn::Conv2d modules
  int fused_convolutions = 0;
  std::int64_t batch_norm_parameters = 0;
  std::int64_t bias_free_conv_out_channels = 0;  // summed over Conv2d modules without a bias
  std::int64_t fused_conv_bias_parameters = 0;
};

TreeCensus census_of(torch::nn::Module& root) {
  TreeCensus census;
  for (const auto& module : root.modules()) {
    if (auto* norm = dynamic_cast<torch::nn::BatchNorm2dImpl*>(module.get())) {
      ++census.batch_norms;
      census.batch_norm_parameters += parameter_count(*norm);
    } else if (auto* conv = dynamic_cast<torch::nn::Conv2dImpl*>(module.get())) {
      ++census.convolutions;
      if (!conv->bias.defined()) census.bias_free_conv_out_channels += conv->weight.size(0);
    } else if (auto* fused = dynamic_cast<FusedConv2dImpl*>(module.get())) {
      ++census.fused_convolutions;
      census.fused_conv_bias_parameters += fused->bias.numel();
    }
  }
  return census;
}

// max |output - reference| / max |reference|, as the inference suite measures it.
double relative_difference(const torch::Tensor& output, const torch::Tensor& reference) {
  const torch::Tensor want = reference.to(torch::kFloat64);
  const double scale = std::max(want.abs().max().item<double>(), 1e-30);
  return (output.to(torch::kFloat64) - want).abs().max().item<double>() / scale;
}

// A language model's logits (before the Output's softmax, which would hide differences).
std::function<torch::Tensor(const torch::Tensor&)> logits_of(const ZooModel& model) {
  auto network = std::dynamic_pointer_cast<IrNetworkImpl>(model.module);
  EXPECT_NE(network, nullptr) << model.name << " is not a language model";
  return [network](const torch::Tensor& x) { return network->forward(x); };
}

torch::Tensor sample_batch(const ZooModel& model, std::int64_t batch, std::uint64_t seed) {
  std::vector<std::int64_t> shape{batch};
  shape.insert(shape.end(), model.sample_shape.begin(), model.sample_shape.end());
  torch::manual_seed(seed);
  return torch::randn(shape);
}

// What a report says was rewritten, in one comparable value.
struct FusionCounts {
  int convolutions = 0, batch_norms = 0, relus = 0, residual_adds = 0;
  bool operator==(const FusionCounts&) const = default;
};

std::ostream& operator<<(std::ostream& out, const FusionCounts& c) {
  return out << c.convolutions << " convolutions, " << c.batch_norms << " batch norms, " << c.relus
             << " ReLUs, " << c.residual_adds << " residual adds";
}

FusionCounts counts_of(const FusionReport& report) {
  return {report.convolutions_fused, report.batch_norms_folded, report.relus_fused,
          report.residual_adds_fused};
}

// The report's parameter counts are the module tree's before and after the pass.
void expect_counts_match_tree(const FusionReport& report, std::int64_t parameters_unfused,
                              const ZooModel& fused_model) {
  EXPECT_EQ(report.parameters_before, parameters_unfused);
  EXPECT_EQ(report.parameters_after, fused_model.parameter_count());
}

// A language model fused after its BatchNorms were randomised (seed), and what that did: its
// logits' difference from the unfused ones on a seeded batch, the report, the trees around it.
struct FusedLanguageModel {
  FusionReport report;
  double difference = 0;
  std::int64_t parameters_unfused = 0;
  TreeCensus unfused, fused;
};

FusedLanguageModel fuse_language_model(const ZooModel& model, std::uint64_t seed) {
  model.module->eval();
  randomize_batch_norms(*model.module, seed);
  const auto logits = logits_of(model);
  const torch::Tensor images = sample_batch(model, 2, seed + 1);
  torch::NoGradGuard no_grad;
  const torch::Tensor reference = logits(images);
  FusedLanguageModel result;
  result.parameters_unfused = model.parameter_count();
  result.unfused = census_of(*model.module);
  result.report = fuse_for_inference(*model.module);
  result.difference = relative_difference(logits(images), reference);
  result.fused = census_of(*model.module);
  return result;
}

// Writes `text` to nnbench_NAME_PID.nn in the temporary directory; removed with the object.
class TempModelFile {
 public:
  TempModelFile(const std::string& name, const std::string& text)
      : path_(fs::temp_directory_path() /
              ("nnbench_" + name + "_" + std::to_string(::getpid()) + ".nn")) {
    std::ofstream(path_) << text;
  }
  ~TempModelFile() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(InferenceFusion, ResNet50_FusedOutputMatchesUnfused_WhenBatchNormStatisticsAreNonTrivial) {
  const ZooModel model = make_zoo_model("resnet50", {.image_size = 32, .seed = 11});
  model.module->eval();
  randomize_batch_norms(*model.module, 12);
  const torch::Tensor images = sample_batch(model, 2, 13);
  torch::NoGradGuard no_grad;
  const torch::Tensor reference = model.forward(images);
  const std::int64_t parameters_unfused = model.parameter_count();
  const TreeCensus unfused = census_of(*model.module);
  ASSERT_EQ(unfused.batch_norms, 53);
  ASSERT_EQ(unfused.convolutions, 53);

  const FusionReport report = fuse_for_inference(*model.module);
  const torch::Tensor fused_output = model.forward(images);

  EXPECT_LE(relative_difference(fused_output, reference), kRelativeTolerance);
  // Convolutions: stem 1 + 16 bottlenecks x 3 + 4 projection shortcuts, each with its
  // BatchNorm. ReLUs: the stem's, two per bottleneck, and the one after each residual add.
  EXPECT_EQ(counts_of(report), (FusionCounts{53, 53, 49, 16}));
  EXPECT_TRUE(report.changed());

  const TreeCensus fused = census_of(*model.module);
  EXPECT_EQ(fused.batch_norms, 0);
  EXPECT_EQ(fused.convolutions, 0);
  EXPECT_EQ(fused.fused_convolutions, 53);
  expect_counts_match_tree(report, parameters_unfused, model);
  // Each folded BatchNorm takes its scale and shift (2 C) away; its bias-free convolution gains
  // a bias of C.
  EXPECT_EQ(report.parameters_before - report.parameters_after,
            unfused.batch_norm_parameters - unfused.bias_free_conv_out_channels);
  EXPECT_EQ(report.parameters_before - report.parameters_after, 26'560);  // channels of all BNs
  EXPECT_EQ(report.summary(),
            "53 convolutions fused: 53 batch norms folded, 49 ReLUs, 16 residual adds; "
            "25557032 -> 25530472 parameters");
}

TEST(InferenceFusion, ResNetSmallFile_FusedOutputMatchesUnfused_AndCountsItsBlocks) {
  const ZooModel model =
      make_zoo_model(std::string(NNBENCH_SOURCE_DIR) + "/models/resnet_small.nn", {.seed = 21});
  const FusedLanguageModel fusion = fuse_language_model(model, 22);
  const FusionReport& report = fusion.report;
  ASSERT_EQ(fusion.unfused.batch_norms, 11);

  EXPECT_LE(fusion.difference, kRelativeTolerance);
  // 11 convolutions with a BatchNorm each (stem + 2 per residual block, 5 blocks). The two
  // strided ones pad "same" unevenly (begin 0, end 1): their explicit pad moves into the fused
  // convolution, so they fuse too. ReLUs: stem 1, the first convolution of each block's body 5,
  // after each add 5.
  EXPECT_EQ(counts_of(report), (FusionCounts{11, 11, 11, 5}));
  EXPECT_EQ(fusion.fused.batch_norms, 0);
  EXPECT_EQ(fusion.fused.fused_convolutions, 11);
  expect_counts_match_tree(report, fusion.parameters_unfused, model);
  // All of the file's convolutions are bias-free: each fused one gained a bias of C, each folded
  // BatchNorm gave up 2 C.
  EXPECT_EQ(report.parameters_before - report.parameters_after,
            (fusion.unfused.batch_norm_parameters - fusion.fused.batch_norm_parameters) -
                fusion.fused.fused_conv_bias_parameters);
  // The BatchNorm channels: 16 (stem) + 4 x 16 + 2 x 32 + 2 x 32 + 64 + 64.
  EXPECT_EQ(report.parameters_before - report.parameters_after, 336);
}

// Every shape the language's layer stacks fuse: a convolution with a bias before its BatchNorm
// (the bias is scaled and shifted too), a convolution with its own ReLU and no BatchNorm, a
// residual body whose last convolution changes the channels (a 1x1 projection shortcut, added
// inside the fused call), and a plain linear convolution.
constexpr const char* kMixedFusionModel = R"(network MixedFusion {
  input: (8, 8, 3)
  layers:
    Conv2D(8, (3, 3), padding="same")
    BatchNormalization()
    Activation("relu")
    Conv2D(8, (3, 3), padding="same", activation="relu")
    Residual {
      Conv2D(8, (3, 3), padding="same", use_bias=false)
      BatchNormalization()
      Activation("relu")
      Conv2D(16, (1, 1), use_bias=false)
      BatchNormalization()
    }
    Activation("relu")
    Conv2D(16, (3, 3))
    GlobalAveragePooling2D()
    Output(4, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: SGD(learning_rate=0.1)
}
)";

TEST(InferenceFusion, LanguageModel_FoldsConvolutionBiases_AndProjectedResiduals) {
  const TempModelFile file("mixed_fusion", kMixedFusionModel);
  const ZooModel model = make_zoo_model(file.path(), {.seed = 31});
  const FusedLanguageModel fusion = fuse_language_model(model, 32);
  const FusionReport& report = fusion.report;

  EXPECT_LE(fusion.difference, kRelativeTolerance);
  // ReLUs: the first convolution's, the second's own, the body's first, the one after the add.
  EXPECT_EQ(counts_of(report), (FusionCounts{5, 3, 4, 1}));
  EXPECT_EQ(fusion.fused.batch_norms, 0);
  EXPECT_EQ(fusion.fused.fused_convolutions, 5);
  EXPECT_EQ(fusion.fused.convolutions, 1);  // the projection shortcut stays a Conv2d
  expect_counts_match_tree(report, fusion.parameters_unfused, model);
  // The first BatchNorm (8 channels) follows a convolution with a bias: -16. The body's two
  // follow bias-free ones: -16 + 8 and -32 + 16.
  EXPECT_EQ(report.parameters_before - report.parameters_after, 40);
}

// Models without convolutions: nothing fused, the same parameters, the same output to the bit.
void expect_untouched_by_fusion(const ZooModel& model) {
  model.module->eval();
  const torch::Tensor inputs = sample_batch(model, 2, 41);
  torch::NoGradGuard no_grad;
  const torch::Tensor reference = model.forward(inputs);
  const std::int64_t parameters_unfused = model.parameter_count();

  const FusionReport report = fuse_for_inference(*model.module);

  EXPECT_FALSE(report.changed()) << model.name;
  EXPECT_EQ(counts_of(report), FusionCounts{}) << model.name;
  EXPECT_EQ(report.parameters_before, parameters_unfused) << model.name;
  EXPECT_EQ(report.parameters_after, parameters_unfused) << model.name;
  EXPECT_EQ(model.parameter_count(), parameters_unfused) << model.name;
  EXPECT_EQ(report.summary(), "nothing to fuse") << model.name;
  EXPECT_TRUE(torch::equal(model.forward(inputs), reference)) << model.name;
}

TEST(InferenceFusion, VitB16_IsLeftUntouched_WhenItHasNothingToFuse) {
  expect_untouched_by_fusion(make_zoo_model("vit_b_16", {.image_size = 32, .seed = 42}));
}

TEST(InferenceFusion, ScalingMlp_IsLeftUntouched_WhenItHasNothingToFuse) {
  expect_untouched_by_fusion(make_zoo_model("scaling_mlp", {.hidden_dim = 64, .seed = 43}));
}

void expect_second_pass_changes_nothing(const ZooModel& model) {
  model.module->eval();
  randomize_batch_norms(*model.module, 52);
  const torch::Tensor inputs = sample_batch(model, 2, 53);
  torch::NoGradGuard no_grad;
  const FusionReport first = fuse_for_inference(*model.module);
  ASSERT_TRUE(first.changed()) << model.name;
  const torch::Tensor once = model.forward(inputs);

  const FusionReport second = fuse_for_inference(*model.module);

  EXPECT_FALSE(second.changed()) << model.name;
  EXPECT_EQ(counts_of(second), FusionCounts{}) << model.name;
  EXPECT_EQ(second.parameters_before, first.parameters_after) << model.name;
  EXPECT_EQ(second.parameters_after, first.parameters_after) << model.name;
  EXPECT_TRUE(torch::equal(model.forward(inputs), once)) << model.name;
}

TEST(InferenceFusion, FusingTwice_ChangesNothingTheSecondTime) {
  expect_second_pass_changes_nothing(make_zoo_model("resnet50", {.image_size = 32, .seed = 51}));
  expect_second_pass_changes_nothing(
      make_zoo_model(std::string(NNBENCH_SOURCE_DIR) + "/models/resnet_small.nn", {.seed = 54}));
}

}  // namespace
}  // namespace nnbench::engine

// The model builder on whole networks: every model in models/ (vit_b_16 in its own test) builds,
// runs and matches the IR's parameter total; the Output activation folded into the loss is applied
// once, at inference only; each loss computes what its definition says.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model_test_util.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::engine {
namespace {

namespace ir = dsl::ir;
namespace fs = std::filesystem;
using testing::compile_one;
using testing::network_text;

ir::Network model_file(const std::string& file) {
  std::vector<ir::Network> networks =
      dsl::compile_file(std::string(NNBENCH_SOURCE_DIR) + "/models/" + file);
  EXPECT_EQ(networks.size(), 1U);
  return networks.front();
}

void expect_builds_and_runs(const ir::Network& net) {
  SCOPED_TRACE(net.name);
  const BuiltModel built = build_model(net);
  EXPECT_EQ(built.parameter_count(), net.total_params);
  std::vector<std::int64_t> expected{2};
  expected.insert(expected.end(), net.output_shape.begin(), net.output_shape.end());
  const torch::Tensor input = example_input(net, 2);
  EXPECT_EQ(built.forward(input).sizes().vec(), expected);
  EXPECT_EQ(built.infer(input).sizes().vec(), expected);
}

TEST(ModelBuilderModels, MatchesSeedParameterCounts_WhenSeedModelsAreBuilt) {
  const ir::Network mlp = model_file("simple_mlp.nn");
  const ir::Network cnn = model_file("cnn.nn");
  const ir::Network deep = model_file("deep_mlp.nn");
  EXPECT_EQ(build_model(mlp).parameter_count(), 101770);
  EXPECT_EQ(build_model(cnn).parameter_count(), 225034);
  EXPECT_EQ(build_model(deep).parameter_count(), 567434);
  for (const ir::Network* net : {&mlp, &cnn, &deep}) expect_builds_and_runs(*net);
}

// Models above this size have their own, cheaper test (vit_b_16.nn: model_builder_vit_test.cpp,
// one image without autograd); two batches of 86 M parameters with autograd here would only add
// seconds of CI time.
constexpr std::int64_t kLargeModelParameters = 50'000'000;

TEST(ModelBuilderModels, BuildsAndRuns_WhenEveryModelFileIsCompiled) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(NNBENCH_SOURCE_DIR) / "models")) {
    if (entry.path().extension() != ".nn") continue;
    ++files;
    for (const ir::Network& net : dsl::compile_file(entry.path().string())) {
      if (net.total_params <= kLargeModelParameters) expect_builds_and_runs(net);
    }
  }
  EXPECT_GE(files, 5);
}

TEST(ModelBuilderModels, TrainsOnLogitsAndInfersProbabilities_WhenSoftmaxIsInTheLoss) {
  const ir::Network net = model_file("simple_mlp.nn");
  ASSERT_TRUE(std::get<ir::DenseAttrs>(net.layers.back().attrs).activation_in_loss);
  BuiltModel built = build_model(net);
  EXPECT_TRUE(built.module->has_folded_activation());
  built.module->eval();
  const torch::Tensor x = example_input(net, 4);
  const torch::Tensor logits = built.forward(x);
  const torch::Tensor probabilities = built.infer(x);
  EXPECT_FALSE(torch::allclose(logits.sum(1), torch::ones({4}), 1e-3, 1e-3));
  EXPECT_TRUE(torch::allclose(probabilities.sum(1), torch::ones({4}), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(probabilities, torch::softmax(logits, 1)));
  const torch::Tensor target = torch::tensor({1, 0, 9, 3}, torch::kInt64);
  const torch::Tensor loss = built.loss(logits, target);
  EXPECT_TRUE(torch::allclose(loss, torch::nn::functional::cross_entropy(logits, target)));
}

TEST(ModelBuilderModels, AppliesSoftmaxInTraining_WhenNotFoldedIntoTheLoss) {
  const ir::Network net = compile_one(
      network_text("(6,)", "Dense(4, \"softmax\")", "\"sparse_categorical_crossentropy\""));
  BuiltModel built = build_model(net);
  EXPECT_FALSE(built.module->has_folded_activation());
  const torch::Tensor x = example_input(net, 3);
  const torch::Tensor p = built.forward(x);
  EXPECT_TRUE(torch::allclose(p.sum(1), torch::ones({3}), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(built.infer(x), p));
  const torch::Tensor target = torch::tensor({0, 3, 1}, torch::kInt64);
  EXPECT_TRUE(torch::allclose(built.loss(p, target),
                              torch::nn::functional::nll_loss(torch::log(p), target), 1e-5));
}

TEST(ModelBuilderModels, UsesProbabilityTargets_WhenLossIsCategoricalCrossentropy) {
  const ir::Network net =
      compile_one(network_text("(6,)", "Output(4, \"softmax\")", "\"categorical_crossentropy\""));
  const BuiltModel built = build_model(net);
  const torch::Tensor logits = built.forward(example_input(net, 3));
  const torch::Tensor target = torch::softmax(torch::randn({3, 4}), 1);
  const torch::Tensor expected = -(target * torch::log_softmax(logits, 1)).sum(1).mean();
  EXPECT_TRUE(torch::allclose(built.loss(logits, target), expected));
}

TEST(ModelBuilderModels, UsesBceWithLogits_WhenSigmoidIsInTheLoss) {
  const ir::Network net =
      compile_one(network_text("(6,)", "Output(1, \"sigmoid\")", "\"binary_crossentropy\""));
  BuiltModel built = build_model(net);
  const torch::Tensor x = example_input(net, 5);
  const torch::Tensor logits = built.forward(x);
  EXPECT_TRUE(torch::allclose(built.infer(x), torch::sigmoid(logits)));
  const torch::Tensor target = torch::tensor({0.F, 1.F, 1.F, 0.F, 1.F}).reshape({5, 1});
  EXPECT_TRUE(
      torch::allclose(built.loss(logits, target),
                      torch::nn::functional::binary_cross_entropy_with_logits(logits, target)));
}

TEST(ModelBuilderModels, ComparesOutputsDirectly_WhenLossIsMseOrMae) {
  for (const std::string loss : {"\"mse\"", "\"mae\""}) {
    const ir::Network net = compile_one(network_text("(6,)", "Output(2, \"softmax\")", loss));
    BuiltModel built = build_model(net);
    const torch::Tensor y = built.forward(example_input(net, 3));
    EXPECT_TRUE(torch::allclose(y.sum(1), torch::ones({3}), 1e-5, 1e-5));  // not folded
    const torch::Tensor target = torch::randn({3, 2});
    const torch::Tensor expected =
        loss == "\"mse\"" ? (y - target).pow(2).mean() : (y - target).abs().mean();
    EXPECT_TRUE(torch::allclose(built.loss(y, target), expected));
  }
}

}  // namespace
}  // namespace nnbench::engine

// The hand-written seed models: parameter counts, and identical initial weights to the models
// the language compiles from models/*.nn with the same seed (the fairness of dsl_vs_native).
#include "nnbench/suites/native_models.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nnbench/core/error.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::suites {
namespace {

std::int64_t count(torch::nn::Module& module) {
  std::int64_t total = 0;
  for (const auto& p : module.parameters()) total += p.numel();
  return total;
}

TEST(NativeModels, HaveTheSeedParameterCounts) {
  EXPECT_EQ(count(*make_native_model("simple_mlp", 1)), 101770);
  EXPECT_EQ(count(*make_native_model("cnn", 1)), 225034);
  EXPECT_EQ(count(*make_native_model("deep_mlp", 1)), 567434);
  EXPECT_THROW(make_native_model("resnet", 1), InputError);
}

TEST(NativeModels, ReturnLogitsForImageBatches) {
  for (const std::string& name : native_model_names()) {
    auto model = make_native_model(name, 3);
    const torch::Tensor logits = model->forward(torch::randn({4, 1, 28, 28}));
    EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{4, 10})) << name;
  }
}

TEST(NativeModels, StartFromTheLanguageModelsWeights_WithOneSeed) {
  for (const std::string& name : native_model_names()) {
    const auto network =
        dsl::compile_file(std::string(NNBENCH_SOURCE_DIR) + "/models/" + name + ".nn").front();
    engine::BuiltModel dsl_model = engine::build_model(network, {7});
    const auto native = make_native_model(name, 7);
    const auto dsl_params = dsl_model.module->parameters();
    const auto native_params = native->parameters();
    ASSERT_EQ(dsl_params.size(), native_params.size()) << name;
    for (std::size_t i = 0; i < dsl_params.size(); ++i) {
      EXPECT_TRUE(torch::equal(dsl_params[i], native_params[i])) << name << " parameter " << i;
    }
    // The same input gives the same logits in eval mode (no dropout).
    dsl_model.module->eval();
    native->eval();
    const torch::Tensor x = torch::randn({3, 1, 28, 28});
    EXPECT_TRUE(torch::allclose(dsl_model.forward(x), native->forward(x), 1e-6, 1e-6)) << name;
  }
}

}  // namespace
}  // namespace nnbench::suites

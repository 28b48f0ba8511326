// models/vit_b_16.nn against the zoo's vit_b_16 (torchvision's layout): the same parameter count
// and multiply-accumulates, a LibTorch module that classifies one image into 1000 logits, and, for
// a small configuration with the zoo model's weights copied in, the same function.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <torch/torch.h>

#include "model_test_util.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/summary.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/models/model_zoo.hpp"
#include "nnbench/engine/models/vision_transformer.hpp"

namespace nnbench::engine {
namespace {

namespace ir = dsl::ir;
using testing::compile_one;

ir::Network vit_b_16_file() {
  const std::vector<ir::Network> networks =
      dsl::compile_file(std::string(NNBENCH_SOURCE_DIR) + "/models/vit_b_16.nn");
  EXPECT_EQ(networks.size(), 1U);
  return networks.front();
}

TEST(VitB16File, HasTheZoosParameterCountAndMacs) {
  const ir::Network net = vit_b_16_file();
  const ZooModel zoo = make_zoo_model("vit_b_16");
  EXPECT_EQ(zoo.parameter_count(), 86'567'656);
  EXPECT_EQ(net.total_params, zoo.parameter_count());
  EXPECT_EQ(net.total_macs, zoo.macs_per_sample);
  EXPECT_EQ(net.input_shape, zoo.sample_shape);
  // What `nnbench compile models/vit_b_16.nn` prints.
  const std::string summary = dsl::render_summary(net);
  EXPECT_NE(summary.find(" 86,567,656 "), std::string::npos) << summary;
}

TEST(VitB16File, BuildsAModuleThatGivesOneRowOfLogitsPerImage) {
  const ir::Network net = vit_b_16_file();
  BuiltModel built = build_model(net);
  EXPECT_EQ(built.parameter_count(), 86'567'656);
  built.module->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = built.infer(example_input(net, 1));
  EXPECT_EQ(logits.sizes().vec(), (std::vector<std::int64_t>{1, 1000}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

// The zoo's ViT at a small size, written in the language as vit_b_16.nn is.
const char* kSmallVit = R"(
define Block {
  Residual {
    LayerNormalization(epsilon=1e-6)
    MultiHeadAttention(num_heads=2)
    Dropout(0.0)
  }
  Residual {
    LayerNormalization(epsilon=1e-6)
    Dense(16, "gelu")
    Dropout(0.0)
    Dense(8)
    Dropout(0.0)
  }
}
network SmallVit {
  input: (32, 32, 3)
  layers:
    Conv2D(8, (16, 16), strides=16)
    PatchesToSequence()
    ClassToken()
    PositionEmbedding()
    Dropout(0.0)
    Block * 2
    LayerNormalization(epsilon=1e-6)
    SelectToken(0)
    Output(3)
  loss: "sparse_categorical_crossentropy"
  optimizer: AdamW()
}
)";

TEST(VitB16File, ComputesTheZoosFunction_OnTheZoosWeights) {
  VitConfig config;
  config.image_size = 32;
  config.num_layers = 2;
  config.num_heads = 2;
  config.hidden_dim = 8;
  config.mlp_dim = 16;
  config.num_classes = 3;
  torch::manual_seed(5);
  VisionTransformer zoo(config);
  const ir::Network net = compile_one(kSmallVit);
  BuiltModel built = build_model(net, {.seed = 6});
  // The zoo's parameters in the language's layer order (LibTorch lists a module's own
  // parameters, the class token and positions, before its submodules').
  std::vector<std::string> names = {"conv_proj.weight", "conv_proj.bias", "class_token",
                                    "pos_embedding"};
  for (const std::string block : {"layers.0.", "layers.1."}) {
    for (const char* part : {"ln_1", "in_proj", "out_proj", "ln_2", "mlp_0", "mlp_3"}) {
      names.push_back(block + part + ".weight");
      names.push_back(block + part + ".bias");
    }
  }
  for (const char* name : {"ln.weight", "ln.bias", "head.weight", "head.bias"}) {
    names.emplace_back(name);
  }
  const auto zoo_parameters = zoo->named_parameters();
  std::vector<torch::Tensor> ours = built.module->parameters();
  ASSERT_EQ(ours.size(), names.size());
  ASSERT_EQ(zoo_parameters.size(), names.size());
  {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const torch::Tensor& theirs = zoo_parameters[names[i]];
      ASSERT_EQ(ours[i].sizes(), theirs.sizes()) << names[i];
      ours[i].copy_(theirs);
    }
  }
  zoo->eval();
  built.module->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 3, 32, 32});
  const torch::Tensor expected = zoo->forward(x);
  const torch::Tensor actual = built.infer(x);
  EXPECT_TRUE(torch::allclose(actual, expected, 1e-5, 1e-5))
      << "max difference " << (actual - expected).abs().max().item<double>();
}

}  // namespace
}  // namespace nnbench::engine

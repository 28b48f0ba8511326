// The inference model zoo: exact parameter counts of the published architectures, output shapes,
// multiply-accumulate counts, the ViT block against a written-out reference, and unknown names.
#include "nnbench/engine/models/model_zoo.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/models/resnet.hpp"
#include "nnbench/engine/models/scaling_mlp.hpp"
#include "nnbench/engine/models/vision_transformer.hpp"

namespace nnbench::engine {
namespace {

TEST(ModelZoo, ResNet50_HasTorchvisionsParameterCount_AndClassifiesAnyImageSize) {
  const ZooModel model = make_zoo_model("resnet50", {.image_size = 64});
  EXPECT_EQ(model.parameter_count(), 25'557'032);
  EXPECT_TRUE(model.convolutional);
  EXPECT_EQ(model.sample_shape, (std::vector<std::int64_t>{3, 64, 64}));
  EXPECT_EQ(model.classes, 1000);
  model.module->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = model.forward(torch::randn({2, 3, 64, 64}));
  EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{2, 1000}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST(ModelZoo, ResNet50_CountsAbout4point1GigaMacsAt224) {
  // torchvision lists 4.09 "GFLOPS" (multiply-accumulates) for resnet50 at 224 x 224.
  const ResNet net(ResNetConfig{});
  EXPECT_NEAR(static_cast<double>(net->macs_per_sample()), 4.09e9, 0.02e9);
  EXPECT_EQ(net->named_parameters().contains("layer4.2.conv3.weight"), true);
  EXPECT_EQ(net->named_parameters().contains("layer2.0.downsample.0.weight"), true);
}

TEST(ModelZoo, VitB16_HasTorchvisionsParameterCount_AndAbout17point6GigaMacs) {
  const ZooModel model = make_zoo_model("vit_b_16");
  EXPECT_EQ(model.parameter_count(), 86'567'656);
  EXPECT_FALSE(model.convolutional);
  // torchvision lists 17.56 GFLOPS (multiply-accumulates) for vit_b_16.
  EXPECT_NEAR(static_cast<double>(model.macs_per_sample), 17.56e9, 0.1e9);
}

TEST(ModelZoo, VitForward_GivesOneRowOfLogitsPerImage) {
  const ZooModel model = make_zoo_model("vit_b_16", {.image_size = 32});
  model.module->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = model.forward(torch::randn({3, 3, 32, 32}));
  EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{3, 1000}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

// The whole ViT written out with plain tensor operations from its named parameters: patch
// projection, class token, positions, one pre-norm block with explicit softmax attention, head.
TEST(ModelZoo, VitForward_MatchesAWrittenOutReference) {
  VitConfig config;
  config.image_size = 32;
  config.patch_size = 16;
  config.num_layers = 1;
  config.num_heads = 2;
  config.hidden_dim = 8;
  config.mlp_dim = 16;
  config.num_classes = 3;
  torch::manual_seed(7);
  VisionTransformer net(config);
  net->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 3, 32, 32}, torch::kFloat64);
  net->to(torch::kFloat64);
  auto p = net->named_parameters();

  torch::Tensor t =
      torch::conv2d(x, p["conv_proj.weight"], p["conv_proj.bias"], 16).flatten(2).transpose(1, 2);
  t = torch::cat({p["class_token"].expand({2, -1, -1}), t}, 1) + p["pos_embedding"];
  auto norm = [&](const torch::Tensor& v, const std::string& name) {
    return torch::layer_norm(v, {8}, p[name + ".weight"], p[name + ".bias"], 1e-6);
  };
  const torch::Tensor qkv = torch::linear(norm(t, "layers.0.ln_1"), p["layers.0.in_proj.weight"],
                                          p["layers.0.in_proj.bias"]);
  std::vector<torch::Tensor> heads;
  for (int h = 0; h < 2; ++h) {
    const torch::Tensor q = qkv.slice(2, h * 4, h * 4 + 4);
    const torch::Tensor k = qkv.slice(2, 8 + h * 4, 8 + h * 4 + 4);
    const torch::Tensor v = qkv.slice(2, 16 + h * 4, 16 + h * 4 + 4);
    heads.push_back(torch::softmax(q.matmul(k.transpose(1, 2)) / 2.0, -1).matmul(v));
  }
  t = t + torch::linear(torch::cat(heads, 2), p["layers.0.out_proj.weight"],
                        p["layers.0.out_proj.bias"]);
  const torch::Tensor hidden = torch::gelu(torch::linear(
      norm(t, "layers.0.ln_2"), p["layers.0.mlp_0.weight"], p["layers.0.mlp_0.bias"]));
  t = t + torch::linear(hidden, p["layers.0.mlp_3.weight"], p["layers.0.mlp_3.bias"]);
  const torch::Tensor expected =
      torch::linear(norm(t.select(1, 0), "ln"), p["head.weight"], p["head.bias"]);

  const torch::Tensor actual = net->forward(x);
  EXPECT_TRUE(torch::allclose(actual, expected, 1e-9, 1e-9))
      << "max difference " << (actual - expected).abs().max().item<double>();
}

TEST(ModelZoo, ScalingMlp_TakesItsWidthFromTheOptions) {
  const ZooModel model = make_zoo_model("scaling_mlp", {.hidden_dim = 256});
  ScalingMlpShape shape;
  shape.hidden_dim = 256;
  EXPECT_EQ(model.parameter_count(), shape.parameter_count());
  EXPECT_EQ(model.macs_per_sample, shape.macs_per_sample());
  EXPECT_EQ(model.sample_shape, (std::vector<std::int64_t>{1024}));
  EXPECT_EQ(model.classes, 10);
}

TEST(ModelZoo, SameSeed_GivesTheSameWeights) {
  const ZooModel a = make_zoo_model("resnet50", {.image_size = 32, .seed = 3});
  const ZooModel b = make_zoo_model("resnet50", {.image_size = 32, .seed = 3});
  const ZooModel c = make_zoo_model("resnet50", {.image_size = 32, .seed = 4});
  const torch::Tensor wa = a.module->named_parameters()["fc.weight"];
  EXPECT_TRUE(torch::equal(wa, b.module->named_parameters()["fc.weight"]));
  EXPECT_FALSE(torch::equal(wa, c.module->named_parameters()["fc.weight"]));
}

TEST(ModelZoo, UnknownModel_IsAnInputErrorThatSuggestsTheNearestName) {
  try {
    make_zoo_model("resnet5");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown model 'resnet5'"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'resnet50'"), std::string::npos) << message;
  }
}

TEST(ModelZoo, VitImageSizeThatIsNotAMultipleOfThePatch_IsAnInputError) {
  EXPECT_THROW(make_zoo_model("vit_b_16", {.image_size = 40}), InputError);
}

}  // namespace
}  // namespace nnbench::engine

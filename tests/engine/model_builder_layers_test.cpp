// The model builder, layer by layer: for every layer kind the LibTorch module holds exactly the
// IR's parameter count and maps (N, *input_shape) to (N, *output_shape); and the semantics the
// shapes cannot show (padding, pooling, batch_first, return_sequences).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <torch/nn/functional/conv.h>
#include <torch/torch.h>

#include "model_test_util.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::engine {
namespace {

namespace ir = dsl::ir;
using testing::compile_one;
using testing::ir_count_with_body;
using testing::network_text;
using testing::parameter_count;

struct LayerCase {
  std::string label;
  std::string input;
  std::string layers;
  std::vector<ir::LayerKind> kinds;  // every kind the case must contain (the test checks)
};

void PrintTo(const LayerCase& c, std::ostream* os) { *os << c.label; }

using K = ir::LayerKind;

const std::vector<LayerCase>& layer_cases() {
  static const std::vector<LayerCase> cases = {
      {"dense", "(20,)", "Dense(8, \"relu\")\nDense(4, use_bias=false)", {K::kDense}},
      {"dense_on_sequence", "(5, 6)", "Dense(7, \"gelu\")", {K::kDense}},
      {"output", "(12,)", "Output(3, \"softmax\")", {K::kOutput}},
      {"dropout", "(12,)", "Dropout(0.5)", {K::kDropout}},
      {"flatten", "(4, 5, 3)", "Flatten()", {K::kFlatten}},
      {"conv1d_same_strided",
       "(16, 3)",
       "Conv1D(4, 3, strides=2, padding=\"same\", activation=\"tanh\")",
       {K::kConv1D}},
      {"conv2d_even_kernel_same", "(9, 7, 3)", "Conv2D(4, (2, 2), padding=\"same\")", {K::kConv2D}},
      {"conv2d_dilated_grouped",
       "(12, 12, 4)",
       "Conv2D(6, (3, 3), strides=2, padding=\"same\", dilation_rate=2, groups=2, use_bias=false)",
       {K::kConv2D}},
      {"max_pool2d_same",
       "(7, 6, 2)",
       "MaxPooling2D((2, 2), strides=1, padding=\"same\")",
       {K::kMaxPooling2D}},
      {"average_pool2d_same",
       "(7, 7, 2)",
       "AveragePooling2D((3, 3), strides=2, padding=\"same\")",
       {K::kAveragePooling2D}},
      {"pools_1d",
       "(15, 3)",
       "MaxPooling1D(3)\nAveragePooling1D(2, padding=\"same\")",
       {K::kMaxPooling1D, K::kAveragePooling1D}},
      {"global_pool_1d_channels",
       "(10, 3)",
       "Conv1D(4, 3)\nGlobalAveragePooling1D()",
       {K::kGlobalAveragePooling1D}},
      {"global_pool_1d_sequence",
       "(10, 6)",
       "Dense(4)\nGlobalAveragePooling1D()",
       {K::kGlobalAveragePooling1D}},
      {"global_pool_2d", "(6, 6, 5)", "GlobalAveragePooling2D()", {K::kGlobalAveragePooling2D}},
      {"batch_norm_1d", "(10,)", "BatchNormalization()", {K::kBatchNormalization}},
      {"batch_norm_1d_channels",
       "(10, 3)",
       "BatchNormalization(momentum=0.2)",
       {K::kBatchNormalization}},
      {"batch_norm_2d", "(5, 5, 4)", "BatchNormalization(epsilon=0.001)", {K::kBatchNormalization}},
      {"layer_norm", "(6, 8)", "LayerNormalization()", {K::kLayerNormalization}},
      {"embedding", "(9)", "Embedding(50, 6)", {K::kEmbedding}},
      {"lstm_sequences", "(7, 5)", "LSTM(6, return_sequences=true)", {K::kLSTM}},
      {"lstm_bidirectional_stacked",
       "(7, 5)",
       "LSTM(6, num_layers=2, bidirectional=true)",
       {K::kLSTM}},
      {"gru_last_state", "(7, 5)", "GRU(4, num_layers=2)", {K::kGRU}},
      {"multi_head_attention",
       "(6, 8)",
       "MultiHeadAttention(num_heads=2)",
       {K::kMultiHeadAttention}},
      {"transformer_gelu",
       "(6, 8)",
       "TransformerEncoder(num_heads=2, ff_dim=16, num_layers=2, activation=\"gelu\")",
       {K::kTransformerEncoder}},
      {"activations",
       "(6,)",
       "Activation(\"leaky_relu\")\nActivation(\"silu\")\nActivation(\"softmax\")\n"
       "Activation(\"log_softmax\")\nActivation(\"sigmoid\")",
       {K::kActivation}},
      {"reshape_permute",
       "(24,)",
       "Reshape((2, 3, 4))\nPermute((3, 1, 2))",
       {K::kReshape, K::kPermute}},
      {"residual_identity",
       "(6, 6, 4)",
       "Residual { Conv2D(4, 3, padding=\"same\") }",
       {K::kResidual}},
      {"residual_conv1x1",
       "(8, 8, 4)",
       "Residual {\n Conv2D(8, 3, strides=2, padding=\"same\")\n BatchNormalization()\n}",
       {K::kResidual}},
      {"residual_linear", "(10,)", "Residual { Dense(6, \"relu\") }", {K::kResidual}},
  };
  return cases;
}

class LayerKinds : public ::testing::TestWithParam<LayerCase> {};

// Runs every layer on its own: its module's parameters and output shape.
void check_layers(const std::vector<ir::Layer>& layers, std::int64_t batch) {
  for (const ir::Layer& layer : layers) {
    SCOPED_TRACE(layer.name);
    torch::nn::AnyModule module = make_layer(layer);
    EXPECT_EQ(parameter_count(*module.ptr()), ir_count_with_body(layer));
    std::vector<std::int64_t> in{batch};
    in.insert(in.end(), layer.input_shape.begin(), layer.input_shape.end());
    const torch::Tensor input =
        layer.kind == K::kEmbedding ? torch::randint(3, in, torch::kInt64) : torch::randn(in);
    std::vector<std::int64_t> expected{batch};
    expected.insert(expected.end(), layer.output_shape.begin(), layer.output_shape.end());
    EXPECT_EQ(module.forward(input).sizes().vec(), expected);
    check_layers(layer.body, batch);
  }
}

bool contains_kind(const std::vector<ir::Layer>& layers, K kind) {
  for (const ir::Layer& layer : layers) {
    if (layer.kind == kind || contains_kind(layer.body, kind)) return true;
  }
  return false;
}

TEST_P(LayerKinds, MatchesIrParameterCountAndShape_WhenBuiltFromIr) {
  const LayerCase& c = GetParam();
  const ir::Network net = compile_one(network_text(c.input, c.layers));
  ASSERT_FALSE(net.layers.empty());
  for (K kind : c.kinds) EXPECT_TRUE(contains_kind(net.layers, kind)) << ir::to_string(kind);
  check_layers(net.layers, 3);

  const BuiltModel built = build_model(net);
  EXPECT_EQ(built.parameter_count(), net.total_params);
  std::vector<std::int64_t> expected{3};
  expected.insert(expected.end(), net.output_shape.begin(), net.output_shape.end());
  EXPECT_EQ(built.forward(example_input(net, 3)).sizes().vec(), expected);
}

INSTANTIATE_TEST_SUITE_P(ModelBuilder, LayerKinds, ::testing::ValuesIn(layer_cases()),
                         [](const ::testing::TestParamInfo<LayerCase>& info) {
                           return info.param.label;
                         });

TEST(ModelBuilderLayers, CoversEveryLayerKind_WhenCasesAreListed) {
  std::vector<bool> seen(static_cast<std::size_t>(K::kResidual) + 1, false);
  for (const LayerCase& c : layer_cases()) {
    for (K kind : c.kinds) seen[static_cast<std::size_t>(kind)] = true;
  }
  for (std::size_t k = 0; k < seen.size(); ++k) {
    EXPECT_TRUE(seen[k]) << ir::to_string(static_cast<K>(k));
  }
}

// Keras's "same" with an even kernel pads the extra row/column at the end: with ones for
// input and weights, the top-left output sums a full 2x2 window, the bottom-right one 1x1.
TEST(ModelBuilderLayers, PadsAtTheEnd_WhenSamePaddingIsAsymmetric) {
  const ir::Network net =
      compile_one(network_text("(4, 4, 1)", "Conv2D(1, (2, 2), padding=\"same\")"));
  const auto& conv = std::get<ir::ConvAttrs>(net.layers[0].attrs);
  ASSERT_EQ(conv.pad_begin, (std::vector<std::int64_t>{0, 0}));
  ASSERT_EQ(conv.pad_end, (std::vector<std::int64_t>{1, 1}));
  BuiltModel built = build_model(net);
  torch::NoGradGuard no_grad;
  for (auto& p : built.module->named_parameters()) {
    p.value().fill_(p.key().find("bias") != std::string::npos ? 0.0 : 1.0);
  }
  const torch::Tensor out = built.forward(torch::ones({1, 1, 4, 4}));
  ASSERT_EQ(out.sizes().vec(), (std::vector<std::int64_t>{1, 1, 4, 4}));
  EXPECT_FLOAT_EQ(out[0][0][0][0].item<float>(), 4.0F);
  EXPECT_FLOAT_EQ(out[0][0][0][3].item<float>(), 2.0F);
  EXPECT_FLOAT_EQ(out[0][0][3][3].item<float>(), 1.0F);
}

TEST(ModelBuilderLayers, MaxPoolIgnoresPadding_WhenInputIsNegative) {
  const ir::Network net =
      compile_one(network_text("(3, 3, 1)", "MaxPooling2D((2, 2), strides=1, padding=\"same\")"));
  const BuiltModel built = build_model(net);
  const torch::Tensor out = built.forward(-torch::ones({1, 1, 3, 3}));
  EXPECT_FLOAT_EQ(out.max().item<float>(), -1.0F);  // zero padding would give 0
}

TEST(ModelBuilderLayers, AveragePoolExcludesPadding_WhenWindowsOverlapIt) {
  for (const std::string pool : {"AveragePooling2D((3, 3), strides=2, padding=\"same\")",
                                 "AveragePooling2D((2, 2), strides=1, padding=\"same\")"}) {
    SCOPED_TRACE(pool);
    const ir::Network net = compile_one(network_text("(5, 5, 2)", pool));
    const BuiltModel built = build_model(net);
    const torch::Tensor out = built.forward(torch::full({2, 2, 5, 5}, 3.0));
    EXPECT_TRUE(torch::allclose(out, torch::full_like(out, 3.0)));
  }
}

TEST(ModelBuilderLayers, ReturnsLastHiddenState_WhenNotReturningSequences) {
  const ir::Network seq = compile_one(network_text("(7, 5)", "LSTM(6, return_sequences=true)"));
  const ir::Network last = compile_one(network_text("(7, 5)", "LSTM(6)"));
  const BuiltModel a = build_model(seq, {.seed = 3});
  const BuiltModel b = build_model(last, {.seed = 3});
  const torch::Tensor x = torch::randn({2, 7, 5});
  const torch::Tensor sequence = a.forward(x);
  EXPECT_TRUE(torch::allclose(b.forward(x), sequence.select(1, 6), 1e-5, 1e-6));
}

// A sequence-first mix-up would let samples of one batch attend to each other.
TEST(ModelBuilderLayers, KeepsSamplesIndependent_WhenAttentionIsBatchFirst) {
  for (const std::string layer : {"MultiHeadAttention(num_heads=2)",
                                  "TransformerEncoder(num_heads=2, ff_dim=16, dropout=0.0)"}) {
    SCOPED_TRACE(layer);
    const ir::Network net = compile_one(network_text("(6, 8)", layer));
    BuiltModel built = build_model(net);
    built.module->eval();
    const torch::Tensor x = torch::randn({3, 6, 8});
    const torch::Tensor together = built.forward(x);
    const torch::Tensor alone = built.forward(x.slice(0, 1, 2));
    EXPECT_TRUE(torch::allclose(together.slice(0, 1, 2), alone, 1e-5, 1e-5));
  }
}

TEST(ModelBuilderLayers, StartsFromSameWeights_WhenSeedRepeats) {
  const ir::Network net = compile_one(network_text("(10,)", "Dense(8, \"relu\")\nDense(2)"));
  const BuiltModel a = build_model(net, {.seed = 7});
  const BuiltModel b = build_model(net, {.seed = 7});
  const BuiltModel c = build_model(net, {.seed = 8});
  const auto pa = a.module->parameters();
  const auto pb = b.module->parameters();
  const auto pc = c.module->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i]));
  EXPECT_FALSE(torch::equal(pa[0], pc[0]));
}

}  // namespace
}  // namespace nnbench::engine

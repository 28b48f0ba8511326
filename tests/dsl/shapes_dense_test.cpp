// Shape rules and parameter counts of Dense, Output, Dropout, Flatten, Activation, Reshape,
// Permute and the normalisation layers (numbers computed by hand from LibTorch's modules).
#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;
using testing::network_text;
using testing::only_layer;

TEST(DenseShape, CountsWeightsAndBias_WhenInputIsFlat) {
  const ir::Layer l = only_layer("(784,)", "Dense(64, \"relu\")");
  EXPECT_EQ(l.output_shape, (ir::Shape{64}));
  EXPECT_EQ(l.param_count, 784 * 64 + 64);
  EXPECT_EQ(l.macs, 784 * 64);
  EXPECT_EQ(l.activation_bytes, 64 * 4);
  const auto& a = std::get<ir::DenseAttrs>(l.attrs);
  EXPECT_EQ(a.in_features, 784);
  EXPECT_EQ(a.activation.kind, ir::ActivationKind::kRelu);
}

TEST(DenseShape, DropsBias_WhenUseBiasIsFalse) {
  EXPECT_EQ(only_layer("(784,)", "Dense(units=64, use_bias=false)").param_count, 784 * 64);
}

TEST(DenseShape, AppliesToLastDimension_WhenInputIsASequence) {
  const ir::Layer l = only_layer("(10, 32)", "Dense(64)");
  EXPECT_EQ(l.output_shape, (ir::Shape{10, 64}));
  EXPECT_EQ(l.param_count, 32 * 64 + 64);
  EXPECT_EQ(l.macs, 10 * 32 * 64);
}

TEST(DenseShape, Fails_WhenInputIsAnUnflattenedImage) {
  const std::string errors = compile_errors(network_text("(28, 28, 1)", "    Dense(10)"));
  EXPECT_NE(errors.find("Dense needs a flat (features) or (length, features) input, but gets "
                        "(1, 28, 28) [channels, height, width]; add Flatten()"),
            std::string::npos)
      << errors;
}

TEST(DenseShape, ReportsOverflow_WhenCountsExceed64Bits) {
  const std::string errors =
      compile_errors(network_text("(2147483648, 2147483648)", "    Dense(2147483648)"));
  EXPECT_NE(errors.find("layer 'Dense' is too large: its sizes overflow a 64-bit count"),
            std::string::npos)
      << errors;
  EXPECT_NE(compile_errors(network_text("(4,)", "    Dense(2147483649)"))
                .find("must be between 1 and 2147483648, not 2147483649"),
            std::string::npos);
}

TEST(OutputShape, FoldsSoftmaxIntoLoss_WhenLossIsCrossEntropy) {
  const auto text = [](const std::string& activation, const std::string& loss) {
    return network_text("(4,)", "    Output(3, \"" + activation + "\")", loss);
  };
  const auto folded = [&](const std::string& activation, const std::string& loss) {
    const ir::Network n = compile_ok(text(activation, loss));
    return std::get<ir::DenseAttrs>(n.layers.back().attrs).activation_in_loss;
  };
  EXPECT_TRUE(folded("softmax", "\"sparse_categorical_crossentropy\""));
  EXPECT_TRUE(folded("softmax", "\"categorical_crossentropy\""));
  EXPECT_TRUE(folded("sigmoid", "\"binary_crossentropy\""));
  EXPECT_FALSE(folded("softmax", "\"mse\""));
  EXPECT_FALSE(folded("linear", "\"sparse_categorical_crossentropy\""));
  const ir::Network n = compile_ok(text("softmax", "\"sparse_categorical_crossentropy\""));
  EXPECT_EQ(n.layers.back().kind, ir::LayerKind::kOutput);
  EXPECT_EQ(std::get<ir::DenseAttrs>(n.layers.back().attrs).activation.kind,
            ir::ActivationKind::kSoftmax);
}

TEST(DropoutShape, KeepsShape_WhenRateIsValid) {
  const ir::Layer l = only_layer("(10, 32)", "Dropout(0.25)");
  EXPECT_EQ(l.output_shape, (ir::Shape{10, 32}));
  EXPECT_EQ(l.param_count, 0);
  EXPECT_DOUBLE_EQ(std::get<ir::DropoutAttrs>(l.attrs).rate, 0.25);
  EXPECT_NE(compile_errors(network_text("(4,)", "    Dropout(1.0)")).find("must be in [0, 1)"),
            std::string::npos);
}

TEST(FlattenShape, MultipliesAllDimensions_WhenInputIsAnImage) {
  const ir::Network n = compile_ok(network_text("(28, 28, 1)", "    Flatten()"));
  EXPECT_EQ(n.input_shape, (ir::Shape{1, 28, 28}));
  EXPECT_EQ(n.layers[0].output_shape, (ir::Shape{784}));
}

TEST(ActivationShape, NormalisesChannels_WhenSoftmaxOnAnImage) {
  const ir::Layer image = only_layer("(8, 8, 3)", "Activation(\"softmax\")");
  EXPECT_EQ(std::get<ir::ActivationAttrs>(image.attrs).activation.dim, 0);
  const ir::Layer seq = only_layer("(8, 3)", "Activation(\"softmax\")");
  EXPECT_EQ(std::get<ir::ActivationAttrs>(seq.attrs).activation.dim, 1);
  const ir::Layer leaky = only_layer("(8,)", "Activation(\"leaky_relu\")");
  EXPECT_EQ(std::get<ir::ActivationAttrs>(leaky.attrs).activation.kind,
            ir::ActivationKind::kLeakyRelu);
}

TEST(ReshapeShape, InfersMinusOne_WhenElementsMatch) {
  EXPECT_EQ(only_layer("(784,)", "Reshape((16, 7, 7))").output_shape, (ir::Shape{16, 7, 7}));
  EXPECT_EQ(only_layer("(784,)", "Reshape((-1, 28))").output_shape, (ir::Shape{28, 28}));
  EXPECT_NE(compile_errors(network_text("(784,)", "    Reshape((10, 10))"))
                .find("Reshape to (10, 10) does not keep the 784 elements"),
            std::string::npos);
}

TEST(PermuteShape, ReordersOneBasedDimensions_WhenAPermutation) {
  const ir::Layer l = only_layer("(10, 32)", "Permute((2, 1))");
  EXPECT_EQ(l.output_shape, (ir::Shape{32, 10}));
  EXPECT_EQ(std::get<ir::PermuteAttrs>(l.attrs).dims, (std::vector<std::int64_t>{1, 0}));
  EXPECT_NE(compile_errors(network_text("(10, 32)", "    Permute((1, 1))")).find("permutation"),
            std::string::npos);
}

TEST(BatchNormShape, CountsTwoPerChannel_WhenInputIsImageOrFlat) {
  const ir::Layer image = only_layer("(28, 28, 16)", "BatchNormalization()");
  EXPECT_EQ(image.param_count, 2 * 16);
  EXPECT_EQ(image.output_shape, (ir::Shape{16, 28, 28}));
  EXPECT_EQ(std::get<ir::NormAttrs>(image.attrs).num_features, 16);
  EXPECT_EQ(only_layer("(64,)", "BatchNormalization(momentum=0.01, epsilon=1e-3)").param_count,
            128);
}

TEST(LayerNormShape, CountsTwoPerFeature_WhenInputIsASequence) {
  const ir::Layer l = only_layer("(10, 32)", "LayerNormalization()");
  EXPECT_EQ(l.param_count, 64);
  EXPECT_EQ(l.output_shape, (ir::Shape{10, 32}));
}

}  // namespace
}  // namespace nnbench::dsl

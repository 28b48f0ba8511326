// Shape rules and parameter counts of convolutions and pooling layers.
#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;
using testing::network_text;
using testing::only_layer;

TEST(Conv2DShape, ShrinksByKernel_WhenPaddingIsValid) {
  const ir::Layer l = only_layer("(28, 28, 1)", "Conv2D(32, (3, 3), \"relu\")");
  EXPECT_EQ(l.input_shape, (ir::Shape{1, 28, 28}));
  EXPECT_EQ(l.output_shape, (ir::Shape{32, 26, 26}));
  EXPECT_EQ(l.param_count, 32 * 1 * 9 + 32);
  EXPECT_EQ(l.macs, 32 * 26 * 26 * 9);
  const auto& a = std::get<ir::ConvAttrs>(l.attrs);
  EXPECT_EQ(a.in_channels, 1);
  EXPECT_EQ(a.pad_begin, (std::vector<std::int64_t>{0, 0}));
}

TEST(Conv2DShape, KeepsSize_WhenPaddingIsSame) {
  const ir::Layer l = only_layer("(28, 28, 3)", "Conv2D(8, 3, padding=\"same\")");
  EXPECT_EQ(l.output_shape, (ir::Shape{8, 28, 28}));
  EXPECT_EQ(l.param_count, 8 * 3 * 9 + 8);
  const auto& a = std::get<ir::ConvAttrs>(l.attrs);
  EXPECT_EQ(a.pad_begin, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(a.pad_end, (std::vector<std::int64_t>{1, 1}));
}

TEST(Conv2DShape, PadsAsymmetrically_WhenSameWithStride) {
  const ir::Layer l = only_layer("(28, 28, 3)", "Conv2D(8, 3, strides=2, padding=\"same\")");
  EXPECT_EQ(l.output_shape, (ir::Shape{8, 14, 14}));
  const auto& a = std::get<ir::ConvAttrs>(l.attrs);
  EXPECT_EQ(a.pad_begin, (std::vector<std::int64_t>{0, 0}));
  EXPECT_EQ(a.pad_end, (std::vector<std::int64_t>{1, 1}));
}

TEST(Conv2DShape, AppliesStrideAndDilation_WhenValid) {
  EXPECT_EQ(only_layer("(28, 28, 3)", "Conv2D(8, 3, strides=(2, 2))").output_shape,
            (ir::Shape{8, 13, 13}));
  EXPECT_EQ(only_layer("(28, 28, 3)", "Conv2D(8, 3, dilation_rate=2)").output_shape,
            (ir::Shape{8, 24, 24}));
  EXPECT_EQ(only_layer("(20, 30, 3)", "Conv2D(8, (3, 5), strides=(1, 2))").output_shape,
            (ir::Shape{8, 18, 13}));
}

TEST(Conv2DShape, DividesWeights_WhenGrouped) {
  const ir::Layer l = only_layer("(10, 10, 32)", "Conv2D(64, 3, groups=4)");
  EXPECT_EQ(l.param_count, 64 * (32 / 4) * 9 + 64);
  EXPECT_EQ(l.output_shape, (ir::Shape{64, 8, 8}));
  EXPECT_NE(compile_errors(network_text("(10, 10, 32)", "    Conv2D(64, 3, groups=3)"))
                .find("groups=3 must divide both the input channels (32) and filters (64)"),
            std::string::npos);
}

TEST(Conv2DShape, Fails_WhenKernelIsLargerThanInput) {
  const std::string errors = compile_errors(network_text("(3, 3, 1)", "    Conv2D(8, (5, 5))"));
  EXPECT_NE(errors.find("Conv2D window 5x5 is larger than its input 3x3"), std::string::npos)
      << errors;
}

TEST(Conv1DShape, MapsLengthChannelsToChannelsFirst_WhenFirstLayerIsConv1D) {
  const ir::Network n = compile_ok(network_text("(100, 16)",
                                                "    Conv1D(32, 5)\n"
                                                "    MaxPooling1D(2)\n"
                                                "    GlobalAveragePooling1D()"));
  EXPECT_EQ(n.input_shape, (ir::Shape{16, 100}));
  EXPECT_EQ(n.layers[0].output_shape, (ir::Shape{32, 96}));
  EXPECT_EQ(n.layers[0].param_count, 32 * 16 * 5 + 32);
  EXPECT_EQ(n.layers[1].output_shape, (ir::Shape{32, 48}));
  EXPECT_EQ(n.layers[2].output_shape, (ir::Shape{32}));
  EXPECT_EQ(std::get<ir::GlobalPoolAttrs>(n.layers[2].attrs).reduce_dims,
            (std::vector<std::int64_t>{1}));
}

TEST(Conv1DShape, AsksForPermute_WhenInputIsASequence) {
  const std::string errors = compile_errors(network_text("(100, 16)",
                                                         "    LSTM(8, return_sequences=true)\n"
                                                         "    Conv1D(4, 3)"));
  EXPECT_NE(errors.find("add Permute((2, 1)) before it"), std::string::npos) << errors;
}

TEST(PoolShape, FloorsOddSizes_WhenPoolingValid) {
  const ir::Network n = compile_ok(network_text("(11, 11, 4)", "    MaxPooling2D((2, 2))"));
  EXPECT_EQ(n.layers[0].output_shape, (ir::Shape{4, 5, 5}));
  EXPECT_EQ(n.layers[0].param_count, 0);
  const auto& a = std::get<ir::PoolAttrs>(n.layers[0].attrs);
  EXPECT_EQ(a.strides, (std::vector<std::int64_t>{2, 2}));  // defaults to pool_size
}

TEST(PoolShape, KeepsSize_WhenAveragePoolingSameStrideOne) {
  const ir::Layer l =
      only_layer("(8, 8, 4)", "AveragePooling2D(pool_size=3, strides=1, padding=\"same\")");
  EXPECT_EQ(l.output_shape, (ir::Shape{4, 8, 8}));
  EXPECT_EQ(std::get<ir::PoolAttrs>(l.attrs).pad_begin, (std::vector<std::int64_t>{1, 1}));
}

TEST(GlobalPoolShape, KeepsChannels_WhenPoolingAnImage) {
  const ir::Layer l = only_layer("(7, 7, 64)", "GlobalAveragePooling2D()");
  EXPECT_EQ(l.output_shape, (ir::Shape{64}));
  EXPECT_EQ(std::get<ir::GlobalPoolAttrs>(l.attrs).reduce_dims, (std::vector<std::int64_t>{1, 2}));
}

TEST(GlobalPoolShape, AveragesTimeSteps_WhenPoolingASequence) {
  const ir::Layer l = only_layer("(50, 32)", "GlobalAveragePooling1D()");
  EXPECT_EQ(l.output_shape, (ir::Shape{32}));
  EXPECT_EQ(std::get<ir::GlobalPoolAttrs>(l.attrs).reduce_dims, (std::vector<std::int64_t>{0}));
}

}  // namespace
}  // namespace nnbench::dsl

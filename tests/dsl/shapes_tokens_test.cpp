// Shape rules, parameter counts and diagnostics of the vision-transformer token layers:
// PatchesToSequence, ClassToken, PositionEmbedding and SelectToken.
#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;
using testing::network_text;

// A ViT stem on a 32x32 RGB image: 8x8 patches of 64 features.
const char* kStem =
    "    Conv2D(64, (8, 8), strides=8)\n"
    "    PatchesToSequence()\n";

TEST(PatchesToSequenceShape, TurnsPositionsIntoTokens_WhenAfterAPatchConvolution) {
  const ir::Network n = compile_ok(network_text("(32, 32, 3)", kStem));
  const ir::Layer& patches = n.layers[1];
  EXPECT_EQ(patches.kind, ir::LayerKind::kPatchesToSequence);
  EXPECT_EQ(patches.input_shape, (ir::Shape{64, 4, 4}));
  EXPECT_EQ(patches.output_shape, (ir::Shape{16, 64}));
  EXPECT_EQ(patches.param_count, 0);
  EXPECT_EQ(std::get<ir::PatchesAttrs>(patches.attrs).patches, 16);
  EXPECT_EQ(std::get<ir::PatchesAttrs>(patches.attrs).channels, 64);
  // A reshaped image is an image too; the output is a sequence for the layers after it.
  const ir::Network reshaped = compile_ok(network_text(
      "(48,)", "    Reshape((3, 4, 4))\n    PatchesToSequence()\n    LSTM(5)\n    Output(2)"));
  EXPECT_EQ(reshaped.layers[1].output_shape, (ir::Shape{16, 3}));
}

TEST(ClassTokenShape, PutsOneLearnedTokenFirst_WithOneParameterPerFeature) {
  const ir::Network n =
      compile_ok(network_text("(32, 32, 3)", std::string(kStem) + "    ClassToken()\n"
                                                                  "    PositionEmbedding()\n"
                                                                  "    SelectToken(0)\n"));
  const ir::Layer& token = n.layers[2];
  EXPECT_EQ(token.output_shape, (ir::Shape{17, 64}));
  EXPECT_EQ(token.param_count, 64);
  EXPECT_EQ(token.macs, 0);
  EXPECT_DOUBLE_EQ(std::get<ir::TokenAttrs>(token.attrs).init_stddev, 0.0);  // zeros
  const ir::Layer& positions = n.layers[3];
  EXPECT_EQ(positions.output_shape, (ir::Shape{17, 64}));
  EXPECT_EQ(positions.param_count, 17 * 64);
  const auto& attrs = std::get<ir::TokenAttrs>(positions.attrs);
  EXPECT_EQ(attrs.length, 17);
  EXPECT_DOUBLE_EQ(attrs.init_stddev, 0.02);  // torchvision's pos_embedding
  const ir::Layer& select = n.layers[4];
  EXPECT_EQ(select.output_shape, (ir::Shape{64}));
  EXPECT_EQ(n.total_params, 64 * 3 * 8 * 8 + 64 + 64 + 17 * 64);
}

TEST(SelectTokenShape, TakesAnyTokenByItsIndex_WhenWithinTheSequence) {
  const ir::Network n =
      compile_ok(network_text("(10, 6)", "    SelectToken(index=9)\n    Output(3)"));
  EXPECT_EQ(n.layers[0].output_shape, (ir::Shape{6}));
  EXPECT_EQ(std::get<ir::SelectTokenAttrs>(n.layers[0].attrs).index, 9);
  EXPECT_EQ(std::get<ir::SelectTokenAttrs>(
                compile_ok(network_text("(10, 6)", "    SelectToken()")).layers[0].attrs)
                .index,
            0);
}

// Each wrong use is one diagnostic at the layer (or argument) it is about, with what to do.
TEST(TokenLayers, WrongUses_AreDiagnosedAtTheirLineAndColumn) {
  EXPECT_NE(compile_errors(network_text("(32, 32, 3)", "    ClassToken()"))
                .find("test.nn:4:5: error: ClassToken needs a (length, features) sequence, but "
                      "gets (3, 32, 32) [channels, height, width]; add PatchesToSequence() first"),
            std::string::npos);
  EXPECT_NE(compile_errors(network_text("(12,)", "    Dense(4)\n    PositionEmbedding()"))
                .find("test.nn:5:5: error: PositionEmbedding needs a (length, features) "
                      "sequence, but gets (4) [features]"),
            std::string::npos);
  EXPECT_NE(compile_errors(network_text("(20, 2)", "    Conv1D(4, 3)\n    SelectToken(0)"))
                .find("test.nn:5:5: error: SelectToken needs a (length, features) sequence, but "
                      "gets (4, 18) [channels, length]; add Permute((2, 1)) first"),
            std::string::npos);
  EXPECT_NE(compile_errors(network_text("(10, 6)", "    PatchesToSequence()"))
                .find("test.nn:4:5: error: PatchesToSequence needs a (channels, height, width) "
                      "image, such as the output of a Conv2D, but gets (10, 6) [length, "
                      "features]"),
            std::string::npos);
  const std::string past_end = compile_errors(network_text("(10, 6)", "    SelectToken(10)"));
  EXPECT_NE(past_end.find("test.nn:4:17: error: SelectToken index=10 is past the end of (10, 6) "
                          "[length, features]: tokens are numbered 0 to 9"),
            std::string::npos)
      << past_end;
  EXPECT_NE(compile_errors(network_text("(10, 6)", "    SelectToken(-1)"))
                .find("test.nn:4:17: error: argument 'index' of SelectToken must be between 0 "
                      "and"),
            std::string::npos);
  EXPECT_NE(compile_errors(network_text("(10, 6)", "    ClassToken(4)"))
                .find("test.nn:4:16: error: ClassToken takes no arguments"),
            std::string::npos);
  EXPECT_NE(compile_errors(network_text("(10, 6)", "    PositionEmbedding(length=10)"))
                .find("test.nn:4:23: error: PositionEmbedding has no argument 'length'"),
            std::string::npos);
}

}  // namespace
}  // namespace nnbench::dsl

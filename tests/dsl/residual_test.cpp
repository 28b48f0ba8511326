// Residual blocks: identity shortcuts, 1x1-convolution and linear projections, and shapes that
// cannot be joined.
#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;
using testing::network_text;

TEST(Residual, UsesIdentity_WhenBodyKeepsTheShape) {
  const ir::Network n =
      compile_ok(network_text("(32,)", "    Residual { Dense(32, \"relu\")  Dense(32) }"));
  ASSERT_EQ(n.layers.size(), 1u);
  const ir::Layer& r = n.layers[0];
  EXPECT_EQ(r.kind, ir::LayerKind::kResidual);
  EXPECT_EQ(std::get<ir::ResidualAttrs>(r.attrs).projection, ir::ProjectionKind::kNone);
  EXPECT_EQ(r.param_count, 0);
  ASSERT_EQ(r.body.size(), 2u);
  EXPECT_EQ(r.body[0].name, "residual_1/dense_1");
  EXPECT_EQ(n.total_params, 2 * (32 * 32 + 32));
}

TEST(Residual, ProjectsWithLinear_WhenFeatureCountChanges) {
  const ir::Network n = compile_ok(network_text("(32,)", "    Residual { Dense(64) }"));
  const auto& a = std::get<ir::ResidualAttrs>(n.layers[0].attrs);
  EXPECT_EQ(a.projection, ir::ProjectionKind::kLinear);
  EXPECT_EQ(n.layers[0].param_count, 32 * 64 + 64);
  EXPECT_EQ(n.total_params, 2 * (32 * 64 + 64));
}

TEST(Residual, ProjectsWithStridedConv1x1_WhenResolutionHalvesAndChannelsDouble) {
  const ir::Network n = compile_ok(network_text(
      "(16, 16, 16)", "    ResidualConnection { Conv2D(32, 3, strides=2, padding=\"same\") }"));
  const ir::Layer& r = n.layers[0];
  const auto& a = std::get<ir::ResidualAttrs>(r.attrs);
  EXPECT_EQ(a.projection, ir::ProjectionKind::kConv1x1);
  EXPECT_EQ(a.projection_stride, 2);
  EXPECT_EQ(a.projection_in, 16);
  EXPECT_EQ(a.projection_out, 32);
  EXPECT_EQ(r.param_count, 16 * 32 + 32);
  EXPECT_EQ(r.macs, 32 * 8 * 8 * 16);
  EXPECT_EQ(r.output_shape, (ir::Shape{32, 8, 8}));
}

TEST(Residual, FindsTheOneStride_WhenSameConvStridesByThree) {
  const ir::Network n = compile_ok(
      network_text("(9, 9, 4)", "    Residual { Conv2D(8, 3, strides=3, padding=\"same\") }"));
  EXPECT_EQ(std::get<ir::ResidualAttrs>(n.layers[0].attrs).projection_stride, 3);
  EXPECT_EQ(n.layers[0].output_shape, (ir::Shape{8, 3, 3}));
}

TEST(Residual, Fails_WhenNoSingleStrideFitsBothDimensions) {
  const std::string errors =
      compile_errors(network_text("(8, 8, 4)", "    Residual { Conv2D(4, (3, 1)) }"));
  EXPECT_NE(errors.find("Residual cannot join its input (4, 8, 8)"), std::string::npos) << errors;
}

TEST(Residual, Fails_WhenShapesCannotBeJoined) {
  const std::string errors =
      compile_errors(network_text("(8, 8, 4)", "    Residual { Flatten() }"));
  EXPECT_NE(errors.find("Residual cannot join its input (4, 8, 8) [channels, height, width] with "
                        "its body's output (256) [features]"),
            std::string::npos)
      << errors;
  EXPECT_NE(compile_errors(network_text("(8,)", "    Residual { }")).find("has no layers"),
            std::string::npos);
}

}  // namespace
}  // namespace nnbench::dsl

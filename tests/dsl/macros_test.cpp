// Macros (define Name { ... }) and repetition (Item * n), on layers and blocks.
#include "nnbench/dsl/macros.hpp"

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;

std::vector<ir::LayerKind> kinds(const std::vector<ir::Layer>& layers) {
  std::vector<ir::LayerKind> out;
  for (const ir::Layer& l : layers) out.push_back(l.kind);
  return out;
}

TEST(Repetition, CopiesTheLayer_WhenStarredWithACount) {
  const ir::Network n = compile_ok(testing::network_text("(16,)", "    Dense(16, \"relu\") * 3"));
  ASSERT_EQ(n.layers.size(), 3u);
  EXPECT_EQ(n.layers[2].name, "dense_3");
  EXPECT_EQ(n.total_params, 3 * (16 * 16 + 16));
}

TEST(Repetition, CopiesTheWholeBlock_WhenABlockIsStarred) {
  const ir::Network n =
      compile_ok(testing::network_text("(16,)", "    Residual { Dense(16) Dropout(0.1) } * 2"));
  ASSERT_EQ(n.layers.size(), 2u);
  EXPECT_EQ(n.layers[1].body.size(), 2u);
  EXPECT_EQ(n.layers[1].body[1].name, "residual_2/dropout_2");
}

TEST(Macros, ExpandsBody_WhenDefinedAfterTheNetwork) {
  const ir::Network n = compile_ok(R"(
network N {
  input: (8,)
  layers:
    Block * 2
    Output(2)
  loss: "mse"
  optimizer: Adam()
}
define Block {
  Dense(8, "relu")
  Dropout(0.5)
}
)");
  EXPECT_EQ(kinds(n.layers),
            (std::vector<ir::LayerKind>{ir::LayerKind::kDense, ir::LayerKind::kDropout,
                                        ir::LayerKind::kDense, ir::LayerKind::kDropout,
                                        ir::LayerKind::kOutput}));
}

TEST(Macros, ExpandsNestedUsesAndDeviceHints_WhenDefinedBefore) {
  const ir::Network n = compile_ok(R"(
define Inner { Dense(4) }
define Outer { Inner() Residual { Inner } }
network N {
  input: (4,)
  layers:
    Outer @ "cuda:1"
  loss: "mse"
  optimizer: Adam()
}
)");
  ASSERT_EQ(n.layers.size(), 2u);
  EXPECT_EQ(n.layers[0].device_hint, "cuda:1");
  EXPECT_EQ(n.layers[1].kind, ir::LayerKind::kResidual);
  EXPECT_EQ(n.layers[1].body[0].kind, ir::LayerKind::kDense);
}

TEST(Macros, ReportsCycle_WhenABlockUsesItself) {
  const std::string errors = compile_errors(R"(
define A { Dense(4) B }
define B { A }
network N { input: (4,) layers: A loss: "mse" optimizer: Adam() }
)");
  EXPECT_NE(errors.find("block 'A' uses itself"), std::string::npos) << errors;
}

TEST(Macros, ReportsMisuse_WhenRedefinedOrGivenArguments) {
  const std::string errors = compile_errors(R"(
define Dense { Dropout(0.1) }
define B { Dense(4) }
define B { Dense(5) }
network N { input: (4,) layers: B(units=3) loss: "mse" optimizer: Adam() }
)");
  EXPECT_NE(errors.find("'Dense' is a layer name and cannot be redefined"), std::string::npos);
  EXPECT_NE(errors.find("block 'B' is defined twice"), std::string::npos);
  EXPECT_NE(errors.find("block 'B' takes no arguments"), std::string::npos);
}

TEST(Macros, StopsExpanding_WhenTheNetworkWouldBeHuge) {
  const std::string errors = compile_errors(R"(
define A { Dense(4) * 1000 }
define B { A * 1000 }
network N { input: (4,) layers: B * 1000 loss: "mse" optimizer: Adam() }
)");
  EXPECT_NE(errors.find("expands to more than 10000 layers"), std::string::npos) << errors;
}

}  // namespace
}  // namespace nnbench::dsl

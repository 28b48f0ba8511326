// HPO search spaces: axis naming, enumeration (choice, range, seeded log_range), substitution.
#include "nnbench/dsl/hpo.hpp"

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;

const char* kSweep = R"(
network Sweep {
  input: (784,)
  layers:
    Dense(HPO(choice(128, 256, 512)), HPO(choice("relu", "gelu")))
    Dropout(rate=HPO(range(0.1, 0.5, step=0.1)))
    Residual { Dense(HPO(range(8, 16, step=4))) } * 2
    Output(10, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: Adam(learning_rate=HPO(log_range(1e-4, 1e-2)))
  train { epochs: 1  batch_size: HPO(choice(32, 64)) }
}
)";

TEST(HpoAxes, EnumeratesEverySearchSpace_WhenFileHasSeveral) {
  const std::vector<nnbench::Axis> axes =
      search_axes(SourceFile("sweep.nn", kSweep), "", HpoSampling{4, 7});
  ASSERT_EQ(axes.size(), 6u);  // the repeated Residual shares one axis
  EXPECT_EQ(axes[0].name, "layer1.Dense.units");
  EXPECT_EQ(axes[0].type, AxisType::Int);
  EXPECT_EQ(axes[0].values, (std::vector<std::string>{"128", "256", "512"}));
  EXPECT_EQ(axes[1].name, "layer1.Dense.activation");
  EXPECT_EQ(axes[1].type, AxisType::String);
  EXPECT_EQ(axes[2].name, "layer2.Dropout.rate");
  EXPECT_EQ(axes[2].type, AxisType::Float);
  EXPECT_EQ(axes[2].values, (std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5"}));
  EXPECT_EQ(axes[3].name, "layer3.Residual.layer1.Dense.units");
  EXPECT_EQ(axes[3].values, (std::vector<std::string>{"8", "12", "16"}));
  EXPECT_EQ(axes[4].name, "optimizer.learning_rate");
  ASSERT_EQ(axes[4].values.size(), 4u);
  for (const std::string& v : axes[4].values) {
    EXPECT_GE(std::stod(v), 1e-4);
    EXPECT_LE(std::stod(v), 1e-2);
  }
  EXPECT_EQ(axes[5].name, "train.batch_size");
}

TEST(HpoAxes, SamplesTheSameValues_WhenSeedIsRepeated) {
  const SourceFile file("sweep.nn", kSweep);
  const auto a = search_axes(file, "Sweep", HpoSampling{5, 42});
  const auto b = search_axes(file, "Sweep", HpoSampling{5, 42});
  const auto c = search_axes(file, "Sweep", HpoSampling{5, 43});
  EXPECT_EQ(a[4].values, b[4].values);
  EXPECT_NE(a[4].values, c[4].values);
}

TEST(HpoAxes, NamesOptimizerArgumentsBySlot_WhenPositionalOrAliased) {
  const auto axes = search_axes(SourceFile("o.nn", R"(
network N {
  input: (4,)
  layers: Dense(HPO(choice(1, 2)), HPO(choice("relu", "tanh")), bias=HPO(choice(true, false)))
  loss: "mse"
  optimizer: SGD(HPO(choice(0.1, 0.01)), HPO(choice(0.0, 0.9)), lr=0.1)
  train { epochs: HPO(range(1, 3)) }
}
)"));
  std::vector<std::string> names;
  for (const auto& axis : axes) names.push_back(axis.name);
  EXPECT_EQ(names, (std::vector<std::string>{"layer1.Dense.units", "layer1.Dense.activation",
                                             "layer1.Dense.use_bias", "optimizer.learning_rate",
                                             "optimizer.momentum", "train.epochs"}));
  EXPECT_EQ(axes[2].values, (std::vector<std::string>{"true", "false"}));
  EXPECT_EQ(axes[5].values, (std::vector<std::string>{"1", "2", "3"}));
}

TEST(HpoSubstitution, UsesFirstValues_WhenNothingIsChosen) {
  const ir::Network n = compile_ok(kSweep);
  EXPECT_EQ(std::get<ir::DenseAttrs>(n.layers[0].attrs).units, 128);
  EXPECT_EQ(n.train.batch_size, 32);
  ASSERT_EQ(n.hpo.size(), 6u);
  EXPECT_EQ(n.hpo[0].axis, "layer1.Dense.units");
  EXPECT_EQ(n.hpo[0].value, "128");
}

TEST(HpoSubstitution, AppliesTheVariant_WhenValuesAreChosen) {
  CompileOptions options;
  options.hpo_values = {
      {"layer1.Dense.units", "512"},        {"layer1.Dense.activation", "gelu"},
      {"layer2.Dropout.rate", "0.3"},       {"layer3.Residual.layer1.Dense.units", "16"},
      {"optimizer.learning_rate", "0.001"}, {"train.batch_size", "64"}};
  const ir::Network n = compile_ok(kSweep, options);
  const auto& dense = std::get<ir::DenseAttrs>(n.layers[0].attrs);
  EXPECT_EQ(dense.units, 512);
  EXPECT_EQ(dense.activation.kind, ir::ActivationKind::kGelu);
  EXPECT_DOUBLE_EQ(std::get<ir::DropoutAttrs>(n.layers[1].attrs).rate, 0.3);
  EXPECT_EQ(n.layers[3].body[0].output_shape, (ir::Shape{16}));
  EXPECT_DOUBLE_EQ(n.optimizer.learning_rate, 0.001);
  EXPECT_EQ(n.train.batch_size, 64);
  // Dense 784->512, Residual 1 (Dense 512->16 plus a linear 512->16 projection), Residual 2
  // (Dense 16->16, identity), Output 16->10.
  EXPECT_EQ(n.total_params, (784 * 512 + 512) + 2 * (512 * 16 + 16) + (16 * 16 + 16) + 170);
}

TEST(HpoSubstitution, Fails_WhenTheChosenValueIsOutsideTheSpace) {
  CompileOptions options;
  options.hpo_values = {{"layer1.Dense.units", "100"}, {"optimizer.learning_rate", "0.5"}};
  const std::string errors = compile_errors(kSweep, options);
  EXPECT_NE(errors.find("value '100' chosen for 'layer1.Dense.units' is not in its search space"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("value '0.5' chosen for 'optimizer.learning_rate'"), std::string::npos);
}

TEST(HpoAxes, ReportsMalformedSpaces_WhenBoundsOrTypesAreWrong) {
  const std::string errors = compile_errors(R"(
network N {
  input: (4,)
  layers:
    Dense(HPO(choice(1, "a")))
    Dropout(HPO(range(0.5, 0.1, step=0.1)))
    Dropout(HPO(range(0.1, 0.5)))
    Dense(HPO(range(1, 100000000, step=1)))
  loss: "mse"
  optimizer: Adam(HPO(log_range(0, 1)))
}
)");
  EXPECT_NE(errors.find("choice(...) values must all be numbers, all strings or all booleans"),
            std::string::npos);
  EXPECT_NE(errors.find("range(...) needs low < high"), std::string::npos);
  EXPECT_NE(errors.find("range(...) over decimals needs step="), std::string::npos);
  EXPECT_NE(errors.find("range(...) has more than 10000 values"), std::string::npos);
  EXPECT_NE(errors.find("log_range(...) needs a positive low bound"), std::string::npos);
}

}  // namespace
}  // namespace nnbench::dsl

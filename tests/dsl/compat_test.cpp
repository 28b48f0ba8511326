// Neural DSL compatibility: .neural files, a leading None batch dimension, Keras/Neural keyword
// spellings, ResidualConnection, and a clear "not supported" for layers nnbench does not build.
#include <filesystem>
#include <fstream>

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;

const char* kNeuralStyle = R"(
network MNISTClassifier {
  input: (None, 28, 28, 1)
  layers:
    Conv2D(filters=32, kernel_size=(3,3), activation="relu")
    MaxPooling2D(pool_size=(2,2))
    Flatten()
    Dense(units=128, activation="relu")
    Dropout(rate=0.5)
    Output(units=10, activation="softmax")
  loss: "categorical_crossentropy"
  optimizer: Adam(learning_rate=0.001)
  metrics: ["accuracy"]
  train { epochs: 10 batch_size: 32 validation_split: 0.2 }
  execute { device: "auto" }
}
)";

TEST(NeuralCompat, AcceptsKerasSpellingsAndNoneBatch_WhenWrittenForNeuralDsl) {
  const ir::Network n = compile_ok(kNeuralStyle);
  EXPECT_EQ(n.input_shape_as_written, (ir::Shape{28, 28, 1}));
  EXPECT_EQ(n.input_shape, (ir::Shape{1, 28, 28}));
  // conv 320, flatten 32*13*13 = 5408, dense 5408*128+128, output 1290
  EXPECT_EQ(n.total_params, 320 + (5408 * 128 + 128) + 1290);
  EXPECT_EQ(n.loss, ir::Loss::kCategoricalCrossentropy);
  EXPECT_EQ(n.execute_device, "auto");
  EXPECT_TRUE(std::get<ir::DenseAttrs>(n.layers.back().attrs).activation_in_loss);
}

TEST(NeuralCompat, AcceptsPyTorchSpellings_WhenUsedAsAliases) {
  const ir::Network n = compile_ok(testing::network_text(
      "(8, 8, 3)",
      "    Conv2D(out_channels=4, kernel_size=3, stride=1, dilation=1)\n"
      "    Flatten()\n    Dropout(p=0.1)\n    Dense(out_features=2, bias=false)"));
  EXPECT_EQ(n.total_params, (4 * 3 * 9 + 4) + 4 * 6 * 6 * 2);
}

TEST(NeuralCompat, CompilesDotNeuralFiles_WhenGivenByPath) {
  const auto dir = std::filesystem::temp_directory_path() / "nnbench_dsl_compat";
  std::filesystem::create_directories(dir);
  const auto path = dir / "mnist.neural";
  std::ofstream(path) << kNeuralStyle;
  EXPECT_EQ(compile_file(path.string()).front().name, "MNISTClassifier");
  EXPECT_THROW(compile_file((dir / "mnist.txt").string()), InputError);
  EXPECT_THROW(compile_file((dir / "missing.nn").string()), IoError);
}

TEST(NeuralCompat, SaysNotSupported_WhenALayerIsUnknownToNnbench) {
  const std::string errors = compile_errors(
      testing::network_text("(28, 28, 1)", "    Conv2DTranspose(8, (3, 3))\n    Flatten()"));
  EXPECT_NE(errors.find("layer 'Conv2DTranspose' (from Neural DSL / Keras) is not supported by "
                        "nnbench"),
            std::string::npos)
      << errors;
}

TEST(NeuralCompat, AcceptsOptimizerAsString_WhenLowerCase) {
  const ir::Network n =
      compile_ok("network N { input: (4,) layers: Dense(1) loss: \"mae\" optimizer: \"rmsprop\" }");
  EXPECT_EQ(n.optimizer.kind, ir::OptimizerKind::kRmsprop);
  EXPECT_DOUBLE_EQ(n.optimizer.learning_rate, 0.001);
}

}  // namespace
}  // namespace nnbench::dsl

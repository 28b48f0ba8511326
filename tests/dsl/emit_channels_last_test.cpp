// `--emit jax` and `--emit keras`: the channels-last walk transposes once each way around the
// layers that need it; BatchNorm momentum and PyTorch's initialisation are carried over; layers
// without a translation give one error naming them. Run under the project's Python (with
// `make setup-frameworks`), every supported model prints the IR's parameter count and output
// shape, and with the PyTorch module's weights copied in, both compute the PyTorch module's
// function (tests/dsl/same_function_check.py).
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "../python_run.hpp"
#include "dsl_test_util.hpp"
#include "nnbench/dsl/emit_jax.hpp"
#include "nnbench/dsl/emit_keras.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"

namespace nnbench::dsl {
namespace {

namespace fs = std::filesystem;
using python_run::line_value;
using python_run::python_shape;
using python_run::run_command;
using python_run::section;
using testing::compile_ok;

ir::Network model(const std::string& name) {
  return compile_file((fs::path(NNBENCH_SOURCE_DIR) / "models" / (name + ".nn")).string()).front();
}

ir::Network channels_last_kinds() {
  return compile_file(std::string(NNBENCH_TEST_DATA_DIR) + "/models/channels_last_kinds.nn")
      .front();
}

ir::Network vision_transformer_kinds() {
  return compile_file(std::string(NNBENCH_TEST_DATA_DIR) + "/models/vision_transformer_kinds.nn")
      .front();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// A directory under /tmp, removed with the object.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag)
      : path_(fs::temp_directory_path() / ("nnbench_" + tag + "_" + std::to_string(getpid()))) {
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(JaxEmit, Cnn_TransposesToChannelsLastBeforeTheFirstConv_AndBackBeforeFlatten) {
  const std::string text = emit_jax(model("cnn"));
  EXPECT_EQ(count(text, "jnp.transpose("), 2U) << text;
  const std::size_t to_last = text.find("x = jnp.transpose(x, (0, 2, 3, 1))");
  const std::size_t conv = text.find("name=\"conv2d_1\"");
  const std::size_t to_first = text.find("x = jnp.transpose(x, (0, 3, 1, 2))\n");
  const std::size_t flatten = text.find("x = x.reshape((x.shape[0], -1))");
  ASSERT_NE(to_last, std::string::npos) << text;
  ASSERT_NE(to_first, std::string::npos) << text;
  EXPECT_LT(to_last, conv);
  EXPECT_LT(conv, to_first);
  EXPECT_LT(to_first, flatten);
  EXPECT_EQ(text.find("\n", to_first) + 9, flatten) << "the transpose right before flatten";
  EXPECT_NE(text.find("nn.Conv(32, (3, 3), strides=(1, 1), padding=((0, 0), (0, 0))"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kernel_init=_torch_uniform(9)"), std::string::npos) << text;
  EXPECT_NE(text.find("kernel_init=_torch_uniform(1600)"), std::string::npos) << text;
}

TEST(KerasEmit, Mlp_NeedsNoTranspose_AndTrainsOnLogits) {
  const std::string text = emit_keras(model("simple_mlp"));
  EXPECT_EQ(count(text, "ops.transpose("), 0U) << text;
  EXPECT_NE(text.find("x = layers.Dense(10, use_bias=True"), std::string::npos) << text;
  EXPECT_NE(text.find("keras.Model(model.inputs, ops.softmax(model.outputs[0], axis=1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sparse_categorical_crossentropy(target, output, from_logits=True)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999"),
            std::string::npos)
      << text;
}

TEST(ChannelsLastEmit, VisionTransformer_CutsPatchesChannelsLast_WithoutATransposeBack) {
  const ir::Network net = vision_transformer_kinds();
  const std::string jax = emit_jax(net);
  EXPECT_EQ(count(jax, "jnp.transpose("), 1U) << "only the input, to channels-last\n" << jax;
  EXPECT_NE(jax.find("x = x.reshape((x.shape[0], 4, 16))"), std::string::npos) << jax;
  EXPECT_NE(jax.find("class_token_1 = self.param(\"class_token_1\", nn.initializers.zeros"),
            std::string::npos)
      << jax;
  EXPECT_NE(jax.find("x = x + self.param(\"position_embedding_1\", nn.initializers.normal(0.02), "
                     "(1, 5, 16))"),
            std::string::npos)
      << jax;
  EXPECT_NE(jax.find("nn.MultiHeadDotProductAttention(num_heads=4, qkv_features=16, "
                     "out_features=16, broadcast_dropout=False, dropout_rate=0.1"),
            std::string::npos)
      << jax;
  EXPECT_NE(jax.find("x = x[:, 0]"), std::string::npos) << jax;
  const std::string keras = emit_keras(net);
  EXPECT_EQ(count(keras, "ops.transpose("), 1U) << keras;
  EXPECT_NE(keras.find("x = layers.Reshape((4, 16))(x)"), std::string::npos) << keras;
  EXPECT_NE(keras.find("class ClassToken(layers.Layer):"), std::string::npos) << keras;
  EXPECT_NE(keras.find("x = PositionEmbedding(0.02, name=\"position_embedding_1\")(x)"),
            std::string::npos)
      << keras;
  EXPECT_NE(keras.find("layers.MultiHeadAttention(num_heads=4, key_dim=4, dropout=0.1"),
            std::string::npos)
      << keras;
  // The helper layer classes appear only in files that use them.
  EXPECT_EQ(emit_keras(model("cnn")).find("class ClassToken"), std::string::npos);
}

TEST(ChannelsLastEmit, BatchNormMomentum_IsTheRunningValuesWeight) {
  const ir::Network net = compile_ok(testing::network_text(
      "(4, 4, 3)", "    BatchNormalization(momentum=0.25)\n    Flatten()\n    Output(2)"));
  EXPECT_NE(emit_jax(net).find("nn.BatchNorm(use_running_average=not train, momentum=0.75"),
            std::string::npos)
      << emit_jax(net);
  EXPECT_NE(emit_keras(net).find("layers.BatchNormalization(axis=-1, momentum=0.75"),
            std::string::npos)
      << emit_keras(net);
}

TEST(ChannelsLastEmit, AsymmetricSamePadding_IsExplicit) {
  const ir::Network net = compile_ok(testing::network_text(
      "(5, 5, 1)",
      "    Conv2D(2, (2, 2), padding=\"same\")\n    AveragePooling2D(2, strides=1, "
      "padding=\"same\")"));
  const std::string jax = emit_jax(net);
  EXPECT_NE(jax.find("padding=((0, 1), (0, 1))"), std::string::npos) << jax;
  EXPECT_NE(jax.find("count_include_pad=False"), std::string::npos) << jax;
  const std::string keras = emit_keras(net);
  EXPECT_NE(keras.find("x = ops.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0)))"), std::string::npos)
      << keras;
  EXPECT_NE(keras.find("/ pool_average_pooling2d_1(ops.pad(ops.ones((1, 5, 5, 1))"),
            std::string::npos)
      << keras;
}

TEST(ChannelsLastEmit, LayerWithoutTranslation_IsOneErrorNamingIt) {
  const ir::Network net = model("transformer_small");
  for (const auto& [back_end, emit] :
       std::vector<std::pair<std::string, std::function<std::string(const ir::Network&)>>>{
           {"jax", emit_jax}, {"keras", emit_keras}}) {
    try {
      emit(net);
      ADD_FAILURE() << back_end << " emitted a TransformerEncoder";
    } catch (const InputError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("--emit " + back_end + ": layer 'transformer_encoder_1'"),
                std::string::npos)
          << message;
      EXPECT_NE(message.find("line 7"), std::string::npos) << message;
    }
  }
}

// The networks both back ends translate: the small models/*.nn but the transformer, and the
// test models with every supported kind (vit_b_16 runs through the cross-framework suite).
std::vector<ir::Network> translatable_networks() {
  std::vector<ir::Network> networks{channels_last_kinds(), vision_transformer_kinds()};
  for (const char* name : {"simple_mlp", "cnn", "deep_mlp", "resnet_small"}) {
    networks.push_back(model(name));
  }
  return networks;
}

void expect_runs_with_ir_counts(const std::string& back_end,
                                const std::function<std::string(const ir::Network&)>& emit) {
  ScratchDir dir("emit_" + back_end);
  std::ofstream(dir.path() / "driver.py") << python_run::kDriver;
  std::string command = std::string(NNBENCH_PYTHON_EXE) + " " + (dir.path() / "driver.py").string();
  const std::vector<ir::Network> networks = translatable_networks();
  for (const ir::Network& net : networks) {
    const fs::path file = dir.path() / (net.name + ".py");
    std::ofstream(file) << emit(net);
    command += ' ' + file.string();
  }
  const python_run::CommandResult run = run_command(command);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const ir::Network& net : networks) {
    SCOPED_TRACE(back_end + " " + net.name);
    const std::string out = section(run.output, (dir.path() / (net.name + ".py")).string());
    EXPECT_EQ(line_value(out, "parameters"), std::to_string(net.total_params)) << run.output;
    EXPECT_EQ(line_value(out, "output"), python_shape(net.output_shape)) << run.output;
    EXPECT_EQ(line_value(out, "inference"), python_shape(net.output_shape)) << run.output;
    EXPECT_NE(line_value(out, "loss"), "") << run.output;
  }
}

TEST(JaxEmit, RunsAndPrintsIrParameterCount_WhenExecutedWithJax) {
  NNBENCH_REQUIRE_PYTHON_MODULES("jax, flax, optax");
  expect_runs_with_ir_counts("jax", emit_jax);
}

TEST(KerasEmit, RunsAndPrintsIrParameterCount_WhenExecutedWithKeras) {
  NNBENCH_REQUIRE_PYTHON_MODULES("keras, tensorflow");
  expect_runs_with_ir_counts("keras", emit_keras);
}

// With the PyTorch module's weights (and non-trivial batch-norm statistics) copied in, the Flax
// and Keras modules give PyTorch's inference outputs within 1e-4 (fp32). One Python process
// checks every network.
TEST(ChannelsLastEmit, JaxAndKeras_ComputeThePytorchFunction_OnTheSameWeights) {
  NNBENCH_REQUIRE_PYTHON_MODULES("torch, jax, flax, optax, keras, tensorflow");
  ScratchDir dir("same_function");
  const std::vector<ir::Network> networks{channels_last_kinds(), vision_transformer_kinds(),
                                          model("cnn"), model("resnet_small"), model("simple_mlp")};
  std::string command = std::string(NNBENCH_PYTHON_EXE) + " " + NNBENCH_SOURCE_DIR +
                        "/tests/dsl/same_function_check.py";
  for (const ir::Network& net : networks) {
    const fs::path base = dir.path() / net.name;
    std::ofstream(base.string() + "_pytorch.py") << emit_pytorch(net);
    std::ofstream(base.string() + "_jax.py") << emit_jax(net);
    std::ofstream(base.string() + "_keras.py") << emit_keras(net);
    command += " " + base.string() + "_pytorch.py " + base.string() + "_jax.py " + base.string() +
               "_keras.py " + net.name;
  }
  const python_run::CommandResult run = run_command(command);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const ir::Network& net : networks) {
    EXPECT_NE(run.output.find(net.name + " jax: max abs diff"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(net.name + " keras: max abs diff"), std::string::npos) << run.output;
  }
}

}  // namespace
}  // namespace nnbench::dsl

// The IR's JSON form (--emit json) and the summary table (--emit summary).
#include "nnbench/dsl/json.hpp"
#include "nnbench/dsl/summary.hpp"

#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_ok;

const char* kCnn = R"(
network Small {
  input: (8, 8, 1)
  layers:
    Conv2D(4, (3, 3), "relu", padding="same") @ "cuda:0"
    MaxPooling2D((2, 2))
    Residual { Conv2D(4, 3, padding="same") }
    Flatten()
    Output(10, "softmax")
  loss: "sparse_categorical_crossentropy"
  optimizer: SGD(learning_rate=0.05, momentum=0.9, nesterov=true)
  metrics: ["accuracy"]
  train { epochs: 2  batch_size: 16 }
  execute { device: "cpu" }
}
)";

TEST(JsonEmit, WritesTheCheckedIr_WhenNetworkCompiles) {
  const ir::Network n = compile_ok(kCnn);
  const nlohmann::json doc = nlohmann::json::parse(emit_json({n}));
  EXPECT_EQ(doc["schema"], "nnbench.ir");
  EXPECT_EQ(doc["version"], 1);
  const nlohmann::json& j = doc["networks"][0];
  EXPECT_EQ(j["name"], "Small");
  EXPECT_EQ(j["input_shape"], nlohmann::json({1, 8, 8}));
  EXPECT_EQ(j["input_shape_as_written"], nlohmann::json({8, 8, 1}));
  EXPECT_EQ(j["layers"][0]["kind"], "conv2d");
  EXPECT_EQ(j["layers"][0]["device_hint"], "cuda:0");
  EXPECT_EQ(j["layers"][0]["attrs"]["pad_begin"], nlohmann::json({1, 1}));
  EXPECT_EQ(j["layers"][0]["attrs"]["activation"]["kind"], "relu");
  EXPECT_EQ(j["layers"][2]["kind"], "residual");
  EXPECT_EQ(j["layers"][2]["body"][0]["name"], "residual_1/conv2d_2");
  EXPECT_EQ(j["layers"][4]["attrs"]["activation_in_loss"], true);
  EXPECT_EQ(j["optimizer"]["kind"], "sgd");
  EXPECT_EQ(j["optimizer"]["nesterov"], true);
  EXPECT_EQ(j["train"]["batch_size"], 16);
  EXPECT_EQ(j["execute_device"], "cpu");
  // 4*9+4 + 4*4*9+4 + (4*4*4)*10+10
  EXPECT_EQ(j["total_params"], 40 + 148 + 650);
  EXPECT_EQ(j["total_params"], n.total_params);
}

TEST(Summary, ListsEveryLayerWithTotals_WhenRendered) {
  const std::string text = render_summary(compile_ok(kCnn));
  EXPECT_EQ(text,
            "network Small: input (1, 8, 8) float32 per sample (written (8, 8, 1)), loss "
            "sparse_categorical_crossentropy, optimizer sgd\n"
            "layer            type          output shape  params   MACs  activation bytes\n"
            "----------------------------------------------------------------------------\n"
            "conv2d_1         Conv2D        (4, 8, 8)         40  2,304             1,024\n"
            "max_pooling2d_1  MaxPooling2D  (4, 4, 4)          0      0               256\n"
            "residual_1       Residual      (4, 4, 4)          0      0               256\n"
            "  conv2d_2       Conv2D        (4, 4, 4)        148  2,304               256\n"
            "flatten_1        Flatten       (64)               0      0               256\n"
            "output_1         Output        (10)             650    640                40\n"
            "----------------------------------------------------------------------------\n"
            "total                          (10)             838  5,248             2,088\n");
  EXPECT_EQ(with_thousands(1234567), "1,234,567");
  EXPECT_EQ(with_thousands(0), "0");
}

TEST(Compile, ReturnsEveryNetwork_WhenAFileHoldsSeveral) {
  const std::vector<ir::Network> networks = compile(SourceFile("two.nn", R"(
network A { input: (4,) layers: Dense(2) loss: "mse" optimizer: Adam() }
network B { input: (8,) layers: Dense(3) loss: "mae" optimizer: SGD(0.1) }
)"));
  ASSERT_EQ(networks.size(), 2u);
  EXPECT_EQ(networks[1].name, "B");
  EXPECT_EQ(networks[1].total_params, 8 * 3 + 3);
  EXPECT_DOUBLE_EQ(networks[1].optimizer.learning_rate, 0.1);
  const nlohmann::json doc = nlohmann::json::parse(emit_json(networks));
  EXPECT_EQ(doc["networks"].size(), 2u);
}

TEST(Compile, ReportsEmptyAndDuplicateNetworks_WhenFileIsWrong) {
  EXPECT_NE(testing::compile_errors("# nothing here\n").find("no network in this file"),
            std::string::npos);
  EXPECT_NE(testing::compile_errors("network A { input: (4,) layers: Dense(2) loss: \"mse\" "
                                    "optimizer: Adam() }\nnetwork A { }")
                .find("network 'A' is defined twice"),
            std::string::npos);
}

}  // namespace
}  // namespace nnbench::dsl

// Shape rules and LibTorch parameter counts of Embedding, LSTM, GRU, MultiHeadAttention and
// TransformerEncoder.
#include "dsl_test_util.hpp"

namespace nnbench::dsl {
namespace {

using testing::compile_errors;
using testing::compile_ok;
using testing::network_text;
using testing::only_layer;

TEST(EmbeddingShape, TakesInt64Tokens_WhenFirstLayer) {
  const ir::Network n = compile_ok(network_text("(50,)", "    Embedding(1000, 64)"));
  EXPECT_EQ(n.input_dtype, ir::InputDType::kInt64);
  EXPECT_EQ(n.layers[0].output_shape, (ir::Shape{50, 64}));
  EXPECT_EQ(n.layers[0].param_count, 1000 * 64);
  EXPECT_NE(compile_errors(network_text("(50,)", "    Dense(4)\n    Embedding(10, 4)"))
                .find("Embedding needs token ids"),
            std::string::npos);
}

TEST(LstmShape, CountsTwoBiasVectors_WhenSingleLayer) {
  const ir::Layer l = only_layer("(20, 32)", "LSTM(64)");
  // 4 gates * (64 * 32 + 64 * 64) weights + 2 * 4 * 64 biases (bias_ih and bias_hh).
  EXPECT_EQ(l.param_count, 4 * 64 * (32 + 64) + 2 * 4 * 64);
  EXPECT_EQ(l.param_count, 25088);
  EXPECT_EQ(l.output_shape, (ir::Shape{64}));
  EXPECT_EQ(l.macs, 20 * 4 * 64 * (32 + 64));
  EXPECT_EQ(only_layer("(20, 32)", "LSTM(64, return_sequences=true)").output_shape,
            (ir::Shape{20, 64}));
}

TEST(LstmShape, StacksDirections_WhenBidirectionalTwoLayers) {
  const ir::Layer l = only_layer("(5, 10)", "LSTM(20, num_layers=2, bidirectional=true)");
  EXPECT_EQ(l.param_count, 15040);  // layer 2 reads 2 * 20 features
  EXPECT_EQ(l.output_shape, (ir::Shape{40}));
}

TEST(GruShape, CountsThreeGates_WhenSingleLayer) {
  const ir::Layer l = only_layer("(20, 32)", "GRU(units=64, return_sequences=true)");
  EXPECT_EQ(l.param_count, 3 * 64 * (32 + 64) + 2 * 3 * 64);
  EXPECT_EQ(l.param_count, 18816);
  EXPECT_EQ(l.output_shape, (ir::Shape{20, 64}));
}

TEST(RecurrentShape, Fails_WhenInputIsAnImage) {
  EXPECT_NE(compile_errors(network_text("(8, 8, 3)", "    LSTM(4)"))
                .find("LSTM needs a (length, features) sequence, but gets (3, 8, 8)"),
            std::string::npos);
}

TEST(AttentionShape, CountsInAndOutProjections_WhenSelfAttention) {
  const ir::Layer l = only_layer("(16, 64)", "MultiHeadAttention(num_heads=8)");
  EXPECT_EQ(l.param_count, 4 * 64 * 64 + 4 * 64);
  EXPECT_EQ(l.param_count, 16640);
  EXPECT_EQ(l.output_shape, (ir::Shape{16, 64}));
  EXPECT_EQ(l.macs, 4 * 16 * 64 * 64 + 2 * 16 * 16 * 64);
  EXPECT_EQ(std::get<ir::AttentionAttrs>(l.attrs).embed_dim, 64);
}

TEST(AttentionShape, Fails_WhenHeadsDoNotDivideEmbedding) {
  EXPECT_NE(compile_errors(network_text("(16, 64)", "    MultiHeadAttention(7)"))
                .find("num_heads=7 must divide the embedding size 64"),
            std::string::npos);
  EXPECT_NE(compile_errors(network_text("(16, 64)", "    MultiHeadAttention(8, key_dim=16)"))
                .find("must equal the embedding size 64"),
            std::string::npos);
  EXPECT_EQ(only_layer("(16, 64)", "MultiHeadAttention(8, key_dim=8)").param_count, 16640);
}

TEST(TransformerShape, MatchesTorchEncoderLayer_WhenTwoLayers) {
  const ir::Layer l =
      only_layer("(128, 128)", "TransformerEncoder(num_heads=4, ff_dim=256, num_layers=2)");
  // Per layer: attention 4E^2+4E, linear1 E*ff+ff, linear2 ff*E+E, two LayerNorms 4E.
  const std::int64_t e = 128, ff = 256;
  EXPECT_EQ(l.param_count, 2 * (4 * e * e + 4 * e + e * ff + ff + ff * e + e + 4 * e));
  EXPECT_EQ(l.param_count, 264960);
  const auto& a = std::get<ir::TransformerAttrs>(l.attrs);
  EXPECT_EQ(a.dim_feedforward, 256);
  EXPECT_DOUBLE_EQ(a.dropout, 0.1);
  EXPECT_EQ(only_layer("(10, 16)", "TransformerEncoder(2)").param_count,
            4 * 256 + 64 + 16 * 2048 + 2048 + 2048 * 16 + 16 + 64);
}

}  // namespace
}  // namespace nnbench::dsl

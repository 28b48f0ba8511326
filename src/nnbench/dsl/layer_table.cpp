// The tables of known names. Adding a layer starts here (then a shape rule in rules_*.cpp).
#include "layer_table.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace nnbench::dsl {
namespace {

using ir::LayerKind;
using T = ArgType;

std::vector<Param> dense_params() {
  return {{"units", T::kInt, true, {"out_features"}},
          {"activation", T::kText},
          {"use_bias", T::kBool, false, {"bias"}}};
}
std::vector<Param> conv_params() {
  return {{"filters", T::kInt, true, {"out_channels"}},
          {"kernel_size", T::kIntOrTuple, true},
          {"activation", T::kText},
          {"strides", T::kIntOrTuple, false, {"stride"}},
          {"padding", T::kText},
          {"dilation_rate", T::kIntOrTuple, false, {"dilation"}},
          {"groups", T::kInt},
          {"use_bias", T::kBool, false, {"bias"}}};
}
std::vector<Param> pool_params() {
  return {{"pool_size", T::kIntOrTuple, false, {"kernel_size"}},
          {"strides", T::kIntOrTuple, false, {"stride"}},
          {"padding", T::kText}};
}
std::vector<Param> recurrent_params() {
  return {{"units", T::kInt, true, {"hidden_size"}},
          {"return_sequences", T::kBool},
          {"num_layers", T::kInt},
          {"bidirectional", T::kBool},
          {"dropout", T::kNumber}};
}

const std::vector<LayerSignature>& signatures() {
  static const std::vector<LayerSignature> table = {
      {"Dense", LayerKind::kDense, dense_params()},
      {"Output", LayerKind::kOutput, dense_params()},
      {"Dropout", LayerKind::kDropout, {{"rate", T::kNumber, true, {"p"}}}},
      {"Flatten", LayerKind::kFlatten, {}},
      {"Conv1D", LayerKind::kConv1D, conv_params()},
      {"Conv2D", LayerKind::kConv2D, conv_params()},
      {"MaxPooling1D", LayerKind::kMaxPooling1D, pool_params()},
      {"MaxPooling2D", LayerKind::kMaxPooling2D, pool_params()},
      {"AveragePooling1D", LayerKind::kAveragePooling1D, pool_params()},
      {"AveragePooling2D", LayerKind::kAveragePooling2D, pool_params()},
      {"GlobalAveragePooling1D", LayerKind::kGlobalAveragePooling1D, {}},
      {"GlobalAveragePooling2D", LayerKind::kGlobalAveragePooling2D, {}},
      {"BatchNormalization",
       LayerKind::kBatchNormalization,
       {{"momentum", T::kNumber}, {"epsilon", T::kNumber, false, {"eps"}}}},
      {"LayerNormalization",
       LayerKind::kLayerNormalization,
       {{"epsilon", T::kNumber, false, {"eps"}}}},
      {"Embedding",
       LayerKind::kEmbedding,
       {{"input_dim", T::kInt, true, {"num_embeddings"}},
        {"output_dim", T::kInt, true, {"embedding_dim"}}}},
      {"LSTM", LayerKind::kLSTM, recurrent_params()},
      {"GRU", LayerKind::kGRU, recurrent_params()},
      {"MultiHeadAttention",
       LayerKind::kMultiHeadAttention,
       {{"num_heads", T::kInt, true}, {"key_dim", T::kInt}, {"dropout", T::kNumber}}},
      {"TransformerEncoder",
       LayerKind::kTransformerEncoder,
       {{"num_heads", T::kInt, true},
        {"ff_dim", T::kInt, false, {"dim_feedforward"}},
        {"dropout", T::kNumber},
        {"num_layers", T::kInt},
        {"activation", T::kText}}},
      {"Activation", LayerKind::kActivation, {{"activation", T::kText, true}}},
      {"Reshape", LayerKind::kReshape, {{"target_shape", T::kIntTuple, true, {"shape"}}}},
      {"Permute", LayerKind::kPermute, {{"dims", T::kIntTuple, true}}},
      {"Residual", LayerKind::kResidual, {}, true},
      {"PatchesToSequence", LayerKind::kPatchesToSequence, {}},
      {"ClassToken", LayerKind::kClassToken, {}},
      {"PositionEmbedding", LayerKind::kPositionEmbedding, {}},
      {"SelectToken", LayerKind::kSelectToken, {{"index", T::kInt}}},
  };
  return table;
}

constexpr std::array<std::string_view, 44> kUnsupported = {"Conv3D",
                                                           "Conv1DTranspose",
                                                           "Conv2DTranspose",
                                                           "Conv3DTranspose",
                                                           "SeparableConv1D",
                                                           "SeparableConv2D",
                                                           "DepthwiseConv2D",
                                                           "MaxPooling3D",
                                                           "AveragePooling3D",
                                                           "GlobalMaxPooling1D",
                                                           "GlobalMaxPooling2D",
                                                           "GlobalAveragePooling3D",
                                                           "UpSampling1D",
                                                           "UpSampling2D",
                                                           "ZeroPadding1D",
                                                           "ZeroPadding2D",
                                                           "Cropping2D",
                                                           "SimpleRNN",
                                                           "SimpleRNNCell",
                                                           "LSTMCell",
                                                           "GRUCell",
                                                           "Bidirectional",
                                                           "TimeDistributed",
                                                           "Attention",
                                                           "GaussianNoise",
                                                           "GaussianDropout",
                                                           "AlphaDropout",
                                                           "SpatialDropout1D",
                                                           "SpatialDropout2D",
                                                           "InstanceNormalization",
                                                           "GroupNormalization",
                                                           "Capsule",
                                                           "SqueezeExcitation",
                                                           "QuantumLayer",
                                                           "DynamicLayer",
                                                           "Lambda",
                                                           "Concatenate",
                                                           "Add",
                                                           "Multiply",
                                                           "TransformerDecoder",
                                                           "PositionalEncoding",
                                                           "LeakyReLU",
                                                           "PReLU",
                                                           "ELU"};

const std::vector<std::pair<std::string_view, ir::ActivationKind>>& activations() {
  using A = ir::ActivationKind;
  static const std::vector<std::pair<std::string_view, A>> table = {
      {"linear", A::kLinear},       {"relu", A::kRelu},       {"gelu", A::kGelu},
      {"silu", A::kSilu},           {"swish", A::kSilu},      {"tanh", A::kTanh},
      {"sigmoid", A::kSigmoid},     {"softmax", A::kSoftmax}, {"log_softmax", A::kLogSoftmax},
      {"leaky_relu", A::kLeakyRelu}};
  return table;
}

const std::vector<std::pair<std::string_view, ir::Loss>>& losses() {
  static const std::vector<std::pair<std::string_view, ir::Loss>> table = {
      {"sparse_categorical_crossentropy", ir::Loss::kSparseCategoricalCrossentropy},
      {"categorical_crossentropy", ir::Loss::kCategoricalCrossentropy},
      {"binary_crossentropy", ir::Loss::kBinaryCrossentropy},
      {"mse", ir::Loss::kMse},
      {"mean_squared_error", ir::Loss::kMse},
      {"mae", ir::Loss::kMae},
      {"mean_absolute_error", ir::Loss::kMae}};
  return table;
}

const std::vector<std::pair<std::string_view, ir::OptimizerKind>>& optimizers() {
  static const std::vector<std::pair<std::string_view, ir::OptimizerKind>> table = {
      {"SGD", ir::OptimizerKind::kSgd},
      {"Adam", ir::OptimizerKind::kAdam},
      {"AdamW", ir::OptimizerKind::kAdamW},
      {"RMSprop", ir::OptimizerKind::kRmsprop}};
  return table;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

template <typename Table>
std::vector<std::string_view> names_of(const Table& table) {
  std::vector<std::string_view> names;
  for (const auto& entry : table) names.push_back(entry.first);
  return names;
}

}  // namespace

const LayerSignature* find_layer(std::string_view name) {
  if (name == "ResidualConnection") name = "Residual";
  for (const LayerSignature& s : signatures()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string_view> layer_names() {
  std::vector<std::string_view> names;
  for (const LayerSignature& s : signatures()) names.push_back(s.name);
  names.push_back("ResidualConnection");
  return names;
}

bool is_unsupported_layer(std::string_view name) {
  return std::find(kUnsupported.begin(), kUnsupported.end(), name) != kUnsupported.end();
}

std::optional<ir::ActivationKind> find_activation(std::string_view name) {
  for (const auto& [n, kind] : activations()) {
    if (n == name) return kind;
  }
  return std::nullopt;
}
std::vector<std::string_view> activation_names() { return names_of(activations()); }

std::optional<ir::Loss> find_loss(std::string_view name) {
  for (const auto& [n, loss] : losses()) {
    if (n == name) return loss;
  }
  return std::nullopt;
}
std::vector<std::string_view> loss_names() { return names_of(losses()); }

std::optional<ir::OptimizerKind> find_optimizer(std::string_view name) {
  for (const auto& [n, kind] : optimizers()) {
    if (equal_ignoring_case(n, name)) return kind;
  }
  return std::nullopt;
}
std::vector<std::string_view> optimizer_names() { return names_of(optimizers()); }

std::vector<Param> optimizer_params(ir::OptimizerKind kind) {
  std::vector<Param> params = {{"learning_rate", T::kNumber, false, {"lr"}}};
  if (kind == ir::OptimizerKind::kSgd) {
    params.push_back({"momentum", T::kNumber});
    params.push_back({"nesterov", T::kBool});
  } else if (kind == ir::OptimizerKind::kRmsprop) {
    params.push_back({"rho", T::kNumber, false, {"alpha"}});
    params.push_back({"momentum", T::kNumber});
    params.push_back({"epsilon", T::kNumber, false, {"eps"}});
  } else {
    params.push_back({"beta_1", T::kNumber, false, {"beta1"}});
    params.push_back({"beta_2", T::kNumber, false, {"beta2"}});
    params.push_back({"epsilon", T::kNumber, false, {"eps"}});
  }
  params.push_back({"weight_decay", T::kNumber});
  return params;
}

}  // namespace nnbench::dsl

// Names of the IR's enumerations, shared by JSON, summaries, emitters and diagnostics.
#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl::ir {

const char* to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::kDense:
      return "dense";
    case LayerKind::kOutput:
      return "output";
    case LayerKind::kDropout:
      return "dropout";
    case LayerKind::kFlatten:
      return "flatten";
    case LayerKind::kConv1D:
      return "conv1d";
    case LayerKind::kConv2D:
      return "conv2d";
    case LayerKind::kMaxPooling1D:
      return "max_pooling1d";
    case LayerKind::kMaxPooling2D:
      return "max_pooling2d";
    case LayerKind::kAveragePooling1D:
      return "average_pooling1d";
    case LayerKind::kAveragePooling2D:
      return "average_pooling2d";
    case LayerKind::kGlobalAveragePooling1D:
      return "global_average_pooling1d";
    case LayerKind::kGlobalAveragePooling2D:
      return "global_average_pooling2d";
    case LayerKind::kBatchNormalization:
      return "batch_normalization";
    case LayerKind::kLayerNormalization:
      return "layer_normalization";
    case LayerKind::kEmbedding:
      return "embedding";
    case LayerKind::kLSTM:
      return "lstm";
    case LayerKind::kGRU:
      return "gru";
    case LayerKind::kMultiHeadAttention:
      return "multi_head_attention";
    case LayerKind::kTransformerEncoder:
      return "transformer_encoder";
    case LayerKind::kActivation:
      return "activation";
    case LayerKind::kReshape:
      return "reshape";
    case LayerKind::kPermute:
      return "permute";
    case LayerKind::kResidual:
      return "residual";
    case LayerKind::kPatchesToSequence:
      return "patches_to_sequence";
    case LayerKind::kClassToken:
      return "class_token";
    case LayerKind::kPositionEmbedding:
      return "position_embedding";
    case LayerKind::kSelectToken:
      return "select_token";
  }
  return "unknown";
}

const char* source_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::kDense:
      return "Dense";
    case LayerKind::kOutput:
      return "Output";
    case LayerKind::kDropout:
      return "Dropout";
    case LayerKind::kFlatten:
      return "Flatten";
    case LayerKind::kConv1D:
      return "Conv1D";
    case LayerKind::kConv2D:
      return "Conv2D";
    case LayerKind::kMaxPooling1D:
      return "MaxPooling1D";
    case LayerKind::kMaxPooling2D:
      return "MaxPooling2D";
    case LayerKind::kAveragePooling1D:
      return "AveragePooling1D";
    case LayerKind::kAveragePooling2D:
      return "AveragePooling2D";
    case LayerKind::kGlobalAveragePooling1D:
      return "GlobalAveragePooling1D";
    case LayerKind::kGlobalAveragePooling2D:
      return "GlobalAveragePooling2D";
    case LayerKind::kBatchNormalization:
      return "BatchNormalization";
    case LayerKind::kLayerNormalization:
      return "LayerNormalization";
    case LayerKind::kEmbedding:
      return "Embedding";
    case LayerKind::kLSTM:
      return "LSTM";
    case LayerKind::kGRU:
      return "GRU";
    case LayerKind::kMultiHeadAttention:
      return "MultiHeadAttention";
    case LayerKind::kTransformerEncoder:
      return "TransformerEncoder";
    case LayerKind::kActivation:
      return "Activation";
    case LayerKind::kReshape:
      return "Reshape";
    case LayerKind::kPermute:
      return "Permute";
    case LayerKind::kResidual:
      return "Residual";
    case LayerKind::kPatchesToSequence:
      return "PatchesToSequence";
    case LayerKind::kClassToken:
      return "ClassToken";
    case LayerKind::kPositionEmbedding:
      return "PositionEmbedding";
    case LayerKind::kSelectToken:
      return "SelectToken";
  }
  return "Unknown";
}

const char* to_string(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::kLinear:
      return "linear";
    case ActivationKind::kRelu:
      return "relu";
    case ActivationKind::kGelu:
      return "gelu";
    case ActivationKind::kSilu:
      return "silu";
    case ActivationKind::kTanh:
      return "tanh";
    case ActivationKind::kSigmoid:
      return "sigmoid";
    case ActivationKind::kSoftmax:
      return "softmax";
    case ActivationKind::kLogSoftmax:
      return "log_softmax";
    case ActivationKind::kLeakyRelu:
      return "leaky_relu";
  }
  return "unknown";
}

const char* to_string(Padding padding) { return padding == Padding::kSame ? "same" : "valid"; }

const char* to_string(Loss loss) {
  switch (loss) {
    case Loss::kSparseCategoricalCrossentropy:
      return "sparse_categorical_crossentropy";
    case Loss::kCategoricalCrossentropy:
      return "categorical_crossentropy";
    case Loss::kBinaryCrossentropy:
      return "binary_crossentropy";
    case Loss::kMse:
      return "mse";
    case Loss::kMae:
      return "mae";
  }
  return "unknown";
}

const char* to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::kSgd:
      return "sgd";
    case OptimizerKind::kAdam:
      return "adam";
    case OptimizerKind::kAdamW:
      return "adamw";
    case OptimizerKind::kRmsprop:
      return "rmsprop";
  }
  return "unknown";
}

const char* to_string(ProjectionKind kind) {
  switch (kind) {
    case ProjectionKind::kNone:
      return "none";
    case ProjectionKind::kConv1x1:
      return "conv1x1";
    case ProjectionKind::kLinear:
      return "linear";
  }
  return "unknown";
}

const char* to_string(InputDType dtype) {
  return dtype == InputDType::kInt64 ? "int64" : "float32";
}

std::vector<std::int64_t> last_dimension_first(const std::vector<std::int64_t>& begin,
                                               const std::vector<std::int64_t>& end) {
  std::vector<std::int64_t> pads;
  for (std::size_t i = begin.size(); i-- > 0;) {
    pads.push_back(begin[i]);
    pads.push_back(end[i]);
  }
  return pads;
}

}  // namespace nnbench::dsl::ir

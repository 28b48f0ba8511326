// The checked intermediate representation (IR) of a network: what the shape checker produces and
// what every back end (LibTorch builder, code emitters, JSON) consumes. Plain data, no LibTorch.
//
// Conventions every back end may rely on:
//  - Shapes are per sample (batch dimension excluded) in the order LibTorch sees them:
//    images (C, H, W), 1-D convolution (C, L), sequences (L, F) (batch_first), flat (F).
//    Users write image inputs channels-last (H, W, C); the checker maps them (see input_shape).
//  - Every argument is resolved: defaults filled in, HPO values substituted, "same" padding
//    turned into explicit per-side amounts, 1-based Permute indices turned into 0-based ones.
//  - param_count equals the number of elements of the equivalent LibTorch module's parameters()
//    (buffers such as BatchNorm running statistics are not parameters).
//  - macs counts multiply-accumulates of one sample in matrix products and convolutions only
//    (Dense, Conv, recurrent, attention, projections); pooling, normalisation and activations
//    count 0. activation_bytes is the fp32 size of the layer's output for one sample.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace nnbench::dsl::ir {

// One sample's shape, batch dimension excluded, LibTorch order.
using Shape = std::vector<std::int64_t>;

enum class LayerKind {
  kDense,
  kOutput,  // a Dense that ends the network; see DenseAttrs::activation_in_loss
  kDropout,
  kFlatten,
  kConv1D,
  kConv2D,
  kMaxPooling1D,
  kMaxPooling2D,
  kAveragePooling1D,
  kAveragePooling2D,
  kGlobalAveragePooling1D,
  kGlobalAveragePooling2D,
  kBatchNormalization,
  kLayerNormalization,
  kEmbedding,
  kLSTM,
  kGRU,
  kMultiHeadAttention,
  kTransformerEncoder,
  kActivation,
  kReshape,
  kPermute,
  kResidual,  // output = projection(input) + body(input); body in Layer::body
  // The vision-transformer (torchvision ViT) token layers, on batch_first sequences.
  kPatchesToSequence,  // (C, H, W) -> (H*W, C)
  kClassToken,         // (L, D) -> (L+1, D): a learned token put first
  kPositionEmbedding,  // (L, D) -> (L, D): a learned (L, D) added
  kSelectToken,        // (L, D) -> (D): one token's features
};

enum class ActivationKind {
  kLinear,  // identity
  kRelu,
  kGelu,  // exact (erf) form, LibTorch's default
  kSilu,
  kTanh,
  kSigmoid,
  kSoftmax,
  kLogSoftmax,
  kLeakyRelu,
};

// An activation with everything needed to apply it.
struct Activation {
  ActivationKind kind = ActivationKind::kLinear;
  double negative_slope = 0.01;  // kLeakyRelu only (LibTorch's default)
  // kSoftmax / kLogSoftmax: the sample dimension (0-based, batch excluded) to normalise over:
  // the last one for (F) and (L, F), the channel dimension 0 for (C, ...). Add 1 for LibTorch.
  std::int64_t dim = 0;
};

enum class Padding { kValid, kSame };

// Dense and Output: torch::nn::Linear(in_features, units, bias) on the last dimension, then the
// activation.
struct DenseAttrs {
  std::int64_t in_features = 0;
  std::int64_t units = 0;
  bool use_bias = true;
  Activation activation;
  // True when the activation is folded into the loss: Output(..., "softmax") under
  // (sparse_)categorical_crossentropy, or Output(..., "sigmoid") under binary_crossentropy.
  // Back ends train on the logits (log-softmax + NLL, or BCE-with-logits) and apply the
  // activation only at inference, never twice.
  bool activation_in_loss = false;
};

struct DropoutAttrs {
  double rate = 0.0;  // probability of zeroing an element, in [0, 1)
};

// Flatten: every sample dimension into one (torch::flatten(x, 1)).
struct FlattenAttrs {};

// Conv1D / Conv2D: torch::nn::Conv{1,2}d. Vectors have one entry per spatial dimension.
// pad_begin/pad_end are the zero-padding amounts; when they differ ("same" with an even
// effective kernel or a stride) the back end pads explicitly (F::pad) before a padding-0 conv.
struct ConvAttrs {
  std::int64_t in_channels = 0;
  std::int64_t filters = 0;  // out_channels
  std::vector<std::int64_t> kernel_size;
  std::vector<std::int64_t> strides;
  std::vector<std::int64_t> dilation;
  Padding padding = Padding::kValid;  // as written; pad_begin/pad_end are authoritative
  std::vector<std::int64_t> pad_begin;
  std::vector<std::int64_t> pad_end;
  std::int64_t groups = 1;
  bool use_bias = true;
  Activation activation;
};

// Max/Average pooling, 1-D or 2-D. Average pooling excludes padding from the mean
// (count_include_pad = false), as Keras does. Max pooling pads with -inf.
struct PoolAttrs {
  std::vector<std::int64_t> pool_size;
  std::vector<std::int64_t> strides;
  Padding padding = Padding::kValid;
  std::vector<std::int64_t> pad_begin;
  std::vector<std::int64_t> pad_end;
};

// Global average pooling: mean over the listed sample dimensions (0-based, batch excluded),
// which are removed from the shape.
struct GlobalPoolAttrs {
  std::vector<std::int64_t> reduce_dims;
};

// BatchNormalization: BatchNorm1d for (C) or (C, L), BatchNorm2d for (C, H, W); features are
// dimension 0 of the sample. momentum uses LibTorch's convention (weight of the new batch).
// LayerNormalization: LayerNorm over the last dimension (momentum unused).
struct NormAttrs {
  std::int64_t num_features = 0;
  double epsilon = 1e-5;
  double momentum = 0.1;
  bool affine = true;
};

// Embedding: int64 token ids (L) -> (L, output_dim).
struct EmbeddingAttrs {
  std::int64_t input_dim = 0;  // vocabulary size
  std::int64_t output_dim = 0;
};

// LSTM / GRU with batch_first = true on (L, input_size). With return_sequences the output is
// (L, hidden_size * directions); without, it is the last layer's final hidden state h_n,
// directions concatenated: (hidden_size * directions).
struct RecurrentAttrs {
  std::int64_t input_size = 0;
  std::int64_t hidden_size = 0;
  std::int64_t num_layers = 1;
  bool bidirectional = false;
  bool return_sequences = false;
  double dropout = 0.0;  // between stacked layers, as in LibTorch
};

// Self-attention: torch::nn::MultiheadAttention(embed_dim, num_heads) on (L, embed_dim),
// query = key = value = input, batch_first layout (the back end transposes if it must).
struct AttentionAttrs {
  std::int64_t embed_dim = 0;
  std::int64_t num_heads = 1;
  double dropout = 0.0;
};

// torch::nn::TransformerEncoder of num_layers TransformerEncoderLayer(d_model, nhead,
// dim_feedforward, dropout, activation), batch_first, post-norm, no final norm.
struct TransformerAttrs {
  std::int64_t d_model = 0;
  std::int64_t num_heads = 1;
  std::int64_t dim_feedforward = 2048;
  std::int64_t num_layers = 1;
  double dropout = 0.1;
  ActivationKind activation = ActivationKind::kRelu;  // kRelu or kGelu
  double layer_norm_eps = 1e-5;
};

struct ActivationAttrs {
  Activation activation;
};

// Reshape to target_shape (sample dims, fully resolved, no -1).
struct ReshapeAttrs {
  Shape target_shape;
};

// Permute sample dimensions: output dim i is input dim dims[i] (0-based, batch excluded).
struct PermuteAttrs {
  std::vector<std::int64_t> dims;
};

enum class ProjectionKind {
  kNone,     // shapes already match: output = input + body(input)
  kConv1x1,  // (C, H, W) or (C, L): Conv{1,2}d(in_channels, out_channels, 1, stride, bias)
  kLinear,   // (F) or (L, F): Linear(in_features, out_features, bias) on the last dimension
};

struct ResidualAttrs {
  ProjectionKind projection = ProjectionKind::kNone;
  std::int64_t projection_in = 0;   // channels or features
  std::int64_t projection_out = 0;  // channels or features
  std::int64_t projection_stride = 1;
  bool projection_bias = true;
};

// PatchesToSequence: an image's positions become the tokens of a sequence, its channels their
// features, row by row: x.flatten(2).transpose(1, 2) (torchvision ViT's _process_input).
struct PatchesAttrs {
  std::int64_t channels = 0;
  std::int64_t patches = 0;  // H * W
};

// ClassToken: a learned (1, 1, features) parameter, zeros at first (torchvision's class_token),
// expanded over the batch and concatenated before the sequence's first token.
// PositionEmbedding: a learned (1, length, features) parameter drawn from N(0, init_stddev)
// (torchvision's pos_embedding, std 0.02), added to the sequence.
struct TokenAttrs {
  std::int64_t length = 0;  // of the input sequence
  std::int64_t features = 0;
  double init_stddev = 0.02;  // PositionEmbedding's; 0 for ClassToken (zeros)
};

// SelectToken: the features of token `index` (0-based): x.select(1, index), torchvision's
// x[:, 0] for the class token.
struct SelectTokenAttrs {
  std::int64_t index = 0;
};

using LayerAttrs =
    std::variant<DenseAttrs, DropoutAttrs, FlattenAttrs, ConvAttrs, PoolAttrs, GlobalPoolAttrs,
                 NormAttrs, EmbeddingAttrs, RecurrentAttrs, AttentionAttrs, TransformerAttrs,
                 ActivationAttrs, ReshapeAttrs, PermuteAttrs, ResidualAttrs, PatchesAttrs,
                 TokenAttrs, SelectTokenAttrs>;

struct Layer {
  LayerKind kind = LayerKind::kDense;
  std::string name;  // unique within the network: "dense_1", "conv2d_2", "residual_1/conv2d_3"
  LayerAttrs attrs;
  Shape input_shape;
  Shape output_shape;
  // Residual: the projection's parameters only; body layers carry their own counts.
  std::int64_t param_count = 0;
  std::int64_t macs = 0;              // per sample
  std::int64_t activation_bytes = 0;  // fp32 output of one sample
  std::string device_hint;            // "@ \"cuda:0\"" as written; empty when none
  std::vector<Layer> body;            // kResidual only
  int source_line = 0;                // where the layer was written (1-based)
  int source_column = 0;
};

enum class Loss {
  kSparseCategoricalCrossentropy,  // integer class targets
  kCategoricalCrossentropy,        // one-hot / probability targets
  kBinaryCrossentropy,
  kMse,
  kMae,
};

enum class OptimizerKind { kSgd, kAdam, kAdamW, kRmsprop };

// LibTorch's option names and defaults (SGD lr 0.01; Adam/AdamW/RMSprop lr 0.001;
// AdamW weight_decay 0.01).
struct Optimizer {
  OptimizerKind kind = OptimizerKind::kAdam;
  double learning_rate = 0.001;
  double weight_decay = 0.0;
  double momentum = 0.0;  // SGD, RMSprop
  bool nesterov = false;  // SGD
  double beta1 = 0.9;     // Adam, AdamW
  double beta2 = 0.999;   // Adam, AdamW
  double epsilon = 1e-8;  // Adam, AdamW, RMSprop
  double alpha = 0.99;    // RMSprop smoothing constant (Keras: rho)
};

struct TrainSettings {
  std::int64_t epochs = 1;
  std::int64_t batch_size = 32;
  double validation_split = 0.0;  // fraction of the training set held out, in [0, 1)
};

enum class InputDType { kFloat32, kInt64 };  // kInt64 when the first layer is an Embedding

// The value an HPO axis took in this network.
struct HpoAssignment {
  std::string axis;   // e.g. "layer2.Dense.units", "optimizer.learning_rate"
  std::string value;  // as text, e.g. "256", "0.001", "relu"
};

struct Network {
  std::string name;
  std::string source_file;
  Shape input_shape_as_written;  // users' order, without a leading None: (H, W, C), ...
  Shape input_shape;             // LibTorch order (see the file comment)
  InputDType input_dtype = InputDType::kFloat32;
  std::vector<Layer> layers;
  Shape output_shape;
  Loss loss = Loss::kSparseCategoricalCrossentropy;
  Optimizer optimizer;
  std::vector<std::string> metrics;  // e.g. "accuracy"
  TrainSettings train;
  std::string execute_device;  // "cpu", "cuda", "cuda:1"; empty when not given
  std::vector<HpoAssignment> hpo;
  std::int64_t total_params = 0;
  std::int64_t total_macs = 0;
  std::int64_t total_activation_bytes = 0;
};

// Stable lower-case names used in JSON, summaries and diagnostics ("dense", "conv2d", "relu",
// "sparse_categorical_crossentropy", "adamw", "valid", "conv1x1").
const char* to_string(LayerKind kind);
const char* to_string(ActivationKind kind);
const char* to_string(Padding padding);
const char* to_string(Loss loss);
const char* to_string(OptimizerKind kind);
const char* to_string(ProjectionKind kind);
const char* to_string(InputDType dtype);

// The name users write in .nn files ("Dense", "MaxPooling2D").
const char* source_name(LayerKind kind);

// Per-dimension padding amounts (pad_begin/pad_end) in the order torch's pad takes them: the last
// dimension first, each as (begin, end). Shared by the LibTorch builder and the PyTorch and
// LibTorch-C++ emitters.
std::vector<std::int64_t> last_dimension_first(const std::vector<std::int64_t>& begin,
                                               const std::vector<std::int64_t>& end);

}  // namespace nnbench::dsl::ir

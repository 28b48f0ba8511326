// `--emit keras`: a Keras 3 functional model with the language's loss and optimizer and a
// __main__ self-check (see emit_keras.hpp). Layers are written by the channels-last walk
// (emit_channels_last.hpp); this file says how Keras spells each one.
#include "nnbench/dsl/emit_keras.hpp"

#include <sstream>
#include <variant>

#include "emit_channels_last.hpp"
#include "emit_common.hpp"
#include "emit_pytorch_parts.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"

namespace nnbench::dsl {
namespace {

using channels_last::flag;
using channels_last::Layout;
using channels_last::torch_init;
using emit::any_nonzero;
using py::number;
using py::tuple;

std::string apply_activation(const ir::Activation& a, const std::string& x) {
  const std::string axis = std::to_string(a.dim + 1);
  switch (a.kind) {
    case ir::ActivationKind::kLinear:
      return x;
    case ir::ActivationKind::kRelu:
      return "ops.relu(" + x + ")";
    case ir::ActivationKind::kGelu:
      return "ops.gelu(" + x + ", approximate=False)";
    case ir::ActivationKind::kSilu:
      return "ops.silu(" + x + ")";
    case ir::ActivationKind::kTanh:
      return "ops.tanh(" + x + ")";
    case ir::ActivationKind::kSigmoid:
      return "ops.sigmoid(" + x + ")";
    case ir::ActivationKind::kSoftmax:
      return "ops.softmax(" + x + ", axis=" + axis + ")";
    case ir::ActivationKind::kLogSoftmax:
      return "ops.log_softmax(" + x + ", axis=" + axis + ")";
    case ir::ActivationKind::kLeakyRelu:
      return "ops.leaky_relu(" + x + ", negative_slope=" + number(a.negative_slope) + ")";
  }
  return x;
}

// ops.pad's widths for a channels-last tensor: none on the batch and channel axes.
std::string pad_widths(const std::vector<std::int64_t>& begin,
                       const std::vector<std::int64_t>& end) {
  std::string out = "((0, 0), ";
  for (std::size_t i = 0; i < begin.size(); ++i) {
    out += "(" + std::to_string(begin[i]) + ", " + std::to_string(end[i]) + "), ";
  }
  return out + "(0, 0))";
}

class KerasDialect final : public channels_last::Dialect {
 public:
  std::string activation(const ir::Activation& a, const std::string& x) const override {
    return apply_activation(a, x);
  }

  std::string transpose(const std::vector<std::int64_t>& perm) const override {
    return "x = ops.transpose(x, " + tuple(perm) + ")";
  }

  void layer(const ir::Layer& layer, Layout layout, std::vector<std::string>& out) const override {
    using K = ir::LayerKind;
    switch (layer.kind) {
      case K::kDense:
      case K::kOutput: {
        const auto& a = std::get<ir::DenseAttrs>(layer.attrs);
        const ir::Activation none;
        out.push_back("x = " + apply_activation(
                                   a.activation_in_loss ? none : a.activation,
                                   "layers.Dense(" + std::to_string(a.units) +
                                       ", use_bias=" + flag(a.use_bias) + ", " +
                                       torch_init(layer, "kernel_initializer", "bias_initializer") +
                                       ", " + channels_last::name_argument(layer.name) + ")(x)"));
        return;
      }
      case K::kDropout:
        out.push_back("x = layers.Dropout(" + number(std::get<ir::DropoutAttrs>(layer.attrs).rate) +
                      ", " + channels_last::name_argument(layer.name) + ")(x)");
        return;
      case K::kFlatten:
        out.push_back("x = layers.Flatten()(x)");
        return;
      case K::kConv1D:
      case K::kConv2D:
        return conv(layer, out);
      case K::kMaxPooling1D:
      case K::kMaxPooling2D:
      case K::kAveragePooling1D:
      case K::kAveragePooling2D:
        return pool(layer, out);
      case K::kGlobalAveragePooling1D:
      case K::kGlobalAveragePooling2D:
        out.push_back("x = ops.mean(x, axis=" +
                      tuple(channels_last::spatial_axes(layer.input_shape.size(), layout)) + ")");
        return;
      case K::kBatchNormalization: {
        const auto& a = std::get<ir::NormAttrs>(layer.attrs);
        // Keras's momentum is the weight of the running value: LibTorch's is the new batch's.
        out.push_back(
            "x = layers.BatchNormalization(axis=-1, momentum=" + number(1.0 - a.momentum) +
            ", epsilon=" + number(a.epsilon) + ", center=" + flag(a.affine) +
            ", scale=" + flag(a.affine) + ", " + channels_last::name_argument(layer.name) + ")(x)");
        return;
      }
      case K::kLayerNormalization: {
        const auto& a = std::get<ir::NormAttrs>(layer.attrs);
        out.push_back("x = layers.LayerNormalization(axis=-1, epsilon=" + number(a.epsilon) +
                      ", center=" + flag(a.affine) + ", scale=" + flag(a.affine) + ", " +
                      channels_last::name_argument(layer.name) + ")(x)");
        return;
      }
      case K::kEmbedding: {
        const auto& a = std::get<ir::EmbeddingAttrs>(layer.attrs);
        out.push_back("x = layers.Embedding(" + std::to_string(a.input_dim) + ", " +
                      std::to_string(a.output_dim) +
                      ", embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0), " +
                      channels_last::name_argument(layer.name) + ")(x)");
        return;
      }
      case K::kReshape:
        out.push_back("x = layers.Reshape(" +
                      tuple(std::get<ir::ReshapeAttrs>(layer.attrs).target_shape) + ")(x)");
        return;
      case K::kMultiHeadAttention:
        return attention(layer, out);
      case K::kPatchesToSequence: {
        // x is (N, H, W, C): the patches in row order already.
        const auto& a = std::get<ir::PatchesAttrs>(layer.attrs);
        out.push_back("x = layers.Reshape(" + tuple({a.patches, a.channels}) + ")(x)");
        return;
      }
      case K::kClassToken:
        out.push_back("x = ClassToken(" + channels_last::name_argument(layer.name) + ")(x)");
        return;
      case K::kPositionEmbedding:
        out.push_back("x = PositionEmbedding(" +
                      number(std::get<ir::TokenAttrs>(layer.attrs).init_stddev) + ", " +
                      channels_last::name_argument(layer.name) + ")(x)");
        return;
      case K::kSelectToken:
        out.push_back("x = x[:, " +
                      std::to_string(std::get<ir::SelectTokenAttrs>(layer.attrs).index) + "]");
        return;
      default:
        channels_last::unsupported(layer, "keras");
    }
  }

  void residual_add(const ir::Layer& residual, const std::string& skip, Layout /*layout*/,
                    std::vector<std::string>& out) const override {
    const auto& a = std::get<ir::ResidualAttrs>(residual.attrs);
    const std::string common = "use_bias=" + flag(a.projection_bias) + ", " +
                               torch_init(residual, "kernel_initializer", "bias_initializer") +
                               ", " + channels_last::name_argument(residual.name + "_projection") +
                               ")(" + skip + ")";
    switch (a.projection) {
      case ir::ProjectionKind::kNone:
        out.push_back("x = layers.Add()([" + skip + ", x])");
        return;
      case ir::ProjectionKind::kLinear:
        out.push_back("x = layers.Add()([layers.Dense(" + std::to_string(a.projection_out) + ", " +
                      common + ", x])");
        return;
      case ir::ProjectionKind::kConv1x1: {
        const std::size_t spatial = residual.input_shape.size() - 1;
        out.push_back("x = layers.Add()([layers.Conv" + std::to_string(spatial) + "D(" +
                      std::to_string(a.projection_out) +
                      ", 1, strides=" + std::to_string(a.projection_stride) +
                      ", padding=\"valid\", " + common + ", x])");
        return;
      }
    }
  }

 private:
  // Self-attention as torch.nn.MultiheadAttention computes it. Keras's one kernel_initializer
  // starts the output projection like the query, key and value ones (PyTorch's: 1/sqrt(E)).
  static void attention(const ir::Layer& layer, std::vector<std::string>& out) {
    const auto& a = std::get<ir::AttentionAttrs>(layer.attrs);
    out.push_back(channels_last::attention_init_comment(false));
    out.push_back("x = layers.MultiHeadAttention(num_heads=" + std::to_string(a.num_heads) +
                  ", key_dim=" + std::to_string(a.embed_dim / a.num_heads) +
                  ", dropout=" + number(a.dropout) + ", kernel_initializer=" +
                  channels_last::in_projection_init(a) + ", bias_initializer=\"zeros\", " +
                  channels_last::name_argument(layer.name) + ")(x, x)");
  }

  static void conv(const ir::Layer& layer, std::vector<std::string>& out) {
    const auto& a = std::get<ir::ConvAttrs>(layer.attrs);
    const std::string d = std::to_string(a.kernel_size.size());
    if (any_nonzero(a.pad_begin) || any_nonzero(a.pad_end)) {
      out.push_back("x = ops.pad(x, " + pad_widths(a.pad_begin, a.pad_end) + ")");
    }
    out.push_back("x = " +
                  apply_activation(a.activation,
                                   "layers.Conv" + d + "D(" + std::to_string(a.filters) + ", " +
                                       tuple(a.kernel_size) + ", strides=" + tuple(a.strides) +
                                       ", padding=\"valid\", dilation_rate=" + tuple(a.dilation) +
                                       ", groups=" + std::to_string(a.groups) +
                                       ", use_bias=" + flag(a.use_bias) + ", " +
                                       torch_init(layer, "kernel_initializer", "bias_initializer") +
                                       ", " + channels_last::name_argument(layer.name) + ")(x)"));
  }

  static void pool(const ir::Layer& layer, std::vector<std::string>& out) {
    using K = ir::LayerKind;
    const auto& a = std::get<ir::PoolAttrs>(layer.attrs);
    const bool max = layer.kind == K::kMaxPooling1D || layer.kind == K::kMaxPooling2D;
    const std::string d = std::to_string(a.pool_size.size());
    const std::string pooling = std::string("layers.") + (max ? "MaxPooling" : "AveragePooling") +
                                d + "D(" + tuple(a.pool_size) + ", strides=" + tuple(a.strides) +
                                ", padding=\"valid\")";
    const bool padded = any_nonzero(a.pad_begin) || any_nonzero(a.pad_end);
    const std::string widths = pad_widths(a.pad_begin, a.pad_end);
    if (!padded) {
      out.push_back("x = " + pooling + "(x)");
    } else if (max) {
      out.push_back("x = " + pooling + "(ops.pad(x, " + widths +
                    ", constant_values=-float(\"inf\")))");
    } else {
      // Padding left out of the mean: divide by the pooled mask of real input.
      std::vector<std::int64_t> mask_shape{1};
      mask_shape.insert(mask_shape.end(), layer.input_shape.begin() + 1, layer.input_shape.end());
      mask_shape.push_back(1);
      const std::string pool_name = "pool_" + emit::identifier(layer.name);
      out.push_back(pool_name + " = " + pooling);
      out.push_back("x = " + pool_name + "(ops.pad(x, " + widths + ")) / " + pool_name +
                    "(ops.pad(ops.ones(" + tuple(mask_shape) + "), " + widths + "))");
    }
  }
};

// The layer classes the network needs beyond keras.layers (ClassToken, PositionEmbedding),
// each followed by two blank lines; "" when it needs none.
std::string helper_classes(const ir::Network& net) {
  std::string out;
  if (emit::uses(net.layers, ir::LayerKind::kClassToken)) {
    out +=
        "class ClassToken(layers.Layer):\n"
        "    \"\"\"ClassToken: a learned token, zeros at first, put before a (N, L, D) sequence "
        "(torchvision\n    ViT's class_token).\"\"\"\n\n"
        "    def build(self, input_shape):\n"
        "        self.token = self.add_weight(shape=(1, 1, input_shape[-1]), "
        "initializer=\"zeros\", name=\"token\")\n\n"
        "    def call(self, x):\n"
        "        token = ops.broadcast_to(self.token, (ops.shape(x)[0], 1, self.token.shape[-1]))\n"
        "        return ops.concatenate([ops.cast(token, x.dtype), x], axis=1)\n\n\n";
  }
  if (emit::uses(net.layers, ir::LayerKind::kPositionEmbedding)) {
    out +=
        "class PositionEmbedding(layers.Layer):\n"
        "    \"\"\"PositionEmbedding: a learned (1, L, D) embedding from N(0, stddev) added to a "
        "(N, L, D)\n    sequence (torchvision ViT's pos_embedding).\"\"\"\n\n"
        "    def __init__(self, stddev, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.stddev = stddev\n\n"
        "    def build(self, input_shape):\n"
        "        self.embedding = self.add_weight(\n"
        "            shape=(1, input_shape[1], input_shape[2]),\n"
        "            initializer=keras.initializers.RandomNormal(stddev=self.stddev), "
        "name=\"embedding\")\n\n"
        "    def call(self, x):\n        return x + ops.cast(self.embedding, x.dtype)\n\n\n";
  }
  return out;
}

std::string loss_body(const ir::Network& net) {
  const LossInput input = loss_input(net);
  const std::string from_logits = input == LossInput::kLogits ? "True" : "False";
  switch (net.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
      if (input == LossInput::kLogProbabilities) {
        return "    picked = ops.take_along_axis(output, ops.expand_dims(ops.cast(target, "
               "\"int32\"), -1), axis=-1)\n    return -ops.mean(picked)\n";
      }
      return "    return ops.mean(keras.losses.sparse_categorical_crossentropy(target, output, "
             "from_logits=" +
             from_logits + "))\n";
    case ir::Loss::kCategoricalCrossentropy:
      if (input == LossInput::kLogProbabilities) {
        return "    return -ops.mean(ops.sum(target * output, axis=-1))\n";
      }
      return "    return ops.mean(keras.losses.categorical_crossentropy(target, output, "
             "from_logits=" +
             from_logits + "))\n";
    case ir::Loss::kBinaryCrossentropy:
      return "    return ops.mean(keras.losses.binary_crossentropy(target, output, from_logits=" +
             from_logits + "))\n";
    case ir::Loss::kMse:
      return "    return ops.mean(ops.square(output - target))\n";
    case ir::Loss::kMae:
      return "    return ops.mean(ops.abs(output - target))\n";
  }
  return "    raise NotImplementedError\n";
}

// Keras's optimizers. Their weight_decay is decoupled (AdamW-like) for every optimizer, where
// LibTorch's SGD, Adam and RMSprop add it to the gradient: the docstring says so when it is set.
std::string optimizer(const ir::Optimizer& o) {
  const std::string lr = "learning_rate=" + number(o.learning_rate);
  const std::string decay = o.weight_decay == 0.0 ? "" : ", weight_decay=" + number(o.weight_decay);
  switch (o.kind) {
    case ir::OptimizerKind::kSgd:
      return "keras.optimizers.SGD(" + lr + ", momentum=" + number(o.momentum) +
             ", nesterov=" + flag(o.nesterov) + decay + ")";
    case ir::OptimizerKind::kAdam:
    case ir::OptimizerKind::kAdamW:
      return std::string(o.kind == ir::OptimizerKind::kAdam ? "keras.optimizers.Adam("
                                                            : "keras.optimizers.AdamW(") +
             lr + ", beta_1=" + number(o.beta1) + ", beta_2=" + number(o.beta2) +
             ", epsilon=" + number(o.epsilon) + decay + ")";
    case ir::OptimizerKind::kRmsprop:
      return "keras.optimizers.RMSprop(" + lr + ", rho=" + number(o.alpha) +
             ", momentum=" + number(o.momentum) + ", epsilon=" + number(o.epsilon) + decay + ")";
  }
  return "None";
}

std::string example_target(const ir::Network& net) {
  switch (net.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
      return "rng.integers(0, output.shape[-1], output.shape[:-1])";
    case ir::Loss::kCategoricalCrossentropy:
      return "(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))("
             "rng.standard_normal(output.shape))";
    case ir::Loss::kBinaryCrossentropy:
      return "rng.random(output.shape).astype(\"float32\")";
    default:
      return "rng.standard_normal(output.shape).astype(\"float32\")";
  }
}

std::string example_input(const ir::Network& net) {
  if (net.input_dtype == ir::InputDType::kInt64) {
    std::int64_t vocabulary = 1;
    if (const auto* e = std::get_if<ir::EmbeddingAttrs>(&net.layers.front().attrs)) {
      vocabulary = e->input_dim;
    }
    return "rng.integers(0, " + std::to_string(vocabulary) + ", (batch,) + INPUT_SHAPE)";
  }
  return "rng.standard_normal((batch,) + INPUT_SHAPE).astype(keras.config.floatx())";
}

}  // namespace

std::string emit_keras(const ir::Network& net) {
  std::vector<std::string> body;
  channels_last::emit_layers(net.layers, KerasDialect{}, body);
  const ir::Activation* folded = inference_activation(net);
  const bool tokens = net.input_dtype == ir::InputDType::kInt64;
  std::ostringstream out;
  out << "\"\"\"" << net.name << ": generated by nnbench (--emit keras)"
      << (net.source_file.empty() ? "" : " from " + net.source_file) << ".\n\n"
      << "Keras 3 (functional). Input: (N, " << py::joined(net.input_shape)
      << ") in PyTorch's order" << (tokens ? ", integer token ids" : ", float") << "; output: (N, "
      << py::joined(net.output_shape) << "); " << net.total_params
      << " trainable parameters.\nConvolutions and pooling run channels-last (transposed once "
         "each way), so the function\nequals the PyTorch back end's on the same weights. Weights "
         "and biases start as PyTorch's do:\nU(-1/sqrt(fan_in), 1/sqrt(fan_in)).\nLoss: "
      << ir::to_string(net.loss) << "; optimizer: " << ir::to_string(net.optimizer.kind)
      << (net.optimizer.weight_decay != 0.0 && net.optimizer.kind != ir::OptimizerKind::kAdamW
              ? " (Keras applies weight_decay decoupled, LibTorch adds it to the gradient)"
              : "")
      << ".\n\"\"\"\n"
      << "import os\n\nos.environ.setdefault(\"KERAS_BACKEND\", \"tensorflow\")\n\n"
      << "import keras  # noqa: E402\nimport numpy as np  # noqa: E402\n"
      << "from keras import layers, ops  # noqa: E402\n\n"
      << "EPOCHS = " << net.train.epochs << "\nBATCH_SIZE = " << net.train.batch_size
      << "\nINPUT_SHAPE = " << py::tuple(net.input_shape) << "\n\n\n"
      << "def _torch_uniform(fan_in):\n"
      << "    \"\"\"PyTorch's default initialisation of Linear and Conv weights and biases.\"\"\"\n"
      << "    bound = 1.0 / fan_in ** 0.5\n"
      << "    return keras.initializers.RandomUniform(-bound, bound)\n\n\n"
      << helper_classes(net) << "def build_model():\n"
      << "    \"\"\"The training forward" << (folded ? " (logits)" : "") << ".\"\"\"\n"
      << "    inputs = keras.Input(shape=INPUT_SHAPE" << (tokens ? ", dtype=\"int32\"" : "")
      << ")\n    x = inputs\n";
  for (const std::string& line : body) out << "    " << line << "\n";
  out << "    return keras.Model(inputs, x, name=\"" << net.name << "\")\n\n\n"
      << "def make_predictor(model):\n"
      << "    \"\"\"The inference forward, sharing the model's layers: the final activation "
         "applied.\"\"\"\n";
  if (folded) {
    out << "    return keras.Model(model.inputs, " << apply_activation(*folded, "model.outputs[0]")
        << ", name=\"" << net.name << "_predict\")\n\n\n";
  } else {
    out << "    return model\n\n\n";
  }
  out << "def compute_loss(target, output):\n"
      << "    \"\"\"" << ir::to_string(net.loss) << " of the training forward's output.\"\"\"\n"
      << loss_body(net) << "\n\n"
      << "def make_optimizer():\n    return " << optimizer(net.optimizer) << "\n\n\n"
      << "def compile_model(model):\n"
      << "    model.compile(optimizer=make_optimizer(), loss=compute_loss)\n"
      << "    return model\n\n\n"
      << "def count_parameters(model):\n"
      << "    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)\n\n\n"
      << "def example_input(batch, rng):\n    return " << example_input(net) << "\n\n\n"
      << "def example_target(output, rng):\n    return " << example_target(net) << "\n\n\n"
      << "if __name__ == \"__main__\":\n"
      << "    keras.utils.set_random_seed(0)\n    rng = np.random.default_rng(0)\n"
      << "    model = compile_model(build_model())\n"
      << "    print(f\"parameters: {count_parameters(model)}\")\n"
      << "    inputs = example_input(2, rng)\n"
      << "    output = model.predict_on_batch(inputs)\n"
      << "    print(f\"output: {tuple(output.shape)}\")\n"
      << "    loss = model.train_on_batch(inputs, example_target(output, rng))\n"
      << "    print(f\"loss: {float(loss):.6f}\")\n"
      << "    print(f\"inference: {tuple(make_predictor(model).predict_on_batch(inputs).shape)}"
         "\")\n";
  return out.str();
}

}  // namespace nnbench::dsl

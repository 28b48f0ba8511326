// `--emit jax`: a Flax (linen) module with the language's loss, an Optax optimizer, a jitted
// training step and a __main__ self-check (see emit_jax.hpp). Layers are written by the
// channels-last walk (emit_channels_last.hpp); this file says how Flax spells each one.
#include "nnbench/dsl/emit_jax.hpp"

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
using py::number;
using py::tuple;

std::string apply_activation(const ir::Activation& a, const std::string& x) {
  const std::string axis = std::to_string(a.dim + 1);
  switch (a.kind) {
    case ir::ActivationKind::kLinear:
      return x;
    case ir::ActivationKind::kRelu:
      return "nn.relu(" + x + ")";
    case ir::ActivationKind::kGelu:
      return "nn.gelu(" + x + ", approximate=False)";
    case ir::ActivationKind::kSilu:
      return "nn.silu(" + x + ")";
    case ir::ActivationKind::kTanh:
      return "jnp.tanh(" + x + ")";
    case ir::ActivationKind::kSigmoid:
      return "nn.sigmoid(" + x + ")";
    case ir::ActivationKind::kSoftmax:
      return "nn.softmax(" + x + ", axis=" + axis + ")";
    case ir::ActivationKind::kLogSoftmax:
      return "nn.log_softmax(" + x + ", axis=" + axis + ")";
    case ir::ActivationKind::kLeakyRelu:
      return "nn.leaky_relu(" + x + ", negative_slope=" + number(a.negative_slope) + ")";
  }
  return x;
}

// Flax's explicit padding: one (begin, end) pair per spatial dimension.
std::string padding_pairs(const std::vector<std::int64_t>& begin,
                          const std::vector<std::int64_t>& end) {
  std::string out = "(";
  for (std::size_t i = 0; i < begin.size(); ++i) {
    if (i > 0) out += ", ";
    out += "(" + std::to_string(begin[i]) + ", " + std::to_string(end[i]) + ")";
  }
  return out + (begin.size() == 1 ? ",)" : ")");
}

class FlaxDialect final : public channels_last::Dialect {
 public:
  std::string activation(const ir::Activation& a, const std::string& x) const override {
    return apply_activation(a, x);
  }

  std::string transpose(const std::vector<std::int64_t>& perm) const override {
    return "x = jnp.transpose(x, " + tuple(perm) + ")";
  }

  void layer(const ir::Layer& layer, Layout layout, std::vector<std::string>& out) const override {
    using K = ir::LayerKind;
    switch (layer.kind) {
      case K::kDense:
      case K::kOutput: {
        const auto& a = std::get<ir::DenseAttrs>(layer.attrs);
        const ir::Activation none;
        out.push_back("x = " +
                      apply_activation(a.activation_in_loss ? none : a.activation,
                                       "nn.Dense(" + std::to_string(a.units) +
                                           ", use_bias=" + flag(a.use_bias) + ", " +
                                           torch_init(layer, "kernel_init", "bias_init") + ", " +
                                           channels_last::name_argument(layer.name) + ")(x)"));
        return;
      }
      case K::kDropout:
        out.push_back("x = nn.Dropout(" + number(std::get<ir::DropoutAttrs>(layer.attrs).rate) +
                      ", deterministic=not train, " + channels_last::name_argument(layer.name) +
                      ")(x)");
        return;
      case K::kFlatten:
        out.push_back("x = x.reshape((x.shape[0], -1))");
        return;
      case K::kConv1D:
      case K::kConv2D: {
        const auto& a = std::get<ir::ConvAttrs>(layer.attrs);
        out.push_back("x = " +
                      apply_activation(a.activation,
                                       "nn.Conv(" + std::to_string(a.filters) + ", " +
                                           tuple(a.kernel_size) + ", strides=" + tuple(a.strides) +
                                           ", padding=" + padding_pairs(a.pad_begin, a.pad_end) +
                                           ", kernel_dilation=" + tuple(a.dilation) +
                                           ", feature_group_count=" + std::to_string(a.groups) +
                                           ", use_bias=" + flag(a.use_bias) + ", " +
                                           torch_init(layer, "kernel_init", "bias_init") + ", " +
                                           channels_last::name_argument(layer.name) + ")(x)"));
        return;
      }
      case K::kMaxPooling1D:
      case K::kMaxPooling2D:
      case K::kAveragePooling1D:
      case K::kAveragePooling2D: {
        const auto& a = std::get<ir::PoolAttrs>(layer.attrs);
        const bool max = layer.kind == K::kMaxPooling1D || layer.kind == K::kMaxPooling2D;
        // Max pooling pads with -inf; average pooling leaves padding out of the mean.
        out.push_back(std::string("x = nn.") + (max ? "max_pool" : "avg_pool") + "(x, " +
                      tuple(a.pool_size) + ", strides=" + tuple(a.strides) +
                      ", padding=" + padding_pairs(a.pad_begin, a.pad_end) +
                      (max ? ")" : ", count_include_pad=False)"));
        return;
      }
      case K::kGlobalAveragePooling1D:
      case K::kGlobalAveragePooling2D:
        out.push_back("x = jnp.mean(x, axis=" +
                      tuple(channels_last::spatial_axes(layer.input_shape.size(), layout)) + ")");
        return;
      case K::kBatchNormalization: {
        const auto& a = std::get<ir::NormAttrs>(layer.attrs);
        // Flax's momentum is the weight of the running value: LibTorch's is the new batch's.
        out.push_back("x = nn.BatchNorm(use_running_average=not train, momentum=" +
                      number(1.0 - a.momentum) + ", epsilon=" + number(a.epsilon) +
                      ", use_bias=" + flag(a.affine) + ", use_scale=" + flag(a.affine) + ", " +
                      channels_last::name_argument(layer.name) + ")(x)");
        return;
      }
      case K::kLayerNormalization: {
        const auto& a = std::get<ir::NormAttrs>(layer.attrs);
        out.push_back("x = nn.LayerNorm(epsilon=" + number(a.epsilon) +
                      ", use_bias=" + flag(a.affine) + ", use_scale=" + flag(a.affine) + ", " +
                      channels_last::name_argument(layer.name) + ")(x)");
        return;
      }
      case K::kEmbedding: {
        const auto& a = std::get<ir::EmbeddingAttrs>(layer.attrs);
        out.push_back("x = nn.Embed(" + std::to_string(a.input_dim) + ", " +
                      std::to_string(a.output_dim) +
                      ", embedding_init=nn.initializers.normal(1.0), " +
                      channels_last::name_argument(layer.name) + ")(x)");
        return;
      }
      case K::kReshape:
        out.push_back("x = x.reshape((x.shape[0],) + " +
                      tuple(std::get<ir::ReshapeAttrs>(layer.attrs).target_shape) + ")");
        return;
      case K::kMultiHeadAttention:
        return attention(layer, out);
      case K::kPatchesToSequence: {
        // x is (N, H, W, C): the patches in row order already.
        const auto& a = std::get<ir::PatchesAttrs>(layer.attrs);
        out.push_back("x = x.reshape((x.shape[0], " + std::to_string(a.patches) + ", " +
                      std::to_string(a.channels) + "))");
        return;
      }
      case K::kClassToken: {
        const auto& a = std::get<ir::TokenAttrs>(layer.attrs);
        const std::string name = emit::identifier(layer.name);
        const std::string d = std::to_string(a.features);
        out.push_back(name + " = self.param(\"" + name + "\", nn.initializers.zeros, (1, 1, " + d +
                      "))");
        out.push_back("x = jnp.concatenate([jnp.broadcast_to(" + name + ", (x.shape[0], 1, " + d +
                      ")), x], axis=1)");
        return;
      }
      case K::kPositionEmbedding: {
        const auto& a = std::get<ir::TokenAttrs>(layer.attrs);
        out.push_back("x = x + self.param(\"" + emit::identifier(layer.name) +
                      "\", nn.initializers.normal(" + number(a.init_stddev) + "), (1, " +
                      std::to_string(a.length) + ", " + std::to_string(a.features) + "))");
        return;
      }
      case K::kSelectToken:
        out.push_back("x = x[:, " +
                      std::to_string(std::get<ir::SelectTokenAttrs>(layer.attrs).index) + "]");
        return;
      default:
        channels_last::unsupported(layer, "jax");
    }
  }

  void residual_add(const ir::Layer& residual, const std::string& skip, Layout /*layout*/,
                    std::vector<std::string>& out) const override {
    const auto& a = std::get<ir::ResidualAttrs>(residual.attrs);
    const std::string projected_name = channels_last::name_argument(residual.name + "_projection");
    const std::string common = "use_bias=" + flag(a.projection_bias) + ", " +
                               torch_init(residual, "kernel_init", "bias_init") + ", " +
                               projected_name + ")(" + skip + ")";
    switch (a.projection) {
      case ir::ProjectionKind::kNone:
        out.push_back("x = " + skip + " + x");
        return;
      case ir::ProjectionKind::kLinear:
        out.push_back("x = nn.Dense(" + std::to_string(a.projection_out) + ", " + common + " + x");
        return;
      case ir::ProjectionKind::kConv1x1: {
        const std::size_t spatial = residual.input_shape.size() - 1;
        const std::vector<std::int64_t> ones(spatial, 1);
        const std::vector<std::int64_t> stride(spatial, a.projection_stride);
        out.push_back("x = nn.Conv(" + std::to_string(a.projection_out) + ", " + tuple(ones) +
                      ", strides=" + tuple(stride) + ", padding=\"VALID\", " + common + " + x");
        return;
      }
    }
  }

 private:
  // Self-attention as torch.nn.MultiheadAttention computes it (dropout on the attention weights,
  // element by element), started as PyTorch starts it.
  static void attention(const ir::Layer& layer, std::vector<std::string>& out) {
    const auto& a = std::get<ir::AttentionAttrs>(layer.attrs);
    const std::string e = std::to_string(a.embed_dim);
    out.push_back(channels_last::attention_init_comment(true));
    out.push_back("x = nn.MultiHeadDotProductAttention(num_heads=" + std::to_string(a.num_heads) +
                  ", qkv_features=" + e + ", out_features=" + e +
                  ", broadcast_dropout=False, dropout_rate=" + number(a.dropout) +
                  ", deterministic=not train, kernel_init=" + channels_last::in_projection_init(a) +
                  ", bias_init=nn.initializers.zeros, out_kernel_init=_torch_uniform(" + e +
                  "), out_bias_init=nn.initializers.zeros, " +
                  channels_last::name_argument(layer.name) + ")(x)");
  }
};

// The expression of log-probabilities over the last axis of `output`.
std::string log_probabilities(LossInput input) {
  switch (input) {
    case LossInput::kLogits:
      return "jax.nn.log_softmax(output, axis=-1)";
    case LossInput::kProbabilities:
      return "jnp.log(jnp.clip(output, 1e-07, 1.0))";
    case LossInput::kLogProbabilities:
      return "output";
  }
  return "output";
}

std::string loss_body(const ir::Network& net) {
  const LossInput input = loss_input(net);
  switch (net.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
      if (input == LossInput::kLogits) {
        return "    return optax.softmax_cross_entropy_with_integer_labels(output, "
               "target).mean()\n";
      }
      return "    logp = " + log_probabilities(input) +
             "\n    return -jnp.take_along_axis(logp, target[..., None], axis=-1).mean()\n";
    case ir::Loss::kCategoricalCrossentropy:
      return "    return -(target * " + log_probabilities(input) + ").sum(axis=-1).mean()\n";
    case ir::Loss::kBinaryCrossentropy:
      if (input == LossInput::kProbabilities) {
        return "    p = jnp.clip(output, 1e-07, 1.0 - 1e-07)\n"
               "    return -(target * jnp.log(p) + (1.0 - target) * jnp.log(1.0 - p)).mean()\n";
      }
      return "    return optax.sigmoid_binary_cross_entropy(output, target.astype(output.dtype))"
             ".mean()\n";
    case ir::Loss::kMse:
      return "    return jnp.mean((output - target) ** 2)\n";
    case ir::Loss::kMae:
      return "    return jnp.mean(jnp.abs(output - target))\n";
  }
  return "    raise NotImplementedError\n";
}

// Optax's transformation with LibTorch's semantics: weight_decay of SGD, Adam and RMSprop is an
// L2 term added to the gradient (add_decayed_weights first); AdamW's is decoupled; RMSprop adds
// eps outside the square root.
std::string optimizer(const ir::Optimizer& o) {
  const std::string lr = number(o.learning_rate);
  const std::string momentum = o.momentum == 0.0 ? "None" : number(o.momentum);
  std::string base;
  switch (o.kind) {
    case ir::OptimizerKind::kSgd:
      base = "optax.sgd(" + lr + ", momentum=" + momentum + ", nesterov=" + flag(o.nesterov) + ")";
      break;
    case ir::OptimizerKind::kAdam:
      base = "optax.adam(" + lr + ", b1=" + number(o.beta1) + ", b2=" + number(o.beta2) +
             ", eps=" + number(o.epsilon) + ")";
      break;
    case ir::OptimizerKind::kAdamW:
      return "optax.adamw(" + lr + ", b1=" + number(o.beta1) + ", b2=" + number(o.beta2) +
             ", eps=" + number(o.epsilon) + ", weight_decay=" + number(o.weight_decay) + ")";
    case ir::OptimizerKind::kRmsprop:
      base = "optax.rmsprop(" + lr + ", decay=" + number(o.alpha) + ", eps=" + number(o.epsilon) +
             ", eps_in_sqrt=False, momentum=" + momentum + ")";
      break;
  }
  if (o.weight_decay == 0.0) return base;
  return "optax.chain(optax.add_decayed_weights(" + number(o.weight_decay) + "), " + base + ")";
}

std::string example_target(const ir::Network& net) {
  switch (net.loss) {
    case ir::Loss::kSparseCategoricalCrossentropy:
      return "jax.random.randint(key, output.shape[:-1], 0, output.shape[-1])";
    case ir::Loss::kCategoricalCrossentropy:
      return "jax.nn.softmax(jax.random.normal(key, output.shape), axis=-1)";
    case ir::Loss::kBinaryCrossentropy:
      return "jax.random.uniform(key, output.shape)";
    default:
      return "jax.random.normal(key, output.shape)";
  }
}

std::string example_input(const ir::Network& net) {
  if (net.input_dtype == ir::InputDType::kInt64) {
    std::int64_t vocabulary = 1;
    if (const auto* e = std::get_if<ir::EmbeddingAttrs>(&net.layers.front().attrs)) {
      vocabulary = e->input_dim;
    }
    return "jax.random.randint(key, (batch,) + INPUT_SHAPE, 0, " + std::to_string(vocabulary) + ")";
  }
  return "jax.random.normal(key, (batch,) + INPUT_SHAPE)";
}

}  // namespace

std::string emit_jax(const ir::Network& net) {
  std::vector<std::string> body;
  channels_last::emit_layers(net.layers, FlaxDialect{}, body);
  const ir::Activation* folded = inference_activation(net);
  std::ostringstream out;
  out << "\"\"\"" << net.name << ": generated by nnbench (--emit jax)"
      << (net.source_file.empty() ? "" : " from " + net.source_file) << ".\n\n"
      << "Flax (linen) and Optax. Input: (N, " << py::joined(net.input_shape)
      << ") in PyTorch's order"
      << (net.input_dtype == ir::InputDType::kInt64 ? ", int32/int64 token ids" : ", float")
      << "; output: (N, " << py::joined(net.output_shape) << "); " << net.total_params
      << " parameters.\nConvolutions and pooling run channels-last (transposed once each way), "
         "so the function\nequals the PyTorch back end's on the same weights. Weights and biases "
         "start as PyTorch's do:\nU(-1/sqrt(fan_in), 1/sqrt(fan_in)).\nLoss: "
      << ir::to_string(net.loss) << "; optimizer: " << ir::to_string(net.optimizer.kind)
      << ".\n\"\"\"\n"
      << "import jax\nimport jax.numpy as jnp\nimport flax.linen as nn\nimport optax\n\n"
      << "EPOCHS = " << net.train.epochs << "\nBATCH_SIZE = " << net.train.batch_size
      << "\nINPUT_SHAPE = " << py::tuple(net.input_shape) << "\n\n\n"
      << "def _torch_uniform(fan_in):\n"
      << "    \"\"\"PyTorch's default initialisation of Linear and Conv weights and biases.\"\"\"\n"
      << "    bound = 1.0 / fan_in ** 0.5\n\n"
      << "    def init(key, shape, dtype=jnp.float32):\n"
      << "        return jax.random.uniform(key, shape, dtype, -bound, bound)\n"
      << "    return init\n\n\n"
      << "class " << net.name << "(nn.Module):\n"
      << "    @nn.compact\n    def __call__(self, x, train: bool = False):\n"
      << "        \"\"\"Training forward" << (folded ? ": logits" : "") << ".\"\"\"\n";
  for (const std::string& line : body) out << "        " << line << "\n";
  out << "        return x\n\n\n"
      << "def predict(model, variables, x):\n"
      << "    \"\"\"Inference forward: the final activation applied.\"\"\"\n"
      << "    output = model.apply(variables, x, train=False)\n"
      << "    return " << (folded ? apply_activation(*folded, "output") : "output") << "\n\n\n"
      << "def compute_loss(output, target):\n"
      << "    \"\"\"" << ir::to_string(net.loss) << " of the training forward's output.\"\"\"\n"
      << loss_body(net) << "\n\n"
      << "def make_optimizer():\n    return " << optimizer(net.optimizer) << "\n\n\n"
      << "def example_input(batch, key):\n    return " << example_input(net) << "\n\n\n"
      << "def example_target(output, key):\n    return " << example_target(net) << "\n\n\n"
      << "def init(model, key, batch=1):\n"
      << "    \"\"\"The variables: {'params': ...} and, with batch norm, {'batch_stats': "
         "...}.\"\"\"\n"
      << "    return model.init(key, example_input(batch, key), train=False)\n\n\n"
      << "def count_parameters(variables):\n"
      << "    return sum(leaf.size for leaf in "
         "jax.tree_util.tree_leaves(variables[\"params\"]))\n\n\n"
      << "def make_train_step(model, optimizer):\n"
      << "    \"\"\"(variables, opt_state, inputs, targets, key) -> (variables, opt_state, loss), "
         "jitted.\"\"\"\n"
      << "    def step(variables, opt_state, inputs, targets, key):\n"
      << "        params = variables[\"params\"]\n"
      << "        state = {k: v for k, v in variables.items() if k != \"params\"}\n\n"
      << "        def loss_of(params):\n"
      << "            output, new_state = model.apply({\"params\": params, **state}, inputs, "
         "train=True,\n"
      << "                                            rngs={\"dropout\": key}, "
         "mutable=list(state))\n"
      << "            return compute_loss(output, targets), new_state\n\n"
      << "        (loss, new_state), grads = jax.value_and_grad(loss_of, has_aux=True)(params)\n"
      << "        updates, opt_state = optimizer.update(grads, opt_state, params)\n"
      << "        return {\"params\": optax.apply_updates(params, updates), **new_state}, "
         "opt_state, loss\n"
      << "    return jax.jit(step)\n\n\n"
      << "def train(model, variables, batches, epochs=EPOCHS, seed=0):\n"
      << "    \"\"\"Trains on (inputs, targets) batches; returns the variables and each epoch's "
         "mean loss.\"\"\"\n"
      << "    optimizer = make_optimizer()\n"
      << "    opt_state = optimizer.init(variables[\"params\"])\n"
      << "    step = make_train_step(model, optimizer)\n"
      << "    key = jax.random.key(seed)\n    history = []\n"
      << "    for epoch in range(epochs):\n        total, count = 0.0, 0\n"
      << "        for inputs, targets in batches:\n"
      << "            key, dropout_key = jax.random.split(key)\n"
      << "            variables, opt_state, loss = step(variables, opt_state, inputs, targets, "
         "dropout_key)\n"
      << "            total += float(loss)\n            count += 1\n"
      << "        history.append(total / max(count, 1))\n"
      << "        print(f\"epoch {epoch + 1}/{epochs}: loss {history[-1]:.4f}\")\n"
      << "    return variables, history\n\n\n"
      << "if __name__ == \"__main__\":\n"
      << "    model = " << net.name << "()\n"
      << "    key = jax.random.key(0)\n"
      << "    variables = init(model, key)\n"
      << "    print(f\"parameters: {count_parameters(variables)}\")\n"
      << "    inputs = example_input(2, key)\n"
      << "    output = model.apply(variables, inputs, train=False)\n"
      << "    print(f\"output: {tuple(output.shape)}\")\n"
      << "    variables, history = train(model, variables, [(inputs, example_target(output, "
         "key))], epochs=1)\n"
      << "    print(f\"loss: {history[0]:.6f}\")\n"
      << "    print(f\"inference: {tuple(predict(model, variables, inputs).shape)}\")\n";
  return out.str();
}

}  // namespace nnbench::dsl

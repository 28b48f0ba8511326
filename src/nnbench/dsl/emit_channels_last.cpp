// The channels-last layer walk shared by the JAX and Keras emitters (see emit_channels_last.hpp).
#include "emit_channels_last.hpp"

#include <numeric>
#include <variant>

#include "emit_common.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::dsl::channels_last {
namespace {

enum class Wants { kChannelsLast, kChannelsFirst, kEither };

bool dimension_wise(ir::ActivationKind kind) {
  return kind == ir::ActivationKind::kSoftmax || kind == ir::ActivationKind::kLogSoftmax;
}

// The layout a layer reads its input in. A sample of one dimension is the same in both.
Wants wants(const ir::Layer& layer) {
  using K = ir::LayerKind;
  if (layer.input_shape.size() < 2) return Wants::kEither;
  switch (layer.kind) {
    case K::kConv1D:
    case K::kConv2D:
    case K::kMaxPooling1D:
    case K::kMaxPooling2D:
    case K::kAveragePooling1D:
    case K::kAveragePooling2D:
    case K::kGlobalAveragePooling1D:
    case K::kGlobalAveragePooling2D:
    case K::kBatchNormalization:
    case K::kPatchesToSequence:  // (N, H, W, C) is (N, H*W, C) already
      return Wants::kChannelsLast;
    case K::kDropout:
      return Wants::kEither;
    case K::kActivation:
      return dimension_wise(std::get<ir::ActivationAttrs>(layer.attrs).activation.kind)
                 ? Wants::kChannelsFirst
                 : Wants::kEither;
    case K::kResidual: {
      const auto& a = std::get<ir::ResidualAttrs>(layer.attrs);
      if (a.projection == ir::ProjectionKind::kConv1x1) return Wants::kChannelsLast;
      if (a.projection == ir::ProjectionKind::kLinear) return Wants::kChannelsFirst;
      return layer.body.empty() ? Wants::kEither : wants(layer.body.front());
    }
    default:
      return Wants::kChannelsFirst;
  }
}

// (0, 2, .., rank, 1) to channels-last, (0, rank, 1, .., rank - 1) back.
std::vector<std::int64_t> permutation(std::size_t rank, Layout to) {
  std::vector<std::int64_t> perm{0};
  const auto r = static_cast<std::int64_t>(rank);
  if (to == Layout::kChannelsLast) {
    for (std::int64_t d = 2; d <= r; ++d) perm.push_back(d);
    perm.push_back(1);
  } else {
    perm.push_back(r);
    for (std::int64_t d = 1; d < r; ++d) perm.push_back(d);
  }
  return perm;
}

class Walk {
 public:
  Walk(const Dialect& dialect, std::vector<std::string>& out) : dialect_(dialect), out_(out) {}

  void layers(const std::vector<ir::Layer>& layers) {
    for (const ir::Layer& layer : layers) one(layer);
  }

  // Moves x to `layout` (a no-op for samples of one dimension).
  void move_to(Layout layout, std::size_t rank) {
    if (layout == layout_) return;
    if (rank >= 2) out_.push_back(dialect_.transpose(permutation(rank, layout)));
    layout_ = layout;
  }

 private:
  void one(const ir::Layer& layer) {
    const Wants w = wants(layer);
    if (w == Wants::kChannelsLast) move_to(Layout::kChannelsLast, layer.input_shape.size());
    if (w == Wants::kChannelsFirst) move_to(Layout::kChannelsFirst, layer.input_shape.size());
    if (layer.kind == ir::LayerKind::kResidual) {
      const std::string skip = "skip_" + emit::identifier(layer.name);
      const Layout skip_layout = layout_;
      out_.push_back(skip + " = x");
      layers(layer.body);
      move_to(skip_layout, layer.output_shape.size());
      dialect_.residual_add(layer, skip, layout_, out_);
    } else if (layer.kind == ir::LayerKind::kActivation) {
      out_.push_back(
          "x = " + dialect_.activation(std::get<ir::ActivationAttrs>(layer.attrs).activation, "x"));
    } else if (layer.kind == ir::LayerKind::kPermute) {
      std::vector<std::int64_t> perm{0};
      for (std::int64_t d : std::get<ir::PermuteAttrs>(layer.attrs).dims) perm.push_back(d + 1);
      out_.push_back(dialect_.transpose(perm));
    } else {
      dialect_.layer(layer, layout_, out_);
    }
    if (layer.output_shape.size() < 2) layout_ = Layout::kChannelsFirst;  // (F): one order
    // A sequence (L, F) is in the IR's order, whatever order its image was in.
    if (layer.kind == ir::LayerKind::kPatchesToSequence) layout_ = Layout::kChannelsFirst;
  }

  const Dialect& dialect_;
  std::vector<std::string>& out_;
  Layout layout_ = Layout::kChannelsFirst;
};

}  // namespace

void emit_layers(const std::vector<ir::Layer>& layers, const Dialect& dialect,
                 std::vector<std::string>& out) {
  Walk walk(dialect, out);
  walk.layers(layers);
  if (!layers.empty()) walk.move_to(Layout::kChannelsFirst, layers.back().output_shape.size());
}

std::vector<std::int64_t> spatial_axes(std::size_t rank, Layout layout) {
  std::vector<std::int64_t> axes;
  const auto r = static_cast<std::int64_t>(rank);
  if (layout == Layout::kChannelsLast) {
    for (std::int64_t d = 1; d < r; ++d) axes.push_back(d);
  } else {
    for (std::int64_t d = 2; d <= r; ++d) axes.push_back(d);
  }
  return axes;
}

std::int64_t fan_in(const ir::Layer& layer) {
  if (const auto* dense = std::get_if<ir::DenseAttrs>(&layer.attrs)) return dense->in_features;
  if (const auto* conv = std::get_if<ir::ConvAttrs>(&layer.attrs)) {
    return conv->in_channels / conv->groups *
           std::accumulate(conv->kernel_size.begin(), conv->kernel_size.end(), std::int64_t{1},
                           std::multiplies<>());
  }
  if (const auto* residual = std::get_if<ir::ResidualAttrs>(&layer.attrs)) {
    return residual->projection_in;  // a Linear or a 1x1 convolution
  }
  return 1;
}

std::string flag(bool value) { return value ? "True" : "False"; }

std::string name_argument(const std::string& layer_name) {
  return "name=\"" + emit::identifier(layer_name) + "\"";
}

std::string torch_init(const ir::Layer& layer, const std::string& weight_keyword,
                       const std::string& bias_keyword) {
  const std::string init = "_torch_uniform(" + std::to_string(fan_in(layer)) + ")";
  return weight_keyword + "=" + init + ", " + bias_keyword + "=" + init;
}

std::string in_projection_init(const ir::AttentionAttrs& a) {
  return "_torch_uniform(2 * " + std::to_string(a.embed_dim) + " / 3)";
}

std::string attention_init_comment(bool own_output_init) {
  return own_output_init
             ? "# PyTorch's MultiheadAttention init: in_proj xavier_uniform over (3E, E), "
               "out_proj 1/sqrt(E), biases 0"
             : "# PyTorch's MultiheadAttention init of in_proj: xavier_uniform over "
               "(3E, E), biases 0 (also the output kernel here)";
}

void unsupported(const ir::Layer& layer, const std::string& back_end) {
  throw InputError("--emit " + back_end + ": layer '" + layer.name + "' (" +
                   ir::to_string(layer.kind) + ", line " + std::to_string(layer.source_line) +
                   ") has no " + back_end +
                   " translation; the back end covers Dense, Output, Dropout, Flatten, Conv1D/2D, "
                   "pooling, BatchNormalization, LayerNormalization, Embedding, "
                   "MultiHeadAttention, PatchesToSequence, ClassToken, PositionEmbedding, "
                   "SelectToken, Activation, Reshape, Permute and Residual (use --emit pytorch for "
                   "the others)");
}

}  // namespace nnbench::dsl::channels_last

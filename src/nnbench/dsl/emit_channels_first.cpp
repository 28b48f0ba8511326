// The channels-first layer walk shared by the PyTorch and LibTorch C++ emitters (see
// emit_channels_first.hpp).
#include "emit_channels_first.hpp"

#include <variant>

#include "emit_common.hpp"

namespace nnbench::dsl::channels_first {
namespace {

std::string suffix(bool two_d) { return two_d ? "2d" : "1d"; }

// Adds one to every dimension of a sample: the batch comes first.
std::vector<std::int64_t> batched(const std::vector<std::int64_t>& sample_dims) {
  std::vector<std::int64_t> dims;
  for (std::int64_t d : sample_dims) dims.push_back(d + 1);
  return dims;
}

class Walk {
 public:
  Walk(const Dialect& dialect, Body& body) : dialect_(dialect), body_(body) {}

  void layers(const std::vector<ir::Layer>& layers) {
    for (const ir::Layer& layer : layers) one(layer);
  }

 private:
  void one(const ir::Layer& layer) {
    using K = ir::LayerKind;
    const std::string name = emit::identifier(layer.name);
    switch (layer.kind) {
      case K::kDense:
      case K::kOutput:
        return dense(layer, name);
      case K::kDropout:
        return module(name, dialect_.dropout(std::get<ir::DropoutAttrs>(layer.attrs).rate));
      case K::kFlatten:
        return assign(dialect_.flatten());
      case K::kConv1D:
      case K::kConv2D:
        return conv(layer, name);
      case K::kMaxPooling1D:
      case K::kMaxPooling2D:
      case K::kAveragePooling1D:
      case K::kAveragePooling2D:
        return pool(layer, name);
      case K::kGlobalAveragePooling1D:
      case K::kGlobalAveragePooling2D:
        return assign(
            dialect_.mean(batched(std::get<ir::GlobalPoolAttrs>(layer.attrs).reduce_dims)));
      case K::kBatchNormalization:
        return module(name, dialect_.batch_norm(std::get<ir::NormAttrs>(layer.attrs),
                                                suffix(layer.input_shape.size() == 3)));
      case K::kLayerNormalization:
        return module(name, dialect_.layer_norm(std::get<ir::NormAttrs>(layer.attrs)));
      case K::kEmbedding:
        return module(name, dialect_.embedding(std::get<ir::EmbeddingAttrs>(layer.attrs)));
      case K::kLSTM:
      case K::kGRU:
        return recurrent(layer, name);
      case K::kMultiHeadAttention:
        return dialect_.attention(std::get<ir::AttentionAttrs>(layer.attrs), name, body_);
      case K::kTransformerEncoder:
        return dialect_.encoder(std::get<ir::TransformerAttrs>(layer.attrs), name, body_);
      case K::kActivation:
        return assign(
            dialect_.activation(std::get<ir::ActivationAttrs>(layer.attrs).activation, "x"));
      case K::kReshape:
        return reshape(std::get<ir::ReshapeAttrs>(layer.attrs).target_shape);
      case K::kPermute: {
        std::vector<std::int64_t> dims = batched(std::get<ir::PermuteAttrs>(layer.attrs).dims);
        dims.insert(dims.begin(), 0);  // the batch stays first
        return assign(dialect_.permute(dims));
      }
      case K::kResidual:
        return residual(layer, name);
      case K::kPatchesToSequence: {
        // torchvision's ViT: (N, C, H, W) -> (N, C, H*W) -> (N, H*W, C).
        const auto& a = std::get<ir::PatchesAttrs>(layer.attrs);
        reshape({a.channels, a.patches});
        return assign(dialect_.permute({0, 2, 1}));
      }
      case K::kClassToken:
        return module(name, dialect_.class_token(std::get<ir::TokenAttrs>(layer.attrs)));
      case K::kPositionEmbedding:
        return module(name, dialect_.position_embedding(std::get<ir::TokenAttrs>(layer.attrs)));
      case K::kSelectToken:
        return assign(dialect_.select(1, std::get<ir::SelectTokenAttrs>(layer.attrs).index));
    }
  }

  void assign(const std::string& expression) {
    body_.forward.push_back(dialect_.assign(expression));
  }

  // A submodule applied to x as it is.
  void module(const std::string& name, const Module& m) {
    dialect_.declare(name, m, body_);
    assign(dialect_.call(name, "x"));
  }

  void dense(const ir::Layer& layer, const std::string& name) {
    const auto& a = std::get<ir::DenseAttrs>(layer.attrs);
    dialect_.declare(name, dialect_.linear(a.in_features, a.units, a.use_bias), body_);
    const ir::Activation none;
    assign(
        dialect_.activation(a.activation_in_loss ? none : a.activation, dialect_.call(name, "x")));
  }

  void reshape(const std::vector<std::int64_t>& target_shape) {
    std::string sizes = dialect_.batch_size();
    for (std::int64_t d : target_shape) sizes += ", " + std::to_string(d);
    assign(dialect_.reshape(sizes));
  }

  // PyTorch pads convolutions symmetrically only; other padding is an explicit F.pad.
  void conv(const ir::Layer& layer, const std::string& name) {
    const auto& a = std::get<ir::ConvAttrs>(layer.attrs);
    const bool symmetric = a.pad_begin == a.pad_end;
    dialect_.declare(
        name,
        dialect_.conv(a, suffix(a.kernel_size.size() == 2),
                      symmetric ? a.pad_begin : std::vector<std::int64_t>(a.pad_begin.size(), 0)),
        body_);
    if (!symmetric)
      assign(dialect_.pad("x", ir::last_dimension_first(a.pad_begin, a.pad_end), PadValue::kZero));
    assign(dialect_.activation(a.activation, dialect_.call(name, "x")));
  }

  void pool(const ir::Layer& layer, const std::string& name) {
    using K = ir::LayerKind;
    const auto& a = std::get<ir::PoolAttrs>(layer.attrs);
    const std::string d =
        suffix(layer.kind == K::kMaxPooling2D || layer.kind == K::kAveragePooling2D);
    const bool max = layer.kind == K::kMaxPooling1D || layer.kind == K::kMaxPooling2D;
    const bool padded = emit::any_nonzero(a.pad_begin) || emit::any_nonzero(a.pad_end);
    const std::vector<std::int64_t> pads = ir::last_dimension_first(a.pad_begin, a.pad_end);
    if (max && padded) assign(dialect_.pad("x", pads, PadValue::kMinusInfinity));
    if (max || !padded) {
      assign(dialect_.pool(a, max, d, "x"));
      return;
    }
    // Padding excluded from the mean: divide by the pooled mask of real input.
    std::vector<std::int64_t> mask_shape{1, 1};
    mask_shape.insert(mask_shape.end(), layer.input_shape.begin() + 1, layer.input_shape.end());
    const std::string mask = dialect_.scratch("mask", name);
    body_.forward.push_back(
        dialect_.local(mask, dialect_.pad(dialect_.ones(mask_shape), pads, PadValue::kZero)));
    assign(dialect_.pool(a, max, d, dialect_.pad("x", pads, PadValue::kZero)) + " / " +
           dialect_.pool(a, max, d, mask));
  }

  // Every step's output, or the last layer's final hidden state with its directions side by side.
  void recurrent(const ir::Layer& layer, const std::string& name) {
    const auto& a = std::get<ir::RecurrentAttrs>(layer.attrs);
    const bool lstm = layer.kind == ir::LayerKind::kLSTM;
    dialect_.declare(name, dialect_.recurrent(a, lstm ? "LSTM" : "GRU"), body_);
    if (a.return_sequences) {
      body_.forward.push_back(dialect_.every_step(name));
      return;
    }
    const std::int64_t directions = a.bidirectional ? 2 : 1;
    const std::string h_n = dialect_.scratch("h_n", name);
    body_.forward.push_back(dialect_.final_states(name, lstm, h_n));
    assign(dialect_.last_layer_states(h_n, directions, directions * a.hidden_size));
  }

  // x = projection(x) + body(x), the input kept as skip_<name>.
  void residual(const ir::Layer& layer, const std::string& name) {
    const auto& a = std::get<ir::ResidualAttrs>(layer.attrs);
    const std::string skip = "skip_" + name;
    body_.forward.push_back(dialect_.local(skip, "x"));
    layers(layer.body);
    if (a.projection == ir::ProjectionKind::kNone) {
      assign(skip + " + x");
      return;
    }
    const std::string projection = name + "_projection";
    dialect_.declare(projection,
                     a.projection == ir::ProjectionKind::kLinear
                         ? dialect_.linear(a.projection_in, a.projection_out, a.projection_bias)
                         : dialect_.conv_projection(a, suffix(layer.input_shape.size() == 3)),
                     body_);
    assign(dialect_.call(projection, skip) + " + x");
  }

  const Dialect& dialect_;
  Body& body_;
};

}  // namespace

void emit_layers(const std::vector<ir::Layer>& layers, const Dialect& dialect, Body& body) {
  Walk(dialect, body).layers(layers);
}

}  // namespace nnbench::dsl::channels_first

// `--emit pytorch`: the nn.Module class, one attribute per parameterised layer and a
// straight-line forward, mirroring the LibTorch builder layer by layer (see emit_pytorch.hpp).
// The loss, optimizer, training loop and __main__ are in emit_pytorch_program.cpp.
#include "nnbench/dsl/emit_pytorch.hpp"

#include <variant>

#include "emit_pytorch_parts.hpp"

namespace nnbench::dsl {
namespace py {
namespace {

std::string flag(bool value) { return value ? "True" : "False"; }

// A layer's attribute name: "residual_1/conv2d_3" -> "residual_1_conv2d_3".
std::string attr(const std::string& layer_name) {
  std::string out = layer_name;
  for (char& c : out) {
    if (c == '/') c = '_';
  }
  return out;
}

bool any_nonzero(const std::vector<std::int64_t>& values) {
  for (std::int64_t v : values) {
    if (v != 0) return true;
  }
  return false;
}

// F.pad's list: last dimension first.
std::string pad_list(const std::vector<std::int64_t>& begin, const std::vector<std::int64_t>& end) {
  std::vector<std::int64_t> pads;
  for (std::size_t i = begin.size(); i-- > 0;) {
    pads.push_back(begin[i]);
    pads.push_back(end[i]);
  }
  return tuple(pads);
}

void emit_dense(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::DenseAttrs>(layer.attrs);
  const std::string self = "self." + attr(layer.name);
  b.init.push_back(self + " = nn.Linear(" + std::to_string(a.in_features) + ", " +
                   std::to_string(a.units) + ", bias=" + flag(a.use_bias) + ")");
  const ir::Activation none;
  b.forward.push_back("x = " +
                      activation(a.activation_in_loss ? none : a.activation, self + "(x)"));
}

void emit_conv(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::ConvAttrs>(layer.attrs);
  const bool two_d = a.kernel_size.size() == 2;
  const bool symmetric = a.pad_begin == a.pad_end;
  const std::string self = "self." + attr(layer.name);
  b.init.push_back(
      self + " = nn.Conv" + (two_d ? "2d(" : "1d(") + std::to_string(a.in_channels) + ", " +
      std::to_string(a.filters) + ", kernel_size=" + tuple(a.kernel_size) +
      ", stride=" + tuple(a.strides) + ", padding=" +
      tuple(symmetric ? a.pad_begin : std::vector<std::int64_t>(a.pad_begin.size(), 0)) +
      ", dilation=" + tuple(a.dilation) + ", groups=" + std::to_string(a.groups) +
      ", bias=" + flag(a.use_bias) + ")");
  if (!symmetric) b.forward.push_back("x = F.pad(x, " + pad_list(a.pad_begin, a.pad_end) + ")");
  b.forward.push_back("x = " + activation(a.activation, self + "(x)"));
}

void emit_pool(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::PoolAttrs>(layer.attrs);
  const bool two_d =
      layer.kind == ir::LayerKind::kMaxPooling2D || layer.kind == ir::LayerKind::kAveragePooling2D;
  const bool max =
      layer.kind == ir::LayerKind::kMaxPooling1D || layer.kind == ir::LayerKind::kMaxPooling2D;
  const bool padded = any_nonzero(a.pad_begin) || any_nonzero(a.pad_end);
  const std::string pads = pad_list(a.pad_begin, a.pad_end);
  const std::string fn = std::string(max ? "F.max_pool" : "F.avg_pool") + (two_d ? "2d" : "1d");
  const std::string window = ", kernel_size=" + tuple(a.pool_size) + ", stride=" + tuple(a.strides);
  if (max) {
    if (padded) b.forward.push_back("x = F.pad(x, " + pads + ", value=float(\"-inf\"))");
    b.forward.push_back("x = " + fn + "(x" + window + ")");
  } else if (!padded) {
    b.forward.push_back("x = " + fn + "(x" + window + ")");
  } else {
    // Padding excluded from the mean: divide by the pooled mask of real input.
    std::vector<std::int64_t> mask_shape{1, 1};
    mask_shape.insert(mask_shape.end(), layer.input_shape.begin() + 1, layer.input_shape.end());
    b.forward.push_back("mask = F.pad(torch.ones(" + tuple(mask_shape) +
                        ", dtype=x.dtype, device=x.device), " + pads + ")");
    b.forward.push_back("x = " + fn + "(F.pad(x, " + pads + ")" + window + ") / " + fn + "(mask" +
                        window + ")");
  }
}

void emit_norm(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::NormAttrs>(layer.attrs);
  const std::string self = "self." + attr(layer.name);
  if (layer.kind == ir::LayerKind::kLayerNormalization) {
    b.init.push_back(self + " = nn.LayerNorm(" + std::to_string(a.num_features) +
                     ", eps=" + number(a.epsilon) + ", elementwise_affine=" + flag(a.affine) + ")");
  } else {
    b.init.push_back(self + " = nn.BatchNorm" + (layer.input_shape.size() == 3 ? "2d(" : "1d(") +
                     std::to_string(a.num_features) + ", eps=" + number(a.epsilon) +
                     ", momentum=" + number(a.momentum) + ", affine=" + flag(a.affine) + ")");
  }
  b.forward.push_back("x = " + self + "(x)");
}

void emit_recurrent(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::RecurrentAttrs>(layer.attrs);
  const bool lstm = layer.kind == ir::LayerKind::kLSTM;
  const std::string self = "self." + attr(layer.name);
  b.init.push_back(self + " = nn." + (lstm ? "LSTM(" : "GRU(") + std::to_string(a.input_size) +
                   ", " + std::to_string(a.hidden_size) + ", num_layers=" +
                   std::to_string(a.num_layers) + ", bidirectional=" + flag(a.bidirectional) +
                   ", dropout=" + number(a.dropout) + ", batch_first=True)");
  if (a.return_sequences) {
    b.forward.push_back("x, _ = " + self + "(x)");
    return;
  }
  const int directions = a.bidirectional ? 2 : 1;
  b.forward.push_back(std::string(lstm ? "_, (h_n, _) = " : "_, h_n = ") + self + "(x)");
  b.forward.push_back("x = h_n[-" + std::to_string(directions) +
                      ":].permute(1, 0, 2).reshape(h_n.shape[1], " +
                      std::to_string(directions * a.hidden_size) + ")");
}

void emit_sequence(const ir::Layer& layer, Body& b) {
  const std::string self = "self." + attr(layer.name);
  if (layer.kind == ir::LayerKind::kEmbedding) {
    const auto& a = std::get<ir::EmbeddingAttrs>(layer.attrs);
    b.init.push_back(self + " = nn.Embedding(" + std::to_string(a.input_dim) + ", " +
                     std::to_string(a.output_dim) + ")");
    b.forward.push_back("x = " + self + "(x)");
  } else if (layer.kind == ir::LayerKind::kMultiHeadAttention) {
    const auto& a = std::get<ir::AttentionAttrs>(layer.attrs);
    b.init.push_back(self + " = nn.MultiheadAttention(" + std::to_string(a.embed_dim) + ", " +
                     std::to_string(a.num_heads) + ", dropout=" + number(a.dropout) +
                     ", batch_first=True)");
    b.forward.push_back("x, _ = " + self + "(x, x, x, need_weights=False)");
  } else if (layer.kind == ir::LayerKind::kTransformerEncoder) {
    const auto& a = std::get<ir::TransformerAttrs>(layer.attrs);
    const char* act = a.activation == ir::ActivationKind::kGelu ? "\"gelu\"" : "\"relu\"";
    b.init.push_back(self + " = nn.TransformerEncoder(nn.TransformerEncoderLayer(" +
                     std::to_string(a.d_model) + ", " + std::to_string(a.num_heads) +
                     ", dim_feedforward=" + std::to_string(a.dim_feedforward) +
                     ", dropout=" + number(a.dropout) + ", activation=" + act +
                     ", layer_norm_eps=" + number(a.layer_norm_eps) +
                     ", batch_first=True, norm_first=False), num_layers=" +
                     std::to_string(a.num_layers) + ", enable_nested_tensor=False)");
    b.forward.push_back("x = " + self + "(x)");
  } else {
    emit_recurrent(layer, b);
  }
}

void emit_residual(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::ResidualAttrs>(layer.attrs);
  const std::string saved = "skip_" + attr(layer.name);
  const std::string self = "self." + attr(layer.name) + "_projection";
  b.forward.push_back(saved + " = x");
  emit_layers(layer.body, b);
  if (a.projection == ir::ProjectionKind::kNone) {
    b.forward.push_back("x = " + saved + " + x");
    return;
  }
  const std::string in = std::to_string(a.projection_in);
  const std::string out = std::to_string(a.projection_out);
  if (a.projection == ir::ProjectionKind::kLinear) {
    b.init.push_back(self + " = nn.Linear(" + in + ", " + out +
                     ", bias=" + flag(a.projection_bias) + ")");
  } else {
    b.init.push_back(self + " = nn.Conv" + (layer.input_shape.size() == 3 ? "2d(" : "1d(") + in +
                     ", " + out + ", kernel_size=1, stride=" + std::to_string(a.projection_stride) +
                     ", bias=" + flag(a.projection_bias) + ")");
  }
  b.forward.push_back("x = " + self + "(" + saved + ") + x");
}

void emit_layer(const ir::Layer& layer, Body& b) {
  using K = ir::LayerKind;
  switch (layer.kind) {
    case K::kDense:
    case K::kOutput:
      return emit_dense(layer, b);
    case K::kDropout:
      b.init.push_back("self." + attr(layer.name) + " = nn.Dropout(p=" +
                       number(std::get<ir::DropoutAttrs>(layer.attrs).rate) + ")");
      b.forward.push_back("x = self." + attr(layer.name) + "(x)");
      return;
    case K::kFlatten:
      b.forward.push_back("x = torch.flatten(x, 1)");
      return;
    case K::kConv1D:
    case K::kConv2D:
      return emit_conv(layer, b);
    case K::kMaxPooling1D:
    case K::kMaxPooling2D:
    case K::kAveragePooling1D:
    case K::kAveragePooling2D:
      return emit_pool(layer, b);
    case K::kGlobalAveragePooling1D:
    case K::kGlobalAveragePooling2D: {
      std::vector<std::int64_t> dims;
      for (std::int64_t d : std::get<ir::GlobalPoolAttrs>(layer.attrs).reduce_dims) {
        dims.push_back(d + 1);
      }
      b.forward.push_back("x = x.mean(dim=" + tuple(dims) + ")");
      return;
    }
    case K::kBatchNormalization:
    case K::kLayerNormalization:
      return emit_norm(layer, b);
    case K::kEmbedding:
    case K::kLSTM:
    case K::kGRU:
    case K::kMultiHeadAttention:
    case K::kTransformerEncoder:
      return emit_sequence(layer, b);
    case K::kActivation:
      b.forward.push_back("x = " +
                          activation(std::get<ir::ActivationAttrs>(layer.attrs).activation, "x"));
      return;
    case K::kReshape: {
      std::string shape = "x.shape[0]";
      for (std::int64_t d : std::get<ir::ReshapeAttrs>(layer.attrs).target_shape) {
        shape += ", " + std::to_string(d);
      }
      b.forward.push_back("x = x.reshape(" + shape + ")");
      return;
    }
    case K::kPermute: {
      std::string dims = "0";
      for (std::int64_t d : std::get<ir::PermuteAttrs>(layer.attrs).dims) {
        dims += ", " + std::to_string(d + 1);
      }
      b.forward.push_back("x = x.permute(" + dims + ")");
      return;
    }
    case K::kResidual:
      return emit_residual(layer, b);
  }
}

}  // namespace

std::string activation(const ir::Activation& a, const std::string& x) {
  const std::string dim = std::to_string(a.dim + 1);
  switch (a.kind) {
    case ir::ActivationKind::kLinear:
      return x;
    case ir::ActivationKind::kRelu:
      return "torch.relu(" + x + ")";
    case ir::ActivationKind::kGelu:
      return "F.gelu(" + x + ")";
    case ir::ActivationKind::kSilu:
      return "F.silu(" + x + ")";
    case ir::ActivationKind::kTanh:
      return "torch.tanh(" + x + ")";
    case ir::ActivationKind::kSigmoid:
      return "torch.sigmoid(" + x + ")";
    case ir::ActivationKind::kSoftmax:
      return "torch.softmax(" + x + ", dim=" + dim + ")";
    case ir::ActivationKind::kLogSoftmax:
      return "torch.log_softmax(" + x + ", dim=" + dim + ")";
    case ir::ActivationKind::kLeakyRelu:
      return "F.leaky_relu(" + x + ", negative_slope=" + number(a.negative_slope) + ")";
  }
  return x;
}

void emit_layers(const std::vector<ir::Layer>& layers, Body& b) {
  for (const ir::Layer& layer : layers) emit_layer(layer, b);
}

}  // namespace py
}  // namespace nnbench::dsl

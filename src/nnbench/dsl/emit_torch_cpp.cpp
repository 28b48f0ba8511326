// `--emit torch-cpp`: the module struct's members, register_module calls and straight-line
// forward, mirroring the in-process builder layer by layer (see emit_torch_cpp.hpp). The rest of
// the file (loss, optimizer, main) is in emit_torch_cpp_program.cpp.
#include "nnbench/dsl/emit_torch_cpp.hpp"

#include <variant>

#include "emit_torch_cpp_parts.hpp"

namespace nnbench::dsl {
namespace cpp {
namespace {

std::string flag(bool value) { return value ? "true" : "false"; }

// A layer's member name: "residual_1/conv2d_3" -> "residual_1_conv2d_3".
std::string member(const std::string& layer_name) {
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

// An ExpandingArray argument: "3" for one dimension (a braced "{3}" is ambiguous for the pooling
// options' constructors), "{3, 3}" otherwise.
std::string expanding(const std::vector<std::int64_t>& values) {
  return values.size() == 1 ? std::to_string(values.front()) : braced(values);
}

// F::PadFuncOptions' list: last dimension first.
std::string pad_options(const std::vector<std::int64_t>& begin,
                        const std::vector<std::int64_t>& end) {
  std::vector<std::int64_t> pads;
  for (std::size_t i = begin.size(); i-- > 0;) {
    pads.push_back(begin[i]);
    pads.push_back(end[i]);
  }
  return "F::PadFuncOptions(" + braced(pads) + ")";
}

// Declares and registers member `name` of type `type` constructed from `args`.
void add_module(Body& b, const std::string& name, const std::string& type,
                const std::string& args) {
  b.members.push_back(type + " " + name + "{nullptr};");
  b.init.push_back(name + " = register_module(\"" + name + "\", " + type + "(" + args + "));");
}

void emit_dense(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::DenseAttrs>(layer.attrs);
  const std::string name = member(layer.name);
  add_module(b, name, "torch::nn::Linear",
             "torch::nn::LinearOptions(" + std::to_string(a.in_features) + ", " +
                 std::to_string(a.units) + ").bias(" + flag(a.use_bias) + ")");
  const ir::Activation none;
  b.forward.push_back(
      "x = " + activation(a.activation_in_loss ? none : a.activation, name + "->forward(x)") + ";");
}

void emit_conv(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::ConvAttrs>(layer.attrs);
  const std::string d = a.kernel_size.size() == 2 ? "2d" : "1d";
  const bool symmetric = a.pad_begin == a.pad_end;
  const std::string name = member(layer.name);
  add_module(
      b, name, "torch::nn::Conv" + d,
      "torch::nn::Conv" + d + "Options(" + std::to_string(a.in_channels) + ", " +
          std::to_string(a.filters) + ", " + expanding(a.kernel_size) + ").stride(" +
          expanding(a.strides) + ").padding(" +
          expanding(symmetric ? a.pad_begin : std::vector<std::int64_t>(a.pad_begin.size(), 0)) +
          ").dilation(" + expanding(a.dilation) + ").groups(" + std::to_string(a.groups) +
          ").bias(" + flag(a.use_bias) + ")");
  if (!symmetric) {
    b.forward.push_back("x = F::pad(x, " + pad_options(a.pad_begin, a.pad_end) + ");");
  }
  b.forward.push_back("x = " + activation(a.activation, name + "->forward(x)") + ";");
}

void emit_pool(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::PoolAttrs>(layer.attrs);
  const std::string d =
      layer.kind == ir::LayerKind::kMaxPooling2D || layer.kind == ir::LayerKind::kAveragePooling2D
          ? "2d"
          : "1d";
  const bool max =
      layer.kind == ir::LayerKind::kMaxPooling1D || layer.kind == ir::LayerKind::kMaxPooling2D;
  const bool padded = any_nonzero(a.pad_begin) || any_nonzero(a.pad_end);
  const std::string pads = pad_options(a.pad_begin, a.pad_end);
  const std::string fn = std::string(max ? "F::max_pool" : "F::avg_pool") + d;
  const std::string options = std::string(max ? "F::MaxPool" : "F::AvgPool") + d + "FuncOptions(" +
                              expanding(a.pool_size) + ").stride(" + expanding(a.strides) + ")";
  if (max) {
    if (padded) {
      b.forward.push_back("x = F::pad(x, " + pads +
                          ".value(-std::numeric_limits<double>::infinity()));");
    }
    b.forward.push_back("x = " + fn + "(x, " + options + ");");
  } else if (!padded) {
    b.forward.push_back("x = " + fn + "(x, " + options + ");");
  } else {
    // Padding excluded from the mean: divide by the pooled mask of real input.
    std::vector<std::int64_t> mask_shape{1, 1};
    mask_shape.insert(mask_shape.end(), layer.input_shape.begin() + 1, layer.input_shape.end());
    const std::string mask = "mask_" + member(layer.name);
    b.forward.push_back("torch::Tensor " + mask + " = F::pad(torch::ones(" + braced(mask_shape) +
                        ", x.options()), " + pads + ");");
    b.forward.push_back("x = " + fn + "(F::pad(x, " + pads + "), " + options + ") / " + fn + "(" +
                        mask + ", " + options + ");");
  }
}

void emit_norm(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::NormAttrs>(layer.attrs);
  const std::string name = member(layer.name);
  if (layer.kind == ir::LayerKind::kLayerNormalization) {
    add_module(b, name, "torch::nn::LayerNorm",
               "torch::nn::LayerNormOptions({" + std::to_string(a.num_features) + "}).eps(" +
                   number(a.epsilon) + ").elementwise_affine(" + flag(a.affine) + ")");
  } else {
    add_module(b, name,
               std::string("torch::nn::BatchNorm") + (layer.input_shape.size() == 3 ? "2d" : "1d"),
               "torch::nn::BatchNormOptions(" + std::to_string(a.num_features) + ").eps(" +
                   number(a.epsilon) + ").momentum(" + number(a.momentum) + ").affine(" +
                   flag(a.affine) + ")");
  }
  b.forward.push_back("x = " + name + "->forward(x);");
}

void emit_recurrent(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::RecurrentAttrs>(layer.attrs);
  const std::string type = layer.kind == ir::LayerKind::kLSTM ? "LSTM" : "GRU";
  const std::string name = member(layer.name);
  add_module(b, name, "torch::nn::" + type,
             "torch::nn::" + type + "Options(" + std::to_string(a.input_size) + ", " +
                 std::to_string(a.hidden_size) + ").num_layers(" + std::to_string(a.num_layers) +
                 ").bidirectional(" + flag(a.bidirectional) + ").dropout(" + number(a.dropout) +
                 ").batch_first(true)");
  if (a.return_sequences) {
    b.forward.push_back("x = std::get<0>(" + name + "->forward(x));");
    return;
  }
  // The last layer's final hidden state, directions concatenated (forward first).
  const std::int64_t directions = a.bidirectional ? 2 : 1;
  const std::string h_n = "h_n_" + name;
  b.forward.push_back("torch::Tensor " + h_n + " = " +
                      (type == "LSTM" ? "std::get<0>(std::get<1>(" + name + "->forward(x)));"
                                      : "std::get<1>(" + name + "->forward(x));"));
  b.forward.push_back("x = " + h_n + ".slice(0, " + h_n + ".size(0) - " +
                      std::to_string(directions) + ").permute({1, 0, 2}).reshape({" + h_n +
                      ".size(1), " + std::to_string(directions * a.hidden_size) + "});");
}

void emit_sequence(const ir::Layer& layer, Body& b) {
  const std::string name = member(layer.name);
  if (layer.kind == ir::LayerKind::kEmbedding) {
    const auto& a = std::get<ir::EmbeddingAttrs>(layer.attrs);
    add_module(b, name, "torch::nn::Embedding",
               "torch::nn::EmbeddingOptions(" + std::to_string(a.input_dim) + ", " +
                   std::to_string(a.output_dim) + ")");
    b.forward.push_back("x = " + name + "->forward(x);");
  } else if (layer.kind == ir::LayerKind::kMultiHeadAttention) {
    // LibTorch's MultiheadAttention is sequence-first.
    const auto& a = std::get<ir::AttentionAttrs>(layer.attrs);
    add_module(b, name, "torch::nn::MultiheadAttention",
               "torch::nn::MultiheadAttentionOptions(" + std::to_string(a.embed_dim) + ", " +
                   std::to_string(a.num_heads) + ").dropout(" + number(a.dropout) + ")");
    const std::string s = "seq_" + name;
    b.forward.push_back("torch::Tensor " + s + " = x.transpose(0, 1);");
    b.forward.push_back("x = std::get<0>(" + name + "->forward(" + s + ", " + s + ", " + s +
                        ", {}, false)).transpose(0, 1);");
  } else if (layer.kind == ir::LayerKind::kTransformerEncoder) {
    const auto& a = std::get<ir::TransformerAttrs>(layer.attrs);
    const char* act = a.activation == ir::ActivationKind::kGelu ? "torch::kGELU" : "torch::kReLU";
    add_module(b, name, "torch::nn::TransformerEncoder",
               "torch::nn::TransformerEncoderOptions(torch::nn::TransformerEncoderLayer("
               "torch::nn::TransformerEncoderLayerOptions(" +
                   std::to_string(a.d_model) + ", " + std::to_string(a.num_heads) +
                   ").dim_feedforward(" + std::to_string(a.dim_feedforward) + ").dropout(" +
                   number(a.dropout) + ").activation(" + act + ")), " +
                   std::to_string(a.num_layers) + ")");
    if (a.layer_norm_eps != 1e-5) {  // the options have no LayerNorm eps
      b.init.push_back(
          "for (const auto& layer : *" + name +
          "->layers) {\n    auto* l = layer->as<torch::nn::TransformerEncoderLayerImpl>"
          "();\n    l->norm1->options.eps(" +
          number(a.layer_norm_eps) + ");\n    l->norm2->options.eps(" + number(a.layer_norm_eps) +
          ");\n  }");
    }
    // Sequence-first in LibTorch; the network is batch_first.
    b.forward.push_back("x = " + name + "->forward(x.transpose(0, 1)).transpose(0, 1);");
  } else {
    emit_recurrent(layer, b);
  }
}

void emit_residual(const ir::Layer& layer, Body& b) {
  const auto& a = std::get<ir::ResidualAttrs>(layer.attrs);
  const std::string skip = "skip_" + member(layer.name);
  const std::string projection = member(layer.name) + "_projection";
  b.forward.push_back("torch::Tensor " + skip + " = x;");
  emit_layers(layer.body, b);
  if (a.projection == ir::ProjectionKind::kNone) {
    b.forward.push_back("x = " + skip + " + x;");
    return;
  }
  const std::string in = std::to_string(a.projection_in);
  const std::string out = std::to_string(a.projection_out);
  if (a.projection == ir::ProjectionKind::kLinear) {
    add_module(
        b, projection, "torch::nn::Linear",
        "torch::nn::LinearOptions(" + in + ", " + out + ").bias(" + flag(a.projection_bias) + ")");
  } else {
    const std::string d = layer.input_shape.size() == 3 ? "2d" : "1d";
    add_module(b, projection, "torch::nn::Conv" + d,
               "torch::nn::Conv" + d + "Options(" + in + ", " + out + ", 1).stride(" +
                   std::to_string(a.projection_stride) + ").bias(" + flag(a.projection_bias) + ")");
  }
  b.forward.push_back("x = " + projection + "->forward(" + skip + ") + x;");
}

void emit_layer(const ir::Layer& layer, Body& b) {
  using K = ir::LayerKind;
  switch (layer.kind) {
    case K::kDense:
    case K::kOutput:
      return emit_dense(layer, b);
    case K::kDropout:
      add_module(b, member(layer.name), "torch::nn::Dropout",
                 "torch::nn::DropoutOptions(" +
                     number(std::get<ir::DropoutAttrs>(layer.attrs).rate) + ")");
      b.forward.push_back("x = " + member(layer.name) + "->forward(x);");
      return;
    case K::kFlatten:
      b.forward.push_back("x = torch::flatten(x, 1);");
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
      b.forward.push_back("x = x.mean(std::vector<std::int64_t>" + braced(dims) + ");");
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
      b.forward.push_back(
          "x = " + activation(std::get<ir::ActivationAttrs>(layer.attrs).activation, "x") + ";");
      return;
    case K::kReshape: {
      std::string shape = "{x.size(0)";
      for (std::int64_t d : std::get<ir::ReshapeAttrs>(layer.attrs).target_shape) {
        shape += ", " + std::to_string(d);
      }
      b.forward.push_back("x = x.reshape(" + shape + "});");
      return;
    }
    case K::kPermute: {
      std::vector<std::int64_t> dims{0};
      for (std::int64_t d : std::get<ir::PermuteAttrs>(layer.attrs).dims) dims.push_back(d + 1);
      b.forward.push_back("x = x.permute(" + braced(dims) + ");");
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
      return "torch::relu(" + x + ")";
    case ir::ActivationKind::kGelu:
      return "torch::gelu(" + x + ")";
    case ir::ActivationKind::kSilu:
      return "torch::silu(" + x + ")";
    case ir::ActivationKind::kTanh:
      return "torch::tanh(" + x + ")";
    case ir::ActivationKind::kSigmoid:
      return "torch::sigmoid(" + x + ")";
    case ir::ActivationKind::kSoftmax:
      return "torch::softmax(" + x + ", " + dim + ")";
    case ir::ActivationKind::kLogSoftmax:
      return "torch::log_softmax(" + x + ", " + dim + ")";
    case ir::ActivationKind::kLeakyRelu:
      return "torch::leaky_relu(" + x + ", " + number(a.negative_slope) + ")";
  }
  return x;
}

void emit_layers(const std::vector<ir::Layer>& layers, Body& b) {
  for (const ir::Layer& layer : layers) emit_layer(layer, b);
}

}  // namespace cpp
}  // namespace nnbench::dsl

// `--emit torch-cpp`: the module struct's members, register_module calls and straight-line
// forward (see emit_torch_cpp.hpp). Layers are written by the channels-first walk
// (emit_channels_first.hpp); this file says how LibTorch's C++ API spells each piece. The rest of
// the file (loss, optimizer, main) is in emit_torch_cpp_program.cpp.
#include "nnbench/dsl/emit_torch_cpp.hpp"

#include <variant>

#include "emit_common.hpp"
#include "emit_torch_cpp_parts.hpp"

namespace nnbench::dsl {
namespace cpp {
namespace {

using channels_first::Body;
using channels_first::Module;
using channels_first::PadValue;

std::string flag(bool value) { return value ? "true" : "false"; }

// An ExpandingArray argument: "3" for one dimension (a braced "{3}" is ambiguous for the pooling
// options' constructors), "{3, 3}" otherwise.
std::string expanding(const std::vector<std::int64_t>& values) {
  return values.size() == 1 ? std::to_string(values.front()) : braced(values);
}

class TorchCppDialect final : public channels_first::Dialect {
 public:
  std::string assign(const std::string& expression) const override {
    return "x = " + expression + ";";
  }

  std::string local(const std::string& name, const std::string& expression) const override {
    return "torch::Tensor " + name + " = " + expression + ";";
  }

  // A C++ scope declares a name once.
  std::string scratch(const std::string& base, const std::string& layer) const override {
    return base + "_" + layer;
  }

  void declare(const std::string& name, const Module& module, Body& body) const override {
    body.members.push_back(module.type + " " + name + "{nullptr};");
    body.init.push_back(name + " = register_module(\"" + name + "\", " + module.type + "(" +
                        module.arguments + "));");
  }

  std::string call(const std::string& name, const std::string& input) const override {
    return name + "->forward(" + input + ")";
  }

  std::string activation(const ir::Activation& a, const std::string& x) const override {
    return cpp::activation(a, x);
  }

  std::string pad(const std::string& x, const std::vector<std::int64_t>& pads,
                  PadValue value) const override {
    return "F::pad(" + x + ", F::PadFuncOptions(" + braced(pads) + ")" +
           (value == PadValue::kMinusInfinity ? ".value(-std::numeric_limits<double>::infinity()))"
                                              : ")");
  }

  std::string pool(const ir::PoolAttrs& a, bool max, const std::string& suffix,
                   const std::string& x) const override {
    return std::string(max ? "F::max_pool" : "F::avg_pool") + suffix + "(" + x + ", " +
           (max ? "F::MaxPool" : "F::AvgPool") + suffix + "FuncOptions(" + expanding(a.pool_size) +
           ").stride(" + expanding(a.strides) + "))";
  }

  std::string ones(const std::vector<std::int64_t>& shape) const override {
    return "torch::ones(" + braced(shape) + ", x.options())";
  }

  std::string flatten() const override { return "torch::flatten(x, 1)"; }

  std::string mean(const std::vector<std::int64_t>& dims) const override {
    return "x.mean(std::vector<std::int64_t>" + braced(dims) + ")";
  }

  std::string batch_size() const override { return "x.size(0)"; }

  std::string reshape(const std::string& sizes) const override {
    return "x.reshape({" + sizes + "})";
  }

  std::string permute(const std::vector<std::int64_t>& dims) const override {
    return "x.permute(" + braced(dims) + ")";
  }

  std::string select(std::int64_t dim, std::int64_t index) const override {
    return "x.select(" + std::to_string(dim) + ", " + std::to_string(index) + ")";
  }

  Module linear(std::int64_t in_features, std::int64_t out_features, bool bias) const override {
    return {"torch::nn::Linear", "torch::nn::LinearOptions(" + std::to_string(in_features) + ", " +
                                     std::to_string(out_features) + ").bias(" + flag(bias) + ")"};
  }

  Module conv(const ir::ConvAttrs& a, const std::string& suffix,
              const std::vector<std::int64_t>& padding) const override {
    return {"torch::nn::Conv" + suffix,
            "torch::nn::Conv" + suffix + "Options(" + std::to_string(a.in_channels) + ", " +
                std::to_string(a.filters) + ", " + expanding(a.kernel_size) + ").stride(" +
                expanding(a.strides) + ").padding(" + expanding(padding) + ").dilation(" +
                expanding(a.dilation) + ").groups(" + std::to_string(a.groups) + ").bias(" +
                flag(a.use_bias) + ")"};
  }

  Module conv_projection(const ir::ResidualAttrs& a, const std::string& suffix) const override {
    return {"torch::nn::Conv" + suffix,
            "torch::nn::Conv" + suffix + "Options(" + std::to_string(a.projection_in) + ", " +
                std::to_string(a.projection_out) + ", 1).stride(" +
                std::to_string(a.projection_stride) + ").bias(" + flag(a.projection_bias) + ")"};
  }

  Module dropout(double rate) const override {
    return {"torch::nn::Dropout", "torch::nn::DropoutOptions(" + number(rate) + ")"};
  }

  Module batch_norm(const ir::NormAttrs& a, const std::string& suffix) const override {
    return {"torch::nn::BatchNorm" + suffix,
            "torch::nn::BatchNormOptions(" + std::to_string(a.num_features) + ").eps(" +
                number(a.epsilon) + ").momentum(" + number(a.momentum) + ").affine(" +
                flag(a.affine) + ")"};
  }

  Module layer_norm(const ir::NormAttrs& a) const override {
    return {"torch::nn::LayerNorm",
            "torch::nn::LayerNormOptions({" + std::to_string(a.num_features) + "}).eps(" +
                number(a.epsilon) + ").elementwise_affine(" + flag(a.affine) + ")"};
  }

  Module embedding(const ir::EmbeddingAttrs& a) const override {
    return {"torch::nn::Embedding", "torch::nn::EmbeddingOptions(" + std::to_string(a.input_dim) +
                                        ", " + std::to_string(a.output_dim) + ")"};
  }

  Module recurrent(const ir::RecurrentAttrs& a, const std::string& type) const override {
    return {"torch::nn::" + type, "torch::nn::" + type + "Options(" + std::to_string(a.input_size) +
                                      ", " + std::to_string(a.hidden_size) + ").num_layers(" +
                                      std::to_string(a.num_layers) + ").bidirectional(" +
                                      flag(a.bidirectional) + ").dropout(" + number(a.dropout) +
                                      ").batch_first(true)"};
  }

  Module class_token(const ir::TokenAttrs& a) const override {
    return {"nnbench_layers::ClassToken", std::to_string(a.features)};
  }

  Module position_embedding(const ir::TokenAttrs& a) const override {
    return {"nnbench_layers::PositionEmbedding", std::to_string(a.length) + ", " +
                                                     std::to_string(a.features) + ", " +
                                                     number(a.init_stddev)};
  }

  std::string every_step(const std::string& name) const override {
    return assign("std::get<0>(" + call(name, "x") + ")");
  }

  std::string final_states(const std::string& name, bool lstm,
                           const std::string& h_n) const override {
    return local(h_n, lstm ? "std::get<0>(std::get<1>(" + call(name, "x") + "))"
                           : "std::get<1>(" + call(name, "x") + ")");
  }

  std::string last_layer_states(const std::string& h_n, std::int64_t directions,
                                std::int64_t features) const override {
    return h_n + ".slice(0, " + h_n + ".size(0) - " + std::to_string(directions) +
           ").permute({1, 0, 2}).reshape({" + h_n + ".size(1), " + std::to_string(features) + "})";
  }

  void attention(const ir::AttentionAttrs& a, const std::string& name, Body& body) const override {
    declare(name,
            {"torch::nn::MultiheadAttention",
             "torch::nn::MultiheadAttentionOptions(" + std::to_string(a.embed_dim) + ", " +
                 std::to_string(a.num_heads) + ").dropout(" + number(a.dropout) + ")"},
            body);
    const std::string s = scratch("seq", name);
    body.forward.push_back(local(s, "x.transpose(0, 1)"));
    body.forward.push_back(assign("std::get<0>(" +
                                  call(name, s + ", " + s + ", " + s + ", {}, false") +
                                  ").transpose(0, 1)"));
  }

  void encoder(const ir::TransformerAttrs& a, const std::string& name, Body& body) const override {
    const char* act = a.activation == ir::ActivationKind::kGelu ? "torch::kGELU" : "torch::kReLU";
    declare(
        name,
        {"torch::nn::TransformerEncoder",
         "torch::nn::TransformerEncoderOptions(torch::nn::TransformerEncoderLayer("
         "torch::nn::TransformerEncoderLayerOptions(" +
             std::to_string(a.d_model) + ", " + std::to_string(a.num_heads) + ").dim_feedforward(" +
             std::to_string(a.dim_feedforward) + ").dropout(" + number(a.dropout) +
             ").activation(" + act + ")), " + std::to_string(a.num_layers) + ")"},
        body);
    if (a.layer_norm_eps != 1e-5) {  // the options have no LayerNorm eps
      body.init.push_back(
          "for (const auto& layer : *" + name +
          "->layers) {\n    auto* l = layer->as<torch::nn::TransformerEncoderLayerImpl>"
          "();\n    l->norm1->options.eps(" +
          number(a.layer_norm_eps) + ");\n    l->norm2->options.eps(" + number(a.layer_norm_eps) +
          ");\n  }");
    }
    // Sequence-first in LibTorch; the network is batch_first.
    body.forward.push_back(assign(call(name, "x.transpose(0, 1)") + ".transpose(0, 1)"));
  }
};

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

void emit_layers(const std::vector<ir::Layer>& layers, Body& body) {
  channels_first::emit_layers(layers, TorchCppDialect{}, body);
}

std::string helper_modules(const ir::Network& net) {
  const bool class_token = emit::uses(net.layers, ir::LayerKind::kClassToken);
  const bool positions = emit::uses(net.layers, ir::LayerKind::kPositionEmbedding);
  if (!class_token && !positions) return "";
  std::string out = "namespace nnbench_layers {\n\n";
  if (class_token) {
    out +=
        "// ClassToken: a learned token, zeros at first, put before a (N, L, D) sequence\n"
        "// (torchvision ViT's class_token).\n"
        "struct ClassTokenImpl : torch::nn::Module {\n"
        "  explicit ClassTokenImpl(std::int64_t features)\n"
        "      : token(register_parameter(\"token\", torch::zeros({1, 1, features}))) {}\n"
        "  torch::Tensor forward(const torch::Tensor& x) {\n"
        "    return torch::cat({token.expand({x.size(0), -1, -1}), x}, 1);\n  }\n"
        "  torch::Tensor token;\n};\nTORCH_MODULE(ClassToken);\n\n";
  }
  if (positions) {
    out +=
        "// PositionEmbedding: a learned (1, L, D) embedding from N(0, stddev) added to a\n"
        "// (N, L, D) sequence (torchvision ViT's pos_embedding).\n"
        "struct PositionEmbeddingImpl : torch::nn::Module {\n"
        "  PositionEmbeddingImpl(std::int64_t length, std::int64_t features, double stddev)\n"
        "      : embedding(register_parameter(\n"
        "            \"embedding\", torch::empty({1, length, features}).normal_(0.0, stddev))) {}\n"
        "  torch::Tensor forward(const torch::Tensor& x) { return x + embedding; }\n"
        "  torch::Tensor embedding;\n};\nTORCH_MODULE(PositionEmbedding);\n\n";
  }
  return out + "}  // namespace nnbench_layers\n\n";
}

}  // namespace cpp
}  // namespace nnbench::dsl

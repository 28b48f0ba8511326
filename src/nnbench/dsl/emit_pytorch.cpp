// `--emit pytorch`: the nn.Module class, one attribute per parameterised layer and a
// straight-line forward (see emit_pytorch.hpp). Layers are written by the channels-first walk
// (emit_channels_first.hpp); this file says how PyTorch spells each piece. The loss, optimizer,
// training loop and __main__ are in emit_pytorch_program.cpp.
#include "nnbench/dsl/emit_pytorch.hpp"

#include <variant>

#include "emit_common.hpp"
#include "emit_pytorch_parts.hpp"

namespace nnbench::dsl {
namespace py {
namespace {

using channels_first::Body;
using channels_first::Module;
using channels_first::PadValue;

std::string flag(bool value) { return value ? "True" : "False"; }

class PytorchDialect final : public channels_first::Dialect {
 public:
  std::string assign(const std::string& expression) const override { return "x = " + expression; }

  std::string local(const std::string& name, const std::string& expression) const override {
    return name + " = " + expression;
  }

  // Python may rebind a name.
  std::string scratch(const std::string& base, const std::string& /*layer*/) const override {
    return base;
  }

  void declare(const std::string& name, const Module& module, Body& body) const override {
    body.init.push_back("self." + name + " = " + module.type + "(" + module.arguments + ")");
  }

  std::string call(const std::string& name, const std::string& input) const override {
    return "self." + name + "(" + input + ")";
  }

  std::string activation(const ir::Activation& a, const std::string& x) const override {
    return py::activation(a, x);
  }

  std::string pad(const std::string& x, const std::vector<std::int64_t>& pads,
                  PadValue value) const override {
    return "F.pad(" + x + ", " + tuple(pads) +
           (value == PadValue::kMinusInfinity ? ", value=float(\"-inf\"))" : ")");
  }

  std::string pool(const ir::PoolAttrs& a, bool max, const std::string& suffix,
                   const std::string& x) const override {
    return std::string(max ? "F.max_pool" : "F.avg_pool") + suffix + "(" + x +
           ", kernel_size=" + tuple(a.pool_size) + ", stride=" + tuple(a.strides) + ")";
  }

  std::string ones(const std::vector<std::int64_t>& shape) const override {
    return "torch.ones(" + tuple(shape) + ", dtype=x.dtype, device=x.device)";
  }

  std::string flatten() const override { return "torch.flatten(x, 1)"; }

  std::string mean(const std::vector<std::int64_t>& dims) const override {
    return "x.mean(dim=" + tuple(dims) + ")";
  }

  std::string batch_size() const override { return "x.shape[0]"; }

  std::string reshape(const std::string& sizes) const override {
    return "x.reshape(" + sizes + ")";
  }

  std::string permute(const std::vector<std::int64_t>& dims) const override {
    return "x.permute(" + joined(dims) + ")";
  }

  std::string select(std::int64_t dim, std::int64_t index) const override {
    return "x.select(" + std::to_string(dim) + ", " + std::to_string(index) + ")";
  }

  Module linear(std::int64_t in_features, std::int64_t out_features, bool bias) const override {
    return {"nn.Linear", std::to_string(in_features) + ", " + std::to_string(out_features) +
                             ", bias=" + flag(bias)};
  }

  Module conv(const ir::ConvAttrs& a, const std::string& suffix,
              const std::vector<std::int64_t>& padding) const override {
    return {"nn.Conv" + suffix,
            std::to_string(a.in_channels) + ", " + std::to_string(a.filters) +
                ", kernel_size=" + tuple(a.kernel_size) + ", stride=" + tuple(a.strides) +
                ", padding=" + tuple(padding) + ", dilation=" + tuple(a.dilation) +
                ", groups=" + std::to_string(a.groups) + ", bias=" + flag(a.use_bias)};
  }

  Module conv_projection(const ir::ResidualAttrs& a, const std::string& suffix) const override {
    return {"nn.Conv" + suffix,
            std::to_string(a.projection_in) + ", " + std::to_string(a.projection_out) +
                ", kernel_size=1, stride=" + std::to_string(a.projection_stride) +
                ", bias=" + flag(a.projection_bias)};
  }

  Module dropout(double rate) const override { return {"nn.Dropout", "p=" + number(rate)}; }

  Module batch_norm(const ir::NormAttrs& a, const std::string& suffix) const override {
    return {"nn.BatchNorm" + suffix, std::to_string(a.num_features) + ", eps=" + number(a.epsilon) +
                                         ", momentum=" + number(a.momentum) +
                                         ", affine=" + flag(a.affine)};
  }

  Module layer_norm(const ir::NormAttrs& a) const override {
    return {"nn.LayerNorm", std::to_string(a.num_features) + ", eps=" + number(a.epsilon) +
                                ", elementwise_affine=" + flag(a.affine)};
  }

  Module embedding(const ir::EmbeddingAttrs& a) const override {
    return {"nn.Embedding", std::to_string(a.input_dim) + ", " + std::to_string(a.output_dim)};
  }

  Module recurrent(const ir::RecurrentAttrs& a, const std::string& type) const override {
    return {"nn." + type, std::to_string(a.input_size) + ", " + std::to_string(a.hidden_size) +
                              ", num_layers=" + std::to_string(a.num_layers) +
                              ", bidirectional=" + flag(a.bidirectional) +
                              ", dropout=" + number(a.dropout) + ", batch_first=True"};
  }

  Module class_token(const ir::TokenAttrs& a) const override {
    return {"_ClassToken", std::to_string(a.features)};
  }

  Module position_embedding(const ir::TokenAttrs& a) const override {
    return {"_PositionEmbedding", std::to_string(a.length) + ", " + std::to_string(a.features) +
                                      ", std=" + number(a.init_stddev)};
  }

  std::string every_step(const std::string& name) const override {
    return "x, _ = " + call(name, "x");
  }

  std::string final_states(const std::string& name, bool lstm,
                           const std::string& h_n) const override {
    return (lstm ? "_, (" + h_n + ", _) = " : "_, " + h_n + " = ") + call(name, "x");
  }

  std::string last_layer_states(const std::string& h_n, std::int64_t directions,
                                std::int64_t features) const override {
    return h_n + "[-" + std::to_string(directions) + ":].permute(1, 0, 2).reshape(" + h_n +
           ".shape[1], " + std::to_string(features) + ")";
  }

  void attention(const ir::AttentionAttrs& a, const std::string& name, Body& body) const override {
    declare(
        name,
        {"nn.MultiheadAttention", std::to_string(a.embed_dim) + ", " + std::to_string(a.num_heads) +
                                      ", dropout=" + number(a.dropout) + ", batch_first=True"},
        body);
    body.forward.push_back("x, _ = " + call(name, "x, x, x, need_weights=False"));
  }

  void encoder(const ir::TransformerAttrs& a, const std::string& name, Body& body) const override {
    const char* act = a.activation == ir::ActivationKind::kGelu ? "\"gelu\"" : "\"relu\"";
    declare(name,
            {"nn.TransformerEncoder",
             "nn.TransformerEncoderLayer(" + std::to_string(a.d_model) + ", " +
                 std::to_string(a.num_heads) + ", dim_feedforward=" +
                 std::to_string(a.dim_feedforward) + ", dropout=" + number(a.dropout) +
                 ", activation=" + act + ", layer_norm_eps=" + number(a.layer_norm_eps) +
                 ", batch_first=True, norm_first=False), num_layers=" +
                 std::to_string(a.num_layers) + ", enable_nested_tensor=False"},
            body);
    body.forward.push_back(assign(call(name, "x")));
  }
};

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

void emit_layers(const std::vector<ir::Layer>& layers, Body& body) {
  channels_first::emit_layers(layers, PytorchDialect{}, body);
}

std::string helper_classes(const ir::Network& net) {
  std::string out;
  if (emit::uses(net.layers, ir::LayerKind::kClassToken)) {
    out +=
        "class _ClassToken(nn.Module):\n"
        "    \"\"\"ClassToken: a learned token, zeros at first, put before a (N, L, D) sequence "
        "(torchvision\n    ViT's class_token).\"\"\"\n\n"
        "    def __init__(self, features):\n        super().__init__()\n"
        "        self.token = nn.Parameter(torch.zeros(1, 1, features))\n\n"
        "    def forward(self, x):\n"
        "        return torch.cat([self.token.expand(x.shape[0], -1, -1), x], dim=1)\n\n\n";
  }
  if (emit::uses(net.layers, ir::LayerKind::kPositionEmbedding)) {
    out +=
        "class _PositionEmbedding(nn.Module):\n"
        "    \"\"\"PositionEmbedding: a learned (1, L, D) embedding from N(0, std) added to a "
        "(N, L, D)\n    sequence (torchvision ViT's pos_embedding).\"\"\"\n\n"
        "    def __init__(self, length, features, std):\n        super().__init__()\n"
        "        self.embedding = nn.Parameter(torch.empty(1, length, features).normal_(std=std))"
        "\n\n"
        "    def forward(self, x):\n        return x + self.embedding\n\n\n";
  }
  return out;
}

}  // namespace py
}  // namespace nnbench::dsl

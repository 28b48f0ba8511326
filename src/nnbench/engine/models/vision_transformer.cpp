// ViT-B/16 (see vision_transformer.hpp). Initialisation: LibTorch's defaults for the linear
// layers, N(0, 0.02) for the class token and the positions (torchvision zeroes the head, which
// would make every logit 0 and hide wrong outputs; a benchmark wants live numbers).
#include "nnbench/engine/models/vision_transformer.hpp"

#include <ATen/ops/scaled_dot_product_attention.h>
#include <torch/nn/init.h>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

// Pre-norm block: x + attention(ln_1(x)), then x + mlp(ln_2(x)). The query/key/value projection
// is one 3*D-wide linear layer, as nn.MultiheadAttention's in_proj.
class EncoderBlockImpl : public torch::nn::Module {
 public:
  explicit EncoderBlockImpl(const VitConfig& c) : heads_(c.num_heads) {
    const auto eps = std::vector<std::int64_t>{c.hidden_dim};
    ln_1_ = register_module(
        "ln_1", torch::nn::LayerNorm(torch::nn::LayerNormOptions(eps).eps(c.layer_norm_eps)));
    qkv_ = register_module("in_proj", torch::nn::Linear(c.hidden_dim, 3 * c.hidden_dim));
    out_ = register_module("out_proj", torch::nn::Linear(c.hidden_dim, c.hidden_dim));
    ln_2_ = register_module(
        "ln_2", torch::nn::LayerNorm(torch::nn::LayerNormOptions(eps).eps(c.layer_norm_eps)));
    mlp_in_ = register_module("mlp_0", torch::nn::Linear(c.hidden_dim, c.mlp_dim));
    mlp_out_ = register_module("mlp_3", torch::nn::Linear(c.mlp_dim, c.hidden_dim));
  }

  torch::Tensor forward(const torch::Tensor& x) {
    const std::int64_t batch = x.size(0), length = x.size(1), width = x.size(2);
    // N x L x 3D -> 3 x N x heads x L x head_dim
    const torch::Tensor qkv =
        qkv_(ln_1_(x)).view({batch, length, 3, heads_, width / heads_}).permute({2, 0, 3, 1, 4});
    const torch::Tensor attended = at::scaled_dot_product_attention(qkv[0], qkv[1], qkv[2]);
    torch::Tensor y = x + out_(attended.transpose(1, 2).reshape({batch, length, width}));
    return y + mlp_out_(torch::gelu(mlp_in_(ln_2_(y))));
  }

 private:
  std::int64_t heads_;
  torch::nn::LayerNorm ln_1_{nullptr}, ln_2_{nullptr};
  torch::nn::Linear qkv_{nullptr}, out_{nullptr}, mlp_in_{nullptr}, mlp_out_{nullptr};
};
TORCH_MODULE(EncoderBlock);

}  // namespace

VisionTransformerImpl::VisionTransformerImpl(const VitConfig& config) : config_(config) {
  const VitConfig& c = config_;
  if (c.patch_size < 1 || c.image_size < c.patch_size || c.image_size % c.patch_size != 0 ||
      c.num_heads < 1 || c.hidden_dim % c.num_heads != 0 || c.num_layers < 1 || c.mlp_dim < 1 ||
      c.num_classes < 1) {
    throw InputError(fmt::format(
        "vision transformer: image size {} must be a multiple of patch size {}, and hidden size "
        "{} a multiple of {} heads",
        c.image_size, c.patch_size, c.hidden_dim, c.num_heads));
  }
  patch_projection_ = register_module(
      "conv_proj",
      torch::nn::Conv2d(
          torch::nn::Conv2dOptions(3, c.hidden_dim, c.patch_size).stride(c.patch_size)));
  class_token_ = register_parameter("class_token", torch::empty({1, 1, c.hidden_dim}));
  position_embedding_ =
      register_parameter("pos_embedding", torch::empty({1, c.sequence_length(), c.hidden_dim}));
  {
    torch::NoGradGuard no_grad;
    class_token_.normal_(0.0, 0.02);
    position_embedding_.normal_(0.0, 0.02);
  }
  blocks_ = register_module("layers", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.num_layers; ++i) blocks_->push_back(EncoderBlock(c));
  final_norm_ = register_module(
      "ln",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_dim}).eps(c.layer_norm_eps)));
  head_ = register_module("head", torch::nn::Linear(c.hidden_dim, c.num_classes));
}

torch::Tensor VisionTransformerImpl::forward(const torch::Tensor& x) {
  const std::int64_t batch = x.size(0);
  // N x D x h x w -> N x (h*w) x D, then the class token in front.
  torch::Tensor tokens = patch_projection_(x).flatten(2).transpose(1, 2);
  tokens = torch::cat({class_token_.expand({batch, -1, -1}), tokens}, 1) + position_embedding_;
  for (const auto& block : *blocks_) tokens = block->as<EncoderBlockImpl>()->forward(tokens);
  return head_(final_norm_(tokens.select(1, 0)));
}

std::int64_t VisionTransformerImpl::macs_per_sample() const {
  const VitConfig& c = config_;
  const std::int64_t patches = c.sequence_length() - 1, length = c.sequence_length();
  const std::int64_t d = c.hidden_dim;
  const std::int64_t patch = patches * 3 * c.patch_size * c.patch_size * d;
  const std::int64_t attention = length * d * 3 * d + 2 * length * length * d + length * d * d;
  const std::int64_t mlp = 2 * length * d * c.mlp_dim;
  return patch + c.num_layers * (attention + mlp) + d * c.num_classes;
}

}  // namespace nnbench::engine

// ViT-B/16 (Dosovitskiy et al. 2021, torchvision's vit_b_16 layout) as a native LibTorch module:
// 16x16 patches, a class token, learned positions, pre-norm encoder blocks whose attention runs
// through at::scaled_dot_product_attention (the fused kernels where the device has them).
#pragma once

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace nnbench::engine {

struct VitConfig {
  std::int64_t image_size = 224;
  std::int64_t patch_size = 16;
  std::int64_t num_layers = 12;
  std::int64_t num_heads = 12;
  std::int64_t hidden_dim = 768;
  std::int64_t mlp_dim = 3072;
  std::int64_t num_classes = 1000;
  double layer_norm_eps = 1e-6;

  std::int64_t sequence_length() const {
    return (image_size / patch_size) * (image_size / patch_size) + 1;
  }
};

class VisionTransformerImpl : public torch::nn::Module {
 public:
  explicit VisionTransformerImpl(const VitConfig& config = {});
  // x: N x 3 x image_size x image_size -> N x num_classes logits.
  torch::Tensor forward(const torch::Tensor& x);
  // Multiply-accumulates of one image: patch projection, attention (projections and the two
  // sequence-by-sequence products), MLPs and the head.
  std::int64_t macs_per_sample() const;
  const VitConfig& config() const { return config_; }

 private:
  VitConfig config_;
  torch::nn::Conv2d patch_projection_{nullptr};
  torch::Tensor class_token_, position_embedding_;
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(VisionTransformer);

}  // namespace nnbench::engine

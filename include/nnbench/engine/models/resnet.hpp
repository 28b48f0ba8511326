// ResNet-50 (He et al. 2016, torchvision's v1.5 layout: the stride on the 3x3 convolution of each
// bottleneck) as a native LibTorch module, randomly initialised as torchvision does.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "nnbench/engine/models/inference_fusion.hpp"

namespace nnbench::engine {

struct ResNetConfig {
  std::vector<std::int64_t> blocks{3, 4, 6, 3};  // bottlenecks per stage (ResNet-50)
  std::int64_t num_classes = 1000;
  std::int64_t image_size = 224;  // for the multiply-accumulate count only; any size >= 32 runs
};

// fuse_for_inference (engine/inference_fusion.hpp) folds the stem's batch norm; each bottleneck
// fuses its own convolutions.
class ResNetImpl : public torch::nn::Module, public InferenceFusable {
 public:
  explicit ResNetImpl(const ResNetConfig& config = {});
  // x: N x 3 x H x W -> N x num_classes logits.
  torch::Tensor forward(torch::Tensor x);
  // Multiply-accumulates of one forward pass of one image of config.image_size (convolutions
  // and the classifier; normalisation, activations and pooling are not counted).
  std::int64_t macs_per_sample() const { return macs_; }
  void fuse_for_inference(FusionReport& report) override;

 private:
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_norm_{nullptr};
  FusedConv2d fused_stem_{nullptr};
  std::vector<torch::nn::Sequential> stages_;  // layer1..layer4
  torch::nn::Linear classifier_{nullptr};
  std::int64_t macs_ = 0;
};
TORCH_MODULE(ResNet);

}  // namespace nnbench::engine

// ResNet-50 (see resnet.hpp). Parameter names follow torchvision's (conv1, bn1, layer1.0.conv1,
// ..., fc) so that a state dict maps one to one.
#include "nnbench/engine/models/resnet.hpp"

#include <torch/nn/functional/pooling.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/pooling.h>

#include <array>
#include <string>
#include <utility>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/models/inference_fusion.hpp"

namespace nnbench::engine {
namespace {

constexpr std::int64_t kExpansion = 4;

// Output size of a convolution or pooling along one spatial dimension.
std::int64_t conv_out(std::int64_t size, std::int64_t kernel, std::int64_t stride,
                      std::int64_t padding) {
  return (size + 2 * padding - kernel) / stride + 1;
}

torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                       std::int64_t padding) {
  torch::nn::Conv2d layer(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
  torch::nn::init::kaiming_normal_(layer->weight, 0.0, torch::kFanOut, torch::kReLU);
  return layer;
}

torch::nn::BatchNorm2d norm(std::int64_t channels) {
  torch::nn::BatchNorm2d layer(channels);
  torch::nn::init::ones_(layer->weight);
  torch::nn::init::zeros_(layer->bias);
  return layer;
}

// 1x1 reduce -> 3x3 (stride) -> 1x1 expand, plus the shortcut (a strided 1x1 projection where
// the shape changes).
// fuse_for_inference: conv1+bn1+relu, conv2+bn2+relu, conv3+bn3 + shortcut + relu as three
// fused convolutions, the projection's conv+bn as a fourth.
class BottleneckImpl : public torch::nn::Module, public InferenceFusable {
 public:
  // `size` is the input's spatial size; on return, the output's. `macs` accumulates.
  BottleneckImpl(std::int64_t in, std::int64_t width, std::int64_t stride, std::int64_t& size,
                 std::int64_t& macs) {
    const std::int64_t out = width * kExpansion;
    conv1_ = register_module("conv1", conv(in, width, 1, 1, 0));
    bn1_ = register_module("bn1", norm(width));
    conv2_ = register_module("conv2", conv(width, width, 3, stride, 1));
    bn2_ = register_module("bn2", norm(width));
    conv3_ = register_module("conv3", conv(width, out, 1, 1, 0));
    bn3_ = register_module("bn3", norm(out));
    const std::int64_t out_size = conv_out(size, 3, stride, 1);
    macs += size * size * in * width + out_size * out_size * width * width * 9 +
            out_size * out_size * width * out;
    if (stride != 1 || in != out) {
      downsample_ = register_module("downsample",
                                    torch::nn::Sequential(conv(in, out, 1, stride, 0), norm(out)));
      macs += out_size * out_size * in * out;
    }
    size = out_size;
  }

  torch::Tensor forward(const torch::Tensor& x) {
    if (fused_[0]) {
      const torch::Tensor shortcut = fused_[3] ? fused_[3]->forward(x) : x;
      return fused_[2]->forward_add(fused_[1]->forward(fused_[0]->forward(x)), shortcut);
    }
    torch::Tensor y = torch::relu(bn1_(conv1_(x)));
    y = torch::relu(bn2_(conv2_(y)));
    y = bn3_(conv3_(y));
    y += downsample_ ? downsample_->forward(x) : x;
    return torch::relu(y);
  }

  void fuse_for_inference(FusionReport& report) override {
    if (fused_[0]) return;
    const std::array<std::pair<const char*, const char*>, 3> names{
        {{"conv1", "bn1"}, {"conv2", "bn2"}, {"conv3", "bn3"}}};
    const std::array<torch::nn::Conv2d, 3> convs{conv1_, conv2_, conv3_};
    const std::array<torch::nn::BatchNorm2d, 3> norms{bn1_, bn2_, bn3_};
    for (std::size_t i = 0; i < 3; ++i) {
      // The third one's ReLU comes after the residual add (forward_add).
      fused_[i] = FusedConv2d(*convs[i], norms[i].get(), /*relu=*/i < 2);
      unregister_module(names[i].first);
      unregister_module(names[i].second);
      register_module(names[i].first, fused_[i]);
    }
    report.relus_fused += 3;
    report.residual_adds_fused += 1;
    int fused = 3;
    if (downsample_) {
      const auto conv = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(downsample_->ptr(0));
      const auto norm = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(downsample_->ptr(1));
      fused_[3] = FusedConv2d(*conv, norm.get(), false);
      unregister_module("downsample");
      register_module("downsample", fused_[3]);
      ++fused;
    }
    report.convolutions_fused += fused;
    report.batch_norms_folded += fused;
    conv1_ = conv2_ = conv3_ = nullptr;
    bn1_ = bn2_ = bn3_ = nullptr;
    downsample_ = nullptr;
  }

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
  std::array<FusedConv2d, 4> fused_{nullptr, nullptr, nullptr, nullptr};  // set by the fusion
};
TORCH_MODULE(Bottleneck);

}  // namespace

ResNetImpl::ResNetImpl(const ResNetConfig& config) {
  if (config.blocks.size() != 4 || config.num_classes < 1 || config.image_size < 32) {
    throw InputError("resnet: expected 4 stages, >= 1 class and an image size >= 32");
  }
  std::int64_t size = config.image_size;
  stem_conv_ = register_module("conv1", conv(3, 64, 7, 2, 3));
  stem_norm_ = register_module("bn1", norm(64));
  size = conv_out(size, 7, 2, 3);
  macs_ += size * size * 3 * 64 * 49;
  size = conv_out(size, 3, 2, 1);  // max pool

  std::int64_t in = 64;
  for (std::size_t stage = 0; stage < config.blocks.size(); ++stage) {
    const std::int64_t width = std::int64_t{64} << stage;
    torch::nn::Sequential blocks;
    for (std::int64_t b = 0; b < config.blocks[stage]; ++b) {
      const std::int64_t stride = (stage > 0 && b == 0) ? 2 : 1;
      blocks->push_back(Bottleneck(in, width, stride, size, macs_));
      in = width * kExpansion;
    }
    stages_.push_back(register_module("layer" + std::to_string(stage + 1), blocks));
  }
  classifier_ = register_module("fc", torch::nn::Linear(in, config.num_classes));
  macs_ += in * config.num_classes;
}

torch::Tensor ResNetImpl::forward(torch::Tensor x) {
  x = fused_stem_ ? fused_stem_->forward(x) : torch::relu(stem_norm_(stem_conv_(x)));
  x = torch::max_pool2d(x, 3, 2, 1);
  for (torch::nn::Sequential& stage : stages_) x = stage->forward(x);
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return classifier_(x);
}

void ResNetImpl::fuse_for_inference(FusionReport& report) {
  if (fused_stem_) return;
  fused_stem_ = FusedConv2d(*stem_conv_, stem_norm_.get(), /*relu=*/true);
  unregister_module("conv1");
  unregister_module("bn1");
  register_module("conv1", fused_stem_);
  stem_conv_ = nullptr;
  stem_norm_ = nullptr;
  report.convolutions_fused += 1;
  report.batch_norms_folded += 1;
  report.relus_fused += 1;
}

}  // namespace nnbench::engine

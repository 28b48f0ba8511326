// The inference rewrite behind the inference suite's `fused` modes: a pass over a module tree
// that folds each BatchNorm into the convolution before it (weights scaled by
// gamma / sqrt(var + eps), the shift moved into the convolution's bias) and runs convolution +
// bias + ReLU, and convolution + bias + residual add + ReLU, as one call: cuDNN's fused
// convolutions (at::cudnn_convolution_relu / at::cudnn_convolution_add_relu) on CUDA, the same
// composition of ATen calls elsewhere.
//
// The pass knows no model: it walks the tree and asks every module that implements
// InferenceFusable to rewrite its own children, children first. The language's layer stacks
// (Conv2D, BatchNormalization, Activation("relu") in a row; a Residual followed by
// Activation("relu")) and the zoo's ResNet blocks implement it, so any model compiled from the
// language and the zoo's convolutional models are covered. Only eval-mode semantics survive:
// the BatchNorm's running statistics are baked in, so fuse a model for inference only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace nnbench::engine {

// What a pass did, for labels and tests.
struct FusionReport {
  int batch_norms_folded = 0;
  int convolutions_fused = 0;   // every convolution the pass replaced by a FusedConv2d
  int relus_fused = 0;          // ReLUs now run inside a convolution
  int residual_adds_fused = 0;  // residual additions (with their ReLU) inside a convolution
  std::int64_t parameters_before = 0;
  std::int64_t parameters_after = 0;

  bool changed() const { return convolutions_fused > 0; }
  // "12 convolutions fused: 11 batch norms folded, 9 ReLUs, 3 residual adds; 1,234 -> 1,100
  // parameters", or "nothing to fuse".
  std::string summary() const;
};

// A convolution with its BatchNorm folded in and, optionally, a ReLU (and residual add) after
// it. Holds its weight and bias as parameters, so the module tree's parameter count is the
// fused model's.
class FusedConv2dImpl : public torch::nn::Module {
 public:
  // `norm` may be null (nothing to fold). `input_pad` (a torch pad list, zeros) is applied to the
  // input before the convolution: the uneven "same" padding of a strided layer. Throws
  // InputError for a convolution that is not zero-padded, or a BatchNorm without running
  // statistics or with another channel count.
  FusedConv2dImpl(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl* norm,
                  bool relu, std::vector<std::int64_t> input_pad = {});
  // relu?(conv(x) + bias)
  torch::Tensor forward(const torch::Tensor& x);
  // relu(conv(x) + bias + residual): a residual block's last convolution, the addition of its
  // shortcut and the ReLU after the sum in one call. `residual` has the output's shape.
  torch::Tensor forward_add(const torch::Tensor& x, const torch::Tensor& residual);
  // Whether forward() applies a ReLU (forward_add always does).
  bool relu() const { return relu_; }

  torch::Tensor weight, bias;

 private:
  torch::Tensor padded(const torch::Tensor& x) const;

  std::vector<std::int64_t> stride_, padding_, dilation_, input_pad_;
  std::int64_t groups_ = 1;
  bool relu_ = false;
};
TORCH_MODULE(FusedConv2d);

// Implemented by modules that can rewrite their own children for inference.
class InferenceFusable {
 public:
  virtual ~InferenceFusable() = default;
  // Replaces child convolutions (and the BatchNorms and ReLUs after them) with FusedConv2d
  // modules, counting what it did. Children were fused before this is called.
  virtual void fuse_for_inference(FusionReport& report) = 0;
};

// Rewrites `root` in place (all its descendants first, then `root`). Call it on a model in
// eval mode, before moving it to its device and dtype is fine either way: folding is done in
// double precision and cast back to each parameter's dtype.
FusionReport fuse_for_inference(torch::nn::Module& root);

}  // namespace nnbench::engine

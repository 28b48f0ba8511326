// The LibTorch modules behind the IR layers that hold parameters or need more than one call
// (private to the engine's model builder). Parameter-free layers are torch::nn::Functional.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/modules/transformercoder.h>
#include <torch/nn/pimpl.h>

#include "nnbench/dsl/ir.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::engine {

// Dense / Output: Linear on the last dimension, then the activation unless it is folded into
// the loss.
class DenseImpl : public torch::nn::Module {
 public:
  explicit DenseImpl(const dsl::ir::DenseAttrs& attrs, bool apply_activation);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Linear linear_{nullptr};
  dsl::ir::Activation activation_;
};
TORCH_MODULE(Dense);

// Conv1D / Conv2D. Symmetric padding goes to the convolution; asymmetric padding is applied
// explicitly (zeros) before a padding-0 convolution.
class ConvImpl : public torch::nn::Module {
 public:
  explicit ConvImpl(const dsl::ir::ConvAttrs& attrs);
  torch::Tensor forward(const torch::Tensor& x);
  // The 2-D convolution (null for a 1-D layer); explicit_pad() goes before it.
  torch::nn::Conv2dImpl* conv2d() const;
  // The zeros padded before the convolution (a torch pad list; empty when it pads itself).
  const std::vector<std::int64_t>& explicit_pad() const { return explicit_pad_; }
  bool activation_is_relu() const { return activation_.kind == dsl::ir::ActivationKind::kRelu; }
  // Linear or ReLU: what a fused convolution can apply.
  bool fusable_activation() const {
    return activation_is_relu() || activation_.kind == dsl::ir::ActivationKind::kLinear;
  }

 private:
  torch::nn::AnyModule conv_;
  std::vector<std::int64_t> explicit_pad_;  // empty when the convolution pads itself
  dsl::ir::Activation activation_;
};
TORCH_MODULE(Conv);

// LSTM / GRU, batch_first. Returns the sequence, or the last layer's h_n with directions
// concatenated (forward first), per RecurrentAttrs.
class RecurrentImpl : public torch::nn::Module {
 public:
  RecurrentImpl(dsl::ir::LayerKind kind, const dsl::ir::RecurrentAttrs& attrs);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::GRU gru_{nullptr};
  dsl::ir::RecurrentAttrs attrs_;
};
TORCH_MODULE(Recurrent);

// Self-attention on batch_first (N, L, E); LibTorch's MultiheadAttention is sequence-first.
class SelfAttentionImpl : public torch::nn::Module {
 public:
  explicit SelfAttentionImpl(const dsl::ir::AttentionAttrs& attrs);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::MultiheadAttention attention_{nullptr};
};
TORCH_MODULE(SelfAttention);

// A post-norm TransformerEncoder without final norm on batch_first (N, L, E).
class TransformerImpl : public torch::nn::Module {
 public:
  explicit TransformerImpl(const dsl::ir::TransformerAttrs& attrs);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::TransformerEncoder encoder_{nullptr};
};
TORCH_MODULE(Transformer);

// ClassToken: a learned (1, 1, D) token, zeros at first, put before the batch_first (N, L, D)
// sequence: (N, L + 1, D) (torchvision ViT's class_token).
class ClassTokenImpl : public torch::nn::Module {
 public:
  explicit ClassTokenImpl(const dsl::ir::TokenAttrs& attrs);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor token_;
};
TORCH_MODULE(ClassToken);

// PositionEmbedding: a learned (1, L, D) embedding from N(0, init_stddev) added to the
// batch_first (N, L, D) sequence (torchvision ViT's pos_embedding).
class PositionEmbeddingImpl : public torch::nn::Module {
 public:
  explicit PositionEmbeddingImpl(const dsl::ir::TokenAttrs& attrs);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor embedding_;
};
TORCH_MODULE(PositionEmbedding);

// output = projection(input) + body(input); the projection is identity, a 1x1 convolution
// (with stride) or a Linear on the last dimension.
// After fuse_add_relu(), output = relu(projection(input) + body(input)) with the addition and
// the ReLU inside the body's last convolution.
class ResidualImpl : public torch::nn::Module {
 public:
  explicit ResidualImpl(const dsl::ir::Layer& layer);
  torch::Tensor forward(const torch::Tensor& x);
  // Takes over the ReLU that follows this block when the body (already fused) ends with a
  // FusedConv2d without its own ReLU. Returns whether it did.
  bool fuse_add_relu();

 private:
  LayerStack body_{nullptr};
  torch::nn::AnyModule projection_;
  FusedConv2d fused_last_{nullptr};  // set by fuse_add_relu()
};
TORCH_MODULE(Residual);

}  // namespace nnbench::engine

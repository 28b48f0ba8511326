// One LibTorch module per IR layer: activations, Dense/Output, convolutions, pooling,
// normalisation, embedding and the reshaping layers (token selection included); make_layer()
// dispatches on the kind.
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <variant>

#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/functional.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>

#include "model_builder_modules.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

namespace F = torch::nn::functional;
namespace ir = dsl::ir;

template <typename Attrs>
const Attrs& attrs_of(const ir::Layer& layer) {
  const Attrs* attrs = std::get_if<Attrs>(&layer.attrs);
  if (attrs == nullptr) {
    throw InputError("model builder: layer '" + layer.name + "' (" + ir::to_string(layer.kind) +
                     ") carries attributes of another kind");
  }
  return *attrs;
}

bool all_zero(const std::vector<std::int64_t>& values) {
  for (std::int64_t v : values) {
    if (v != 0) return false;
  }
  return true;
}

torch::Tensor max_pool(const ir::PoolAttrs& a, bool two_d, torch::Tensor x) {
  if (!all_zero(a.pad_begin) || !all_zero(a.pad_end)) {
    x = F::pad(x, F::PadFuncOptions(ir::last_dimension_first(a.pad_begin, a.pad_end))
                      .value(-std::numeric_limits<double>::infinity()));
  }
  if (two_d) return F::max_pool2d(x, F::MaxPool2dFuncOptions(a.pool_size).stride(a.strides));
  return F::max_pool1d(x, F::MaxPool1dFuncOptions(a.pool_size).stride(a.strides));
}

torch::Tensor plain_average(const ir::PoolAttrs& a, bool two_d, const torch::Tensor& x) {
  if (two_d) return F::avg_pool2d(x, F::AvgPool2dFuncOptions(a.pool_size).stride(a.strides));
  return F::avg_pool1d(x, F::AvgPool1dFuncOptions(a.pool_size).stride(a.strides));
}

// Padding excluded from the mean: the mean over the zero-padded input divided by the mean over
// a padded mask of ones (the fraction of each window that is real input). Works for
// asymmetric padding, which LibTorch's count_include_pad=false cannot express.
torch::Tensor average_pool(const ir::PoolAttrs& a, bool two_d, const torch::Tensor& x) {
  if (all_zero(a.pad_begin) && all_zero(a.pad_end)) return plain_average(a, two_d, x);
  const auto pads = F::PadFuncOptions(ir::last_dimension_first(a.pad_begin, a.pad_end));
  std::vector<std::int64_t> mask_shape(static_cast<std::size_t>(x.dim()), 1);
  for (std::int64_t d = 2; d < x.dim(); ++d) mask_shape[static_cast<std::size_t>(d)] = x.size(d);
  const torch::Tensor mask = torch::ones(mask_shape, x.options());
  return plain_average(a, two_d, F::pad(x, pads)) / plain_average(a, two_d, F::pad(mask, pads));
}

torch::nn::AnyModule functional(std::function<torch::Tensor(torch::Tensor)> fn) {
  return torch::nn::AnyModule(torch::nn::Functional(std::move(fn)));
}

torch::nn::AnyModule make_batch_norm(const ir::Layer& layer) {
  const auto& a = attrs_of<ir::NormAttrs>(layer);
  if (layer.input_shape.size() == 3) {
    return torch::nn::AnyModule(torch::nn::BatchNorm2d(torch::nn::BatchNormOptions(a.num_features)
                                                           .eps(a.epsilon)
                                                           .momentum(a.momentum)
                                                           .affine(a.affine)));
  }
  return torch::nn::AnyModule(torch::nn::BatchNorm1d(torch::nn::BatchNormOptions(a.num_features)
                                                         .eps(a.epsilon)
                                                         .momentum(a.momentum)
                                                         .affine(a.affine)));
}

torch::nn::AnyModule make_pool(const ir::Layer& layer) {
  const auto a = attrs_of<ir::PoolAttrs>(layer);
  const bool two_d =
      layer.kind == ir::LayerKind::kMaxPooling2D || layer.kind == ir::LayerKind::kAveragePooling2D;
  if (layer.kind == ir::LayerKind::kMaxPooling1D || layer.kind == ir::LayerKind::kMaxPooling2D) {
    return functional([a, two_d](torch::Tensor x) { return max_pool(a, two_d, x); });
  }
  return functional([a, two_d](torch::Tensor x) { return average_pool(a, two_d, x); });
}

torch::nn::AnyModule make_reshaping(const ir::Layer& layer) {
  switch (layer.kind) {
    case ir::LayerKind::kFlatten:
      return functional([](torch::Tensor x) { return torch::flatten(x, 1); });
    case ir::LayerKind::kGlobalAveragePooling1D:
    case ir::LayerKind::kGlobalAveragePooling2D: {
      std::vector<std::int64_t> dims;
      for (std::int64_t d : attrs_of<ir::GlobalPoolAttrs>(layer).reduce_dims) dims.push_back(d + 1);
      return functional([dims](torch::Tensor x) { return x.mean(dims); });
    }
    case ir::LayerKind::kReshape: {
      std::vector<std::int64_t> shape{-1};
      for (std::int64_t d : attrs_of<ir::ReshapeAttrs>(layer).target_shape) shape.push_back(d);
      return functional([shape](torch::Tensor x) { return x.reshape(shape); });
    }
    case ir::LayerKind::kPermute: {
      std::vector<std::int64_t> dims{0};
      for (std::int64_t d : attrs_of<ir::PermuteAttrs>(layer).dims) dims.push_back(d + 1);
      return functional([dims](torch::Tensor x) { return x.permute(dims); });
    }
    case ir::LayerKind::kPatchesToSequence: {
      // torchvision's ViT: (N, C, H, W) -> (N, C, H*W) -> (N, H*W, C).
      const auto& a = attrs_of<ir::PatchesAttrs>(layer);
      const std::int64_t channels = a.channels;
      const std::int64_t patches = a.patches;
      return functional([channels, patches](torch::Tensor x) {
        return x.reshape({x.size(0), channels, patches}).permute({0, 2, 1});
      });
    }
    case ir::LayerKind::kSelectToken: {
      const std::int64_t index = attrs_of<ir::SelectTokenAttrs>(layer).index;
      return functional([index](torch::Tensor x) { return x.select(1, index); });
    }
    default: {
      const ir::Activation activation = attrs_of<ir::ActivationAttrs>(layer).activation;
      return functional([activation](torch::Tensor x) { return apply_activation(activation, x); });
    }
  }
}

}  // namespace

torch::Tensor apply_activation(const ir::Activation& activation, const torch::Tensor& x) {
  switch (activation.kind) {
    case ir::ActivationKind::kLinear:
      return x;
    case ir::ActivationKind::kRelu:
      return torch::relu(x);
    case ir::ActivationKind::kGelu:
      return torch::gelu(x);
    case ir::ActivationKind::kSilu:
      return torch::silu(x);
    case ir::ActivationKind::kTanh:
      return torch::tanh(x);
    case ir::ActivationKind::kSigmoid:
      return torch::sigmoid(x);
    case ir::ActivationKind::kSoftmax:
      return torch::softmax(x, activation.dim + 1);
    case ir::ActivationKind::kLogSoftmax:
      return torch::log_softmax(x, activation.dim + 1);
    case ir::ActivationKind::kLeakyRelu:
      return torch::leaky_relu(x, activation.negative_slope);
  }
  throw InputError("model builder: unknown activation");
}

DenseImpl::DenseImpl(const ir::DenseAttrs& attrs, bool apply_activation) {
  linear_ = register_module(
      "linear", torch::nn::Linear(
                    torch::nn::LinearOptions(attrs.in_features, attrs.units).bias(attrs.use_bias)));
  if (apply_activation) activation_ = attrs.activation;
}

torch::Tensor DenseImpl::forward(const torch::Tensor& x) {
  return apply_activation(activation_, linear_->forward(x));
}

ConvImpl::ConvImpl(const ir::ConvAttrs& a) : activation_(a.activation) {
  const bool symmetric = a.pad_begin == a.pad_end;
  const std::vector<std::int64_t> padding =
      symmetric ? a.pad_begin : std::vector<std::int64_t>(a.pad_begin.size(), 0);
  if (!symmetric) explicit_pad_ = ir::last_dimension_first(a.pad_begin, a.pad_end);
  if (a.kernel_size.size() == 2) {
    conv_ = torch::nn::AnyModule(register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(a.in_channels, a.filters, a.kernel_size)
                                      .stride(a.strides)
                                      .padding(torch::ExpandingArray<2>(padding))
                                      .dilation(a.dilation)
                                      .groups(a.groups)
                                      .bias(a.use_bias))));
  } else {
    conv_ = torch::nn::AnyModule(register_module(
        "conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(a.in_channels, a.filters, a.kernel_size)
                                      .stride(a.strides)
                                      .padding(torch::ExpandingArray<1>(padding))
                                      .dilation(a.dilation)
                                      .groups(a.groups)
                                      .bias(a.use_bias))));
  }
}

torch::Tensor ConvImpl::forward(const torch::Tensor& x) {
  torch::Tensor input = x;
  if (!explicit_pad_.empty()) input = F::pad(input, F::PadFuncOptions(explicit_pad_));
  return apply_activation(activation_, conv_.forward(input));
}

torch::nn::Conv2dImpl* ConvImpl::conv2d() const {
  return dynamic_cast<torch::nn::Conv2dImpl*>(conv_.ptr().get());
}

torch::nn::AnyModule make_layer(const ir::Layer& layer) {
  switch (layer.kind) {
    case ir::LayerKind::kDense:
    case ir::LayerKind::kOutput: {
      const auto& a = attrs_of<ir::DenseAttrs>(layer);
      return torch::nn::AnyModule(Dense(a, !a.activation_in_loss));
    }
    case ir::LayerKind::kDropout:
      return torch::nn::AnyModule(torch::nn::Dropout(attrs_of<ir::DropoutAttrs>(layer).rate));
    case ir::LayerKind::kConv1D:
    case ir::LayerKind::kConv2D:
      return torch::nn::AnyModule(Conv(attrs_of<ir::ConvAttrs>(layer)));
    case ir::LayerKind::kMaxPooling1D:
    case ir::LayerKind::kMaxPooling2D:
    case ir::LayerKind::kAveragePooling1D:
    case ir::LayerKind::kAveragePooling2D:
      return make_pool(layer);
    case ir::LayerKind::kBatchNormalization:
      return make_batch_norm(layer);
    case ir::LayerKind::kLayerNormalization: {
      const auto& a = attrs_of<ir::NormAttrs>(layer);
      return torch::nn::AnyModule(torch::nn::LayerNorm(torch::nn::LayerNormOptions({a.num_features})
                                                           .eps(a.epsilon)
                                                           .elementwise_affine(a.affine)));
    }
    case ir::LayerKind::kEmbedding: {
      const auto& a = attrs_of<ir::EmbeddingAttrs>(layer);
      return torch::nn::AnyModule(torch::nn::Embedding(a.input_dim, a.output_dim));
    }
    case ir::LayerKind::kLSTM:
    case ir::LayerKind::kGRU:
      return torch::nn::AnyModule(Recurrent(layer.kind, attrs_of<ir::RecurrentAttrs>(layer)));
    case ir::LayerKind::kMultiHeadAttention:
      return torch::nn::AnyModule(SelfAttention(attrs_of<ir::AttentionAttrs>(layer)));
    case ir::LayerKind::kTransformerEncoder:
      return torch::nn::AnyModule(Transformer(attrs_of<ir::TransformerAttrs>(layer)));
    case ir::LayerKind::kResidual:
      return torch::nn::AnyModule(Residual(layer));
    case ir::LayerKind::kClassToken:
      return torch::nn::AnyModule(ClassToken(attrs_of<ir::TokenAttrs>(layer)));
    case ir::LayerKind::kPositionEmbedding:
      return torch::nn::AnyModule(PositionEmbedding(attrs_of<ir::TokenAttrs>(layer)));
    case ir::LayerKind::kPatchesToSequence:
    case ir::LayerKind::kSelectToken:
    case ir::LayerKind::kFlatten:
    case ir::LayerKind::kGlobalAveragePooling1D:
    case ir::LayerKind::kGlobalAveragePooling2D:
    case ir::LayerKind::kReshape:
    case ir::LayerKind::kPermute:
    case ir::LayerKind::kActivation:
      return make_reshaping(layer);
  }
  throw InputError("model builder: layer '" + layer.name + "' has an unknown kind");
}

}  // namespace nnbench::engine

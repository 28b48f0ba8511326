// The inference fusion pass (see inference_fusion.hpp).
#include "nnbench/engine/models/inference_fusion.hpp"

#include <ATen/ops/cudnn_convolution_add_relu.h>
#include <ATen/ops/cudnn_convolution_relu.h>
#include <torch/torch.h>

#include <variant>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {
namespace {

std::vector<std::int64_t> to_vector(torch::IntArrayRef values) { return values.vec(); }

// The convolution's zero padding as a list; a string padding ("same", "valid") or another
// padding mode cannot be folded into one fused call.
std::vector<std::int64_t> zero_padding(const torch::nn::detail::ConvNdOptions<2>& options) {
  if (!std::holds_alternative<torch::enumtype::kZeros>(options.padding_mode())) {
    throw InputError("fusion: only zero-padded convolutions can be fused");
  }
  if (const auto* explicit_padding = std::get_if<torch::ExpandingArray<2>>(&options.padding())) {
    return to_vector(*explicit_padding);
  }
  if (std::holds_alternative<torch::enumtype::kValid>(options.padding())) return {0, 0};
  throw InputError("fusion: a convolution with padding 'same' cannot be fused; give the padding");
}

std::int64_t parameter_count(torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const torch::Tensor& p : module.parameters()) count += p.numel();
  return count;
}

bool cudnn_can_run(const torch::Tensor& x, const torch::Tensor& weight) {
  return x.is_cuda() && at::globalContext().userEnabledCuDNN() &&
         x.scalar_type() == weight.scalar_type();
}

}  // namespace

std::string FusionReport::summary() const {
  if (!changed()) return "nothing to fuse";
  return fmt::format(
      "{} convolutions fused: {} batch norms folded, {} ReLUs, {} residual adds; {} -> {} "
      "parameters",
      convolutions_fused, batch_norms_folded, relus_fused, residual_adds_fused, parameters_before,
      parameters_after);
}

FusedConv2dImpl::FusedConv2dImpl(const torch::nn::Conv2dImpl& conv,
                                 const torch::nn::BatchNorm2dImpl* norm, bool relu,
                                 std::vector<std::int64_t> input_pad)
    : stride_(to_vector(*conv.options.stride())),
      padding_(zero_padding(conv.options)),
      dilation_(to_vector(*conv.options.dilation())),
      input_pad_(std::move(input_pad)),
      groups_(conv.options.groups()),
      relu_(relu) {
  torch::NoGradGuard no_grad;
  const torch::Tensor& w = conv.weight;
  const std::int64_t out_channels = w.size(0);
  torch::Tensor folded_weight = w.to(torch::kFloat64);
  torch::Tensor folded_bias = conv.bias.defined()
                                  ? conv.bias.to(torch::kFloat64)
                                  : torch::zeros({out_channels}, folded_weight.options());
  if (norm != nullptr) {
    if (!norm->options.track_running_stats() || !norm->running_mean.defined()) {
      throw InputError("fusion: a batch norm without running statistics cannot be folded");
    }
    if (norm->running_mean.size(0) != out_channels) {
      throw InputError(fmt::format("fusion: batch norm of {} channels after a convolution of {}",
                                   norm->running_mean.size(0), out_channels));
    }
    const torch::Tensor inv_std =
        (norm->running_var.to(torch::kFloat64) + norm->options.eps()).rsqrt();
    torch::Tensor scale = inv_std;
    torch::Tensor shift = -norm->running_mean.to(torch::kFloat64) * inv_std;
    if (norm->options.affine()) {
      const torch::Tensor gamma = norm->weight.to(torch::kFloat64);
      scale = scale * gamma;
      shift = shift * gamma + norm->bias.to(torch::kFloat64);
    }
    folded_weight = folded_weight * scale.view({-1, 1, 1, 1});
    folded_bias = folded_bias * scale + shift;
  }
  // The weight keeps the convolution's memory format (channels_last stays channels_last).
  torch::Tensor new_weight = torch::empty_like(w);
  new_weight.copy_(folded_weight);
  weight = register_parameter("weight", new_weight, false);
  bias = register_parameter("bias", folded_bias.to(w.options()), false);
}

torch::Tensor FusedConv2dImpl::padded(const torch::Tensor& x) const {
  return input_pad_.empty() ? x : at::constant_pad_nd(x, input_pad_, 0);
}

torch::Tensor FusedConv2dImpl::forward(const torch::Tensor& input) {
  const torch::Tensor x = padded(input);
  if (relu_ && cudnn_can_run(x, weight)) {
    return at::cudnn_convolution_relu(x, weight, bias, stride_, padding_, dilation_, groups_);
  }
  torch::Tensor y = at::conv2d(x, weight, bias, stride_, padding_, dilation_, groups_);
  return relu_ ? y.relu_() : y;
}

torch::Tensor FusedConv2dImpl::forward_add(const torch::Tensor& input,
                                           const torch::Tensor& residual) {
  const torch::Tensor x = padded(input);
  if (cudnn_can_run(x, weight) && residual.scalar_type() == x.scalar_type()) {
    return at::cudnn_convolution_add_relu(x, weight, residual, 1.0, bias, stride_, padding_,
                                          dilation_, groups_);
  }
  torch::Tensor y = at::conv2d(x, weight, bias, stride_, padding_, dilation_, groups_);
  return y.add_(residual).relu_();
}

FusionReport fuse_for_inference(torch::nn::Module& root) {
  FusionReport report;
  report.parameters_before = parameter_count(root);
  // modules() lists a parent before its children; walking it backwards fuses children first,
  // so a block sees its children's fused form (a Residual finds its body's last convolution).
  const std::vector<std::shared_ptr<torch::nn::Module>> modules = root.modules(false);
  for (auto it = modules.rbegin(); it != modules.rend(); ++it) {
    if (auto* fusable = dynamic_cast<InferenceFusable*>(it->get())) {
      fusable->fuse_for_inference(report);
    }
  }
  if (auto* fusable = dynamic_cast<InferenceFusable*>(&root)) fusable->fuse_for_inference(report);
  report.parameters_after = parameter_count(root);
  return report;
}

}  // namespace nnbench::engine

// build_model(): the network module (a stack of layer modules), its training and inference
// forwards, seeded construction and example inputs.
#include "nnbench/engine/models/model_builder.hpp"

#include <variant>

#include <torch/utils.h>

#include "model_builder_modules.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::engine {

namespace ir = dsl::ir;

LayerStackImpl::LayerStackImpl(const std::vector<ir::Layer>& layers) {
  for (const ir::Layer& layer : layers) {
    torch::nn::AnyModule module = make_layer(layer);
    const std::size_t slash = layer.name.rfind('/');
    const std::string name = slash == std::string::npos ? layer.name : layer.name.substr(slash + 1);
    register_module(name, module.ptr());
    layers_.push_back(std::move(module));
    names_.push_back(name);
    is_relu_.push_back(layer.kind == ir::LayerKind::kActivation &&
                       std::get<ir::ActivationAttrs>(layer.attrs).activation.kind ==
                           ir::ActivationKind::kRelu);
  }
}

torch::Tensor LayerStackImpl::forward(torch::Tensor input) {
  for (torch::nn::AnyModule& layer : layers_) input = layer.forward(input);
  return input;
}

torch::Tensor LayerStackImpl::forward_prefix(torch::Tensor input, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) input = layers_.at(i).forward(input);
  return input;
}

void LayerStackImpl::fuse_for_inference(FusionReport& report) {
  std::vector<torch::nn::AnyModule> layers;
  std::vector<std::string> names;
  std::vector<bool> is_relu;
  bool changed = false;
  const auto keep = [&](std::size_t i) {
    layers.push_back(layers_[i]);
    names.push_back(names_[i]);
    is_relu.push_back(is_relu_[i]);
  };
  for (std::size_t i = 0; i < layers_.size();) {
    if (const auto conv = std::dynamic_pointer_cast<ConvImpl>(layers_[i].ptr());
        conv && conv->conv2d() != nullptr && conv->fusable_activation()) {
      // Conv2D [BatchNormalization] [Activation("relu")] -> one FusedConv2d.
      std::size_t next = i + 1;
      bool relu = conv->activation_is_relu();
      torch::nn::BatchNorm2dImpl* norm = nullptr;
      if (!relu && next < layers_.size()) {
        norm = dynamic_cast<torch::nn::BatchNorm2dImpl*>(layers_[next].ptr().get());
        if (norm != nullptr) ++next;
      }
      if (!relu && next < layers_.size() && is_relu_[next]) {
        relu = true;
        ++next;
      }
      layers.emplace_back(FusedConv2d(*conv->conv2d(), norm, relu, conv->explicit_pad()));
      names.push_back(names_[i]);
      is_relu.push_back(false);
      report.convolutions_fused += 1;
      report.batch_norms_folded += norm != nullptr ? 1 : 0;
      report.relus_fused += relu ? 1 : 0;
      changed = true;
      i = next;
      continue;
    }
    // Residual followed by Activation("relu"): the add and the ReLU go into the body's last
    // convolution.
    if (const auto residual = std::dynamic_pointer_cast<ResidualImpl>(layers_[i].ptr());
        residual && i + 1 < layers_.size() && is_relu_[i + 1] && residual->fuse_add_relu()) {
      keep(i);
      report.residual_adds_fused += 1;
      report.relus_fused += 1;
      changed = true;
      i += 2;
      continue;
    }
    keep(i);
    ++i;
  }
  if (!changed) return;
  // Re-register in the new order, so parameters() lists the fused model front to back.
  for (const std::string& name : names_) unregister_module(name);
  for (std::size_t i = 0; i < layers.size(); ++i) register_module(names[i], layers[i].ptr());
  layers_ = std::move(layers);
  names_ = std::move(names);
  is_relu_ = std::move(is_relu);
}

IrNetworkImpl::IrNetworkImpl(const ir::Network& network) : LayerStackImpl(network.layers) {
  if (network.layers.empty()) {
    throw InputError("model builder: network '" + network.name + "' has no layers");
  }
  const ir::Layer& last = network.layers.back();
  if (last.kind == ir::LayerKind::kOutput) {
    const auto& attrs = std::get<ir::DenseAttrs>(last.attrs);
    folded_ = attrs.activation_in_loss;
    if (folded_) final_activation_ = attrs.activation;
  }
}

torch::Tensor IrNetworkImpl::predict(torch::Tensor input) {
  torch::Tensor output = forward(std::move(input));
  return folded_ ? apply_activation(final_activation_, output) : output;
}

std::int64_t BuiltModel::parameter_count() const {
  std::int64_t count = 0;
  for (const torch::Tensor& p : module->parameters()) count += p.numel();
  return count;
}

BuiltModel build_model(const ir::Network& network, const BuildOptions& options) {
  torch::manual_seed(options.seed);
  BuiltModel built;
  built.module = IrNetwork(network);
  built.loss = make_loss(network);
  const ir::Optimizer settings = network.optimizer;
  built.make_optimizer = [settings](std::vector<torch::Tensor> parameters) {
    return make_optimizer(settings, std::move(parameters));
  };
  return built;
}

torch::Tensor example_input(const ir::Network& network, std::int64_t batch) {
  std::vector<std::int64_t> shape{batch};
  shape.insert(shape.end(), network.input_shape.begin(), network.input_shape.end());
  if (network.input_dtype == ir::InputDType::kInt64) {
    std::int64_t vocabulary = 1;
    if (!network.layers.empty()) {
      if (const auto* e = std::get_if<ir::EmbeddingAttrs>(&network.layers.front().attrs)) {
        vocabulary = e->input_dim;
      }
    }
    return torch::randint(vocabulary, shape, torch::kInt64);
  }
  return torch::randn(shape);
}

}  // namespace nnbench::engine

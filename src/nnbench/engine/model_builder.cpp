// build_model(): the network module (a stack of layer modules), its training and inference
// forwards, seeded construction and example inputs.
#include "nnbench/engine/model_builder.hpp"

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
  }
}

torch::Tensor LayerStackImpl::forward(torch::Tensor input) {
  for (torch::nn::AnyModule& layer : layers_) input = layer.forward(input);
  return input;
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

// The inference model zoo (see model_zoo.hpp).
#include "nnbench/engine/models/model_zoo.hpp"

#include <torch/utils.h>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/suggest.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/models/resnet.hpp"
#include "nnbench/engine/models/scaling_mlp.hpp"
#include "nnbench/engine/models/vision_transformer.hpp"

namespace nnbench::engine {

std::int64_t ZooModel::parameter_count() const {
  std::int64_t count = 0;
  for (const torch::Tensor& p : module->parameters()) count += p.numel();
  return count;
}

const std::vector<std::string>& zoo_model_names() {
  static const std::vector<std::string> names = {"resnet50", "vit_b_16", "scaling_mlp"};
  return names;
}

namespace {

// A zoo entry for a LibTorch module holder whose forward takes and returns one tensor.
template <typename Net>
ZooModel wrap(const std::string& name, Net net, std::vector<std::int64_t> sample_shape,
              std::int64_t classes, std::int64_t macs_per_sample, bool convolutional) {
  ZooModel model;
  model.name = name;
  model.module = net.ptr();
  model.forward = [net](const torch::Tensor& x) mutable { return net->forward(x); };
  model.sample_shape = std::move(sample_shape);
  model.classes = classes;
  model.macs_per_sample = macs_per_sample;
  model.convolutional = convolutional;
  return model;
}

ZooModel language_model(const std::string& path, const ZooOptions& options) {
  const std::vector<dsl::ir::Network> networks = dsl::compile_file(path);
  auto network = std::make_shared<const dsl::ir::Network>(networks.front());
  const BuiltModel built = build_model(*network, {options.seed});
  ZooModel model;
  model.name = network->name;
  model.module = built.module.ptr();
  model.forward = [net = built.module](const torch::Tensor& x) mutable { return net->predict(x); };
  model.sample_shape = network->input_shape;
  model.classes = network->output_shape.empty() ? 1 : network->output_shape.back();
  model.macs_per_sample = network->total_macs;
  model.convolutional = network->input_shape.size() == 3;
  model.network = std::move(network);
  return model;
}

}  // namespace

ZooModel make_zoo_model(const std::string& name, const ZooOptions& options) {
  if (name.ends_with(".nn")) return language_model(name, options);
  torch::manual_seed(options.seed);
  const std::vector<std::int64_t> image{3, options.image_size, options.image_size};
  if (name == "resnet50") {
    ResNetConfig config;
    config.image_size = options.image_size;
    ResNet net(config);
    return wrap(name, net, image, config.num_classes, net->macs_per_sample(), true);
  }
  if (name == "vit_b_16") {
    VitConfig config;
    config.image_size = options.image_size;
    VisionTransformer net(config);
    return wrap(name, net, image, config.num_classes, net->macs_per_sample(), false);
  }
  if (name == "scaling_mlp") {
    ScalingMlpShape shape;
    shape.hidden_dim = options.hidden_dim;
    return wrap(name, make_scaling_mlp(shape), {shape.input_dim}, shape.output_dim,
                shape.macs_per_sample(), false);
  }
  const std::optional<std::string> hint = closest_match(name, zoo_model_names());
  throw InputError(
      fmt::format("unknown model '{}'{}; known: resnet50, vit_b_16, scaling_mlp, or a .nn file",
                  name, hint ? " (did you mean '" + *hint + "'?)" : ""));
}

}  // namespace nnbench::engine

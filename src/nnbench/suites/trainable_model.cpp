// make_trainable_model / make_training_batch: the language's models and the zoo's, ready to train.
#include "nnbench/suites/trainable_model.hpp"

#include "nnbench/core/state.hpp"
#include "nnbench/engine/models/model_builder.hpp"
#include "nnbench/engine/models/model_zoo.hpp"
#include "nnbench/suites/model_catalogue.hpp"

namespace nnbench::suites {
namespace {

TrainableModel language_model(const State& state, const dsl::ir::Network& network) {
  const engine::BuiltModel built = engine::build_model(network, {state.seed()});
  TrainableModel trainable;
  trainable.name = network.name;
  trainable.module = built.module.ptr();
  trainable.step.forward = [built](const torch::Tensor& x) { return built.forward(x); };
  trainable.step.infer = [built](const torch::Tensor& x) { return built.infer(x); };
  trainable.step.loss = built.loss;
  trainable.step.make_optimizer = [built] {
    return built.make_optimizer(built.module->parameters());
  };
  trainable.sample_shape = network.input_shape;
  trainable.output_shape = network.output_shape;
  if (network.loss == dsl::ir::Loss::kSparseCategoricalCrossentropy) {
    trainable.classes = network.output_shape.back();
  }
  trainable.network = network;
  return trainable;
}

TrainableModel zoo_model(const State& state, const std::string& model) {
  const engine::ZooModel zoo = engine::make_zoo_model(model, {.seed = state.seed()});
  TrainableModel trainable;
  trainable.name = model;
  trainable.module = zoo.module;
  trainable.step.forward = zoo.forward;
  trainable.step.infer = zoo.forward;
  trainable.step.loss = [](const torch::Tensor& logits, const torch::Tensor& target) {
    return torch::nn::functional::cross_entropy(logits, target);
  };
  trainable.step.make_optimizer = [module = zoo.module] {
    return std::make_unique<torch::optim::Adam>(module->parameters(),
                                                torch::optim::AdamOptions(1e-3));
  };
  trainable.sample_shape = zoo.sample_shape;
  trainable.classes = zoo.classes;
  trainable.output_shape = {zoo.classes};
  return trainable;
}

}  // namespace

TrainableModel make_trainable_model(const State& state, const ModelSource& model,
                                    torch::ScalarType dtype, const torch::Device& device) {
  TrainableModel trainable = model.kind == ModelKind::Zoo
                                 ? zoo_model(state, model.name)
                                 : language_model(state, load_language_model(model));
  trainable.module->to(device, dtype);
  trainable.module->train();
  return trainable;
}

TrainableModel make_trainable_model(const State& state, const dsl::ir::Network& network,
                                    torch::ScalarType dtype, const torch::Device& device) {
  TrainableModel trainable = language_model(state, network);
  trainable.module->to(device, dtype);
  trainable.module->train();
  return trainable;
}

TrainingBatch make_training_batch(const TrainableModel& model, std::int64_t batch,
                                  torch::ScalarType dtype, const torch::Device& device,
                                  std::uint64_t seed) {
  torch::manual_seed(seed);
  TrainingBatch made;
  if (model.network) {
    made.input = engine::example_input(*model.network, batch);
  } else {
    std::vector<std::int64_t> shape{batch};
    shape.insert(shape.end(), model.sample_shape.begin(), model.sample_shape.end());
    made.input = torch::randn(shape);
  }
  if (made.input.is_floating_point()) made.input = made.input.to(dtype);
  if (model.classes > 0) {
    made.target = torch::randint(model.classes, {batch}, torch::kInt64);
  } else {
    std::vector<std::int64_t> shape{batch};
    shape.insert(shape.end(), model.output_shape.begin(), model.output_shape.end());
    made.target = torch::rand(shape).to(dtype);
  }
  made.input = made.input.to(device);
  made.target = made.target.to(device);
  return made;
}

}  // namespace nnbench::suites

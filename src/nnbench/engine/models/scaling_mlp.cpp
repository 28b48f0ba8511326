// The scaling MLP (see scaling_mlp.hpp).
#include "nnbench/engine/models/scaling_mlp.hpp"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

std::int64_t ScalingMlpShape::parameter_count() const {
  std::int64_t count = (input_dim + 1) * hidden_dim;
  count += (depth - 1) * (hidden_dim + 1) * hidden_dim;
  count += (hidden_dim + 1) * output_dim;
  return count;
}

std::int64_t ScalingMlpShape::macs_per_sample() const {
  return input_dim * hidden_dim + (depth - 1) * hidden_dim * hidden_dim + hidden_dim * output_dim;
}

torch::nn::Sequential make_scaling_mlp(const ScalingMlpShape& shape) {
  if (shape.input_dim < 1 || shape.hidden_dim < 1 || shape.depth < 1 || shape.output_dim < 1) {
    throw InputError("scaling MLP: input_dim, hidden_dim, depth and output_dim must be >= 1");
  }
  torch::nn::Sequential model;
  model->push_back(torch::nn::Linear(shape.input_dim, shape.hidden_dim));
  model->push_back(torch::nn::ReLU());
  for (std::int64_t i = 1; i < shape.depth; ++i) {
    model->push_back(torch::nn::Linear(shape.hidden_dim, shape.hidden_dim));
    model->push_back(torch::nn::ReLU());
  }
  model->push_back(torch::nn::Linear(shape.hidden_dim, shape.output_dim));
  return model;
}

}  // namespace nnbench::engine

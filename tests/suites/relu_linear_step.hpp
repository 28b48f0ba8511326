// The training step of the breakdown tests: relu(model(x)), its sum as the loss, Adam 1e-3 over
// the model's parameters. Sizes known by hand for Linear(64 -> 32) at batch 16.
#pragma once

#include <memory>

#include <torch/torch.h>

#include "nnbench/suites/memory_breakdown.hpp"

namespace nnbench::suites::testing {

inline TrainingStep relu_linear_step(torch::nn::Linear model) {
  TrainingStep step;
  step.forward = [model](const torch::Tensor& x) mutable { return torch::relu(model(x)); };
  step.infer = step.forward;
  step.loss = [](const torch::Tensor& output, const torch::Tensor&) { return output.sum(); };
  step.make_optimizer = [model] {
    return std::make_unique<torch::optim::Adam>(model->parameters(),
                                                torch::optim::AdamOptions(1e-3));
  };
  return step;
}

}  // namespace nnbench::suites::testing

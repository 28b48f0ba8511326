// Minibatch training and evaluation of a classifier: what one timed epoch of a training
// benchmark runs, and the untimed evaluation around it.
#pragma once

#include <cstdint>
#include <functional>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include "nnbench/core/option.hpp"
#include "nnbench/core/state.hpp"
#include "nnbench/engine/data/data_loader.hpp"

namespace nnbench::suites {

// Option `data` of the training benchmarks: an MNIST-format directory, or "synthetic" (random
// images and labels of the same shape); default Debian's Fashion-MNIST.
Option training_data_option();
// The option's value, or the default directory.
std::string training_data_source(const State& state);

// forward(inputs) -> logits for training and evaluation.
using ForwardFunction = std::function<torch::Tensor(const torch::Tensor&)>;
// loss(logits, targets) -> scalar mean over the batch.
using LossFunction = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;

// One epoch: for every batch, zero_grad, forward, loss, backward, step. Returns the mean training
// loss over the epoch's samples. The loss is summed on the device and read once at the end (the
// only host synchronisation of the epoch). Puts `module` in training mode.
double train_epoch(torch::nn::Module& module, const ForwardFunction& forward,
                   const LossFunction& loss, torch::optim::Optimizer& optimizer,
                   engine::DataLoader& loader);

struct Evaluation {
  double loss = 0;      // mean over samples
  double accuracy = 0;  // fraction of samples whose argmax equals the target
  std::int64_t samples = 0;
};

// Evaluates in eval mode without autograd, in batches of `batch_size`, then restores training
// mode. An empty part gives samples = 0 and zeros.
Evaluation evaluate(torch::nn::Module& module, const ForwardFunction& forward,
                    const LossFunction& loss, const engine::TensorPair& data,
                    std::int64_t batch_size);

}  // namespace nnbench::suites

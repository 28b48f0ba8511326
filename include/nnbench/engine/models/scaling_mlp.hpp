// The scaling MLP of the inference seed: input -> hidden x depth (ReLU) -> output. Its hidden
// width is the knob of model-size sweeps.
#pragma once

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

namespace nnbench::engine {

struct ScalingMlpShape {
  std::int64_t input_dim = 1024;
  std::int64_t hidden_dim = 512;
  std::int64_t depth = 3;  // hidden layers
  std::int64_t output_dim = 10;

  std::int64_t parameter_count() const;
  // Multiply-accumulates of one forward pass for one sample.
  std::int64_t macs_per_sample() const;
};

// A torch::nn::Sequential of Linear/ReLU layers with LibTorch's default initialisation.
torch::nn::Sequential make_scaling_mlp(const ScalingMlpShape& shape);

}  // namespace nnbench::engine

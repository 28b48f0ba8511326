// The memory of one training step, phase by phase, measured with the allocators' own reports
// (engine::AllocationTracker) on the device the model lives on: what the forward pass keeps for
// backward, what backward allocates for the gradients, what the optimizer's first step allocates
// for its state, and the peaks; and the peak of one inference forward pass.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <torch/torch.h>

namespace nnbench::suites {

struct MemoryBreakdown {
  std::int64_t parameter_bytes = 0;        // the parameters as the model holds them
  std::int64_t activation_bytes = 0;       // kept after forward: saved for backward, and the loss
  std::int64_t gradient_bytes = 0;         // kept after backward (the .grad tensors)
  std::int64_t optimizer_state_bytes = 0;  // kept after the optimizer's first step
  std::int64_t backward_peak_bytes = 0;    // highest during backward, above the step's start
  std::int64_t step_peak_bytes = 0;        // highest during the whole step, above its start
  std::int64_t inference_peak_bytes = 0;   // highest during a no-grad forward, above its start
};

struct TrainingStep {
  std::function<torch::Tensor(const torch::Tensor&)> forward;  // training forward
  std::function<torch::Tensor(const torch::Tensor&)> infer;    // inference forward
  std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)> loss;
  // Makes the optimizer (its state is allocated by its first step, inside the measurement).
  std::function<std::unique_ptr<torch::optim::Optimizer>()> make_optimizer;
};

// Measures one training step of a model whose parameters (`parameters`, already on `device`)
// have no gradients yet, with `input` and `target` already there: forward, backward, optimizer
// step, then one inference forward. Gradients are left allocated; the optimizer is dropped.
MemoryBreakdown measure_memory_breakdown(const std::vector<torch::Tensor>& parameters,
                                         const TrainingStep& step, const torch::Tensor& input,
                                         const torch::Tensor& target, const torch::Device& device);

}  // namespace nnbench::suites

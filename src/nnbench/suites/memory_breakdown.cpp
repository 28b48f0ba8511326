// One training step's memory, phase by phase (see memory_breakdown.hpp).
#include "nnbench/suites/memory_breakdown.hpp"

#include <algorithm>

#include "nnbench/engine/instruments/allocation_tracker.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"

namespace nnbench::suites {

MemoryBreakdown measure_memory_breakdown(const std::vector<torch::Tensor>& parameters,
                                         const TrainingStep& step, const torch::Tensor& input,
                                         const torch::Tensor& target, const torch::Device& device) {
  using Where = engine::AllocationTracker::Where;
  const Where where = device.is_cuda() ? Where::kDevice : Where::kHost;
  MemoryBreakdown breakdown;
  for (const torch::Tensor& p : parameters)
    breakdown.parameter_bytes += p.numel() * p.element_size();

  // One forward and backward pass first, its gradients dropped: what the libraries allocate once
  // per process and keep (cuBLAS's workspaces on a GPU, held by the caching allocator) would
  // otherwise be counted in the first variant's activations and gradients.
  step.loss(step.forward(input), target).backward();
  for (const torch::Tensor& p : parameters) p.mutable_grad() = torch::Tensor();

  std::unique_ptr<torch::optim::Optimizer> optimizer = step.make_optimizer();
  engine::synchronize(device);
  {
    engine::AllocationTracker tracker;
    torch::Tensor loss = step.loss(step.forward(input), target);
    engine::synchronize(device);
    breakdown.activation_bytes = tracker.current(where);
    const std::int64_t forward_peak = tracker.peak(where);

    tracker.reset_peak();
    loss.backward();
    loss = torch::Tensor();  // the graph is freed; nothing of the forward pass is left
    engine::synchronize(device);
    breakdown.backward_peak_bytes = tracker.peak(where);
    breakdown.gradient_bytes = tracker.current(where);

    optimizer->step();
    engine::synchronize(device);
    breakdown.optimizer_state_bytes = tracker.current(where) - breakdown.gradient_bytes;
    breakdown.step_peak_bytes = std::max(forward_peak, tracker.peak(where));
  }
  optimizer.reset();
  {
    torch::InferenceMode inference;
    engine::AllocationTracker tracker;
    const torch::Tensor output = step.infer(input);
    engine::synchronize(device);
    breakdown.inference_peak_bytes = tracker.peak(where);
  }
  return breakdown;
}

}  // namespace nnbench::suites

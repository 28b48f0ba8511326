// The training-step breakdown on a GPU, measured right after cuBLAS's workspaces were freed (as in
// the first variant of a process): the workspaces cuBLAS takes back from the caching allocator on
// its first product must not count as activations or gradients. relu(Linear(64 -> 32)) under
// Adam, batch 16, fp32: the sizes of memory_breakdown_test.cpp, in whole caching-allocator blocks.
#include <ATen/cuda/CUDAContextLight.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nnbench/suites/memory_breakdown.hpp"
#include "relu_linear_step.hpp"

namespace nnbench::suites {
namespace {

TEST(MemoryBreakdownGpu, FirstMeasurementAfterCublasWorkspacesFreed_CountsOnlyTheModel) {
  const torch::Device gpu(torch::kCUDA, 0);
  torch::manual_seed(0);
  torch::nn::Linear model(64, 32);
  model->to(gpu);
  const torch::Tensor input = torch::randn({16, 64}, gpu);
  const torch::Tensor target = torch::randn({16, 32}, gpu);
  const TrainingStep step = testing::relu_linear_step(model);
  torch::cuda::synchronize();
  at::cuda::clearCublasWorkspaces();
  const MemoryBreakdown b = measure_memory_breakdown(model->parameters(), step, input, target, gpu);

  // The caching allocator rounds each block up to 512 bytes: weight 8,192, bias 128 -> 512.
  const std::int64_t gradient_blocks = 8192 + 512;
  EXPECT_EQ(b.gradient_bytes, gradient_blocks);
  EXPECT_EQ(b.optimizer_state_bytes, 2 * gradient_blocks);
  // relu's 16 x 32 result (2,048 bytes) and the loss (one float, a 512-byte block).
  EXPECT_EQ(b.activation_bytes, 2048 + 512);
  EXPECT_LT(b.step_peak_bytes, 1 << 20) << "a workspace of megabytes counted in the step";
}

}  // namespace
}  // namespace nnbench::suites

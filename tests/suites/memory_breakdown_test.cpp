// The training-step breakdown on a model whose sizes are known by hand: relu(Linear(64 -> 32))
// with a bias under Adam, the sum as the loss, batch 16, fp32 on the CPU.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nnbench/suites/memory_breakdown.hpp"
#include "relu_linear_step.hpp"

namespace nnbench::suites {
namespace {

TEST(MemoryBreakdown, ReluLinearUnderAdam_MatchesTheArithmetic) {
  torch::manual_seed(0);
  torch::nn::Linear model(64, 32);
  const torch::Tensor input = torch::randn({16, 64});
  const torch::Tensor target = torch::randn({16, 32});
  const TrainingStep step = testing::relu_linear_step(model);
  const MemoryBreakdown b =
      measure_memory_breakdown(model->parameters(), step, input, target, torch::kCPU);

  const std::int64_t params = (64 * 32 + 32) * 4;  // 8,320 bytes
  EXPECT_EQ(b.parameter_bytes, params);
  EXPECT_EQ(b.gradient_bytes, params);             // one gradient per parameter, fp32
  EXPECT_EQ(b.optimizer_state_bytes, 2 * params);  // Adam: first and second moments
  // relu keeps its 16 x 32 result for backward (the product before it is released); the loss
  // is one float.
  EXPECT_EQ(b.activation_bytes, 16 * 32 * 4 + 4);
  // Backward holds the saved result and the gradients at once, at least.
  EXPECT_GE(b.backward_peak_bytes, b.activation_bytes + params);
  EXPECT_GE(b.step_peak_bytes, b.backward_peak_bytes);
  // Inference: the product and relu's result, 16 x 32 each.
  EXPECT_EQ(b.inference_peak_bytes, 2 * 16 * 32 * 4);
}

}  // namespace
}  // namespace nnbench::suites

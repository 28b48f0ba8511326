// The allocation tracker against tensors of known sizes on the CPU.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nnbench/engine/instruments/allocation_tracker.hpp"

namespace nnbench::engine {
namespace {

using Where = AllocationTracker::Where;

TEST(AllocationTracker, CountsTensorBuffersAndTheirRelease) {
  AllocationTracker tracker;
  EXPECT_EQ(tracker.current(Where::kHost), 0);
  torch::Tensor a = torch::empty({1000}, torch::kFloat32);  // 4,000 bytes
  EXPECT_EQ(tracker.current(Where::kHost), 4000);
  {
    const torch::Tensor b = torch::empty({250, 2}, torch::kFloat64);  // 4,000 more
    EXPECT_EQ(tracker.current(Where::kHost), 8000);
  }
  EXPECT_EQ(tracker.current(Where::kHost), 4000);
  EXPECT_EQ(tracker.peak(Where::kHost), 8000);
  tracker.reset_peak();
  EXPECT_EQ(tracker.peak(Where::kHost), 4000);
  a = torch::Tensor();
  EXPECT_EQ(tracker.current(Where::kHost), 0);
  EXPECT_EQ(tracker.current(Where::kDevice), 0);
}

// LibTorch reports no size for a buffer allocated before the hook was installed: its release
// leaves the figures unchanged.
TEST(AllocationTracker, CountsOnlyWhatItsLifetimeAllocates) {
  torch::Tensor before = torch::empty({100}, torch::kFloat32);
  AllocationTracker tracker;
  const torch::Tensor during = torch::empty({10}, torch::kFloat32);
  before = torch::Tensor();
  EXPECT_EQ(tracker.current(Where::kHost), 40);
}

// Autograd's backward allocates the gradients; the tracker sees them.
TEST(AllocationTracker, SeesTheGradientsBackwardAllocates) {
  torch::Tensor w = torch::randn({256, 64}, torch::requires_grad());
  const torch::Tensor x = torch::randn({8, 256});
  AllocationTracker tracker;
  torch::Tensor loss = x.matmul(w).relu().sum();
  // relu keeps its 8 x 64 result for backward; the loss is 4 bytes more.
  EXPECT_EQ(tracker.current(Where::kHost), 8 * 64 * 4 + 4);
  loss.backward();
  loss = torch::Tensor();
  EXPECT_EQ(tracker.current(Where::kHost), 256 * 64 * 4);  // w.grad; the saved result released
  EXPECT_GE(tracker.peak(Where::kHost), 256 * 64 * 4 + 8 * 64 * 4);
}

}  // namespace
}  // namespace nnbench::engine

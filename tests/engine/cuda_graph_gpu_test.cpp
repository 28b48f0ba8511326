// CapturedForward on a GPU: a replay computes what the eager forward computes, follows new
// values written into the static input, and runs on the caller's stream; captures share one
// stream, so cuBLAS's workspace is allocated once, not once per captured variant.
#include <c10/cuda/CUDACachingAllocator.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "nnbench/engine/cuda_graph.hpp"
#include "nnbench/engine/model_zoo.hpp"

namespace nnbench::engine {
namespace {

TEST(CapturedForwardGpu, ReplayMatchesEager_AndFollowsTheStaticInput) {
  ASSERT_TRUE(torch::cuda::is_available());
  const torch::Device cuda(torch::kCUDA, 0);
  ZooModel model = make_zoo_model("resnet50", {.image_size = 64, .seed = 1});
  model.module->to(cuda);
  model.module->eval();
  torch::InferenceMode inference;
  torch::Tensor input = torch::randn({4, 3, 64, 64}, torch::device(cuda));
  CapturedForward graph([&] { return model.forward(input); }, cuda);
  EXPECT_GT(graph.capture_ms(), 0.0);

  for (int round = 0; round < 2; ++round) {
    input.copy_(torch::randn({4, 3, 64, 64}, torch::device(cuda)));
    graph.output().fill_(std::nan(""));  // poison: every element must be rewritten
    graph.replay();
    const torch::Tensor eager = model.forward(input);
    torch::cuda::synchronize();
    const double error = ((graph.output() - eager).norm() / eager.norm()).item<double>();
    std::printf("graph vs eager relative error %.3g\n", error);
    EXPECT_LT(error, 1e-5);
    EXPECT_TRUE(torch::isfinite(graph.output()).all().item<bool>());
  }
}

std::int64_t device_allocated_bytes() {
  torch::cuda::synchronize();
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(0);
  return stats.allocated_bytes[static_cast<std::size_t>(c10::CachingAllocator::StatType::AGGREGATE)]
      .current;
}

TEST(CapturedForwardGpu, LaterCaptures_LeaveNoNewCublasWorkspaceAllocated) {
  ASSERT_TRUE(torch::cuda::is_available());
  const torch::Device cuda(torch::kCUDA, 0);
  torch::InferenceMode inference;
  const torch::Tensor a = torch::randn({256, 256}, torch::device(cuda));
  const torch::Tensor b = torch::randn({256, 256}, torch::device(cuda));
  const auto capture_and_release = [&] {
    CapturedForward graph([&] { return torch::mm(a, b); }, cuda);
    graph.replay();
  };
  capture_and_release();  // the first capture may allocate the capture stream's workspace
  const std::int64_t after_first = device_allocated_bytes();
  for (int variant = 0; variant < 3; ++variant) capture_and_release();
  const std::int64_t after_more = device_allocated_bytes();
  std::printf("allocated after one capture %lld B, after four %lld B\n",
              static_cast<long long>(after_first), static_cast<long long>(after_more));
  EXPECT_EQ(after_more, after_first);
}

}  // namespace
}  // namespace nnbench::engine

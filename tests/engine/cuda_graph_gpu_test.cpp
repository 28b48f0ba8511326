// CapturedForward on a GPU: a replay computes what the eager forward computes, follows new
// values written into the static input, and runs on the caller's stream; captures share one
// stream, so cuBLAS's workspace is allocated once, not once per captured variant.
#include <c10/cuda/CUDACachingAllocator.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/models/model_zoo.hpp"
#include "nnbench/engine/runtime/cuda_graph.hpp"

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

// A forward that fails inside the capture (LibTorch's error for a synchronising call, or any
// other exception after a launch) is one Error; the stream leaves capture, so the process goes
// on: eager work, synchronisation and a later capture all succeed.
TEST(CapturedForwardGpu, AForwardThatFailsInsideTheCapture_LeavesTheDeviceUsable) {
  ASSERT_TRUE(torch::cuda::is_available());
  const torch::Device cuda(torch::kCUDA, 0);
  torch::InferenceMode inference;
  const torch::Tensor a = torch::randn({64, 64}, torch::device(cuda));
  int calls = 0;
  const auto synchronising = [&] {
    const torch::Tensor y = torch::mm(a, a);
    if (++calls > 1) static_cast<void>(y.sum().item<float>());  // in the capture, not warm-up
    return y;
  };
  EXPECT_THROW(CapturedForward(synchronising, cuda, /*warmup=*/1), Error);
  calls = 0;
  const auto throwing = [&] {
    const torch::Tensor y = torch::mm(a, a);
    if (++calls > 1) throw std::runtime_error("a runner that gave up");
    return y;
  };
  try {
    CapturedForward graph(throwing, cuda, /*warmup=*/1);
    ADD_FAILURE() << "the capture did not fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a runner that gave up"), std::string::npos) << e.what();
  }

  const torch::Tensor eager = torch::mm(a, a);
  torch::cuda::synchronize();
  CapturedForward graph([&] { return torch::mm(a, a); }, cuda);
  graph.replay();
  torch::cuda::synchronize();
  EXPECT_TRUE(torch::allclose(graph.output(), eager));
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

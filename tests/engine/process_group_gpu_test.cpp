// The process group's NCCL half on a GPU, in a job of one rank: CUDA tensors go through NCCL,
// CPU tensors through Gloo, and every collective gives its result on the device.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "nnbench/engine/distributed/process_group.hpp"

namespace nnbench::engine {
namespace {

TEST(ProcessGroupGpu, CudaTensors_GoThroughNccl_AndEveryCollectiveIsRight) {
  ASSERT_TRUE(torch::cuda::is_available());
  ASSERT_TRUE(nccl_available());
  if (!gloo_available()) GTEST_SKIP() << "built without Gloo's headers";
  ProcessGroup group(DistributedEnvironment{}, std::chrono::seconds(60), 0);
  const auto cuda = torch::TensorOptions().device(torch::kCUDA, 0);
  EXPECT_EQ(group.backend_for(torch::empty({1}, cuda)), "nccl");
  EXPECT_EQ(group.backend_for(torch::empty({1})), "gloo");

  torch::Tensor summed = torch::arange(1000, cuda.dtype(torch::kFloat32));
  group.all_reduce_sum(summed);
  torch::Tensor maximum = torch::full({8}, 5.0, cuda.dtype(torch::kBFloat16));
  group.all_reduce_max(maximum);
  torch::Tensor gathered = torch::empty({64}, cuda.dtype(torch::kFloat16));
  group.all_gather_into(gathered, torch::ones({64}, cuda.dtype(torch::kFloat16)));
  torch::Tensor scattered = torch::empty({32}, cuda.dtype(torch::kFloat32));
  group.reduce_scatter_sum(scattered, torch::full({32}, 2.0, cuda.dtype(torch::kFloat32)));
  torch::Tensor sent = torch::full({16}, 7.0, cuda.dtype(torch::kFloat32));
  group.broadcast(sent, 0);
  torch::Tensor pending = torch::full({4}, 3.0, cuda.dtype(torch::kFloat32));
  group.all_reduce_sum_async(pending).wait();
  group.barrier();
  torch::cuda::synchronize();

  EXPECT_TRUE(torch::equal(summed.cpu(), torch::arange(1000, torch::kFloat32)));
  EXPECT_TRUE(torch::equal(maximum.cpu(), torch::full({8}, 5.0, torch::kBFloat16)));
  EXPECT_TRUE(torch::equal(gathered.cpu(), torch::ones({64}, torch::kFloat16)));
  EXPECT_TRUE(torch::equal(scattered.cpu(), torch::full({32}, 2.0)));
  EXPECT_TRUE(torch::equal(sent.cpu(), torch::full({16}, 7.0)));
  EXPECT_TRUE(torch::equal(pending.cpu(), torch::full({4}, 3.0)));
  EXPECT_TRUE(summed.is_cuda());
}

}  // namespace
}  // namespace nnbench::engine

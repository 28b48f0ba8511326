// CapturedForward on a GPU: a replay computes what the eager forward computes, follows new
// values written into the static input, and runs on the caller's stream.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
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

}  // namespace
}  // namespace nnbench::engine

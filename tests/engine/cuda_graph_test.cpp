// CapturedForward and the backend switches where there is no GPU: the CPU build refuses a
// capture with a message that says what is needed; the switches restore what they found.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/Context.h>

#include <string>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/runtime/backend_settings.hpp"
#include "nnbench/engine/runtime/cuda_graph.hpp"

namespace nnbench::engine {
namespace {

TEST(CapturedForward, OnTheCpu_IsUnavailableAndSaysWhatItNeeds) {
  const torch::Tensor input = torch::ones({2});
  try {
    CapturedForward graph([&] { return input * 2; }, torch::Device(torch::kCPU));
    FAIL() << "captured on the CPU";
  } catch (const UnavailableError& e) {
    const std::string message = e.what();
#ifdef NNBENCH_WITH_CUDA
    EXPECT_NE(message.find("needs a CUDA device"), std::string::npos) << message;
#else
    EXPECT_NE(message.find("cuda build"), std::string::npos) << message;
#endif
  }
}

TEST(ScopedBackendSettings, AppliesAndRestoresTheSwitches) {
  at::Context& context = at::globalContext();
  const bool benchmark = context.benchmarkCuDNN();
  const bool cublas = context.allowTF32CuBLAS();
  const bool cudnn = context.allowTF32CuDNN();
  {
    const ScopedBackendSettings scoped({.cudnn_benchmark = !benchmark, .tf32 = true});
    EXPECT_EQ(context.benchmarkCuDNN(), !benchmark);
    EXPECT_TRUE(context.allowTF32CuBLAS());
    EXPECT_TRUE(context.allowTF32CuDNN());
  }
  EXPECT_EQ(context.benchmarkCuDNN(), benchmark);
  EXPECT_EQ(context.allowTF32CuBLAS(), cublas);
  EXPECT_EQ(context.allowTF32CuDNN(), cudnn);
}

}  // namespace
}  // namespace nnbench::engine

// The CUDA call checker and the CUDA event timer, on a GPU: the timer's device time of a known
// amount of matrix work agrees with the host time around it after synchronising, and it records
// on the stream the work runs on.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <chrono>
#include <string>

#include "nnbench/engine/instruments/cuda_event_timer.hpp"
#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {
namespace {

constexpr std::int64_t kSize = 4096;  // fp32 4096^3 products: about 2-3 ms each on an H100
constexpr int kProducts = 20;

double host_ns_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
}

struct TimedWork {
  double device_ns = 0, host_ns = 0;
};

// Host clock around start..elapsed_ns(), which returns only once the stop event has completed.
TimedWork time_products(CudaEventTimer& timer, const torch::Tensor& a, const torch::Tensor& b) {
  torch::NoGradGuard no_grad;
  torch::Tensor c = torch::matmul(a, b);  // warm: cuBLAS handle and kernel choice
  torch::cuda::synchronize();
  const auto host_start = std::chrono::steady_clock::now();
  timer.start();
  for (int i = 0; i < kProducts; ++i) c = torch::matmul(a, b);
  timer.stop();
  TimedWork work;
  work.device_ns = timer.elapsed_ns();
  work.host_ns = host_ns_since(host_start);
  return work;
}

TEST(CudaCheck, FailedCall_ThrowsWithCallTextFileAndLine) {
  int invalid_device = 4096;
  unsigned line = 0;
  try {
    line = __LINE__ + 1;
    NNBENCH_CUDA_CALL(cudaSetDevice(invalid_device));
    FAIL() << "no exception";
  } catch (const CudaError& e) {
    EXPECT_EQ(e.status(), cudaErrorInvalidDevice);
    EXPECT_EQ(e.call(), "cudaSetDevice(invalid_device)");
    EXPECT_NE(e.file().find("cuda_timer_gpu_test.cpp"), std::string::npos) << e.file();
    EXPECT_EQ(e.line(), line);
    const std::string what = e.what();
    EXPECT_NE(what.find("cudaSetDevice(invalid_device)"), std::string::npos) << what;
    EXPECT_NE(what.find("cudaErrorInvalidDevice"), std::string::npos) << what;
    EXPECT_NE(what.find("cuda_timer_gpu_test.cpp:" + std::to_string(line)), std::string::npos)
        << what;
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);  // cleared for later callers
  EXPECT_NO_THROW(NNBENCH_CUDA_CALL(cudaSetDevice(0)));
}

TEST(CudaEventTimer, KnownMatmulWork_AgreesWithHostTimeAfterSynchronize) {
  const auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat32);
  const torch::Tensor a = torch::randn({kSize, kSize}, options);
  const torch::Tensor b = torch::randn({kSize, kSize}, options);
  CudaEventTimer timer(0);
  EXPECT_EQ(timer.kind(), "cuda_event");
  EXPECT_NE(timer.synchronization().find("cudaEventSynchronize"), std::string::npos);
  const TimedWork work = time_products(timer, a, b);
  // The device region lies inside the host region; the host adds launches and the wake-up only.
  EXPECT_LE(work.device_ns, work.host_ns * 1.001 + 5e3);
  EXPECT_GE(work.device_ns, work.host_ns * 0.8)
      << "device " << work.device_ns << " ns, host " << work.host_ns << " ns";
  // The amount of work is known: 2 n^3 FLOP per product. Any sane GPU lands between 1 and 2000
  // TFLOP/s for fp32; a timer off by orders of magnitude does not.
  const double flop = 2.0 * kSize * kSize * kSize * kProducts;
  const double tflop_per_s = flop / work.device_ns * 1e-3;
  EXPECT_GT(tflop_per_s, 1.0);
  EXPECT_LT(tflop_per_s, 2000.0);
  std::printf("event %.3f ms, host %.3f ms, %.1f TFLOP/s\n", work.device_ns * 1e-6,
              work.host_ns * 1e-6, tflop_per_s);
}

TEST(CudaEventTimer, RecordsOnTheCurrentStream_NotTheDefaultOne) {
  const auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat32);
  const torch::Tensor a = torch::randn({kSize, kSize}, options);
  const torch::Tensor b = torch::randn({kSize, kSize}, options);
  torch::cuda::synchronize();
  // A pool stream does not synchronise with the default stream: events recorded on the default
  // stream would measure (almost) nothing of the work queued here.
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(false, 0);
  const c10::cuda::CUDAStreamGuard guard(side);
  CudaEventTimer timer(0);
  const TimedWork work = time_products(timer, a, b);
  EXPECT_GE(work.device_ns, work.host_ns * 0.8)
      << "device " << work.device_ns << " ns, host " << work.host_ns << " ns";
}

TEST(CudaEventTimer, ElapsedBeforeStop_Throws) {
  CudaEventTimer timer(0);
  EXPECT_THROW(timer.elapsed_ns(), Error);
  EXPECT_THROW(timer.stop(), Error);
  timer.start();
  EXPECT_THROW(timer.elapsed_ns(), Error);
  timer.stop();
  EXPECT_GE(timer.elapsed_ns(), 0.0);
}

}  // namespace
}  // namespace nnbench::engine

// The caching-allocator probe and the L2 flush, on a GPU.
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nnbench/engine/instruments/cuda_memory_probe.hpp"
#include "nnbench/engine/instruments/l2_flush.hpp"
#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {
namespace {

constexpr std::int64_t kMiB = 1 << 20;

std::map<std::string, std::int64_t> by_name(const std::vector<MemoryFigure>& figures) {
  std::map<std::string, std::int64_t> out;
  for (const MemoryFigure& f : figures) out[f.name] = f.bytes;
  return out;
}

void allocate_and_free_256_mib() {
  torch::Tensor block =
      torch::empty({256 * kMiB}, torch::dtype(torch::kUInt8).device(torch::kCUDA));
  block.fill_(1);
  torch::cuda::synchronize();
}

TEST(CudaAllocatorProbe, PeakSeesA256MiBAllocationFreedBeforeEnd) {
  CudaAllocatorProbe probe(0);
  EXPECT_EQ(probe.name(), "cuda_caching_allocator");
  probe.begin();
  allocate_and_free_256_mib();
  const auto figures = by_name(probe.end());
  for (const char* name :
       {"device_peak_allocated_bytes", "device_peak_reserved_bytes", "device_allocated_bytes",
        "device_reserved_bytes", "device_free_bytes", "device_total_bytes"}) {
    EXPECT_TRUE(figures.contains(name)) << name;
  }
  EXPECT_GE(figures.at("device_peak_allocated_bytes"),
            figures.at("device_allocated_bytes") + 256 * kMiB);
  EXPECT_GE(figures.at("device_peak_reserved_bytes"), figures.at("device_peak_allocated_bytes"));
  EXPECT_GE(figures.at("device_reserved_bytes"), figures.at("device_allocated_bytes"));
  EXPECT_GT(figures.at("device_total_bytes"), 256 * kMiB);
  EXPECT_GT(figures.at("device_free_bytes"), 0);
  EXPECT_LE(figures.at("device_free_bytes"), figures.at("device_total_bytes"));
}

TEST(CudaAllocatorProbe, BeginResetsThePeakOfAnEarlierRegion) {
  allocate_and_free_256_mib();
  CudaAllocatorProbe probe(0);
  probe.begin();
  const auto figures = by_name(probe.end());
  EXPECT_LT(figures.at("device_peak_allocated_bytes"),
            figures.at("device_allocated_bytes") + 256 * kMiB);
}

TEST(L2Flush, BufferIsTwiceTheL2AndFlushZeroesItOnTheCurrentStream) {
  L2Flush flush(0);
  int l2_bytes = 0;
  NNBENCH_CUDA_CALL(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, 0));
  EXPECT_EQ(flush.l2_bytes(), static_cast<std::size_t>(l2_bytes));
  EXPECT_GT(flush.l2_bytes(), 0u);
  EXPECT_EQ(flush.buffer_bytes(), 2 * flush.l2_bytes());

  NNBENCH_CUDA_CALL(cudaMemset(flush.buffer(), 0xFF, flush.buffer_bytes()));
  NNBENCH_CUDA_CALL(cudaDeviceSynchronize());
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(false, 0);
  const c10::cuda::CUDAStreamGuard guard(side);
  flush.flush();
  NNBENCH_CUDA_CALL(cudaStreamSynchronize(side.stream()));
  // The first and the last 64 KiB: the whole buffer was written.
  std::vector<unsigned char> head(64 << 10), tail(64 << 10);
  NNBENCH_CUDA_CALL(cudaMemcpy(head.data(), flush.buffer(), head.size(), cudaMemcpyDeviceToHost));
  NNBENCH_CUDA_CALL(cudaMemcpy(
      tail.data(), static_cast<unsigned char*>(flush.buffer()) + flush.buffer_bytes() - tail.size(),
      tail.size(), cudaMemcpyDeviceToHost));
  EXPECT_TRUE(std::all_of(head.begin(), head.end(), [](unsigned char b) { return b == 0; }));
  EXPECT_TRUE(std::all_of(tail.begin(), tail.end(), [](unsigned char b) { return b == 0; }));
}

}  // namespace
}  // namespace nnbench::engine

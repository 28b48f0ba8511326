// CudaAllocatorProbe: peaks from the caching allocator's statistics.
#include "nnbench/engine/instruments/cuda_memory_probe.hpp"

#include <ATen/Context.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>

#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {

void CudaAllocatorProbe::begin() {
  // The caching allocator knows no device before LibTorch's CUDA initialisation ("Invalid device
  // argument" from its statistics when nothing has touched CUDA yet).
  at::globalContext().lazyInitDevice(c10::DeviceType::CUDA);
  c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device_index_));
}

std::vector<MemoryFigure> CudaAllocatorProbe::end() {
  const auto device = static_cast<c10::DeviceIndex>(device_index_);
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
  constexpr auto kAll = static_cast<std::size_t>(c10::CachingAllocator::StatType::AGGREGATE);
  std::size_t free_bytes = 0, total_bytes = 0;
  {
    const c10::cuda::CUDAGuard guard(device);
    NNBENCH_CUDA_CALL(cudaMemGetInfo(&free_bytes, &total_bytes));
  }
  return {
      {"device_peak_allocated_bytes", stats.allocated_bytes[kAll].peak},
      {"device_peak_reserved_bytes", stats.reserved_bytes[kAll].peak},
      {"device_allocated_bytes", stats.allocated_bytes[kAll].current},
      {"device_reserved_bytes", stats.reserved_bytes[kAll].current},
      {"device_free_bytes", static_cast<std::int64_t>(free_bytes)},
      {"device_total_bytes", static_cast<std::int64_t>(total_bytes)},
  };
}

}  // namespace nnbench::engine

// Device memory around a variant: LibTorch's CUDA caching allocator and cudaMemGetInfo.
#pragma once

#include <string>
#include <vector>

#include "nnbench/core/memory_probe.hpp"

namespace nnbench::engine {

// begin() resets the allocator's peak statistics of the device (the peak then starts at what
// set-up left allocated); end() reports, in bytes: device_peak_allocated_bytes and
// device_peak_reserved_bytes (tensors, and tensors plus the allocator's cache, at their highest
// since begin()), device_allocated_bytes and device_reserved_bytes (now), and device_free_bytes
// and device_total_bytes (cudaMemGetInfo: the whole device, other processes included).
class CudaAllocatorProbe final : public MemoryProbe {
 public:
  explicit CudaAllocatorProbe(int device_index) : device_index_(device_index) {}
  void begin() override;
  std::vector<MemoryFigure> end() override;
  std::string name() const override { return "cuda_caching_allocator"; }

 private:
  int device_index_;
};

}  // namespace nnbench::engine

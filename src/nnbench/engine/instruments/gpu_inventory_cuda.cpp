// GPU inventory through the CUDA runtime (compiled only in the cuda preset).
#include <cuda_runtime_api.h>

#include <string>

#include "nnbench/engine/instruments/gpu_inventory.hpp"

namespace nnbench::engine {

std::vector<GpuInfo> list_cuda_gpus() {
  std::vector<GpuInfo> gpus;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error for later callers
    return gpus;
  }
  int driver_version = 0;
  cudaDriverGetVersion(&driver_version);
  for (int index = 0; index < count; ++index) {
    cudaDeviceProp properties{};
    if (cudaGetDeviceProperties(&properties, index) != cudaSuccess) continue;
    GpuInfo gpu;
    gpu.index = index;
    gpu.name = properties.name;
    gpu.memory_total_bytes = static_cast<std::int64_t>(properties.totalGlobalMem);
    gpu.compute_capability =
        std::to_string(properties.major) + "." + std::to_string(properties.minor);
    gpu.driver_version = "CUDA driver API " + std::to_string(driver_version / 1000) + "." +
                         std::to_string((driver_version % 1000) / 10);
    gpus.push_back(gpu);
  }
  return gpus;
}

}  // namespace nnbench::engine

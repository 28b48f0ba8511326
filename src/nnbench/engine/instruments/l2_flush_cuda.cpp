// L2Flush: a cudaMemsetAsync over twice the L2 size on the current stream.
#include "nnbench/engine/instruments/l2_flush.hpp"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>

#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {

L2Flush::L2Flush(int device_index) : device_index_(device_index) {
  const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device_index_));
  int l2_bytes = 0;
  NNBENCH_CUDA_CALL(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, device_index_));
  if (l2_bytes <= 0) throw Error("L2Flush: the device reports no L2 cache");
  l2_bytes_ = static_cast<std::size_t>(l2_bytes);
  // Twice the size: with a hashed, partitioned L2 one pass of exactly its size can leave lines.
  buffer_bytes_ = 2 * l2_bytes_;
  NNBENCH_CUDA_CALL(cudaMalloc(&buffer_, buffer_bytes_));
}

L2Flush::~L2Flush() {
  if (buffer_ != nullptr) {
    const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device_index_));
    cudaFree(buffer_);  // a destructor must not throw; the memory is released either way
  }
}

void L2Flush::flush() {
  const auto stream = c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device_index_));
  NNBENCH_CUDA_CALL(cudaMemsetAsync(buffer_, 0, buffer_bytes_, stream.stream()));
}

}  // namespace nnbench::engine

// Cold-cache runs: evicts the GPU's L2 cache before each sample by writing a buffer larger than
// it (nvbench's L2 flush). CUDA build only.
#pragma once

#include <cstddef>

namespace nnbench::engine {

// Owns a device buffer of twice the device's L2 size (cudaDevAttrL2CacheSize), allocated with
// cudaMalloc outside LibTorch's caching allocator so the allocator's peaks stay the model's own.
// flush() queues cudaMemsetAsync(buffer, 0) on LibTorch's current stream of the device: it runs
// before whatever is queued next on that stream, e.g. a sample's start event, without a host
// wait. CUDA failures throw CudaError.
class L2Flush {
 public:
  explicit L2Flush(int device_index);
  ~L2Flush();
  L2Flush(const L2Flush&) = delete;
  L2Flush& operator=(const L2Flush&) = delete;

  void flush();
  std::size_t l2_bytes() const { return l2_bytes_; }
  std::size_t buffer_bytes() const { return buffer_bytes_; }
  void* buffer() const { return buffer_; }  // device memory

 private:
  int device_index_;
  std::size_t l2_bytes_ = 0, buffer_bytes_ = 0;
  void* buffer_ = nullptr;
};

}  // namespace nnbench::engine

// A kernel of known duration: it reads the GPU's global nanosecond timer until the time has passed.
#include "nnbench/engine/instruments/spin_kernel.hpp"

namespace nnbench::engine::kernels {
namespace {

__device__ std::uint64_t global_timer_ns() {
  std::uint64_t now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  return now;
}

__global__ void spin(std::uint64_t nanoseconds) {
  const std::uint64_t start = global_timer_ns();
  while (global_timer_ns() - start < nanoseconds) {
  }
}

}  // namespace

cudaError_t launch_spin(std::uint64_t nanoseconds, cudaStream_t stream) {
  spin<<<1, 1, 0, stream>>>(nanoseconds);
  return cudaGetLastError();
}

}  // namespace nnbench::engine::kernels

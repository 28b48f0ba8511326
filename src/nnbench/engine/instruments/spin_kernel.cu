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

__global__ void hold_stream(volatile int* flags, std::uint64_t timeout_ns) {
  const std::uint64_t start = global_timer_ns();
  while (flags[0] == 0) {
    if (global_timer_ns() - start >= timeout_ns) {
      flags[1] = 1;
      return;
    }
  }
}

}  // namespace

cudaError_t launch_hold_stream(volatile int* flags, std::uint64_t timeout_ns, cudaStream_t stream) {
  hold_stream<<<1, 1, 0, stream>>>(flags, timeout_ns);
  return cudaGetLastError();
}

cudaError_t launch_spin(std::uint64_t nanoseconds, cudaStream_t stream) {
  spin<<<1, 1, 0, stream>>>(nanoseconds);
  return cudaGetLastError();
}

}  // namespace nnbench::engine::kernels

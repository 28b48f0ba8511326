// Programmatic dependent launch (compute capability 9.0): a decode step is a chain of short
// kernels, each needing the one before it. Launched with launch_dependent, a kernel's blocks may
// be scheduled while the previous kernel's last blocks still run (once every block of that kernel
// has started or called let_dependents_start): they issue the loads that do not depend on it (the
// weights), then wait in wait_for_previous_kernel until it has finished and its writes are
// visible. The launch is captured into CUDA graphs as a programmatic edge. Rules for a kernel
// launched this way: every thread calls wait_for_previous_kernel before it reads or writes memory
// that an earlier kernel of the stream writes or reads, and before it returns (so that the kernel
// cannot finish ahead of its predecessor, which keeps the order transitive for the kernels after
// it). Included by the .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <utility>

namespace nnbench::engine::kernels {

// Blocks until the previous kernel in the stream has completed and flushed its writes; returns at
// once when this kernel was launched the ordinary way.
__device__ __forceinline__ void wait_for_previous_kernel() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

// Lets the next kernel's blocks be scheduled once every block of this one has called it (or
// exited); they still wait for this kernel's completion before touching its results.
__device__ __forceinline__ void let_dependents_start() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;" :::);
#endif
}

// Launches kernel<<<grid, block, shared_bytes, stream>>>(args...), as a programmatic dependent
// launch when `dependent` (the kernel must follow the rules above), the ordinary way otherwise.
template <typename... Params, typename... Args>
cudaError_t launch_dependent(bool dependent, void (*kernel)(Params...), dim3 grid, dim3 block,
                             std::size_t shared_bytes, cudaStream_t stream, Args&&... args) {
  cudaLaunchAttribute attribute{};
  attribute.id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attribute.val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config{};
  config.gridDim = grid;
  config.blockDim = block;
  config.dynamicSmemBytes = shared_bytes;
  config.stream = stream;
  config.attrs = dependent ? &attribute : nullptr;
  config.numAttrs = dependent ? 1 : 0;
  return cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...);
}

}  // namespace nnbench::engine::kernels

// The cuda build's device spin and event timer (see device_spin.hpp).
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "nnbench/engine/instruments/cuda_event_timer.hpp"
#include "nnbench/engine/instruments/device_spin.hpp"
#include "nnbench/engine/instruments/spin_kernel.hpp"
#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {

void launch_device_spin(const torch::Device& device, std::chrono::nanoseconds duration) {
  const c10::cuda::CUDAGuard guard(device);
  NNBENCH_CUDA_CALL(kernels::launch_spin(static_cast<std::uint64_t>(duration.count()),
                                         c10::cuda::getCurrentCUDAStream(device.index()).stream()));
}

std::unique_ptr<Timer> make_cuda_event_timer(const torch::Device& device) {
  return std::make_unique<CudaEventTimer>(device.has_index() ? device.index()
                                                             : c10::cuda::current_device());
}

}  // namespace nnbench::engine

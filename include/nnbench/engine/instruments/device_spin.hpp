// Workloads of known duration on a CUDA device, for the calibration benchmark: a kernel that
// spins on the GPU's global timer for a given time, and the CUDA event timer to measure it with.
// In the CPU build both throw UnavailableError.
#pragma once

#include <chrono>
#include <memory>

#include <torch/types.h>

#include "nnbench/core/timer.hpp"

namespace nnbench::engine {

// Queues one single-thread kernel on the device's current stream that returns once the GPU's
// global nanosecond timer (%globaltimer) has advanced by `duration` since the kernel started.
// The truth of a device-side measurement; the timer's granularity (up to 1 us on some GPUs)
// bounds its precision. Throws CudaError on a launch failure.
void launch_device_spin(const torch::Device& device, std::chrono::nanoseconds duration);

// CUDA events recorded on the device's current stream (CudaEventTimer), as the GPU suites time.
std::unique_ptr<Timer> make_cuda_event_timer(const torch::Device& device);

}  // namespace nnbench::engine

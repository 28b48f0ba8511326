// Workloads of known duration on a CUDA device, for the calibration benchmark: a kernel that
// spins on the GPU's global timer for a given time, and the timers to measure it with.
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

// A timer of device work whose launch cost stays out of the measurement, on either clock
// (nvbench's blocking kernel): start() queues a kernel that holds the device's current stream
// (and, with `events`, a start event behind it); the work is queued behind them; stop() queues
// the stop event, then releases the stream and waits for it (cudaStreamSynchronize). The host
// clock runs from the release to the end of that wait; the events bracket the work inside the
// held stream. Either way the region starts when the work can start, not when its launch
// arrives. A release later than 1 s after start() (the hold's timeout) throws Error: the
// measurement would have included the launch after all.
std::unique_ptr<Timer> make_held_stream_timer(const torch::Device& device, bool events);

}  // namespace nnbench::engine

// The spin kernel's launcher in plain types, so nvcc never compiles LibTorch's headers
// (device_spin_cuda.cpp passes the stream).
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

namespace nnbench::engine::kernels {

// One thread that spins until %globaltimer has advanced by `nanoseconds`; returns the launch's
// error.
cudaError_t launch_spin(std::uint64_t nanoseconds, cudaStream_t stream);

// One thread that holds `stream` until the host writes a non-zero value to flags[0] (mapped
// host memory), or `timeout_ns` of %globaltimer have passed, when it writes 1 to flags[1] and
// returns: work queued behind it starts the moment the host releases it, not when its launch
// arrives (nvbench's blocking kernel). Returns the launch's error.
cudaError_t launch_hold_stream(volatile int* flags, std::uint64_t timeout_ns, cudaStream_t stream);

}  // namespace nnbench::engine::kernels

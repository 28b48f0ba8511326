// The spin kernel's launcher in plain types, so nvcc never compiles LibTorch's headers
// (device_spin_cuda.cpp passes the stream).
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

namespace nnbench::engine::kernels {

// One thread that spins until %globaltimer has advanced by `nanoseconds`; returns the launch's
// error.
cudaError_t launch_spin(std::uint64_t nanoseconds, cudaStream_t stream);

}  // namespace nnbench::engine::kernels

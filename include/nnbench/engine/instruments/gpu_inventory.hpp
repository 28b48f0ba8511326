// The GPUs a run can see, for the environment block (cuda build only; the CPU build lists none).
#pragma once

#include <vector>

#include "nnbench/core/environment.hpp"

namespace nnbench::engine {

// Name, memory, compute capability and driver version of every visible CUDA device, read with
// the CUDA runtime. Empty when no device or driver is present; never throws.
std::vector<GpuInfo> list_cuda_gpus();

}  // namespace nnbench::engine

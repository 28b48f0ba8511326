// LibTorch facts and conversions every suite needs: devices, dtypes, threads, environment.
#pragma once

#include <string>

#include <torch/types.h>

#include "nnbench/engine/runtime/runtime.hpp"

namespace nnbench::engine {

// "cpu", "cuda", "cuda:1" -> torch::Device. Throws InputError for a malformed name and
// UnavailableError when the device is absent (no CUDA runtime or GPU, index out of range).
torch::Device resolve_device(const std::string& name);

// "fp32" / "fp16" / "bf16" -> scalar type; throws InputError otherwise.
torch::ScalarType parse_dtype(const std::string& name);
std::string dtype_name(torch::ScalarType type);

// Returns the CUDA caching allocator's unused blocks to the driver (after an out-of-memory
// error, so the next variant starts from a clean pool); nothing on a CPU-only build.
void release_cached_device_memory();

// Waits for queued device work (no-op on the CPU), so a host clock reading is honest.
void synchronize(const torch::Device& device);

}  // namespace nnbench::engine

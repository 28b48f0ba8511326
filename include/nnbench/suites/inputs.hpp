// Inputs for inference benchmarks: seeded random tensors and their description for result rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace nnbench::suites {

// At most this many samples of an input are drawn; a larger batch repeats them.
inline constexpr std::int64_t kDrawnSamples = 64;

// Normal(0, 1) values of `shape`, made on the CPU from `seed` (so every device sees the same
// numbers), then moved to `device` and cast to `dtype`. Past kDrawnSamples rows along the first
// (batch) dimension the drawn rows repeat, on the device: a batch of 100,000 images costs the host
// 64 images' worth of memory and time, and only the device needs room for all of it.
torch::Tensor seeded_input(const std::vector<std::int64_t>& shape, torch::ScalarType dtype,
                           const torch::Device& device, std::uint64_t seed);

// "32x1024" for the input_shape column.
std::string shape_text(const std::vector<std::int64_t>& shape);

}  // namespace nnbench::suites

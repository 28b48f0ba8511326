// Inputs for inference benchmarks: seeded random tensors and their description for result rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace nnbench::suites {

// Normal(0, 1) values of `shape`, made on the CPU from `seed` (so every device sees the same
// numbers), then moved to `device` and cast to `dtype`.
torch::Tensor seeded_input(const std::vector<std::int64_t>& shape, torch::ScalarType dtype,
                           const torch::Device& device, std::uint64_t seed);

// "32x1024" for the input_shape column.
std::string shape_text(const std::vector<std::int64_t>& shape);

}  // namespace nnbench::suites

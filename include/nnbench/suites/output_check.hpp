// The check before timing: a rewritten or compiled model's output against its reference (eager
// LibTorch for the inference suite's modes, eager PyTorch for a user's model), as the largest
// absolute difference relative to the reference's largest magnitude, within a tolerance of a few
// roundings of the dtype over a deep network.
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "nnbench/core/state.hpp"

namespace nnbench::suites {

// fp32 1e-4, fp16 2e-2, bf16 1e-1 (scripts/nnbench_model_source.py's TOLERANCE too).
double relative_tolerance(torch::ScalarType dtype);

// max |output - reference| / max |reference|; infinity when the shapes differ.
double relative_difference(const torch::Tensor& output, const torch::Tensor& reference);
// The largest over several outputs; infinity when their numbers or shapes differ.
double relative_difference(const std::vector<torch::Tensor>& outputs,
                           const std::vector<torch::Tensor>& references);

// Records `difference` as metric `metric` (relative_difference_vs_eager, ...); past the dtype's
// tolerance it throws Error: "<what>: the output differs from <reference> by ... (tolerance ...)".
void check_output(State& state, const std::string& metric, double difference,
                  torch::ScalarType dtype, const std::string& what, const std::string& reference);

}  // namespace nnbench::suites

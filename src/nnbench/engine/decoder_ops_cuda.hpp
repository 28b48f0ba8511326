// The cuda build's side of decoder_ops.hpp: checks the tensors and launches the custom kernels on
// the current stream. Errors (a dtype the kernels lack, a failed launch) throw nnbench::Error.
#pragma once

#include <torch/types.h>

namespace nnbench::engine {

torch::Tensor cuda_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);
torch::Tensor cuda_apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                                const torch::Tensor& sin);
torch::Tensor cuda_silu_and_mul(const torch::Tensor& gate_up);

}  // namespace nnbench::engine

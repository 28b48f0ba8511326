// The decoder's element-wise operations, each in two forms: composed of LibTorch operators (the
// reference, and what eager mode runs) or, with `fused` on a CUDA tensor in the cuda build, one
// custom CUDA kernel (decoder_kernels.cu). Elsewhere `fused` falls back to the composition.
#pragma once

#include <torch/types.h>

namespace nnbench::engine {

// Whether this build has the custom kernels (the cuda build).
bool decoder_kernels_built();

// x * rsqrt(mean(x^2) + eps) over the last dimension in fp32, rounded to x's dtype, times weight.
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps, bool fused);

// Rotary positions (rotate-half convention): x is batch x tokens x heads x dim, cos and sin are
// tokens x dim in x's dtype. Returns x * cos + rotate_half(x) * sin, contiguous.
torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin, bool fused);

// SwiGLU over a fused gate/up product: gate_up's last dimension is [gate | up]; returns
// silu(gate) * up.
torch::Tensor silu_and_mul(const torch::Tensor& gate_up, bool fused);

}  // namespace nnbench::engine

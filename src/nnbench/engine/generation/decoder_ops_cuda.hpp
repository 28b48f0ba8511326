// The cuda build's side of decoder_ops.hpp: checks the tensors and launches the custom kernels on
// the current stream. Errors (a dtype the kernels lack, a failed launch, operands of other
// shapes) throw nnbench::Error.
#pragma once

#include <torch/types.h>

#include "nnbench/engine/generation/decoder_ops.hpp"

namespace nnbench::engine {

torch::Tensor cuda_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);
torch::Tensor cuda_apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                                const torch::Tensor& sin);
torch::Tensor cuda_silu_and_mul(const torch::Tensor& gate_up);
// What the skinny GEMV does around its product (skinny_gemv.hpp): RMSNorm of x where norm_weight
// is defined, SwiGLU of the [gate | up] product with `swiglu`.
struct CudaProjectionFusion {
  torch::Tensor norm_weight;
  double norm_eps = 0;
  bool swiglu = false;
};
// An undefined tensor where the skinny GEMV does not apply or is not the faster choice.
torch::Tensor cuda_projection(const torch::Tensor& x, const torch::Tensor& weight,
                              const torch::Tensor& bias, const torch::Tensor& residual,
                              const CudaProjectionFusion& fusion = {});
// The skinny GEMV with qkv_to_cache in its epilogue (decoder_ops.hpp's qkv_projection_to_cache);
// an undefined tensor where it does not apply or is not the faster choice.
torch::Tensor cuda_qkv_projection_to_cache(const torch::Tensor& x, const torch::Tensor& weight,
                                           const torch::Tensor& bias,
                                           const CudaProjectionFusion& fusion,
                                           const CacheSlot& slot);
torch::Tensor cuda_qkv_to_cache(const torch::Tensor& qkv, const torch::Tensor& position,
                                const torch::Tensor& cos_table, const torch::Tensor& sin_table,
                                torch::Tensor& keys, torch::Tensor& values, std::int64_t heads);
// An undefined tensor where the kernel does not take the shapes (shared memory).
torch::Tensor cuda_decode_attention(const torch::Tensor& q, const torch::Tensor& keys,
                                    const torch::Tensor& values, const torch::Tensor& position);

}  // namespace nnbench::engine

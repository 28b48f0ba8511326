// The decoder's operations that have custom kernels, each in two forms: composed of LibTorch
// operators (the reference, and what eager mode runs) or, with `fused` on a CUDA tensor in the
// cuda build, one custom CUDA kernel (decoder_kernels.cu, decode_attention.cu, skinny_gemv.cu).
// Elsewhere, or where a kernel does not take the shapes, `fused` falls back to the composition.
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

// linear(x, weight, bias) + residual (bias and residual may be undefined): with `fused`, the
// skinny GEMV kernel where it is ahead of cuBLAS (few rows of x: the decode step), the residual
// added in its epilogue; otherwise at::linear and an addition.
torch::Tensor projection(const torch::Tensor& x, const torch::Tensor& weight,
                         const torch::Tensor& bias, const torch::Tensor& residual, bool fused);

// projection(rms_norm(x, norm_weight, eps), weight), and with `swiglu` (weight holds the rows
// [gate | up]) silu_and_mul of that product. With `fused`, where the skinny GEMV applies, one
// launch: the rows normalised in its prologue, SwiGLU in its epilogue, the same bits as the
// kernels one by one; otherwise those kernels (or the compositions) one by one.
torch::Tensor normed_projection(const torch::Tensor& x, const torch::Tensor& norm_weight,
                                double eps, const torch::Tensor& weight, bool swiglu, bool fused);

// The decode step's fused [q | k | v] product (B x 1 x (heads + 2 kv_heads) * D) into attention's
// operands: q and k rotated at `position` (a one-element int64 device tensor) by the rotary
// tables (context x D; undefined for GPT-2: no rotation), k and v written into the cache
// (B x kv_heads x capacity x D) at `position`. Returns q as B x heads x D.
torch::Tensor qkv_to_cache(const torch::Tensor& qkv, const torch::Tensor& position,
                           const torch::Tensor& cos_table, const torch::Tensor& sin_table,
                           torch::Tensor& keys, torch::Tensor& values, std::int64_t heads,
                           bool fused);

// Where a decode step's keys and values go, and how q and k are rotated.
struct CacheSlot {
  torch::Tensor position;              // one int64 on the device
  torch::Tensor cos_table, sin_table;  // context x D; undefined for GPT-2 (no rotation)
  torch::Tensor keys, values;          // B x kv_heads x capacity x D, written in place
  std::int64_t heads = 0;              // query heads
};

// qkv_to_cache(projection(rms_norm(x, norm_weight, eps), weight, bias), ...) into `slot` (x
// itself where norm_weight is undefined). With `fused`, one skinny GEMV launch where it applies:
// the norm in its prologue, the rotation and the cache write in its epilogue, the same bits as
// the kernels one by one. Returns q as B x heads x D.
torch::Tensor qkv_projection_to_cache(const torch::Tensor& x, const torch::Tensor& norm_weight,
                                      double eps, const torch::Tensor& weight,
                                      const torch::Tensor& bias, const CacheSlot& slot, bool fused);

// softmax(q k^T / sqrt(D)) v of one query per sequence and head (q: B x heads x D) over the
// cache's positions 0..position (keys, values: B x kv_heads x capacity x D, grouped-query heads
// sharing a key/value head). Returns B x heads x D.
torch::Tensor decode_attention(const torch::Tensor& q, const torch::Tensor& keys,
                               const torch::Tensor& values, const torch::Tensor& position,
                               bool fused);

}  // namespace nnbench::engine

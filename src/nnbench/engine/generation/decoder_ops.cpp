// The decoder's element-wise operations (see decoder_ops.hpp): the LibTorch compositions, and the
// hand-off to the CUDA kernels in the cuda build.
#include "nnbench/engine/generation/decoder_ops.hpp"

#include <ATen/ops/scaled_dot_product_attention.h>
#include <torch/torch.h>

#include <cmath>

#include <vector>

#ifdef NNBENCH_WITH_CUDA
#include "nnbench/engine/generation/decoder_ops_cuda.hpp"
#endif

namespace nnbench::engine {

bool decoder_kernels_built() {
#ifdef NNBENCH_WITH_CUDA
  return true;
#else
  return false;
#endif
}

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps,
                       bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && x.is_cuda()) return cuda_rms_norm(x, weight, eps);
#endif
  (void)fused;
  const torch::Tensor f = x.to(torch::kFloat32);
  return (f * torch::rsqrt(f.pow(2).mean(-1, true) + eps)).to(x.scalar_type()) * weight;
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin, bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && x.is_cuda()) return cuda_apply_rotary(x, cos, sin);
#endif
  (void)fused;
  const std::vector<torch::Tensor> halves = x.chunk(2, -1);
  const torch::Tensor rotated = torch::cat({-halves[1], halves[0]}, -1);
  return x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1);
}

torch::Tensor silu_and_mul(const torch::Tensor& gate_up, bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && gate_up.is_cuda()) return cuda_silu_and_mul(gate_up);
#endif
  (void)fused;
  const std::vector<torch::Tensor> parts = gate_up.chunk(2, -1);
  return torch::silu(parts[0]) * parts[1];
}

torch::Tensor projection(const torch::Tensor& x, const torch::Tensor& weight,
                         const torch::Tensor& bias, const torch::Tensor& residual, bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && x.is_cuda()) {
    if (torch::Tensor out = cuda_projection(x, weight, bias, residual); out.defined()) return out;
  }
#endif
  (void)fused;
  const torch::Tensor out = torch::linear(x, weight, bias);
  return residual.defined() ? residual + out : out;
}

torch::Tensor normed_projection(const torch::Tensor& x, const torch::Tensor& norm_weight,
                                double eps, const torch::Tensor& weight, bool swiglu, bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && x.is_cuda()) {
    const CudaProjectionFusion fusion{
        .norm_weight = norm_weight, .norm_eps = eps, .swiglu = swiglu};
    if (torch::Tensor out = cuda_projection(x, weight, {}, {}, fusion); out.defined()) return out;
  }
#endif
  const torch::Tensor product =
      projection(rms_norm(x, norm_weight, eps, fused), weight, {}, {}, fused);
  return swiglu ? silu_and_mul(product, fused) : product;
}

torch::Tensor qkv_to_cache(const torch::Tensor& qkv, const torch::Tensor& position,
                           const torch::Tensor& cos_table, const torch::Tensor& sin_table,
                           torch::Tensor& keys, torch::Tensor& values, std::int64_t heads,
                           bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && qkv.is_cuda()) {
    return cuda_qkv_to_cache(qkv, position, cos_table, sin_table, keys, values, heads);
  }
#endif
  (void)fused;
  const std::int64_t batch = qkv.size(0), kv_heads = keys.size(1), dim = keys.size(3);
  const torch::Tensor rows = qkv.reshape({batch, -1});
  torch::Tensor q = rows.narrow(1, 0, heads * dim).view({batch, 1, heads, dim});
  torch::Tensor k = rows.narrow(1, heads * dim, kv_heads * dim).view({batch, 1, kv_heads, dim});
  const torch::Tensor v =
      rows.narrow(1, (heads + kv_heads) * dim, kv_heads * dim).view({batch, 1, kv_heads, dim});
  if (cos_table.defined()) {
    const torch::Tensor cos = cos_table.index_select(0, position).to(qkv.scalar_type());
    const torch::Tensor sin = sin_table.index_select(0, position).to(qkv.scalar_type());
    q = apply_rotary(q, cos, sin, false);
    k = apply_rotary(k, cos, sin, false);
  }
  keys.index_copy_(2, position, k.transpose(1, 2));
  values.index_copy_(2, position, v.transpose(1, 2));
  return q.reshape({batch, heads, dim});
}

torch::Tensor qkv_projection_to_cache(const torch::Tensor& x, const torch::Tensor& norm_weight,
                                      double eps, const torch::Tensor& weight,
                                      const torch::Tensor& bias, const CacheSlot& slot,
                                      bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && x.is_cuda()) {
    const CudaProjectionFusion fusion{.norm_weight = norm_weight, .norm_eps = eps};
    if (torch::Tensor q = cuda_qkv_projection_to_cache(x, weight, bias, fusion, slot);
        q.defined()) {
      return q;
    }
  }
#endif
  const torch::Tensor in = norm_weight.defined() ? rms_norm(x, norm_weight, eps, fused) : x;
  torch::Tensor keys = slot.keys, values = slot.values;
  return qkv_to_cache(projection(in, weight, bias, {}, fused), slot.position, slot.cos_table,
                      slot.sin_table, keys, values, slot.heads, fused);
}

torch::Tensor decode_attention(const torch::Tensor& q, const torch::Tensor& keys,
                               const torch::Tensor& values, const torch::Tensor& position,
                               bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && q.is_cuda()) {
    if (torch::Tensor out = cuda_decode_attention(q, keys, values, position); out.defined()) {
      return out;
    }
  }
#endif
  (void)fused;
  const std::int64_t groups = q.size(1) / keys.size(1);
  const torch::Tensor k = groups > 1 ? keys.repeat_interleave(groups, 1) : keys;
  const torch::Tensor v = groups > 1 ? values.repeat_interleave(groups, 1) : values;
  const torch::Tensor visible =
      (torch::arange(keys.size(2), position.options()) <= position).view({1, 1, 1, -1});
  return at::scaled_dot_product_attention(q.unsqueeze(2), k, v, visible).squeeze(2);
}

}  // namespace nnbench::engine

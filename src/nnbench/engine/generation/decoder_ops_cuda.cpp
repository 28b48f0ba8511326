// Tensors to the custom kernels' launchers (see decoder_ops_cuda.hpp, decoder_kernels.hpp).
#include "nnbench/engine/generation/decoder_ops_cuda.hpp"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/torch.h>

#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/generation/decoder_kernels.hpp"
#include "nnbench/engine/generation/skinny_gemv.hpp"

namespace nnbench::engine {
namespace {

kernels::ElementType element_type(const torch::Tensor& t, const char* op) {
  switch (t.scalar_type()) {
    case torch::kFloat32:
      return kernels::ElementType::kFloat32;
    case torch::kFloat16:
      return kernels::ElementType::kFloat16;
    case torch::kBFloat16:
      return kernels::ElementType::kBFloat16;
    default:
      throw Error(fmt::format("{}: the custom kernel takes fp32, fp16 or bf16, not {}", op,
                              c10::toString(t.scalar_type())));
  }
}

void check(cudaError_t status, const char* op) {
  if (status != cudaSuccess) {
    throw Error(fmt::format("{}: kernel launch failed: {}", op, cudaGetErrorString(status)));
  }
}

void expect_same(const torch::Tensor& a, const torch::Tensor& b, const char* op) {
  if (a.scalar_type() != b.scalar_type() || a.device() != b.device()) {
    throw Error(fmt::format("{}: operands differ in dtype or device", op));
  }
}

void expect(bool condition, const char* op, const char* what) {
  if (!condition) throw Error(fmt::format("{}: {}", op, what));
}

// The cache side of qkv_to_cache, checked, for both of its kernels: all of QkvToCache but qkv,
// qkv_row_stride and q_out. `tables` keeps the rotary tables in the product's dtype alive.
kernels::QkvToCache cache_write(const torch::Tensor& product, std::int64_t batch,
                                std::int64_t width, const CacheSlot& slot,
                                std::pair<torch::Tensor, torch::Tensor>& tables) {
  const char* op_name = "qkv_to_cache";
  expect_same(product, slot.keys, op_name);
  expect_same(product, slot.values, op_name);
  const std::int64_t kv_heads = slot.keys.size(1), dim = slot.keys.size(3);
  expect(slot.keys.is_contiguous() && slot.values.is_contiguous() &&
             slot.keys.sizes() == slot.values.sizes(),
         op_name, "keys and values must be contiguous caches of one shape");
  expect(width == (slot.heads + 2 * kv_heads) * dim && slot.keys.size(0) == batch, op_name,
         "the product is not one token of q, k and v per sequence");
  expect(slot.position.numel() == 1 && slot.position.scalar_type() == torch::kLong &&
             slot.position.device() == product.device(),
         op_name, "the position must be one int64 on the product's device");
  kernels::QkvToCache op;
  op.batch = batch;
  op.heads = slot.heads;
  op.kv_heads = kv_heads;
  op.dim = dim;
  op.capacity = slot.keys.size(2);
  op.position = slot.position.data_ptr<std::int64_t>();
  if (slot.cos_table.defined()) {
    tables = {slot.cos_table.to(product.scalar_type()).contiguous(),  // no copy where the dtype
              slot.sin_table.to(product.scalar_type()).contiguous()};
    expect(tables.first.device() == product.device() && tables.first.size(-1) == dim &&
               tables.second.sizes() == tables.first.sizes(),
           op_name, "the rotary tables must be context x head_dim on the product's device");
    op.cos = tables.first.data_ptr();
    op.sin = tables.second.data_ptr();
  }
  op.keys = slot.keys.data_ptr();
  op.values = slot.values.data_ptr();
  return op;
}

// The fused norm's weight, checked against x and contiguous; undefined where there is no norm.
torch::Tensor checked_norm_weight(const torch::Tensor& x, const CudaProjectionFusion& fusion,
                                  const char* op) {
  if (!fusion.norm_weight.defined()) return {};
  expect_same(x, fusion.norm_weight, op);
  expect(fusion.norm_weight.numel() == x.size(-1), op,
         "the norm's weight is not as long as a row of x");
  return fusion.norm_weight.contiguous();
}

// The fusion's RMSNorm (norm_weight checked, or undefined for none) into op's prologue.
void set_norm(kernels::SkinnyGemv& op, const torch::Tensor& norm_weight,
              const CudaProjectionFusion& fusion) {
  op.norm_weight = norm_weight.defined() ? norm_weight.data_ptr() : nullptr;
  op.norm_eps = static_cast<float>(fusion.norm_eps);
}

}  // namespace

torch::Tensor cuda_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  expect_same(x, weight, "rms_norm");
  const c10::cuda::CUDAGuard guard(x.device());
  const torch::Tensor in = x.contiguous();
  const torch::Tensor w = weight.contiguous();
  torch::Tensor out = torch::empty_like(in);
  const std::int64_t cols = in.size(-1);
  check(kernels::launch_rms_norm(in.data_ptr(), w.data_ptr(), out.data_ptr(), in.numel() / cols,
                                 cols, static_cast<float>(eps), element_type(in, "rms_norm"),
                                 c10::cuda::getCurrentCUDAStream()),
        "rms_norm");
  return out;
}

torch::Tensor cuda_apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                                const torch::Tensor& sin) {
  expect_same(x, cos, "apply_rotary");
  expect_same(x, sin, "apply_rotary");
  const c10::cuda::CUDAGuard guard(x.device());
  const torch::Tensor in = x.stride(3) == 1 ? x : x.contiguous();
  const torch::Tensor c = cos.contiguous(), s = sin.contiguous();
  torch::Tensor out = torch::empty(in.sizes(), in.options());
  const kernels::RotaryShape shape{in.size(0),   in.size(1),   in.size(2),  in.size(3),
                                   in.stride(0), in.stride(1), in.stride(2)};
  check(kernels::launch_rotary(in.data_ptr(), shape, c.data_ptr(), s.data_ptr(), out.data_ptr(),
                               element_type(in, "apply_rotary"), c10::cuda::getCurrentCUDAStream()),
        "apply_rotary");
  return out;
}

torch::Tensor cuda_silu_and_mul(const torch::Tensor& gate_up) {
  const c10::cuda::CUDAGuard guard(gate_up.device());
  const torch::Tensor in = gate_up.contiguous();
  const std::int64_t width = in.size(-1) / 2;
  std::vector<std::int64_t> sizes = in.sizes().vec();
  sizes.back() = width;
  torch::Tensor out = torch::empty(sizes, in.options());
  check(kernels::launch_silu_and_mul(in.data_ptr(), out.data_ptr(), in.numel() / in.size(-1), width,
                                     element_type(in, "silu_and_mul"),
                                     c10::cuda::getCurrentCUDAStream()),
        "silu_and_mul");
  return out;
}

torch::Tensor cuda_projection(const torch::Tensor& x, const torch::Tensor& weight,
                              const torch::Tensor& bias, const torch::Tensor& residual,
                              const CudaProjectionFusion& fusion) {
  expect_same(x, weight, "projection");
  const std::int64_t k = x.size(-1);
  const std::int64_t n = fusion.swiglu ? weight.size(0) / 2 : weight.size(0);
  const std::int64_t rows = x.numel() / k;
  if (!kernels::skinny_gemv_preferred(rows, k) || !weight.is_contiguous() || weight.size(1) != k ||
      (fusion.swiglu && weight.size(0) % 2 != 0) || (bias.defined() && !bias.is_contiguous())) {
    return {};
  }
  const torch::Tensor in = x.contiguous();
  std::vector<std::int64_t> sizes = in.sizes().vec();
  sizes.back() = n;
  torch::Tensor res;
  if (residual.defined()) {
    expect_same(x, residual, "projection");
    expect(residual.sizes() == torch::IntArrayRef(sizes), "projection",
           "the residual's shape is not the product's");
    res = residual.contiguous();
  }
  const torch::Tensor norm_weight = checked_norm_weight(x, fusion, "projection");
  kernels::SkinnyGemv op;
  op.x = in.data_ptr();
  op.x_stride = k;
  op.weight = weight.data_ptr();
  op.bias = bias.defined() ? bias.data_ptr() : nullptr;
  op.residual = res.defined() ? res.data_ptr() : nullptr;
  op.residual_stride = n;
  op.rows = rows;
  op.k = k;
  op.n = n;
  set_norm(op, norm_weight, fusion);
  op.swiglu = fusion.swiglu;
  const kernels::ElementType type = element_type(in, "projection");
  if (!kernels::skinny_gemv_applies(op, type)) return {};
  torch::Tensor out = torch::empty(sizes, in.options());  // only once the kernel takes the rest
  op.out = out.data_ptr();
  const c10::cuda::CUDAGuard guard(x.device());
  check(kernels::launch_skinny_gemv(op, type, c10::cuda::getCurrentCUDAStream()), "projection");
  return out;
}

torch::Tensor cuda_qkv_projection_to_cache(const torch::Tensor& x, const torch::Tensor& weight,
                                           const torch::Tensor& bias,
                                           const CudaProjectionFusion& fusion,
                                           const CacheSlot& slot) {
  expect_same(x, weight, "qkv projection");
  const std::int64_t k = x.size(-1), n = weight.size(0), batch = x.size(0);
  const std::int64_t rows = x.numel() / k;
  if (rows != batch || !kernels::skinny_gemv_preferred(rows, k) || !weight.is_contiguous() ||
      weight.size(1) != k || (bias.defined() && !bias.is_contiguous())) {
    return {};
  }
  const torch::Tensor in = x.contiguous();
  const torch::Tensor norm_weight = checked_norm_weight(x, fusion, "qkv projection");
  std::pair<torch::Tensor, torch::Tensor> tables;
  kernels::SkinnyGemv op;
  op.x = in.data_ptr();
  op.x_stride = k;
  op.weight = weight.data_ptr();
  op.bias = bias.defined() ? bias.data_ptr() : nullptr;
  op.rows = rows;
  op.k = k;
  op.n = n;
  set_norm(op, norm_weight, fusion);
  op.to_cache = true;
  op.cache = cache_write(in, batch, n, slot, tables);
  const kernels::ElementType type = element_type(in, "qkv projection");
  if (!kernels::skinny_gemv_applies(op, type)) return {};
  torch::Tensor q = torch::empty({batch, slot.heads, op.cache.dim}, in.options());
  op.cache.q_out = q.data_ptr();
  const c10::cuda::CUDAGuard guard(x.device());
  check(kernels::launch_skinny_gemv(op, type, c10::cuda::getCurrentCUDAStream()), "qkv projection");
  return q;
}

torch::Tensor cuda_qkv_to_cache(const torch::Tensor& qkv, const torch::Tensor& position,
                                const torch::Tensor& cos_table, const torch::Tensor& sin_table,
                                torch::Tensor& keys, torch::Tensor& values, std::int64_t heads) {
  const std::int64_t batch = qkv.size(0);
  const torch::Tensor rows = qkv.reshape({batch, -1}).contiguous();
  std::pair<torch::Tensor, torch::Tensor> tables;
  kernels::QkvToCache op = cache_write(
      qkv, batch, rows.size(1), {position, cos_table, sin_table, keys, values, heads}, tables);
  op.qkv = rows.data_ptr();
  op.qkv_row_stride = rows.size(1);
  torch::Tensor q = torch::empty({batch, heads, op.dim}, qkv.options());
  op.q_out = q.data_ptr();
  const c10::cuda::CUDAGuard guard(qkv.device());
  check(kernels::launch_qkv_to_cache(op, element_type(qkv, "qkv_to_cache"),
                                     c10::cuda::getCurrentCUDAStream()),
        "qkv_to_cache");
  return q;
}

torch::Tensor cuda_decode_attention(const torch::Tensor& q, const torch::Tensor& keys,
                                    const torch::Tensor& values, const torch::Tensor& position) {
  expect_same(q, keys, "decode_attention");
  expect_same(q, values, "decode_attention");
  expect(keys.is_contiguous() && values.is_contiguous() && keys.sizes() == values.sizes(),
         "decode_attention", "keys and values must be contiguous caches of one shape");
  expect(q.dim() == 3 && q.size(0) == keys.size(0) && q.size(2) == keys.size(3), "decode_attention",
         "q must be batch x heads x head_dim of the cache");
  expect(position.numel() == 1 && position.scalar_type() == torch::kLong &&
             position.device() == q.device(),
         "decode_attention", "the position must be one int64 on the query's device");
  const torch::Tensor query = q.contiguous();
  kernels::DecodeAttention op;
  op.q = query.data_ptr();
  op.keys = keys.data_ptr();
  op.values = values.data_ptr();
  op.position = position.data_ptr<std::int64_t>();
  op.batch = q.size(0);
  op.heads = q.size(1);
  op.kv_heads = keys.size(1);
  op.dim = q.size(2);
  op.capacity = keys.size(2);
  op.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(op.dim)));
  const kernels::ElementType type = element_type(query, "decode_attention");
  if (!kernels::decode_attention_applies(op, type)) return {};
  torch::Tensor out = torch::empty_like(query);
  op.out = out.data_ptr();
  const c10::cuda::CUDAGuard guard(q.device());
  check(kernels::launch_decode_attention(op, type, c10::cuda::getCurrentCUDAStream()),
        "decode_attention");
  return out;
}

}  // namespace nnbench::engine

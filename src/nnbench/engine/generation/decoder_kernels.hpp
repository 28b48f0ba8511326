// Launchers of the decoder's custom CUDA kernels (decoder_kernels.cu, decode_attention.cu), in
// plain types so that nvcc never compiles LibTorch's headers: decoder_ops_cuda.cpp checks the
// tensors and passes their pointers, shapes, strides and the current stream. Each launcher returns
// the launch's cudaError_t.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

namespace nnbench::engine::kernels {

enum class ElementType { kFloat32, kFloat16, kBFloat16 };

// out[r, :] = T(T(x[r, :] * rsqrt(mean(x[r, :]^2) + eps)) * weight), the arithmetic in fp32 and
// rounded to the element type T where LibTorch's composition rounds. x and out: rows x cols,
// contiguous.
cudaError_t launch_rms_norm(const void* x, const void* weight, void* out, std::int64_t rows,
                            std::int64_t cols, float eps, ElementType type, cudaStream_t stream);

// Rotary positions in the rotate-half convention on x: batch x tokens x heads x dim (element
// strides given, the last dimension contiguous): out = T(T(x * cos) + T(rotate_half(x) * sin)),
// with cos and sin tokens x dim, contiguous. out: batch x tokens x heads x dim, contiguous.
struct RotaryShape {
  std::int64_t batch, tokens, heads, dim;
  std::int64_t stride_batch, stride_token, stride_head;
};
cudaError_t launch_rotary(const void* x, const RotaryShape& shape, const void* cos, const void* sin,
                          void* out, ElementType type, cudaStream_t stream);

// out[r, j] = T(T(silu(gate_up[r, j])) * gate_up[r, width + j]): the SwiGLU activation over the
// fused gate/up product. gate_up: rows x 2*width, out: rows x width, both contiguous.
cudaError_t launch_silu_and_mul(const void* gate_up, void* out, std::int64_t rows,
                                std::int64_t width, ElementType type, cudaStream_t stream);

// The decode step's keys and values into the static cache: qkv holds one token per sequence,
// [q | k | v] per row (heads, kv_heads and kv_heads vectors of `dim`). q and k are rotated by the
// rotary tables' row at *position (no rotation where cos is null: GPT-2), q goes to q_out (batch x
// heads x dim), k and v to keys and values (batch x kv_heads x capacity x dim, contiguous) at
// *position. The tables (context x dim, contiguous) are in the element type. One launch instead of
// rotary, rotary, index_copy_, index_copy_ and the tables' gathers.
struct QkvToCache {
  const void* qkv = nullptr;
  std::int64_t qkv_row_stride = 0;  // elements between sequences
  std::int64_t batch = 0, heads = 0, kv_heads = 0, dim = 0, capacity = 0;
  const std::int64_t* position = nullptr;  // one element, on the device
  const void* cos = nullptr;               // context x dim, or null
  const void* sin = nullptr;
  void* q_out = nullptr;
  void* keys = nullptr;
  void* values = nullptr;
};
cudaError_t launch_qkv_to_cache(const QkvToCache& op, ElementType type, cudaStream_t stream);

// Attention of one query per sequence and head over the cached positions 0..*position (and only
// those: the static cache's later positions are never read), softmax(q k^T * scale) v in fp32,
// rounded once. q and out: batch x heads x dim; keys, values: batch x kv_heads x capacity x dim;
// query head h reads key/value head h / (heads / kv_heads). One block per (sequence, head).
struct DecodeAttention {
  const void* q = nullptr;
  const void* keys = nullptr;
  const void* values = nullptr;
  const std::int64_t* position = nullptr;  // one element, on the device
  void* out = nullptr;
  std::int64_t batch = 0, heads = 0, kv_heads = 0, dim = 0, capacity = 0;
  float scale = 1.f;
  // A programmatic dependent launch, as SkinnyGemv::overlap_previous.
  bool overlap_previous = true;
};
// Whether the kernel takes these operands: rows of whole 16-byte vectors from aligned caches, and
// the query, the scores of all positions and the partial sums in the block's 48 KiB of shared
// memory.
bool decode_attention_applies(const DecodeAttention& op, ElementType type);
cudaError_t launch_decode_attention(const DecodeAttention& op, ElementType type,
                                    cudaStream_t stream);

}  // namespace nnbench::engine::kernels

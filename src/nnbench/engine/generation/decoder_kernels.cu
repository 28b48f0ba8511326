// The decoder's custom CUDA kernels (see decoder_kernels.hpp): each replaces a chain of LibTorch
// operators (RMSNorm: seven, rotary positions: six, SwiGLU: two) by one launch that reads its
// input once. Arithmetic in fp32; results rounded to the element type at the points where the
// LibTorch composition rounds, so that the kernels agree with it to the last bit or close to it.
#include "nnbench/engine/generation/decoder_kernels.hpp"
#include "nnbench/engine/generation/element_access.cuh"

namespace nnbench::engine::kernels {
namespace {

constexpr int kNormThreads = 256;

// rsqrt(mean of squares + eps) of a row whose squares the block's threads summed in `sum`
// (kNormThreads of them): warp shuffles, then shared memory; every thread gets the scale.
__device__ float rms_scale(float sum, std::int64_t cols, float eps) {
  for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffffu, sum, offset);
  __shared__ float partial[kNormThreads / 32];
  __shared__ float scale;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) partial[warp] = sum;
  __syncthreads();
  if (threadIdx.x == 0) {
    float total = 0.f;
    for (int w = 0; w < kNormThreads / 32; ++w) total += partial[w];
    scale = rsqrtf(total / static_cast<float>(cols) + eps);
  }
  __syncthreads();
  return scale;
}

// One block per row: the sum of squares reduced through warp shuffles and shared memory.
template <typename T>
__global__ void rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ weight,
                                T* __restrict__ out, std::int64_t cols, float eps) {
  const T* row = x + blockIdx.x * cols;
  T* out_row = out + blockIdx.x * cols;
  float sum = 0.f;
  for (std::int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    const float v = load(row + j);
    sum += v * v;
  }
  const float scale = rms_scale(sum, cols, eps);
  for (std::int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    const float normalised = round_to<T>(load(row + j) * scale);
    out_row[j] = store<T>(normalised * load(weight + j));
  }
}

// The same for rows that fit in registers (the decode step's one row per sequence): each thread
// loads its 16-byte vectors of the row at once, so the block waits on one round of loads instead
// of one per element it sums, and writes from the registers it summed.
constexpr int kNormVectorsPerThread = 8;

template <typename T>
__global__ void rms_norm_row_kernel(const T* __restrict__ x, const T* __restrict__ weight,
                                    T* __restrict__ out, std::int64_t cols, float eps) {
  constexpr int kPerVector = 16 / static_cast<int>(sizeof(T));
  const std::int64_t vectors = cols / kPerVector;
  const uint4* row = reinterpret_cast<const uint4*>(x + blockIdx.x * cols);
  uint4* out_row = reinterpret_cast<uint4*>(out + blockIdx.x * cols);
  const uint4* w = reinterpret_cast<const uint4*>(weight);
  uint4 held[kNormVectorsPerThread];
  float sum = 0.f;
#pragma unroll
  for (int i = 0; i < kNormVectorsPerThread; ++i) {
    const std::int64_t v = threadIdx.x + static_cast<std::int64_t>(i) * blockDim.x;
    if (v < vectors) held[i] = __ldg(row + v);
  }
#pragma unroll
  for (int i = 0; i < kNormVectorsPerThread; ++i) {
    const std::int64_t v = threadIdx.x + static_cast<std::int64_t>(i) * blockDim.x;
    if (v < vectors) {
      float e[kPerVector];
      unpack16<T>(held[i], e);
#pragma unroll
      for (int j = 0; j < kPerVector; ++j) sum += e[j] * e[j];
    }
  }
  const float scale = rms_scale(sum, cols, eps);
#pragma unroll
  for (int i = 0; i < kNormVectorsPerThread; ++i) {
    const std::int64_t v = threadIdx.x + static_cast<std::int64_t>(i) * blockDim.x;
    if (v < vectors) {
      float e[kPerVector], g[kPerVector];
      unpack16<T>(held[i], e);
      unpack16<T>(__ldg(w + v), g);
      uint4 packed;
      T* result = reinterpret_cast<T*>(&packed);
#pragma unroll
      for (int j = 0; j < kPerVector; ++j) result[j] = store<T>(round_to<T>(e[j] * scale) * g[j]);
      out_row[v] = packed;
    }
  }
}

// One thread per output element (b, t, h, d).
template <typename T>
__global__ void rotary_kernel(const T* __restrict__ x, RotaryShape s, const T* __restrict__ cos,
                              const T* __restrict__ sin, T* __restrict__ out, std::int64_t total) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= total) return;
  const std::int64_t d = i % s.dim;
  const std::int64_t h = (i / s.dim) % s.heads;
  const std::int64_t t = (i / (s.dim * s.heads)) % s.tokens;
  const std::int64_t b = i / (s.dim * s.heads * s.tokens);
  const T* v = x + b * s.stride_batch + t * s.stride_token + h * s.stride_head;
  const std::int64_t half = s.dim / 2;
  const float rotated = d < half ? -load(v + d + half) : load(v + d - half);
  const float c = load(cos + t * s.dim + d), sn = load(sin + t * s.dim + d);
  out[i] = store<T>(round_to<T>(load(v + d) * c) + round_to<T>(rotated * sn));
}

template <typename T>
__global__ void silu_and_mul_kernel(const T* __restrict__ gate_up, T* __restrict__ out,
                                    std::int64_t width, std::int64_t total) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= total) return;
  const std::int64_t r = i / width, j = i % width;
  const float g = load(gate_up + r * 2 * width + j);
  const float u = load(gate_up + r * 2 * width + width + j);
  out[i] = store<T>(round_to<T>(g / (1.f + expf(-g))) * u);
}

// One thread per element of the token's q, k and v: (sequence, head of q|k|v, d).
template <typename T>
__global__ void qkv_to_cache_kernel(QkvToCache op, std::int64_t total) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i >= total) return;
  const std::int64_t all_heads = op.heads + 2 * op.kv_heads;
  const std::int64_t d = i % op.dim;
  const std::int64_t h = (i / op.dim) % all_heads;
  const std::int64_t b = i / (op.dim * all_heads);
  const std::int64_t position = *op.position;
  const T* row = static_cast<const T*>(op.qkv) + b * op.qkv_row_stride + h * op.dim;
  float value = load(row + d);
  if (h < op.heads + op.kv_heads && op.cos != nullptr) {  // q or k: rotated
    const std::int64_t half = op.dim / 2;
    const float rotated = d < half ? -load(row + d + half) : load(row + d - half);
    const float c = load(static_cast<const T*>(op.cos) + position * op.dim + d);
    const float sn = load(static_cast<const T*>(op.sin) + position * op.dim + d);
    value = round_to<T>(value * c) + round_to<T>(rotated * sn);
  }
  if (h < op.heads) {
    static_cast<T*>(op.q_out)[(b * op.heads + h) * op.dim + d] = store<T>(value);
    return;
  }
  const bool is_key = h < op.heads + op.kv_heads;
  const std::int64_t kv_head = h - op.heads - (is_key ? 0 : op.kv_heads);
  T* cache = static_cast<T*>(is_key ? op.keys : op.values);
  cache[((b * op.kv_heads + kv_head) * op.capacity + position) * op.dim + d] = store<T>(value);
}

constexpr int kElementThreads = 256;

bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

unsigned blocks_for(std::int64_t total) {
  return static_cast<unsigned>((total + kElementThreads - 1) / kElementThreads);
}

}  // namespace

cudaError_t launch_rms_norm(const void* x, const void* weight, void* out, std::int64_t rows,
                            std::int64_t cols, float eps, ElementType type, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  const std::int64_t per_vector = type == ElementType::kFloat32 ? 4 : 8;
  const bool in_registers = cols % per_vector == 0 &&
                            cols / per_vector <= kNormThreads * kNormVectorsPerThread &&
                            aligned16(x) && aligned16(weight) && aligned16(out);
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    const auto blocks = static_cast<unsigned>(rows);
    if (in_registers) {
      rms_norm_row_kernel<T><<<blocks, kNormThreads, 0, stream>>>(
          static_cast<const T*>(x), static_cast<const T*>(weight), static_cast<T*>(out), cols, eps);
    } else {
      rms_norm_kernel<T><<<blocks, kNormThreads, 0, stream>>>(
          static_cast<const T*>(x), static_cast<const T*>(weight), static_cast<T*>(out), cols, eps);
    }
  });
}

cudaError_t launch_rotary(const void* x, const RotaryShape& shape, const void* cos, const void* sin,
                          void* out, ElementType type, cudaStream_t stream) {
  const std::int64_t total = shape.batch * shape.tokens * shape.heads * shape.dim;
  if (total == 0) return cudaSuccess;
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    rotary_kernel<T><<<blocks_for(total), kElementThreads, 0, stream>>>(
        static_cast<const T*>(x), shape, static_cast<const T*>(cos), static_cast<const T*>(sin),
        static_cast<T*>(out), total);
  });
}

cudaError_t launch_silu_and_mul(const void* gate_up, void* out, std::int64_t rows,
                                std::int64_t width, ElementType type, cudaStream_t stream) {
  const std::int64_t total = rows * width;
  if (total == 0) return cudaSuccess;
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    silu_and_mul_kernel<T><<<blocks_for(total), kElementThreads, 0, stream>>>(
        static_cast<const T*>(gate_up), static_cast<T*>(out), width, total);
  });
}

cudaError_t launch_qkv_to_cache(const QkvToCache& op, ElementType type, cudaStream_t stream) {
  const std::int64_t total = op.batch * (op.heads + 2 * op.kv_heads) * op.dim;
  if (total == 0) return cudaSuccess;
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    qkv_to_cache_kernel<T><<<blocks_for(total), kElementThreads, 0, stream>>>(op, total);
  });
}

}  // namespace nnbench::engine::kernels

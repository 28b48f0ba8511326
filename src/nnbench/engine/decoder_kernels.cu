// The decoder's custom CUDA kernels (see decoder_kernels.hpp): each replaces a chain of LibTorch
// operators (RMSNorm: seven, rotary positions: six, SwiGLU: two) by one launch that reads its
// input once. Arithmetic in fp32; results rounded to the element type at the points where the
// LibTorch composition rounds, so that the kernels agree with it to the last bit or close to it.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "nnbench/engine/decoder_kernels.hpp"

namespace nnbench::engine::kernels {
namespace {

template <typename T>
__device__ __forceinline__ float load(const T* p) {
  return static_cast<float>(*p);
}
template <>
__device__ __forceinline__ float load<__half>(const __half* p) {
  return __half2float(*p);
}
template <>
__device__ __forceinline__ float load<__nv_bfloat16>(const __nv_bfloat16* p) {
  return __bfloat162float(*p);
}

template <typename T>
__device__ __forceinline__ T store(float v) {
  return static_cast<T>(v);
}
template <>
__device__ __forceinline__ __half store<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 store<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

// Rounds v to T and back: where the LibTorch composition materialises an intermediate tensor.
template <typename T>
__device__ __forceinline__ float round_to(float v) {
  return load<T>(&static_cast<const T&>(store<T>(v)));
}

constexpr int kNormThreads = 256;

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
  for (std::int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    const float normalised = round_to<T>(load(row + j) * scale);
    out_row[j] = store<T>(normalised * load(weight + j));
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

constexpr int kElementThreads = 256;

unsigned blocks_for(std::int64_t total) {
  return static_cast<unsigned>((total + kElementThreads - 1) / kElementThreads);
}

// Calls launch.template operator()<T>() with the CUDA type of `type`.
template <typename Launch>
cudaError_t dispatch(ElementType type, Launch&& launch) {
  switch (type) {
    case ElementType::kFloat32:
      launch(static_cast<float*>(nullptr));
      break;
    case ElementType::kFloat16:
      launch(static_cast<__half*>(nullptr));
      break;
    case ElementType::kBFloat16:
      launch(static_cast<__nv_bfloat16*>(nullptr));
      break;
  }
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_rms_norm(const void* x, const void* weight, void* out, std::int64_t rows,
                            std::int64_t cols, float eps, ElementType type, cudaStream_t stream) {
  if (rows == 0) return cudaSuccess;
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    rms_norm_kernel<T><<<static_cast<unsigned>(rows), kNormThreads, 0, stream>>>(
        static_cast<const T*>(x), static_cast<const T*>(weight), static_cast<T*>(out), cols, eps);
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

}  // namespace nnbench::engine::kernels

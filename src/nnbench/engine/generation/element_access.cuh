// Element access for the custom CUDA kernels: loads to fp32 and stores from it for each element
// type, the rounding LibTorch's compositions do between operators, and the dispatch from
// ElementType to the CUDA type. Included by the .cu files only.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

#include "nnbench/engine/generation/decoder_kernels.hpp"

namespace nnbench::engine::kernels {

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

// The 16 / sizeof(T) elements of a 16-byte vector as floats.
template <typename T>
__device__ __forceinline__ void unpack16(const uint4& v, float* out) {
  const T* elements = reinterpret_cast<const T*>(&v);
#pragma unroll
  for (int i = 0; i < static_cast<int>(16 / sizeof(T)); ++i) out[i] = load(elements + i);
}

// Calls launch(tag) with tag a null pointer to the CUDA type of `type`; returns the error that
// launch returns (where it returns a cudaError_t) or else the stream's last launch error.
template <typename Launch>
cudaError_t dispatch(ElementType type, Launch&& launch) {
  const auto call = [&](auto* tag) -> cudaError_t {
    if constexpr (std::is_same_v<decltype(launch(tag)), cudaError_t>) {
      return launch(tag);
    } else {
      launch(tag);
      return cudaSuccess;
    }
  };
  cudaError_t launched = cudaSuccess;
  switch (type) {
    case ElementType::kFloat32:
      launched = call(static_cast<float*>(nullptr));
      break;
    case ElementType::kFloat16:
      launched = call(static_cast<__half*>(nullptr));
      break;
    case ElementType::kBFloat16:
      launched = call(static_cast<__nv_bfloat16*>(nullptr));
      break;
  }
  const cudaError_t last = cudaGetLastError();
  return launched != cudaSuccess ? launched : last;
}

}  // namespace nnbench::engine::kernels

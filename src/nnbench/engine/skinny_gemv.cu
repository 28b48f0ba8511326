// The decode step's matrix product (see skinny_gemv.hpp). One warp per output column j: its lanes
// read row j of W in 16-byte vectors, kUnroll vectors in flight per lane before any arithmetic,
// multiply each by the same vector of every row of x (small, so served from L1/L2), and sum in
// fp32; a butterfly of shuffles then leaves the sums in every lane, and lane r writes row r.
#include "nnbench/engine/element_access.cuh"
#include "nnbench/engine/skinny_gemv.hpp"

namespace nnbench::engine::kernels {
namespace {

constexpr int kWarpsPerBlock = 8;
constexpr int kUnroll = 4;
constexpr int kVectorBytes = 16;

// Sum over the 16-byte vectors w and x of their elements' products, in fp32.
template <typename T>
__device__ __forceinline__ float dot16(const uint4& w, const uint4& x);

template <>
__device__ __forceinline__ float dot16<float>(const uint4& w, const uint4& x) {
  return __uint_as_float(w.x) * __uint_as_float(x.x) + __uint_as_float(w.y) * __uint_as_float(x.y) +
         __uint_as_float(w.z) * __uint_as_float(x.z) + __uint_as_float(w.w) * __uint_as_float(x.w);
}

template <typename Pair, typename ToFloat2>
__device__ __forceinline__ float dot16_pairs(const uint4& w, const uint4& x, ToFloat2 to_float2) {
  const Pair* wp = reinterpret_cast<const Pair*>(&w);
  const Pair* xp = reinterpret_cast<const Pair*>(&x);
  float sum = 0.f;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 a = to_float2(wp[i]);
    const float2 b = to_float2(xp[i]);
    sum = fmaf(a.x, b.x, sum);
    sum = fmaf(a.y, b.y, sum);
  }
  return sum;
}

template <>
__device__ __forceinline__ float dot16<__half>(const uint4& w, const uint4& x) {
  return dot16_pairs<__half2>(w, x, [](const __half2& p) { return __half22float2(p); });
}

template <>
__device__ __forceinline__ float dot16<__nv_bfloat16>(const uint4& w, const uint4& x) {
  return dot16_pairs<__nv_bfloat162>(w, x,
                                     [](const __nv_bfloat162& p) { return __bfloat1622float2(p); });
}

template <typename T, int Rows>
__global__ void __launch_bounds__(kWarpsPerBlock * 32) skinny_gemv_kernel(SkinnyGemv op) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  const std::int64_t column = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock +
                              static_cast<std::int64_t>(threadIdx.x / 32);
  if (column >= op.n) return;
  constexpr int kPerVector = kVectorBytes / static_cast<int>(sizeof(T));
  const std::int64_t vectors = op.k / kPerVector;
  const std::int64_t x_vector_stride = op.x_stride / kPerVector;
  const uint4* w = static_cast<const uint4*>(op.weight) + column * vectors;
  const uint4* x = static_cast<const uint4*>(op.x);

  float sum[Rows];
#pragma unroll
  for (int r = 0; r < Rows; ++r) sum[r] = 0.f;
  for (std::int64_t base = lane; base < vectors; base += 32 * kUnroll) {
    uint4 wv[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const std::int64_t i = base + u * 32;
      if (i < vectors) wv[u] = __ldcs(w + i);  // streamed: each weight is read once per step
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const std::int64_t i = base + u * 32;
      if (i < vectors) {
#pragma unroll
        for (int r = 0; r < Rows; ++r)
          sum[r] += dot16<T>(wv[u], __ldg(x + r * x_vector_stride + i));
      }
    }
  }
#pragma unroll
  for (int r = 0; r < Rows; ++r) {
    for (int offset = 16; offset > 0; offset /= 2) {
      sum[r] += __shfl_xor_sync(0xffffffffu, sum[r], offset);
    }
  }
  // Lane r writes row r (the sums are in every lane after the butterfly).
#pragma unroll
  for (int r = 0; r < Rows; ++r) {
    if (lane != r) continue;
    float value = sum[r];
    if (op.bias != nullptr) value += load(static_cast<const T*>(op.bias) + column);
    if (op.residual != nullptr) {
      value = round_to<T>(value) +
              load(static_cast<const T*>(op.residual) + r * op.residual_stride + column);
    }
    static_cast<T*>(op.out)[r * op.n + column] = store<T>(value);
  }
}

template <typename T, int Rows>
void launch_rows(const SkinnyGemv& op, cudaStream_t stream) {
  const auto blocks = static_cast<unsigned>((op.n + kWarpsPerBlock - 1) / kWarpsPerBlock);
  skinny_gemv_kernel<T, Rows><<<blocks, kWarpsPerBlock * 32, 0, stream>>>(op);
}

// Instantiates the kernel for 1..kSkinnyGemvMaxRows rows and launches the one for op.rows.
template <typename T, int Rows = 1>
void launch_for_rows(const SkinnyGemv& op, cudaStream_t stream) {
  if constexpr (Rows <= kSkinnyGemvMaxRows) {
    if (op.rows == Rows) {
      launch_rows<T, Rows>(op, stream);
    } else {
      launch_for_rows<T, Rows + 1>(op, stream);
    }
  }
}

bool aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % kVectorBytes == 0; }

std::int64_t element_bytes(ElementType type) { return type == ElementType::kFloat32 ? 4 : 2; }

}  // namespace

bool skinny_gemv_applies(const SkinnyGemv& op, ElementType type) {
  const std::int64_t per_vector = kVectorBytes / element_bytes(type);
  return op.rows >= 1 && op.rows <= kSkinnyGemvMaxRows && op.k > 0 && op.n > 0 &&
         op.k % per_vector == 0 && op.x_stride % per_vector == 0 && aligned(op.x) &&
         aligned(op.weight) && op.out != nullptr;
}

bool skinny_gemv_preferred(std::int64_t rows, std::int64_t k) {
  return rows == 1 || (rows <= kSkinnyGemvMaxRows && k <= 1024) || (rows <= 4 && k <= 2048);
}

cudaError_t launch_skinny_gemv(const SkinnyGemv& op, ElementType type, cudaStream_t stream) {
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    launch_for_rows<T>(op, stream);
  });
}

}  // namespace nnbench::engine::kernels

// The decode step's matrix product (see skinny_gemv.hpp). One warp per output column j: its lanes
// read row j of W in 16-byte vectors, kUnroll vectors in flight per lane before any arithmetic,
// multiply each by the same vector of every row of x (small, so served from L1/L2, or from shared
// memory once the block has normalised it), and sum in fp32; a butterfly of shuffles then leaves
// the sums in every lane, and lane r writes row r (after the bias, the residual or SwiGLU; or, for
// a decode step's [q | k | v] product, rotated into attention's q and the KV cache).
#include "nnbench/engine/generation/dependent_launch.cuh"
#include "nnbench/engine/generation/element_access.cuh"
#include "nnbench/engine/generation/skinny_gemv.hpp"

namespace nnbench::engine::kernels {
namespace {

constexpr int kWarpsPerBlock = 8;
constexpr int kUnroll = 4;
constexpr int kVectorBytes = 16;
constexpr std::int64_t kNormSharedBytes = 48 * 1024;  // without opting in to more per block

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

// The rows of x normalised (RMSNorm) into `normalised` (rows x vectors, shared memory) by the
// whole block: thread t sums the squares of vectors t, t + 256, ... of each row, the sums meet
// through a butterfly of shuffles and then the warps in order, as rms_norm_row_kernel reduces
// them, so the scale and every normalised element are bit for bit that kernel's.
template <typename T, int Rows>
__device__ void normalise_rows(const SkinnyGemv& op, uint4* normalised, std::int64_t vectors) {
  constexpr int kPerVector = kVectorBytes / static_cast<int>(sizeof(T));
  __shared__ float partial[kWarpsPerBlock][Rows];
  __shared__ float scale[Rows];
  const uint4* x = static_cast<const uint4*>(op.x);
  const std::int64_t x_vector_stride = op.x_stride / kPerVector;
  float squares[Rows];
#pragma unroll
  for (int r = 0; r < Rows; ++r) squares[r] = 0.f;
  for (std::int64_t v = threadIdx.x; v < vectors; v += blockDim.x) {
#pragma unroll
    for (int r = 0; r < Rows; ++r) {
      const uint4 raw = __ldg(x + r * x_vector_stride + v);
      normalised[r * vectors + v] = raw;
      float e[kPerVector];
      unpack16<T>(raw, e);
#pragma unroll
      for (int j = 0; j < kPerVector; ++j) squares[r] += e[j] * e[j];
    }
  }
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
#pragma unroll
  for (int r = 0; r < Rows; ++r) {
    for (int offset = 16; offset > 0; offset /= 2) {
      squares[r] += __shfl_xor_sync(0xffffffffu, squares[r], offset);
    }
    if (lane == 0) partial[warp][r] = squares[r];
  }
  __syncthreads();
  if (threadIdx.x < Rows) {
    float total = 0.f;
    for (int w = 0; w < kWarpsPerBlock; ++w) total += partial[w][threadIdx.x];
    scale[threadIdx.x] = rsqrtf(total / static_cast<float>(op.k) + op.norm_eps);
  }
  __syncthreads();
  const uint4* weight = static_cast<const uint4*>(op.norm_weight);
  for (std::int64_t v = threadIdx.x; v < vectors; v += blockDim.x) {
    float g[kPerVector];
    unpack16<T>(__ldg(weight + v), g);
#pragma unroll
    for (int r = 0; r < Rows; ++r) {
      float e[kPerVector];
      unpack16<T>(normalised[r * vectors + v], e);
      uint4 packed;
      T* result = reinterpret_cast<T*>(&packed);
#pragma unroll
      for (int j = 0; j < kPerVector; ++j) {
        result[j] = store<T>(round_to<T>(e[j] * scale[r]) * g[j]);
      }
      normalised[r * vectors + v] = packed;
    }
  }
  __syncthreads();
}

// What a warp does with its sums: store them (after the bias and the residual), SwiGLU of the
// gate and up rows, or rotate a pair of q/k columns and write them where attention reads them.
enum class Epilogue { kStore, kSwiglu, kToCache };

// Output columns per warp's rows of W: kToCache pairs columns d and d + dim/2 of one head.
__device__ __forceinline__ std::int64_t warps_for(const SkinnyGemv& op) {
  return op.to_cache ? op.n / 2 : op.n;
}

// The columns of W a warp reads: its own (kStore), j and n + j (kSwiglu), or d and d + dim/2 of
// head j / (dim/2) (kToCache).
template <Epilogue E>
__device__ __forceinline__ std::int64_t weight_row(const SkinnyGemv& op, std::int64_t warp_column,
                                                   int which) {
  if constexpr (E == Epilogue::kSwiglu) return warp_column + which * op.n;
  if constexpr (E == Epilogue::kToCache) {
    const std::int64_t half = op.cache.dim / 2;
    return (warp_column / half) * op.cache.dim + warp_column % half + which * half;
  }
  return warp_column;
}

// qkv_to_cache_kernel's arithmetic on one pair (v1, v2) = columns (d, d + dim/2) of head `head`
// of sequence b, the bias added and both rounded to T already.
template <typename T>
__device__ __forceinline__ void rotate_into_cache(const QkvToCache& c, std::int64_t b,
                                                  std::int64_t head, std::int64_t d, float v1,
                                                  float v2) {
  const std::int64_t half = c.dim / 2, position = *c.position;
  if (head < c.heads + c.kv_heads && c.cos != nullptr) {  // q or k: rotated
    const T* cos = static_cast<const T*>(c.cos) + position * c.dim;
    const T* sin = static_cast<const T*>(c.sin) + position * c.dim;
    const float r1 = round_to<T>(v1 * load(cos + d)) + round_to<T>(-v2 * load(sin + d));
    const float r2 =
        round_to<T>(v2 * load(cos + d + half)) + round_to<T>(v1 * load(sin + d + half));
    v1 = r1;
    v2 = r2;
  }
  T* row;
  if (head < c.heads) {
    row = static_cast<T*>(c.q_out) + (b * c.heads + head) * c.dim;
  } else {
    const bool is_key = head < c.heads + c.kv_heads;
    const std::int64_t kv_head = head - c.heads - (is_key ? 0 : c.kv_heads);
    row = static_cast<T*>(is_key ? c.keys : c.values) +
          ((b * c.kv_heads + kv_head) * c.capacity + position) * c.dim;
  }
  row[d] = store<T>(v1);
  row[d + half] = store<T>(v2);
}

// One column's product (its first weights already in wv) and its epilogue, by one warp.
template <typename T, int Rows, bool Norm, Epilogue E, int kWeightRows, int kLoads, typename Load>
__device__ __forceinline__ void product_column(const SkinnyGemv& op, std::int64_t column, int lane,
                                               const uint4* x, std::int64_t x_vector_stride,
                                               std::int64_t vectors,
                                               const std::int64_t (&rows_of_w)[kWeightRows],
                                               uint4 (&wv)[kWeightRows][kLoads],
                                               const Load& load_weights) {
  float sum[kWeightRows][Rows];
#pragma unroll
  for (int c = 0; c < kWeightRows; ++c) {
#pragma unroll
    for (int r = 0; r < Rows; ++r) sum[c][r] = 0.f;
  }
  for (std::int64_t base = lane; base < vectors; base += 32 * kLoads) {
#pragma unroll
    for (int u = 0; u < kLoads; ++u) {
      const std::int64_t i = base + u * 32;
      if (i < vectors) {
#pragma unroll
        for (int r = 0; r < Rows; ++r) {
          const uint4 xv = Norm ? x[r * x_vector_stride + i] : __ldg(x + r * x_vector_stride + i);
#pragma unroll
          for (int c = 0; c < kWeightRows; ++c) sum[c][r] += dot16<T>(wv[c][u], xv);
        }
      }
    }
    load_weights(base + 32 * kLoads);
  }
#pragma unroll
  for (int c = 0; c < kWeightRows; ++c) {
#pragma unroll
    for (int r = 0; r < Rows; ++r) {
      for (int offset = 16; offset > 0; offset /= 2) {
        sum[c][r] += __shfl_xor_sync(0xffffffffu, sum[c][r], offset);
      }
    }
  }
  // Lane r writes row r (the sums are in every lane after the butterfly).
  const T* bias = static_cast<const T*>(op.bias);
#pragma unroll
  for (int r = 0; r < Rows; ++r) {
    if (lane != r) continue;
    if constexpr (E == Epilogue::kSwiglu) {
      const float gate = round_to<T>(sum[0][r]), up = round_to<T>(sum[kWeightRows - 1][r]);
      static_cast<T*>(op.out)[r * op.n + column] =
          store<T>(round_to<T>(gate / (1.f + expf(-gate))) * up);
    } else if constexpr (E == Epilogue::kToCache) {
      float v[kWeightRows];
#pragma unroll
      for (int c = 0; c < kWeightRows; ++c) {
        v[c] = round_to<T>(sum[c][r] + (bias != nullptr ? load(bias + rows_of_w[c]) : 0.f));
      }
      const std::int64_t half = op.cache.dim / 2;
      rotate_into_cache<T>(op.cache, r, column / half, column % half, v[0], v[kWeightRows - 1]);
    } else {
      float value = sum[0][r];
      if (bias != nullptr) value += load(bias + column);
      if (op.residual != nullptr) {
        value = round_to<T>(value) +
                load(static_cast<const T*>(op.residual) + r * op.residual_stride + column);
      }
      static_cast<T*>(op.out)[r * op.n + column] = store<T>(value);
    }
  }
}

// Norm: x's rows normalised first (op.norm_weight). kSwiglu and kToCache: each warp reads two
// rows of W, half as many vectors of each in flight.
template <typename T, int Rows, bool Norm, Epilogue E>
__global__ void __launch_bounds__(kWarpsPerBlock * 32) skinny_gemv_kernel(SkinnyGemv op) {
  extern __shared__ uint4 normalised[];  // Rows x vectors, with Norm
  let_dependents_start();
  constexpr int kPerVector = kVectorBytes / static_cast<int>(sizeof(T));
  constexpr int kWeightRows = E == Epilogue::kStore ? 1 : 2;
  constexpr int kLoads = kUnroll / kWeightRows;  // vectors in flight per lane and row of W
  const int lane = static_cast<int>(threadIdx.x % 32);
  const std::int64_t column = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock +
                              static_cast<std::int64_t>(threadIdx.x / 32);
  const bool active = column < warps_for(op);
  const std::int64_t vectors = op.k / kPerVector;
  std::int64_t rows_of_w[kWeightRows];
  const uint4* w[kWeightRows];
  uint4 wv[kWeightRows][kLoads];
  const auto load_weights = [&](std::int64_t base) {
#pragma unroll
    for (int c = 0; c < kWeightRows; ++c) {
#pragma unroll
      for (int u = 0; u < kLoads; ++u) {
        const std::int64_t i = base + u * 32;
        if (i < vectors) wv[c][u] = __ldcs(w[c] + i);  // streamed: read once per step
      }
    }
  };
#pragma unroll
  for (int c = 0; c < kWeightRows; ++c) {
    rows_of_w[c] = weight_row<E>(op, column, c);
    w[c] = static_cast<const uint4*>(op.weight) + rows_of_w[c] * vectors;
  }
  // The first weights are in flight while the previous kernel finishes (a dependent launch) and
  // while the block normalises x. Nothing before this wait touches what earlier kernels write.
  if (active) load_weights(lane);
  wait_for_previous_kernel();
  const uint4* x = static_cast<const uint4*>(op.x);
  std::int64_t x_vector_stride = op.x_stride / kPerVector;
  if constexpr (Norm) {
    normalise_rows<T, Rows>(op, normalised, vectors);
    x = normalised;
    x_vector_stride = vectors;
  }
  if (!active) return;
  product_column<T, Rows, Norm, E>(op, column, lane, x, x_vector_stride, vectors, rows_of_w, wv,
                                   load_weights);
}

std::int64_t element_bytes(ElementType type) { return type == ElementType::kFloat32 ? 4 : 2; }

template <typename T, int Rows, bool Norm, Epilogue E>
cudaError_t launch_rows(const SkinnyGemv& op, cudaStream_t stream) {
  const std::int64_t warps = op.to_cache ? op.n / 2 : op.n;
  const auto blocks = static_cast<unsigned>((warps + kWarpsPerBlock - 1) / kWarpsPerBlock);
  const auto shared = static_cast<std::size_t>(Norm ? Rows * op.k * sizeof(T) : 0);
  return launch_dependent(op.overlap_previous, skinny_gemv_kernel<T, Rows, Norm, E>, blocks,
                          kWarpsPerBlock * 32, shared, stream, op);
}

template <typename T, int Rows, bool Norm>
cudaError_t launch_epilogue(const SkinnyGemv& op, cudaStream_t stream) {
  if (op.swiglu) return launch_rows<T, Rows, Norm, Epilogue::kSwiglu>(op, stream);
  if (op.to_cache) return launch_rows<T, Rows, Norm, Epilogue::kToCache>(op, stream);
  return launch_rows<T, Rows, Norm, Epilogue::kStore>(op, stream);
}

template <typename T, int Rows>
cudaError_t launch_fused(const SkinnyGemv& op, cudaStream_t stream) {
  return op.norm_weight != nullptr ? launch_epilogue<T, Rows, true>(op, stream)
                                   : launch_epilogue<T, Rows, false>(op, stream);
}

// Instantiates the kernels for 1..kSkinnyGemvMaxRows rows and launches the one for op.rows.
template <typename T, int Rows = 1>
cudaError_t launch_for_rows(const SkinnyGemv& op, cudaStream_t stream) {
  if constexpr (Rows <= kSkinnyGemvMaxRows) {
    return op.rows == Rows ? launch_fused<T, Rows>(op, stream)
                           : launch_for_rows<T, Rows + 1>(op, stream);
  }
  return cudaErrorInvalidValue;
}

bool aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % kVectorBytes == 0; }

bool to_cache_applies(const SkinnyGemv& op) {
  const QkvToCache& c = op.cache;
  return op.residual == nullptr && c.dim > 0 && c.dim % 2 == 0 && c.batch == op.rows &&
         op.n == (c.heads + 2 * c.kv_heads) * c.dim && c.position != nullptr && c.keys != nullptr &&
         c.values != nullptr && (c.cos == nullptr) == (c.sin == nullptr);
}

}  // namespace

bool skinny_gemv_applies(const SkinnyGemv& op, ElementType type) {
  const std::int64_t per_vector = kVectorBytes / element_bytes(type);
  return op.rows >= 1 && op.rows <= kSkinnyGemvMaxRows && op.k > 0 && op.n > 0 &&
         op.k % per_vector == 0 && op.x_stride % per_vector == 0 && aligned(op.x) &&
         aligned(op.weight) &&
         (op.norm_weight == nullptr ||
          (aligned(op.norm_weight) && op.rows * op.k * element_bytes(type) <= kNormSharedBytes)) &&
         (!op.swiglu || (op.bias == nullptr && op.residual == nullptr && !op.to_cache)) &&
         (!op.to_cache || to_cache_applies(op));
}

bool skinny_gemv_preferred(std::int64_t rows, std::int64_t k) {
  return rows == 1 || (rows <= kSkinnyGemvMaxRows && k <= 1024) || (rows <= 4 && k <= 2048);
}

cudaError_t launch_skinny_gemv(const SkinnyGemv& op, ElementType type, cudaStream_t stream) {
  return dispatch(type, [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    return launch_for_rows<T>(op, stream);
  });
}

}  // namespace nnbench::engine::kernels

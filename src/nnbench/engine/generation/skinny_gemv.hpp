// A matrix product for the decode step, out = x W^T (+ bias) (+ residual) with few rows of x (one
// per sequence): at batch 1..8 the product is a stream over W, and the time it takes is the time
// to read W once. cuBLAS's GEMM kernels are tiled for many rows and leave part of the memory
// bandwidth unused at these shapes; this kernel gives each output column one warp that reads its
// row of W in 16-byte loads, several in flight per lane, and keeps one fp32 sum per row of x.
// Plain types only (nvcc never sees LibTorch); decoder_ops_cuda.cpp checks the tensors.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "nnbench/engine/generation/decoder_kernels.hpp"

namespace nnbench::engine::kernels {

// Most rows of x the kernel takes; more rows go to cuBLAS, whose tiles then pay off.
inline constexpr std::int64_t kSkinnyGemvMaxRows = 8;

struct SkinnyGemv {
  const void* x = nullptr;  // rows x k, row stride x_stride (elements), rows contiguous
  std::int64_t x_stride = 0;
  const void* weight = nullptr;  // n x k, contiguous (nn.Linear's layout)
  const void* bias = nullptr;    // n, or null
  // rows x n with row stride residual_stride, or null: added after the product is rounded to
  // the element type, as `residual + linear(x)` rounds.
  const void* residual = nullptr;
  std::int64_t residual_stride = 0;
  void* out = nullptr;  // rows x n, contiguous
  std::int64_t rows = 0, k = 0, n = 0;
  // RMSNorm of x's rows before the product, or null: row r enters the product as
  // T(T(x[r, :] * rsqrt(mean(x[r, :]^2) + norm_eps)) * norm_weight[:]), each block normalising
  // the rows into its shared memory first, summing the squares in the order of launch_rms_norm's
  // one-round kernel (rows of up to 2048 vectors): bit for bit what that kernel writes.
  const void* norm_weight = nullptr;  // k
  float norm_eps = 0.f;
  // SwiGLU in the epilogue: W holds 2n rows [gate | up], and out[r, j] = T(T(silu(g)) * u) with g
  // and u the products of rows j and n + j rounded to T: launch_silu_and_mul's arithmetic, bit for
  // bit. No bias or residual with it.
  bool swiglu = false;
  // The decode step's [q | k | v] product straight into attention's operands (launch_qkv_to_cache
  // in the epilogue, bit for bit: q and k rotated, q to cache.q_out, k and v into the cache at
  // *cache.position); out unused, n = (heads + 2 kv_heads) * dim, rows = cache.batch, a bias
  // allowed (GPT-2's), no residual. cache.qkv and cache.qkv_row_stride are unused; cache.q_out,
  // like out, may be set after skinny_gemv_applies.
  bool to_cache = false;
  QkvToCache cache;
  // A programmatic dependent launch (dependent_launch.cuh): the blocks may start while the
  // previous kernel's last blocks run and read their first weights before waiting for it. False:
  // an ordinary launch (what the overlap saves is measured by nnbench_decode_kernels).
  bool overlap_previous = true;
};

// Whether the kernel takes these operands (out aside: the caller may allocate it after asking):
// 1..kSkinnyGemvMaxRows rows, k a multiple of the 16-byte vector width, x, weight (and
// norm_weight) and x's row stride 16-byte aligned; with norm_weight, the normalised rows within
// 48 KiB of shared memory (rows * k * element size); with swiglu, no bias, no residual and not
// to_cache; with to_cache, the cache's shapes those of the product.
bool skinny_gemv_applies(const SkinnyGemv& op, ElementType type);

// Where the kernel is ahead of cuBLAS in nnbench_decode_kernels's measurements on an H200
// (docs/benchmarks.md): one row at every shape; up to 8 rows of short ones (k <= 1024, GPT-2), up
// to 4 of k <= 2048 (llama-1b). With more rows and long k its per-row arithmetic costs more than
// cuBLAS's tiles.
bool skinny_gemv_preferred(std::int64_t rows, std::int64_t k);

// out[r, j] = T(T(sum_k x[r, k] W[j, k] + bias[j]) + residual[r, j]), the sum in fp32 (x
// normalised first and SwiGLU applied last where the operation says so). Call only where
// skinny_gemv_applies().
cudaError_t launch_skinny_gemv(const SkinnyGemv& op, ElementType type, cudaStream_t stream);

}  // namespace nnbench::engine::kernels

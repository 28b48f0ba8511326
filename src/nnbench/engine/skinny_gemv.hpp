// A matrix product for the decode step, out = x W^T (+ bias) (+ residual) with few rows of x (one
// per sequence): at batch 1..8 the product is a stream over W, and the time it takes is the time
// to read W once. cuBLAS's GEMM kernels are tiled for many rows and leave part of the memory
// bandwidth unused at these shapes; this kernel gives each output column one warp that reads its
// row of W in 16-byte loads, several in flight per lane, and keeps one fp32 sum per row of x.
// Plain types only (nvcc never sees LibTorch); decoder_ops_cuda.cpp checks the tensors.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "nnbench/engine/decoder_kernels.hpp"

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
};

// Whether the kernel takes these operands: 1..kSkinnyGemvMaxRows rows, k a multiple of the
// 16-byte vector width, x, weight and x's row stride 16-byte aligned.
bool skinny_gemv_applies(const SkinnyGemv& op, ElementType type);

// Where the kernel is ahead of cuBLAS in nnbench_decode_kernels's measurements on an H200
// (docs/benchmarks.md): one row at every shape; up to 8 rows of short ones (k <= 1024, GPT-2), up
// to 4 of k <= 2048 (llama-1b). With more rows and long k its per-row arithmetic costs more than
// cuBLAS's tiles.
bool skinny_gemv_preferred(std::int64_t rows, std::int64_t k);

// out[r, j] = T(T(sum_k x[r, k] W[j, k] + bias[j]) + residual[r, j]), the sum in fp32. Call only
// where skinny_gemv_applies().
cudaError_t launch_skinny_gemv(const SkinnyGemv& op, ElementType type, cudaStream_t stream);

}  // namespace nnbench::engine::kernels

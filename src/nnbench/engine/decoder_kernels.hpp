// Launchers of the decoder's custom CUDA kernels (decoder_kernels.cu), in plain types so that nvcc
// never compiles LibTorch's headers: decoder_ops_cuda.cpp checks the tensors and passes their
// pointers, shapes, strides and the current stream. Each launcher returns the launch's
// cudaError_t.
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

}  // namespace nnbench::engine::kernels

// Tensors to the custom kernels' launchers (see decoder_ops_cuda.hpp, decoder_kernels.hpp).
#include "nnbench/engine/decoder_ops_cuda.hpp"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/torch.h>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/decoder_kernels.hpp"

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

}  // namespace nnbench::engine

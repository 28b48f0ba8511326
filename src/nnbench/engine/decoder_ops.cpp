// The decoder's element-wise operations (see decoder_ops.hpp): the LibTorch compositions, and the
// hand-off to the CUDA kernels in the cuda build.
#include "nnbench/engine/decoder_ops.hpp"

#include <torch/torch.h>

#include <vector>

#ifdef NNBENCH_WITH_CUDA
#include "nnbench/engine/decoder_ops_cuda.hpp"
#endif

namespace nnbench::engine {

bool decoder_kernels_built() {
#ifdef NNBENCH_WITH_CUDA
  return true;
#else
  return false;
#endif
}

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps,
                       bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && x.is_cuda()) return cuda_rms_norm(x, weight, eps);
#endif
  (void)fused;
  const torch::Tensor f = x.to(torch::kFloat32);
  return (f * torch::rsqrt(f.pow(2).mean(-1, true) + eps)).to(x.scalar_type()) * weight;
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin, bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && x.is_cuda()) return cuda_apply_rotary(x, cos, sin);
#endif
  (void)fused;
  const std::vector<torch::Tensor> halves = x.chunk(2, -1);
  const torch::Tensor rotated = torch::cat({-halves[1], halves[0]}, -1);
  return x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1);
}

torch::Tensor silu_and_mul(const torch::Tensor& gate_up, bool fused) {
#ifdef NNBENCH_WITH_CUDA
  if (fused && gate_up.is_cuda()) return cuda_silu_and_mul(gate_up);
#endif
  (void)fused;
  const std::vector<torch::Tensor> parts = gate_up.chunk(2, -1);
  return torch::silu(parts[0]) * parts[1];
}

}  // namespace nnbench::engine

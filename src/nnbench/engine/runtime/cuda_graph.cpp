// CapturedForward in the CPU build: there is no CUDA graph to capture.
#ifndef NNBENCH_WITH_CUDA
#include "nnbench/engine/runtime/cuda_graph.hpp"

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

struct CapturedForward::Captured {
  torch::Tensor output;
};

CapturedForward::CapturedForward(const std::function<torch::Tensor()>& /*forward*/,
                                 const torch::Device& device, int /*warmup*/) {
  throw UnavailableError("CUDA graph capture on device '" + device.str() +
                         "' needs the cuda build of nnbench (cmake --preset cuda) and a GPU");
}

CapturedForward::~CapturedForward() = default;
void CapturedForward::replay() {}
const torch::Tensor& CapturedForward::output() const { return captured_->output; }
double CapturedForward::capture_ms() const { return 0; }

}  // namespace nnbench::engine
#endif

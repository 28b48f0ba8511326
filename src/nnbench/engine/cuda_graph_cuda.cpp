// CapturedForward in the cuda build: at::cuda::CUDAGraph over LibTorch's streams.
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <chrono>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/cuda_graph.hpp"

namespace nnbench::engine {

struct CapturedForward::Captured {
  at::cuda::CUDAGraph graph;
  torch::Tensor output;
  double capture_ms = 0;
};

CapturedForward::CapturedForward(const std::function<torch::Tensor()>& forward,
                                 const torch::Device& device, int warmup)
    : captured_(std::make_unique<Captured>()) {
  if (!device.is_cuda()) {
    throw UnavailableError("CUDA graph capture needs a CUDA device, not '" + device.str() + "'");
  }
  const c10::cuda::CUDAGuard device_guard(device);
  const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream();
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(false, device.index());
  // The side stream starts after everything the caller queued (the inputs' initialisation).
  at::cuda::CUDAEvent ready;
  ready.record(caller);
  ready.block(side);
  try {
    const c10::cuda::CUDAStreamGuard stream_guard(side);
    for (int i = 0; i < warmup; ++i) forward();
    side.synchronize();
    const auto start = std::chrono::steady_clock::now();
    captured_->graph.capture_begin();
    captured_->output = forward();
    captured_->graph.capture_end();
    side.synchronize();
    captured_->capture_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  } catch (const c10::Error& e) {
    throw Error(std::string("CUDA graph capture failed: ") + e.what_without_backtrace());
  }
  // The caller's stream waits for the capture's side stream before the first replay.
  at::cuda::CUDAEvent captured;
  captured.record(side);
  captured.block(caller);
}

CapturedForward::~CapturedForward() = default;

void CapturedForward::replay() { captured_->graph.replay(); }

const torch::Tensor& CapturedForward::output() const { return captured_->output; }

double CapturedForward::capture_ms() const { return captured_->capture_ms; }

}  // namespace nnbench::engine

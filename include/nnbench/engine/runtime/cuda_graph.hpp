// A forward pass captured once in a CUDA graph and replayed: the C++ counterpart of
// torch.compile's "reduce-overhead" mode. One launch per replay instead of one per operator;
// the graph reads a static input and writes a static output, both allocated before capture.
#pragma once

#include <functional>
#include <memory>

#include <torch/types.h>

namespace nnbench::engine {

class CapturedForward {
 public:
  // Runs `forward` `warmup` times on the device's capture stream (one per device, shared by every
  // capture, so that cuBLAS keeps one workspace for all of them; lazy initialisation, cuDNN
  // autotuning and workspace allocation stay out of the graph), then captures one call into a
  // graph with its own memory pool. Throws UnavailableError on a device that is not CUDA or in
  // the CPU build; a capture that fails (an operation that synchronises, say) throws Error with
  // LibTorch's message.
  CapturedForward(const std::function<torch::Tensor()>& forward, const torch::Device& device,
                  int warmup = 3);
  ~CapturedForward();
  CapturedForward(const CapturedForward&) = delete;
  CapturedForward& operator=(const CapturedForward&) = delete;

  // Launches the graph on the current CUDA stream (asynchronous, like the eager forward).
  void replay();
  // The static output, rewritten by every replay.
  const torch::Tensor& output() const;
  // Capture and instantiation in milliseconds (host clock, device synchronised on both sides).
  double capture_ms() const;

 private:
  struct Captured;
  std::unique_ptr<Captured> captured_;
};

}  // namespace nnbench::engine

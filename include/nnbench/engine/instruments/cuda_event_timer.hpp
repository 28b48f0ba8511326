// The device timer of the cuda build: CUDA events recorded on the stream the work runs on.
#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "nnbench/core/timer.hpp"

namespace nnbench::engine {

// start() and stop() record an event on LibTorch's current CUDA stream of the device (taken at
// start(); stop() records on the same stream), so the region is the device time of the work
// queued between them, host launch gaps included when the device waited for the host.
// elapsed_ns() waits for the stop event (cudaEventSynchronize) and reads cudaEventElapsedTime
// (resolution about 0.5 us). Not thread-safe; CUDA failures throw CudaError.
class CudaEventTimer final : public Timer {
 public:
  explicit CudaEventTimer(int device_index);
  ~CudaEventTimer() override;
  CudaEventTimer(const CudaEventTimer&) = delete;
  CudaEventTimer& operator=(const CudaEventTimer&) = delete;

  void start() override;
  void stop() override;
  double elapsed_ns() override;
  std::string kind() const override { return "cuda_event"; }
  std::string synchronization() const override {
    return "cudaEventRecord on the current CUDA stream at start and stop; cudaEventSynchronize "
           "on the stop event before cudaEventElapsedTime";
  }
  int device_index() const { return device_index_; }

 private:
  int device_index_;
  cudaEvent_t start_event_ = nullptr, stop_event_ = nullptr;
  cudaStream_t stream_ = nullptr;
  bool started_ = false, stopped_ = false;
};

}  // namespace nnbench::engine

// CudaEventTimer: events on LibTorch's current stream.
#include "nnbench/engine/instruments/cuda_event_timer.hpp"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {

CudaEventTimer::CudaEventTimer(int device_index) : device_index_(device_index) {
  const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device_index_));
  NNBENCH_CUDA_CALL(cudaEventCreate(&start_event_));
  try {
    NNBENCH_CUDA_CALL(cudaEventCreate(&stop_event_));
  } catch (...) {
    cudaEventDestroy(start_event_);
    throw;
  }
}

CudaEventTimer::~CudaEventTimer() {
  // Errors are ignored here: a destructor must not throw, and the events are gone either way.
  if (stop_event_ != nullptr) cudaEventDestroy(stop_event_);
  if (start_event_ != nullptr) cudaEventDestroy(start_event_);
}

void CudaEventTimer::start() {
  stream_ = c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device_index_)).stream();
  NNBENCH_CUDA_CALL(cudaEventRecord(start_event_, stream_));
  started_ = true;
  stopped_ = false;
}

void CudaEventTimer::stop() {
  if (!started_) throw Error("CudaEventTimer::stop() called before start()");
  NNBENCH_CUDA_CALL(cudaEventRecord(stop_event_, stream_));
  stopped_ = true;
}

double CudaEventTimer::elapsed_ns() {
  if (!stopped_) throw Error("CudaEventTimer::elapsed_ns() called before stop()");
  NNBENCH_CUDA_CALL(cudaEventSynchronize(stop_event_));
  float elapsed_ms = 0;
  NNBENCH_CUDA_CALL(cudaEventElapsedTime(&elapsed_ms, start_event_, stop_event_));
  return static_cast<double>(elapsed_ms) * 1e6;
}

}  // namespace nnbench::engine

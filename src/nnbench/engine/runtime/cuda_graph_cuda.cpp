// CapturedForward in the cuda build: at::cuda::CUDAGraph over LibTorch's streams.
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cuda_runtime_api.h>

#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <vector>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/runtime/cuda_graph.hpp"

namespace nnbench::engine {

struct CapturedForward::Captured {
  at::cuda::CUDAGraph graph;
  // The graph's private memory pool, made before the capture: a capture that fails has no
  // pool() to ask (CUDAGraph::pool() needs a finished capture), and its pool must be released.
  c10::MempoolId_t pool{0, 0};
  torch::Tensor output;
  double capture_ms = 0;
};

namespace {

// The stream every capture on a device runs on, taken from LibTorch's pool once per device and
// kept for the process, as PyTorch's torch.cuda.graph keeps its default_capture_stream. cuBLAS
// keeps a workspace per (handle, stream): a fresh pool stream per capture would leave one more
// 32 MiB workspace allocated after every captured variant, and every later variant's memory
// figures would carry the earlier ones'. A cache of handles, not state a benchmark can observe.
c10::cuda::CUDAStream capture_stream(c10::DeviceIndex device) {
  static std::mutex mutex;
  static std::vector<std::optional<c10::cuda::CUDAStream>> streams;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto index = static_cast<std::size_t>(device);
  if (streams.size() <= index) streams.resize(index + 1);
  if (!streams[index]) streams[index] = c10::cuda::getStreamFromPool(false, device);
  return *streams[index];
}

// After a forward that threw inside capture_begin/capture_end: ends the stream's capture (or
// else every later launch on it, and every synchronising call in the process, fails with
// "operation not permitted when stream is capturing"), drops what was captured, hands the
// graph's memory pool back to the allocator and clears the error the capture left. Each step
// runs whatever the one before it did: a cleanup that throws would leave the rest undone.
void abandon_capture(const c10::cuda::CUDAStream& stream, const c10::MempoolId_t& pool,
                     bool pool_begun) {
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  if (cudaStreamIsCapturing(stream.stream(), &status) == cudaSuccess &&
      status != cudaStreamCaptureStatusNone) {
    cudaGraph_t partial = nullptr;
    cudaStreamEndCapture(stream.stream(), &partial);
    if (partial != nullptr) cudaGraphDestroy(partial);
  }
  if (pool_begun) {
    try {
      c10::cuda::CUDACachingAllocator::endAllocateToPool(stream.device_index(), pool);
    } catch (const std::exception&) {  // the allocator had already stopped routing to it
    }
    try {
      c10::cuda::CUDACachingAllocator::releasePool(stream.device_index(), pool);
    } catch (const std::exception&) {
    }
  }
  static_cast<void>(cudaGetLastError());
}

}  // namespace

CapturedForward::CapturedForward(const std::function<torch::Tensor()>& forward,
                                 const torch::Device& device, int warmup)
    : captured_(std::make_unique<Captured>()) {
  if (!device.is_cuda()) {
    throw UnavailableError("CUDA graph capture needs a CUDA device, not '" + device.str() + "'");
  }
  const c10::cuda::CUDAGuard device_guard(device);
  captured_->pool = at::cuda::graph_pool_handle();
  const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream();
  const c10::cuda::CUDAStream side = capture_stream(caller.device_index());
  // The side stream starts after everything the caller queued (the inputs' initialisation).
  at::cuda::CUDAEvent ready;
  ready.record(caller);
  ready.block(side);
  bool capturing = false;
  try {
    const c10::cuda::CUDAStreamGuard stream_guard(side);
    for (int i = 0; i < warmup; ++i) forward();
    side.synchronize();
    const auto start = std::chrono::steady_clock::now();
    capturing = true;
    captured_->graph.capture_begin(captured_->pool);
    captured_->output = forward();
    captured_->graph.capture_end();
    side.synchronize();
    captured_->capture_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  } catch (const c10::Error& e) {
    abandon_capture(side, captured_->pool, capturing);
    throw Error(std::string("CUDA graph capture failed: ") + e.what_without_backtrace());
  } catch (const std::exception& e) {
    abandon_capture(side, captured_->pool, capturing);
    throw Error(std::string("CUDA graph capture failed: ") + e.what());
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

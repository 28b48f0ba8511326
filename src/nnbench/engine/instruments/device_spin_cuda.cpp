// The cuda build's device spin and event timer (see device_spin.hpp).
#include <atomic>
#include <chrono>

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/instruments/cuda_event_timer.hpp"
#include "nnbench/engine/instruments/device_spin.hpp"
#include "nnbench/engine/instruments/spin_kernel.hpp"
#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {

void launch_device_spin(const torch::Device& device, std::chrono::nanoseconds duration) {
  const c10::cuda::CUDAGuard guard(device);
  NNBENCH_CUDA_CALL(kernels::launch_spin(static_cast<std::uint64_t>(duration.count()),
                                         c10::cuda::getCurrentCUDAStream(device.index()).stream()));
}

std::unique_ptr<Timer> make_cuda_event_timer(const torch::Device& device) {
  return std::make_unique<CudaEventTimer>(device.has_index() ? device.index()
                                                             : c10::cuda::current_device());
}

namespace {

// See make_held_stream_timer. Two ints of mapped, pinned host memory: [0] the release the host
// writes, [1] the hold's timeout flag the kernel writes.
class HeldStreamTimer final : public Timer {
 public:
  HeldStreamTimer(int device_index, bool events) : device_index_(device_index), events_(events) {
    const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device_index_));
    void* host = nullptr;
    NNBENCH_CUDA_CALL(cudaHostAlloc(&host, 2 * sizeof(int), cudaHostAllocMapped));
    flags_ = static_cast<volatile int*>(host);
    try {
      void* device = nullptr;
      NNBENCH_CUDA_CALL(cudaHostGetDevicePointer(&device, host, 0));
      device_flags_ = static_cast<volatile int*>(device);
      if (events_) {
        NNBENCH_CUDA_CALL(cudaEventCreate(&start_event_));
        NNBENCH_CUDA_CALL(cudaEventCreate(&stop_event_));
      }
    } catch (...) {
      release_resources();
      throw;
    }
  }
  ~HeldStreamTimer() override { release_resources(); }
  HeldStreamTimer(const HeldStreamTimer&) = delete;
  HeldStreamTimer& operator=(const HeldStreamTimer&) = delete;

  void start() override {
    stream_ =
        c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device_index_)).stream();
    flags_[0] = 0;
    flags_[1] = 0;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    NNBENCH_CUDA_CALL(kernels::launch_hold_stream(device_flags_, kHoldTimeoutNs, stream_));
    if (events_) NNBENCH_CUDA_CALL(cudaEventRecord(start_event_, stream_));
    started_ = true;
  }

  void stop() override {
    if (!started_) throw Error("HeldStreamTimer::stop() called before start()");
    started_ = false;
    if (events_) NNBENCH_CUDA_CALL(cudaEventRecord(stop_event_, stream_));
    const auto released = std::chrono::steady_clock::now();
    std::atomic_thread_fence(std::memory_order_seq_cst);
    flags_[0] = 1;
    NNBENCH_CUDA_CALL(cudaStreamSynchronize(stream_));
    host_ns_ = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - released)
                                       .count());
    if (flags_[1] != 0) {
      throw Error(
          "the held stream was released after the hold's 1 s timeout: the work took longer to "
          "queue than the hold lasts, so its launch would be in the measurement");
    }
  }

  double elapsed_ns() override {
    if (!events_) return host_ns_;
    float elapsed_ms = 0;
    NNBENCH_CUDA_CALL(cudaEventElapsedTime(&elapsed_ms, start_event_, stop_event_));
    return static_cast<double>(elapsed_ms) * 1e6;
  }

  std::string kind() const override {
    return events_ ? "cuda_event (held stream)" : "host_steady_clock (held stream)";
  }
  std::string synchronization() const override {
    return events_ ? "a kernel holds the stream while the work is queued; events inside the held "
                     "stream; cudaStreamSynchronize after the release"
                   : "a kernel holds the stream while the work is queued; the host clock runs "
                     "from the release to the end of cudaStreamSynchronize";
  }

 private:
  static constexpr std::uint64_t kHoldTimeoutNs = 1'000'000'000;

  void release_resources() {
    // Errors are ignored: a destructor must not throw, and the resources are gone either way.
    if (stop_event_ != nullptr) cudaEventDestroy(stop_event_);
    if (start_event_ != nullptr) cudaEventDestroy(start_event_);
    if (flags_ != nullptr) cudaFreeHost(const_cast<int*>(flags_));
    stop_event_ = start_event_ = nullptr;
    flags_ = nullptr;
  }

  int device_index_;
  bool events_;
  volatile int* flags_ = nullptr;
  volatile int* device_flags_ = nullptr;
  cudaEvent_t start_event_ = nullptr, stop_event_ = nullptr;
  cudaStream_t stream_ = nullptr;
  bool started_ = false;
  double host_ns_ = 0;
};

}  // namespace

std::unique_ptr<Timer> make_held_stream_timer(const torch::Device& device, bool events) {
  return std::make_unique<HeldStreamTimer>(
      device.has_index() ? device.index() : c10::cuda::current_device(), events);
}

}  // namespace nnbench::engine

// The CPU build's device spin: there is no device (device_spin_cuda.cpp is the cuda build's).
#include "nnbench/engine/instruments/device_spin.hpp"

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

#ifndef NNBENCH_WITH_CUDA
void launch_device_spin(const torch::Device&, std::chrono::nanoseconds) {
  throw UnavailableError("a device spin kernel needs the cuda build and a CUDA GPU");
}

std::unique_ptr<Timer> make_cuda_event_timer(const torch::Device&) {
  throw UnavailableError("CUDA event timing needs the cuda build and a CUDA GPU");
}

std::unique_ptr<Timer> make_held_stream_timer(const torch::Device&, bool) {
  throw UnavailableError("a held-stream timer needs the cuda build and a CUDA GPU");
}
#endif

}  // namespace nnbench::engine

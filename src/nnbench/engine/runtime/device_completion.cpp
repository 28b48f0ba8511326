// DeviceCompletion (see device_completion.hpp): c10's device-generic event, so the CPU build
// compiles it too and a CUDA device works wherever LibTorch has CUDA.
#include "nnbench/engine/runtime/device_completion.hpp"

#include <ATen/DeviceAccelerator.h>
#include <c10/core/Event.h>

namespace nnbench::engine {

DeviceCompletion::DeviceCompletion(const torch::Device& device) : device_(device) {
  if (device_.is_cuda()) event_ = std::make_unique<c10::Event>(c10::DeviceType::CUDA);
}

DeviceCompletion::~DeviceCompletion() = default;

void DeviceCompletion::mark() {
  marked_ = true;
  if (!event_) return;
  const c10::DeviceIndex index =
      device_.has_index() ? device_.index() : at::accelerator::getDeviceIndex();
  event_->record(at::accelerator::getCurrentStream(index));
}

bool DeviceCompletion::done() const { return !marked_ || !event_ || event_->query(); }

std::string DeviceCompletion::method() const {
  return event_ ? "an event recorded on the current CUDA stream after the batch, polled "
                  "(cudaEventQuery) by the scheduler thread"
                : "the forward call's return (CPU: the work is done when the call returns)";
}

}  // namespace nnbench::engine

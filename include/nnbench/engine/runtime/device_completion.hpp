// Marks the end of the work queued so far on a device and tells, without blocking, whether the
// device has reached it: how a load scenario's backend learns that a batch completed while its
// scheduler keeps the clock. On CUDA an event (timing disabled) recorded on LibTorch's current
// stream and polled with a query; on the CPU work is done when the call that queued it returned.
#pragma once

#include <memory>
#include <string>

#include <torch/types.h>

namespace c10 {
class Event;
}

namespace nnbench::engine {

class DeviceCompletion {
 public:
  explicit DeviceCompletion(const torch::Device& device);
  ~DeviceCompletion();
  DeviceCompletion(const DeviceCompletion&) = delete;
  DeviceCompletion& operator=(const DeviceCompletion&) = delete;

  // Marks the end of everything queued on the current stream until now.
  void mark();
  // Whether the device has finished the marked work (true before the first mark).
  bool done() const;
  // How completion is learnt, for a result's provenance.
  std::string method() const;

 private:
  torch::Device device_;
  std::unique_ptr<c10::Event> event_;
  bool marked_ = false;
};

}  // namespace nnbench::engine

// A LoadBackend in virtual time for the scenarios' tests: a batch takes `service(batch size)`,
// and waiting moves the virtual clock to the completion or the deadline.
#pragma once

#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include "nnbench/core/load/load_clock.hpp"
#include "nnbench/core/load/server_scenario.hpp"

namespace nnbench::load {

class SimulatedBackend final : public LoadBackend {
 public:
  SimulatedBackend(VirtualLoadClock& clock,
                   std::function<std::chrono::nanoseconds(std::size_t)> service)
      : clock_(clock), service_(std::move(service)) {}
  void issue(const std::vector<QueuedQuery>& batch) override {
    finish_ = clock_.now() + service_(batch.size());
    batch_sizes.push_back(batch.size());
  }
  // `clock` may run from another origin than the backend's own (a scenario's offset clock).
  bool wait(LoadClock& clock, std::chrono::nanoseconds deadline) override {
    if (deadline != std::chrono::nanoseconds::max()) deadline += clock_.now() - clock.now();
    if (finish_ <= deadline) {
      clock_.advance_to(finish_);
      return true;
    }
    clock_.advance_to(deadline);
    return false;
  }
  std::vector<std::size_t> batch_sizes;

 private:
  VirtualLoadClock& clock_;
  std::function<std::chrono::nanoseconds(std::size_t)> service_;
  std::chrono::nanoseconds finish_{0};
};

}  // namespace nnbench::load

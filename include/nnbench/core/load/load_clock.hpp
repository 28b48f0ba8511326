// The clock a load scenario's scheduler runs by: the host's steady clock for real runs, or a
// virtual clock that jumps from event to event (a simulated backend, the scheduler's tests).
// Times are nanoseconds since the scenario started.
#pragma once

#include <chrono>

namespace nnbench::load {

class LoadClock {
 public:
  virtual ~LoadClock() = default;
  virtual std::chrono::nanoseconds now() = 0;
  // Returns at `when` or later (at once when it has passed).
  virtual void sleep_until(std::chrono::nanoseconds when) = 0;
};

// std::chrono::steady_clock, zero at construction.
class SteadyLoadClock final : public LoadClock {
 public:
  SteadyLoadClock() : start_(std::chrono::steady_clock::now()) {}
  std::chrono::nanoseconds now() override { return std::chrono::steady_clock::now() - start_; }
  void sleep_until(std::chrono::nanoseconds when) override;

 private:
  std::chrono::steady_clock::time_point start_;
};

// Time that passes only when told to: sleep_until and advance_to move it forward, never back.
class VirtualLoadClock final : public LoadClock {
 public:
  std::chrono::nanoseconds now() override { return now_; }
  void sleep_until(std::chrono::nanoseconds when) override { advance_to(when); }
  void advance_to(std::chrono::nanoseconds when) {
    if (when > now_) now_ = when;
  }

 private:
  std::chrono::nanoseconds now_{0};
};

}  // namespace nnbench::load

// Timers the measurement loop uses. The harness owns the clock: a benchmark never times itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace nnbench {

// A timer brackets the measured region. Implementations: the host steady clock (below) and, in
// the cuda build, CUDA events recorded on the stream the work runs on (engine layer).
// Not thread-safe; one timer per running variant.
class Timer {
 public:
  virtual ~Timer() = default;
  virtual void start() = 0;
  // Marks the end of the region. A device timer only records here; it does not wait.
  virtual void stop() = 0;
  // Nanoseconds between the last start() and stop(); a device timer synchronises here.
  virtual double elapsed_ns() = 0;
  // Recorded in every result's provenance, e.g. "host_steady_clock", "cuda_event".
  virtual std::string kind() const = 0;
  // How host and device were synchronised around the region, e.g. "none (host work)",
  // "cudaEventSynchronize after stop".
  virtual std::string synchronization() const = 0;
};

// std::chrono::steady_clock. For CPU work, where the host clock is the truth.
class SteadyTimer final : public Timer {
 public:
  void start() override { start_ = std::chrono::steady_clock::now(); }
  void stop() override { stop_ = std::chrono::steady_clock::now(); }
  double elapsed_ns() override {
    return static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(stop_ - start_).count());
  }
  std::string kind() const override { return "host_steady_clock"; }
  std::string synchronization() const override { return "none (host work)"; }

 private:
  std::chrono::steady_clock::time_point start_{}, stop_{};
};

// Nanoseconds on the steady clock since an arbitrary epoch; for budgets and ETAs.
inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace nnbench

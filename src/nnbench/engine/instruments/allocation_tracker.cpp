// The allocators' reports, counted (see allocation_tracker.hpp).
#include "nnbench/engine/instruments/allocation_tracker.hpp"

#include <c10/core/Allocator.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace nnbench::engine {

// The hook LibTorch's allocators report to: current and peak per place, under a mutex (the
// reports come from several threads).
struct AllocationTracker::Counters final : public c10::MemoryReportingInfoBase {
  void reportMemoryUsage(void* /*ptr*/, std::int64_t size, std::size_t /*total_allocated*/,
                         std::size_t /*total_reserved*/, c10::Device device) override {
    const std::lock_guard<std::mutex> lock(mutex);
    const std::size_t i = device.is_cpu() ? 0 : 1;
    current[i] += size;
    peak[i] = std::max(peak[i], current[i]);
  }
  bool memoryProfilingEnabled() const override { return true; }

  mutable std::mutex mutex;
  std::array<std::int64_t, 2> current{}, peak{};
};

AllocationTracker::AllocationTracker()
    : counters_(std::make_shared<Counters>()),
      guard_(c10::DebugInfoKind::PROFILER_STATE, counters_) {}

AllocationTracker::~AllocationTracker() = default;

std::int64_t AllocationTracker::current(Where where) const {
  const std::lock_guard<std::mutex> lock(counters_->mutex);
  return counters_->current[where == Where::kHost ? 0 : 1];
}

std::int64_t AllocationTracker::peak(Where where) const {
  const std::lock_guard<std::mutex> lock(counters_->mutex);
  return counters_->peak[where == Where::kHost ? 0 : 1];
}

void AllocationTracker::reset_peak() {
  const std::lock_guard<std::mutex> lock(counters_->mutex);
  counters_->peak = counters_->current;
}

}  // namespace nnbench::engine

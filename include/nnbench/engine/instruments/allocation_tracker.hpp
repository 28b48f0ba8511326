// Bytes LibTorch's allocators hand out while a tracker is alive: the allocators' own reports, not
// an estimate. Both allocators announce every allocation and release to the memory-reporting hook
// that LibTorch's profiler uses (c10::MemoryReportingInfoBase): the CPU allocator per tensor
// buffer, the CUDA caching allocator per block it hands to a tensor. The tracker installs itself
// as that hook for the calling thread; LibTorch carries it to the threads it hands work to
// (intra-op workers, the autograd engine's device threads). LibTorch reports the release of a
// buffer only if some tracker saw it allocated (of an older one no size, and it warns once): a
// release inside a tracker's life of a buffer another tracker saw allocated lowers `current`.
#pragma once

#include <cstdint>
#include <memory>

#include <c10/util/ThreadLocalDebugInfo.h>

namespace nnbench::engine {

class AllocationTracker {
 public:
  enum class Where { kHost, kDevice };

  AllocationTracker();
  ~AllocationTracker();
  AllocationTracker(const AllocationTracker&) = delete;
  AllocationTracker& operator=(const AllocationTracker&) = delete;

  // Net bytes allocated since the start (allocations minus releases).
  std::int64_t current(Where where) const;
  // The highest `current` since the start or the last reset_peak().
  std::int64_t peak(Where where) const;
  // The peak starts again from `current`.
  void reset_peak();

  struct Counters;

 private:
  std::shared_ptr<Counters> counters_;
  c10::DebugInfoGuard guard_;
};

}  // namespace nnbench::engine

// The forward-pass backend of the load scenarios (see forward_load_backend.hpp).
#include "nnbench/suites/forward_load_backend.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {

std::vector<std::int64_t> power_of_two_buckets(std::int64_t max_batch) {
  std::vector<std::int64_t> buckets;
  for (std::int64_t b = 1; b < max_batch; b *= 2) buckets.push_back(b);
  buckets.push_back(max_batch);
  return buckets;
}

ForwardLoadBackend::ForwardLoadBackend(const torch::Device& device,
                                       std::vector<std::int64_t> buckets, Forward forward)
    : buckets_(std::move(buckets)), forward_(std::move(forward)), completion_(device) {
  if (buckets_.empty() || !std::is_sorted(buckets_.begin(), buckets_.end()) ||
      buckets_.front() < 1) {
    throw InputError("a forward load backend needs ascending batch buckets of 1 or more");
  }
}

std::int64_t ForwardLoadBackend::bucket_for(std::size_t n) const {
  const auto it = std::lower_bound(buckets_.begin(), buckets_.end(), static_cast<std::int64_t>(n));
  if (it == buckets_.end()) {
    throw Error(
        fmt::format("a batch of {} queries exceeds the largest bucket, {}", n, buckets_.back()));
  }
  return *it;
}

void ForwardLoadBackend::issue(const std::vector<load::QueuedQuery>& batch) {
  forward_(bucket_for(batch.size()));
  completion_.mark();
}

bool ForwardLoadBackend::wait(load::LoadClock& clock, std::chrono::nanoseconds deadline) {
  // Polled, not blocked on: the scheduler must wake for the next arrival. yield() keeps the poll
  // within microseconds of the completion without starving the GPU monitor's thread.
  while (!completion_.done()) {
    if (clock.now() >= deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

void ForwardLoadBackend::warm_up(int rounds) {
  for (const std::int64_t bucket : buckets_) {
    for (int i = 0; i < rounds; ++i) {
      forward_(bucket);
      completion_.mark();
      while (!completion_.done()) std::this_thread::yield();
    }
  }
}

}  // namespace nnbench::suites

// The dynamic batcher (see dynamic_batcher.hpp).
#include "nnbench/core/load/dynamic_batcher.hpp"

#include <algorithm>

#include "nnbench/core/error.hpp"

namespace nnbench::load {

DynamicBatcher::DynamicBatcher(std::size_t max_batch, std::chrono::nanoseconds max_delay)
    : max_batch_(max_batch), max_delay_(max_delay) {
  if (max_batch == 0) throw InputError("dynamic batching: max batch size must be at least 1");
  if (max_delay.count() < 0) throw InputError("dynamic batching: max queueing delay is negative");
}

void DynamicBatcher::enqueue(const QueuedQuery& query) { queue_.push_back(query); }

std::optional<std::chrono::nanoseconds> DynamicBatcher::due() const {
  if (queue_.empty()) return std::nullopt;
  if (queue_.size() >= max_batch_) return queue_[max_batch_ - 1].arrived;
  return queue_.front().arrived + max_delay_;
}

std::vector<QueuedQuery> DynamicBatcher::take() {
  const std::size_t count = std::min(max_batch_, queue_.size());
  std::vector<QueuedQuery> batch(queue_.begin(),
                                 queue_.begin() + static_cast<std::ptrdiff_t>(count));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  return batch;
}

}  // namespace nnbench::load

// The server scenario's queue: queries wait until a batch is full (max_batch) or the oldest has
// waited max_delay, whichever comes first, and then go to the backend together, oldest first.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace nnbench::load {

struct QueuedQuery {
  std::uint64_t id = 0;
  std::chrono::nanoseconds arrived{0};  // its scheduled arrival, since the run started
};

class DynamicBatcher {
 public:
  // Throws InputError for max_batch 0 or a negative max_delay.
  DynamicBatcher(std::size_t max_batch, std::chrono::nanoseconds max_delay);

  void enqueue(const QueuedQuery& query);
  // When the head batch is due: at once when max_batch queries wait (the latest arrival among
  // them), else the oldest arrival + max_delay; nothing when the queue is empty.
  std::optional<std::chrono::nanoseconds> due() const;
  // Removes and returns up to max_batch queries from the head.
  std::vector<QueuedQuery> take();

  std::size_t size() const { return queue_.size(); }
  std::size_t max_batch() const { return max_batch_; }
  std::chrono::nanoseconds max_delay() const { return max_delay_; }

 private:
  std::size_t max_batch_;
  std::chrono::nanoseconds max_delay_;
  std::deque<QueuedQuery> queue_;
};

}  // namespace nnbench::load

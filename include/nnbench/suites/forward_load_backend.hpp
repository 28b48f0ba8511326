// The load scenarios' backend for a forward-pass model (the inference suite): a batch of n
// queries runs as one forward pass at the smallest batch "bucket" that holds it, its first n rows
// the queries' (the rest padding), as servers with fixed-shape engines (CUDA graphs, AOT
// packages) do. Completion is learnt from an event polled by the scheduler's own thread, so the
// harness keeps stamping arrivals while the device works.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

#include "nnbench/core/load/server_scenario.hpp"
#include "nnbench/engine/runtime/device_completion.hpp"

namespace nnbench::suites {

// 1, 2, 4, ... below `max_batch`, and `max_batch` itself.
std::vector<std::int64_t> power_of_two_buckets(std::int64_t max_batch);

class ForwardLoadBackend final : public load::LoadBackend {
 public:
  // Queues the forward pass of one bucket on the device (returns without waiting on CUDA).
  using Forward = std::function<void(std::int64_t bucket)>;

  // `buckets` ascending, non-empty. Throws InputError otherwise.
  ForwardLoadBackend(const torch::Device& device, std::vector<std::int64_t> buckets,
                     Forward forward);

  void issue(const std::vector<load::QueuedQuery>& batch) override;
  bool wait(load::LoadClock& clock, std::chrono::nanoseconds deadline) override;

  // Runs every bucket `rounds` times, waiting for each: lazy initialisation, cuDNN autotuning and
  // allocator growth happen here, not in the first queries.
  void warm_up(int rounds);
  // The bucket a batch of `n` runs at; throws Error past the largest.
  std::int64_t bucket_for(std::size_t n) const;
  std::string completion_method() const { return completion_.method(); }

 private:
  std::vector<std::int64_t> buckets_;
  Forward forward_;
  engine::DeviceCompletion completion_;
};

}  // namespace nnbench::suites

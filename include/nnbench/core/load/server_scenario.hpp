// The server scenario's scheduler (MLPerf LoadGen's Server): queries arrive as a Poisson process
// at a target rate, wait in a dynamic batcher, and go to the backend one batch at a time. The
// harness owns every timestamp: a query's latency runs from its scheduled arrival (not from when
// the scheduler got round to it) to the moment the backend reported its batch done, split into
// queueing (arrival to issue) and compute (issue to completion).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nnbench/core/load/dynamic_batcher.hpp"
#include "nnbench/core/load/load_clock.hpp"

namespace nnbench::load {

// What the scheduler drives: one batch in flight at a time.
class LoadBackend {
 public:
  virtual ~LoadBackend() = default;
  // Starts the batch (queries in arrival order); returns without waiting for it.
  virtual void issue(const std::vector<QueuedQuery>& batch) = 0;
  // Waits until the batch in flight completes (true) or `clock` reaches `deadline` (false),
  // whichever comes first; `clock` is the scenario's.
  virtual bool wait(LoadClock& clock, std::chrono::nanoseconds deadline) = 0;
  // For a backend whose queries stream tokens (generation): when each output token of the batch
  // last completed was ready, as time since its issue() began; every query of the batch shares
  // them (static batching). Empty for a backend without tokens.
  virtual std::vector<std::chrono::nanoseconds> token_offsets() const { return {}; }
};

struct ServerOptions {
  double rate_per_s = 1;
  std::uint64_t seed = 0;
  std::size_t max_batch = 1;
  std::chrono::nanoseconds max_delay{0};
  // Arrivals stop once both hold: at least min_queries arrived and an arrival at or past
  // min_duration (so the run, to its last completion, lasts at least min_duration).
  std::size_t min_queries = 1;
  std::chrono::nanoseconds min_duration{0};
};

struct ServedQuery {
  std::uint64_t id = 0;
  std::chrono::nanoseconds arrived{0}, issued{0}, completed{0};
  std::size_t batch_size = 0;

  std::chrono::nanoseconds latency() const { return completed - arrived; }
  std::chrono::nanoseconds queueing() const { return issued - arrived; }
  std::chrono::nanoseconds compute() const { return completed - issued; }
};

// How many queries a run with these options will almost surely not exceed (the Poisson count
// over min_duration six standard deviations up, at least min_queries; capped at 2^26): what the
// scheduler and its recorders reserve up front, so that no vector grows (and moves every entry it
// holds, stalling the scheduler for tens of milliseconds in a long run) while queries are timed.
std::size_t expected_arrivals(const ServerOptions& options);

// Runs the scenario to its end (every arrival served) and returns the queries in arrival order.
std::vector<ServedQuery> run_server(const ServerOptions& options, LoadBackend& backend,
                                    LoadClock& clock);

}  // namespace nnbench::load

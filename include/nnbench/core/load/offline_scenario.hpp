// The offline scenario (MLPerf LoadGen's Offline): every sample is there at the start and the
// backend takes them in batches of max_batch, back to back; the headline is samples per second
// from the start to the last completion.
#pragma once

#include <chrono>
#include <cstddef>

#include "nnbench/core/load/server_scenario.hpp"

namespace nnbench::load {

struct OfflineOptions {
  std::size_t samples = 1;
  std::size_t max_batch = 1;
  // The run goes on, batch by batch, until it has taken at least `samples` and lasted at least
  // min_duration: the sized count is a floor, so a backend faster than the sizing expected
  // still fills the minimum duration (the extra samples were there from the start too).
  std::chrono::nanoseconds min_duration{0};
};

struct OfflineRun {
  std::size_t samples = 0, batches = 0;
  std::chrono::nanoseconds duration{0};  // start to the last completion
  double samples_per_s() const;
};

// Throws InputError for no samples or a max batch of 0.
OfflineRun run_offline(const OfflineOptions& options, LoadBackend& backend, LoadClock& clock);

}  // namespace nnbench::load

// The offline scenario (see offline_scenario.hpp).
#include "nnbench/core/load/offline_scenario.hpp"

#include <algorithm>

#include "nnbench/core/error.hpp"

namespace nnbench::load {

double OfflineRun::samples_per_s() const {
  const double seconds = std::chrono::duration<double>(duration).count();
  return seconds > 0 ? static_cast<double>(samples) / seconds : 0;
}

OfflineRun run_offline(const OfflineOptions& options, LoadBackend& backend, LoadClock& clock) {
  if (options.samples == 0) throw InputError("the offline scenario needs at least 1 sample");
  if (options.max_batch == 0)
    throw InputError("the offline scenario needs a max batch of 1 or more");
  constexpr std::chrono::nanoseconds kNever = std::chrono::nanoseconds::max();
  const std::chrono::nanoseconds start = clock.now();
  OfflineRun run;
  std::vector<QueuedQuery> batch;
  while (run.samples < options.samples || clock.now() - start < options.min_duration) {
    const std::size_t count = run.samples < options.samples
                                  ? std::min(options.max_batch, options.samples - run.samples)
                                  : options.max_batch;
    batch.resize(count);
    for (std::size_t i = 0; i < count; ++i) batch[i] = {run.samples + i, start};
    backend.issue(batch);
    while (!backend.wait(clock, kNever)) {
    }
    run.samples += count;
    ++run.batches;
  }
  run.duration = clock.now() - start;
  return run;
}

}  // namespace nnbench::load

// The single-stream and multi-stream scenarios (see closed_loop_scenario.hpp).
#include "nnbench/core/load/closed_loop_scenario.hpp"

#include "nnbench/core/error.hpp"

namespace nnbench::load {

std::vector<ServedQuery> run_closed_loop(const ClosedLoopOptions& options, LoadBackend& backend,
                                         LoadClock& clock) {
  if (options.samples_per_query == 0) {
    throw InputError("a closed-loop scenario needs at least 1 sample per query");
  }
  constexpr std::chrono::nanoseconds kNever = std::chrono::nanoseconds::max();
  std::vector<ServedQuery> served;
  std::vector<QueuedQuery> samples(options.samples_per_query);
  const std::chrono::nanoseconds start = clock.now();
  while (served.size() < options.min_queries || clock.now() - start < options.min_duration) {
    const std::chrono::nanoseconds issued = clock.now();
    for (std::size_t i = 0; i < samples.size(); ++i) {
      samples[i] = {served.size() * options.samples_per_query + i, issued};
    }
    backend.issue(samples);
    while (!backend.wait(clock, kNever)) {
    }
    served.push_back({served.size(), issued, issued, clock.now(), options.samples_per_query});
  }
  return served;
}

}  // namespace nnbench::load

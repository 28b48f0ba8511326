// The server scenario's scheduler (see server_scenario.hpp).
#include "nnbench/core/load/server_scenario.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "nnbench/core/load/poisson_arrivals.hpp"

namespace nnbench::load {

void SteadyLoadClock::sleep_until(std::chrono::nanoseconds when) {
  std::this_thread::sleep_until(start_ + when);
}

std::size_t expected_arrivals(const ServerOptions& options) {
  const double mean = std::max(options.rate_per_s, 0.0) *
                      std::chrono::duration<double>(options.min_duration).count();
  const double bound = std::min(mean + 6 * std::sqrt(mean) + 1, static_cast<double>(1ULL << 26));
  return std::max(options.min_queries, static_cast<std::size_t>(bound));
}

std::vector<ServedQuery> run_server(const ServerOptions& options, LoadBackend& backend,
                                    LoadClock& clock) {
  PoissonArrivals arrivals(options.rate_per_s, options.seed);
  DynamicBatcher batcher(options.max_batch, options.max_delay);
  std::vector<ServedQuery> served;
  served.reserve(expected_arrivals(options));
  std::vector<QueuedQuery> in_flight;
  constexpr std::chrono::nanoseconds kNever = std::chrono::nanoseconds::max();
  std::chrono::nanoseconds next_arrival = arrivals.next();
  bool arriving = true;
  std::uint64_t generated = 0;
  while (arriving || batcher.size() > 0 || !in_flight.empty()) {
    const std::chrono::nanoseconds now = clock.now();
    // Every query whose arrival time has come joins the queue, stamped with that time.
    // The last arrival is the first at or past min_duration: its completion ends the run past it.
    while (arriving && next_arrival <= now) {
      batcher.enqueue({generated++, next_arrival});
      arriving = generated < options.min_queries || next_arrival < options.min_duration;
      next_arrival = arrivals.next();
    }
    const auto due = batcher.due();
    if (in_flight.empty() && due && *due <= now) {
      in_flight = batcher.take();
      backend.issue(in_flight);
      for (const QueuedQuery& query : in_flight) {
        served.push_back({query.id, query.arrived, now, {}, in_flight.size()});
      }
      continue;
    }
    // Wait for the next event: an arrival, the head batch falling due, the batch in flight.
    std::chrono::nanoseconds deadline = arriving ? next_arrival : kNever;
    if (in_flight.empty() && due) deadline = std::min(deadline, *due);
    if (in_flight.empty()) {
      clock.sleep_until(deadline);
    } else if (backend.wait(clock, deadline)) {
      const std::chrono::nanoseconds completed = clock.now();
      for (auto it = served.end() - static_cast<std::ptrdiff_t>(in_flight.size());
           it != served.end(); ++it) {
        it->completed = completed;
      }
      in_flight.clear();
    }
  }
  return served;
}

}  // namespace nnbench::load

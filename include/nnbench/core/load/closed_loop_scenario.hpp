// The single-stream and multi-stream scenarios (MLPerf LoadGen's SingleStream and MultiStream):
// one query in flight at a time, the next issued the moment the last completes. A query is one
// sample (single-stream) or several issued together (multi-stream, 8 by default); its latency is
// issue to completion, the completion of its slowest sample (the backend reports a query done
// when all of it is).
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "nnbench/core/load/server_scenario.hpp"

namespace nnbench::load {

struct ClosedLoopOptions {
  std::size_t samples_per_query = 1;  // 1: single-stream; 8: multi-stream
  // Queries go on until both hold: at least min_queries done and min_duration passed.
  std::size_t min_queries = 1;
  std::chrono::nanoseconds min_duration{0};
};

// Runs the scenario and returns its queries in order (arrived == issued: nothing queues).
// Throws InputError for samples_per_query 0.
std::vector<ServedQuery> run_closed_loop(const ClosedLoopOptions& options, LoadBackend& backend,
                                         LoadClock& clock);

}  // namespace nnbench::load

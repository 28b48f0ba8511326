// The server scenario's headline: the highest arrival rate whose latency bound still holds,
// found by trials (each a full run at one rate): doubling or halving from a start until the
// bound's edge is bracketed, then bisection until the bracket is narrower than the precision.
#pragma once

#include <functional>
#include <vector>

namespace nnbench::load {

struct RateTrial {
  double rate_per_s = 0;
  bool met = false;      // the bound held at this rate
  double statistic = 0;  // what the bound was judged on (p99 latency in ms, say), reported
};

struct RateSearchOptions {
  double start_rate_per_s = 1;
  double relative_precision = 0.02;  // stop when (failed - met) <= precision * met
  int max_trials = 40;
};

struct RateSearchResult {
  double best_rate_per_s = 0;     // the highest rate that met the bound; 0 when none did
  bool bracketed = false;         // a met and a failed rate were both found
  std::vector<RateTrial> trials;  // in the order run
};

// `run_at(rate)` runs one trial. Throws InputError for options that cannot search.
RateSearchResult search_highest_rate(const std::function<RateTrial(double)>& run_at,
                                     const RateSearchOptions& options);

}  // namespace nnbench::load

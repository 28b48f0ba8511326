// Whether a load scenario's run counts (MLPerf LoadGen's VALID / INVALID): long enough, enough
// queries, clocks not seen throttled. An invalid run is still reported, with every reason.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace nnbench::load {

struct ValidityRules {
  std::chrono::nanoseconds min_duration = std::chrono::seconds(60);
  std::size_t min_queries = 1024;
};

// --quick's rules (a short smoke run: 1 s, 64 queries); its results are marked quick.
ValidityRules quick_validity_rules();

struct LoadRunFacts {
  std::chrono::nanoseconds duration{0};  // the run's start to its last completion
  std::size_t queries = 0;
  std::optional<std::string> throttled;  // why the clocks were seen throttled, if they were
};

struct ValidityVerdict {
  bool valid = false;
  std::vector<std::string> reasons;  // empty when valid
  std::string text() const;          // "VALID" or "INVALID: reason; reason"
};

ValidityVerdict judge_validity(const LoadRunFacts& facts, const ValidityRules& rules);

// The latency percentiles every scenario reports: 50, 90, 95, 97, 99 and 99.9.
struct LatencyPercentiles {
  double p50 = 0, p90 = 0, p95 = 0, p97 = 0, p99 = 0, p999 = 0;
};
// Throws InputError for no samples.
LatencyPercentiles latency_percentiles(std::vector<double> samples);

}  // namespace nnbench::load

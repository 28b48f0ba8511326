// Validity of a load scenario's run (see load_validity.hpp).
#include "nnbench/core/load/load_validity.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/statistics.hpp"

namespace nnbench::load {

ValidityRules quick_validity_rules() { return {std::chrono::seconds(1), 64}; }

std::string ValidityVerdict::text() const {
  return valid ? "VALID" : fmt::format("INVALID: {}", fmt::join(reasons, "; "));
}

ValidityVerdict judge_validity(const LoadRunFacts& facts, const ValidityRules& rules) {
  ValidityVerdict verdict;
  const auto seconds = [](std::chrono::nanoseconds t) {
    return std::chrono::duration<double>(t).count();
  };
  if (facts.duration < rules.min_duration) {
    verdict.reasons.push_back(fmt::format("ran {:.3g} s, under the minimum of {:.3g} s",
                                          seconds(facts.duration), seconds(rules.min_duration)));
  }
  if (facts.queries < rules.min_queries) {
    verdict.reasons.push_back(
        fmt::format("{} queries, under the minimum of {}", facts.queries, rules.min_queries));
  }
  if (facts.throttled) verdict.reasons.push_back("clocks throttled: " + *facts.throttled);
  verdict.valid = verdict.reasons.empty();
  return verdict;
}

LatencyPercentiles latency_percentiles(std::vector<double> samples) {
  if (samples.empty()) throw InputError("latency percentiles of no samples");
  std::sort(samples.begin(), samples.end());
  return {percentile_sorted(samples, 50), percentile_sorted(samples, 90),
          percentile_sorted(samples, 95), percentile_sorted(samples, 97),
          percentile_sorted(samples, 99), percentile_sorted(samples, 99.9)};
}

}  // namespace nnbench::load

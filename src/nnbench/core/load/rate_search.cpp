// The rate search (see rate_search.hpp).
#include "nnbench/core/load/rate_search.hpp"

#include <cmath>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::load {

RateSearchResult search_highest_rate(const std::function<RateTrial(double)>& run_at,
                                     const RateSearchOptions& options) {
  if (!(options.start_rate_per_s > 0) || !std::isfinite(options.start_rate_per_s)) {
    throw InputError(fmt::format("rate search: start rate {} per second is not positive",
                                 options.start_rate_per_s));
  }
  if (!(options.relative_precision > 0) || options.max_trials < 2) {
    throw InputError("rate search: needs a positive precision and at least 2 trials");
  }
  RateSearchResult result;
  double met = 0, failed = 0;  // 0: not found yet
  const auto trial = [&](double rate) {
    const RateTrial t = run_at(rate);
    result.trials.push_back(t);
    if (t.met) {
      met = std::max(met, rate);
    } else if (failed == 0 || rate < failed) {
      failed = rate;
    }
  };
  // Bracket: double while the bound holds, halve while it does not (at most 30 halvings: a
  // rate 1e-9 of the start that still fails means nothing will meet it).
  double rate = options.start_rate_per_s;
  trial(rate);
  while ((met == 0 || failed == 0) && static_cast<int>(result.trials.size()) < options.max_trials) {
    if (met == 0 && rate < options.start_rate_per_s * 1e-9) break;
    rate = met == 0 ? rate / 2 : rate * 2;
    trial(rate);
  }
  result.bracketed = met > 0 && failed > 0;
  while (result.bracketed && failed - met > options.relative_precision * met &&
         static_cast<int>(result.trials.size()) < options.max_trials) {
    trial((met + failed) / 2);
  }
  result.best_rate_per_s = met;
  return result;
}

}  // namespace nnbench::load

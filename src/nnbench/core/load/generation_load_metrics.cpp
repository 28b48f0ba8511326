// TTFT, TPOT, ITL, end-to-end latency and goodput (see generation_load_metrics.hpp).
#include "nnbench/core/load/generation_load_metrics.hpp"

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::load {
namespace {

double ms(std::chrono::nanoseconds t) {
  return std::chrono::duration<double, std::milli>(t).count();
}

}  // namespace

double GenerationLoadMetrics::goodput() const {
  return requests == 0 ? 0 : static_cast<double>(requests_within_bounds) / requests;
}

GenerationLoadMetrics generation_load_metrics(const std::vector<GeneratedRequest>& requests,
                                              const GenerationBounds& bounds) {
  GenerationLoadMetrics metrics;
  for (std::size_t r = 0; r < requests.size(); ++r) {
    const GeneratedRequest& request = requests[r];
    const auto& tokens = request.token_times;
    if (tokens.empty()) throw InputError(fmt::format("request {} produced no tokens", r));
    if (tokens.front() < request.arrived) {
      throw InputError(fmt::format("request {}: its first token is before its arrival", r));
    }
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      if (tokens[i] < tokens[i - 1]) {
        throw InputError(fmt::format("request {}: token {} is before token {}", r, i, i - 1));
      }
      metrics.itl_ms.push_back(ms(tokens[i] - tokens[i - 1]));
    }
    const double ttft = ms(tokens.front() - request.arrived);
    const double e2e = ms(tokens.back() - request.arrived);
    metrics.ttft_ms.push_back(ttft);
    metrics.e2e_ms.push_back(e2e);
    bool within = ttft <= bounds.ttft_ms;
    if (tokens.size() >= 2) {
      const double tpot = (e2e - ttft) / static_cast<double>(tokens.size() - 1);
      metrics.tpot_ms.push_back(tpot);
      within = within && tpot <= bounds.tpot_ms;
    }
    ++metrics.requests;
    if (within) ++metrics.requests_within_bounds;
  }
  return metrics;
}

}  // namespace nnbench::load

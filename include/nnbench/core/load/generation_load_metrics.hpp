// The generation scenarios' per-request figures, defined as docs/load-scenarios.md defines them:
//   TTFT  time to first token: first token's time - the request's arrival;
//   TPOT  time per output token, per request: (end-to-end - TTFT) / (output tokens - 1), for
//         requests of at least 2 tokens;
//   ITL   inter-token latency: every gap between two consecutive tokens of a request, pooled
//         over all requests;
//   E2E   end-to-end latency: last token's time - arrival;
//   goodput: the share of requests that met every bound (TTFT and, where defined, TPOT).
#pragma once

#include <chrono>
#include <vector>

namespace nnbench::load {

struct GeneratedRequest {
  std::chrono::nanoseconds arrived{0};
  std::vector<std::chrono::nanoseconds> token_times;  // when each output token was ready
};

struct GenerationBounds {
  double ttft_ms = 2000;
  double tpot_ms = 200;
};

struct GenerationLoadMetrics {
  std::vector<double> ttft_ms, tpot_ms, itl_ms, e2e_ms;  // tpot_ms: requests of 2+ tokens only
  std::size_t requests = 0, requests_within_bounds = 0;
  double goodput() const;  // requests_within_bounds / requests
};

// Throws InputError for a request without tokens or with tokens out of order or before its
// arrival.
GenerationLoadMetrics generation_load_metrics(const std::vector<GeneratedRequest>& requests,
                                              const GenerationBounds& bounds);

}  // namespace nnbench::load

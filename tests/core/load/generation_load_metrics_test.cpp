// TTFT, TPOT, ITL, end-to-end latency and goodput on hand-made token times, against the
// definitions in docs/load-scenarios.md.
#include "nnbench/core/load/generation_load_metrics.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"

namespace nnbench::load {
namespace {

using std::chrono::milliseconds;

TEST(GenerationLoadMetrics, FollowTheDefinitions) {
  // Request 0: arrives at 0, tokens at 100, 130, 190 ms: TTFT 100, E2E 190, TPOT 45, ITL 30, 60.
  // Request 1: arrives at 50, one token at 2100 ms: TTFT 2050 (over 2 s), no TPOT.
  // Request 2: arrives at 10, tokens at 20 and 320 ms: TTFT 10, TPOT 300 (over 200 ms), ITL 300.
  const std::vector<GeneratedRequest> requests{
      {milliseconds(0), {milliseconds(100), milliseconds(130), milliseconds(190)}},
      {milliseconds(50), {milliseconds(2100)}},
      {milliseconds(10), {milliseconds(20), milliseconds(320)}},
  };
  const GenerationLoadMetrics m = generation_load_metrics(requests, {});
  EXPECT_EQ(m.ttft_ms, (std::vector<double>{100, 2050, 10}));
  EXPECT_EQ(m.e2e_ms, (std::vector<double>{190, 2050, 310}));
  EXPECT_EQ(m.tpot_ms, (std::vector<double>{45, 300}));
  EXPECT_EQ(m.itl_ms, (std::vector<double>{30, 60, 300}));
  EXPECT_EQ(m.requests, 3U);
  EXPECT_EQ(m.requests_within_bounds, 1U);  // only request 0 meets both bounds
  EXPECT_DOUBLE_EQ(m.goodput(), 1.0 / 3);
  // Looser bounds take all three in.
  EXPECT_DOUBLE_EQ(generation_load_metrics(requests, {.ttft_ms = 3000, .tpot_ms = 300}).goodput(),
                   1.0);
}

TEST(GenerationLoadMetrics, ImpossibleTokenTimes_AreBadInput) {
  EXPECT_THROW(generation_load_metrics({{milliseconds(0), {}}}, {}), InputError);
  EXPECT_THROW(generation_load_metrics({{milliseconds(5), {milliseconds(4)}}}, {}), InputError);
  EXPECT_THROW(generation_load_metrics({{milliseconds(0), {milliseconds(9), milliseconds(8)}}}, {}),
               InputError);
}

}  // namespace
}  // namespace nnbench::load

// Single-stream and multi-stream on a simulated backend: one query at a time, each issued when
// the last completed, with its samples together; the run lasts until both minimums hold.
#include "nnbench/core/load/closed_loop_scenario.hpp"

#include <gtest/gtest.h>

#include "nnbench/core/error.hpp"
#include "simulated_backend.hpp"

namespace nnbench::load {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(ClosedLoopScenario, SingleStream_IssuesEachQueryWhenTheLastCompletes) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t) { return microseconds(250); });
  const std::vector<ServedQuery> served =
      run_closed_loop({.samples_per_query = 1, .min_queries = 100}, backend, clock);
  ASSERT_EQ(served.size(), 100U);
  for (std::size_t i = 0; i < served.size(); ++i) {
    EXPECT_EQ(served[i].issued, microseconds(250) * static_cast<int>(i));
    EXPECT_EQ(served[i].latency(), microseconds(250));
    EXPECT_EQ(served[i].queueing().count(), 0);
  }
}

TEST(ClosedLoopScenario, MultiStream_SendsEightSamplesAQuery_AndRunsItsMinimumDuration) {
  VirtualLoadClock clock;
  // A query's latency is its slowest sample's: here the batch's time grows with its samples.
  SimulatedBackend backend(clock, [](std::size_t n) { return microseconds(100 * n); });
  const std::vector<ServedQuery> served =
      run_closed_loop({.samples_per_query = 8, .min_queries = 10, .min_duration = milliseconds(50)},
                      backend, clock);
  EXPECT_EQ(served.size(), 63U);  // ceil(50 ms / 0.8 ms): 10 queries alone would be 8 ms
  for (const std::size_t size : backend.batch_sizes) EXPECT_EQ(size, 8U);
  EXPECT_EQ(served.back().latency(), microseconds(800));
}

TEST(ClosedLoopScenario, NoSamplesPerQuery_IsBadInput) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t) { return microseconds(1); });
  EXPECT_THROW(run_closed_loop({.samples_per_query = 0}, backend, clock), InputError);
}

}  // namespace
}  // namespace nnbench::load

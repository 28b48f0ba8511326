// The server scenario's scheduler on a simulated backend in virtual time: every query's latency
// is its queueing plus its batch's compute, batches keep to the batcher's limits, and the rate
// search finds the M/M/1 answer: with exponential service at mu and FIFO, a query's time in the
// system is exponential with rate mu - lambda, so p99 <= B holds up to lambda = mu - ln(100) / B.
#include "nnbench/core/load/server_scenario.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

#include "nnbench/core/load/load_validity.hpp"
#include "nnbench/core/load/rate_search.hpp"
#include "simulated_backend.hpp"

namespace nnbench::load {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(ServerScenario, LatencyIsQueueingPlusCompute_AndTheRunMeetsItsMinimums) {
  VirtualLoadClock clock;
  SimulatedBackend backend(clock, [](std::size_t) { return microseconds(700); });
  ServerOptions options;
  options.rate_per_s = 1000;
  options.seed = 3;
  options.min_queries = 5000;
  options.min_duration = std::chrono::seconds(6);
  const std::vector<ServedQuery> served = run_server(options, backend, clock);
  EXPECT_GE(served.size(), 5000U);
  EXPECT_GE(served.back().arrived, std::chrono::seconds(6) - milliseconds(50));
  nanoseconds previous{0};
  for (std::size_t i = 0; i < served.size(); ++i) {
    const ServedQuery& q = served[i];
    ASSERT_EQ(q.id, i);
    ASSERT_GE(q.arrived, previous);
    previous = q.arrived;
    ASSERT_GE(q.queueing().count(), 0);
    ASSERT_EQ(q.compute(), microseconds(700));
    ASSERT_EQ(q.latency(), q.queueing() + q.compute());
    ASSERT_EQ(q.batch_size, 1U);
  }
}

// The scheduler reserves its record up front: a long run's vector never grows (a growth moves
// every entry while queries wait, a stall of tens of milliseconds at a million queries), and the
// reservation covers the run's arrivals across seeds.
TEST(ServerScenario, ReservesForEveryArrival_SoItsRecordNeverGrowsDuringTheRun) {
  ServerOptions options;
  options.rate_per_s = 20000;
  options.min_queries = 1024;
  options.min_duration = std::chrono::seconds(3);
  const std::size_t expected = expected_arrivals(options);
  EXPECT_GE(expected, 60000U + 1);
  EXPECT_LE(expected, 60000U + 6 * 245 + 2);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    options.seed = seed;
    VirtualLoadClock clock;
    SimulatedBackend backend(clock, [](std::size_t n) { return microseconds(200 + 20 * n); });
    options.max_batch = 64;
    const std::vector<ServedQuery> served = run_server(options, backend, clock);
    EXPECT_LE(served.size(), expected);
    EXPECT_EQ(served.capacity(), expected) << "the record grew (or was never reserved)";
  }
  options.rate_per_s = 10;  // few arrivals: min_queries decides
  EXPECT_EQ(expected_arrivals(options), 1024U);
  options.rate_per_s = 1e12;  // a rate no run reaches: the reservation stays bounded
  EXPECT_EQ(expected_arrivals(options), std::size_t{1} << 26);
}

TEST(ServerScenario, BatchesKeepToTheMaximumSize_AndALoneQueryWaitsTheMaximumDelay) {
  {  // Overloaded: arrivals every 100 us on average, a batch of any size takes 2 ms.
    VirtualLoadClock clock;
    SimulatedBackend backend(clock, [](std::size_t) { return milliseconds(2); });
    ServerOptions options{.rate_per_s = 10'000,
                          .seed = 5,
                          .max_batch = 8,
                          .max_delay = milliseconds(1),
                          .min_queries = 2000};
    const std::vector<ServedQuery> served = run_server(options, backend, clock);
    std::size_t largest = 0;
    for (const std::size_t size : backend.batch_sizes) largest = std::max(largest, size);
    EXPECT_EQ(largest, 8U);
    std::size_t total = 0;
    for (const std::size_t size : backend.batch_sizes) total += size;
    EXPECT_EQ(total, served.size());
  }
  {  // Sparse: one query a second on average, so each waits alone for the full delay.
    VirtualLoadClock clock;
    SimulatedBackend backend(clock, [](std::size_t) { return microseconds(10); });
    ServerOptions options{.rate_per_s = 1,
                          .seed = 6,
                          .max_batch = 8,
                          .max_delay = milliseconds(3),
                          .min_queries = 50};
    for (const ServedQuery& q : run_server(options, backend, clock)) {
      EXPECT_EQ(q.batch_size, 1U);
      EXPECT_EQ(q.queueing(), milliseconds(3));
    }
  }
}

TEST(ServerScenario, RateSearch_FindsTheMM1RateForAP99Bound_WithinFivePercent) {
  constexpr double kServiceRate = 1000;  // per second: 1 ms mean service
  constexpr double kBoundMs = 15;
  std::mt19937_64 service_engine(17);
  const auto exponential_service = [&](std::size_t) {
    const double u = static_cast<double>(service_engine() >> 11) * 0x1.0p-53;
    return nanoseconds(std::llround(-std::log1p(-u) / kServiceRate * 1e9));
  };
  const auto run_at = [&](double rate) {
    VirtualLoadClock clock;
    SimulatedBackend backend(clock, exponential_service);
    const ServerOptions options{.rate_per_s = rate,
                                .seed = 19,
                                .max_batch = 1,
                                .max_delay = nanoseconds(0),
                                .min_queries = 200'000};
    std::vector<double> latencies_ms;
    for (const ServedQuery& q : run_server(options, backend, clock)) {
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(q.latency()).count());
    }
    const double p99 = latency_percentiles(latencies_ms).p99;
    return RateTrial{rate, p99 <= kBoundMs, p99};
  };
  const RateSearchResult found =
      search_highest_rate(run_at, {.start_rate_per_s = 100, .relative_precision = 0.01});
  const double theory = kServiceRate - std::log(100.0) / (kBoundMs / 1000);  // 693 per second
  EXPECT_TRUE(found.bracketed);
  std::printf("M/M/1, p99 <= %.0f ms: %.1f per second found in %zu trials, %.1f in theory\n",
              kBoundMs, found.best_rate_per_s, found.trials.size(), theory);
  EXPECT_NEAR(found.best_rate_per_s / theory, 1.0, 0.05)
      << found.best_rate_per_s << " per second found, " << theory << " in theory";
}

}  // namespace
}  // namespace nnbench::load

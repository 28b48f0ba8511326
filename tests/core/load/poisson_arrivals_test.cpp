// Poisson arrivals: the rate holds (mean gap, count in a window), a seed repeats the times
// exactly, another seed gives other times, and a rate that is not positive is bad input.
#include "nnbench/core/load/poisson_arrivals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "nnbench/core/error.hpp"

namespace nnbench::load {
namespace {

std::vector<std::int64_t> first_arrivals_ns(double rate, std::uint64_t seed, int count) {
  PoissonArrivals arrivals(rate, seed);
  std::vector<std::int64_t> times;
  for (int i = 0; i < count; ++i) times.push_back(arrivals.next().count());
  return times;
}

TEST(PoissonArrivals, MeanGapAndGapSpread_AreThoseOfTheRate) {
  constexpr int kCount = 200'000;
  constexpr double kRate = 2500;  // per second: mean gap 400 us
  const std::vector<std::int64_t> times = first_arrivals_ns(kRate, 7, kCount);
  double sum = 0, sum_squares = 0;
  std::int64_t previous = 0;
  for (const std::int64_t t : times) {
    ASSERT_GE(t, previous);
    const double gap_s = static_cast<double>(t - previous) * 1e-9;
    sum += gap_s;
    sum_squares += gap_s * gap_s;
    previous = t;
  }
  const double mean = sum / kCount;
  const double sd = std::sqrt(sum_squares / kCount - mean * mean);
  // Standard error of the mean gap: (1 / rate) / sqrt(n) = 0.22% here; 5 of them.
  EXPECT_NEAR(mean * kRate, 1.0, 0.011);
  // An exponential gap's standard deviation equals its mean.
  EXPECT_NEAR(sd / mean, 1.0, 0.02);
}

TEST(PoissonArrivals, CountsInOneSecondWindows_HaveThePoissonVariance) {
  PoissonArrivals arrivals(100, 11);
  std::vector<int> counts(2000, 0);
  for (auto t = arrivals.next(); t < std::chrono::seconds(2000); t = arrivals.next()) {
    ++counts[static_cast<std::size_t>(t / std::chrono::seconds(1))];
  }
  double sum = 0, sum_squares = 0;
  for (const int c : counts) {
    sum += c;
    sum_squares += static_cast<double>(c) * c;
  }
  const double mean = sum / 2000, variance = sum_squares / 2000 - mean * mean;
  EXPECT_NEAR(mean, 100, 1.5);
  EXPECT_NEAR(variance / mean, 1.0, 0.12);  // Poisson: variance = mean
}

TEST(PoissonArrivals, TheSameSeed_GivesTheSameTimes_AnotherSeedOthers) {
  EXPECT_EQ(first_arrivals_ns(1000, 42, 1000), first_arrivals_ns(1000, 42, 1000));
  EXPECT_NE(first_arrivals_ns(1000, 42, 1000), first_arrivals_ns(1000, 43, 1000));
}

TEST(PoissonArrivals, ARateThatIsNotPositive_IsBadInput) {
  for (const double rate : {0.0, -1.0, std::numeric_limits<double>::infinity(),
                            std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_THROW(PoissonArrivals(rate, 1), InputError) << rate;
  }
}

}  // namespace
}  // namespace nnbench::load

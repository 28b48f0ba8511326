// Statistics against hand-computed values.
#include "nnbench/core/statistics.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace nnbench {
namespace {

TEST(ComputeStatistics, MatchesHandComputedValues_WhenSamplesAreOneToTen) {
  const std::vector<double> samples{7, 1, 10, 3, 5, 2, 9, 4, 8, 6};
  const Statistics s = compute_statistics(samples);
  EXPECT_EQ(s.count, 10u);
  EXPECT_DOUBLE_EQ(s.mean, 5.5);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 10);
  EXPECT_NEAR(s.std, std::sqrt(82.5 / 9.0), 1e-12);  // sum of squared deviations = 82.5
  EXPECT_DOUBLE_EQ(s.median, 5.5);
  EXPECT_DOUBLE_EQ(s.p25, 3.25);  // rank 0.25 * 9 = 2.25 -> 3 + 0.25
  EXPECT_DOUBLE_EQ(s.p75, 7.75);
  EXPECT_DOUBLE_EQ(s.p90, 9.1);
  EXPECT_NEAR(s.p95, 9.55, 1e-12);
  EXPECT_NEAR(s.p99, 9.91, 1e-12);
  EXPECT_NEAR(s.cv, std::sqrt(82.5 / 9.0) / 5.5, 1e-12);
  EXPECT_NEAR(s.relative_std_error, std::sqrt(82.5 / 9.0) / std::sqrt(10.0) / 5.5, 1e-12);
  EXPECT_EQ(s.outliers_low, 0u);
  EXPECT_EQ(s.outliers_high, 0u);
}

TEST(ComputeStatistics, CountsOutliersWithoutDroppingThem_WhenOneSampleIsFar) {
  const std::vector<double> samples{10, 11, 12, 13, 14, 100};
  const Statistics s = compute_statistics(samples);
  // p25 = 11.25, p75 = 13.75, IQR = 2.5, fences 7.5 / 17.5.
  EXPECT_EQ(s.outliers_high, 1u);
  EXPECT_EQ(s.outliers_low, 0u);
  EXPECT_DOUBLE_EQ(s.max, 100);
  EXPECT_DOUBLE_EQ(s.mean, 160.0 / 6.0);
}

TEST(ComputeStatistics, GivesZeroSpread_WhenOneSample) {
  const std::vector<double> samples{4.2};
  const Statistics s = compute_statistics(samples);
  EXPECT_DOUBLE_EQ(s.median, 4.2);
  EXPECT_DOUBLE_EQ(s.std, 0);
  EXPECT_DOUBLE_EQ(s.p99, 4.2);
  EXPECT_DOUBLE_EQ(s.median_ci_level, 0);
}

TEST(ComputeStatistics, Throws_WhenEmptyOrNotFinite) {
  EXPECT_THROW(compute_statistics(std::vector<double>{}), std::invalid_argument);
  EXPECT_THROW(compute_statistics(std::vector<double>{1, NAN}), std::invalid_argument);
  EXPECT_THROW(compute_statistics(std::vector<double>{1, INFINITY}), std::invalid_argument);
}

TEST(MedianCiRanks, MatchesBinomialTables_ForSmallSamples) {
  // n = 6: [x(1), x(6)] covers with 1 - 2/64 = 0.96875; the next pair only 1 - 14/64.
  MedianCiRanks r = median_ci_ranks(6);
  EXPECT_EQ(r.lower, 0u);
  EXPECT_EQ(r.upper, 5u);
  EXPECT_NEAR(r.coverage, 0.96875, 1e-12);
  // n = 10: [x(2), x(9)] covers with 1 - 2 * 11/1024 = 0.978515625.
  r = median_ci_ranks(10);
  EXPECT_EQ(r.lower, 1u);
  EXPECT_EQ(r.upper, 8u);
  EXPECT_NEAR(r.coverage, 0.978515625, 1e-12);
  // n = 5 cannot reach 95%: full range with 1 - 2/32 = 0.9375.
  r = median_ci_ranks(5);
  EXPECT_EQ(r.lower, 0u);
  EXPECT_EQ(r.upper, 4u);
  EXPECT_NEAR(r.coverage, 0.9375, 1e-12);
}

TEST(MedianCiRanks, NarrowsAroundTheMiddle_ForLargeSamples) {
  // Normal approximation: j ~ n/2 - 1.96 sqrt(n)/2 = 500 - 31 = 469 for n = 1000.
  const MedianCiRanks r = median_ci_ranks(1000);
  EXPECT_NEAR(static_cast<double>(r.lower), 468.0, 2.0);
  EXPECT_EQ(r.lower + r.upper, 999u);
  EXPECT_GE(r.coverage, 0.95);
  EXPECT_LT(r.coverage, 0.96);
}

TEST(ComputeStatistics, MedianCiBracketsTheMedian_WhenTenSamples) {
  const std::vector<double> samples{7, 1, 10, 3, 5, 2, 9, 4, 8, 6};
  const Statistics s = compute_statistics(samples);
  EXPECT_DOUBLE_EQ(s.median_ci_low, 2);
  EXPECT_DOUBLE_EQ(s.median_ci_high, 9);
  EXPECT_NEAR(s.median_ci_level, 0.978515625, 1e-12);
}

TEST(RunningStats, AgreesWithBatchStatistics_WhenFedTheSameSamples) {
  const std::vector<double> samples{3.5, 2.25, 9.0, 4.75, 5.5, 1.0, 7.25};
  RunningStats running;
  for (double x : samples) running.add(x);
  const Statistics batch = compute_statistics(samples);
  EXPECT_NEAR(running.mean(), batch.mean, 1e-12);
  EXPECT_NEAR(std::sqrt(running.variance()), batch.std, 1e-12);
  EXPECT_NEAR(running.relative_std_error(), batch.relative_std_error, 1e-12);
}

TEST(RunningStats, ReportsInfiniteNoise_WhenFewerThanTwoSamples) {
  RunningStats running;
  EXPECT_TRUE(std::isinf(running.relative_std_error()));
  running.add(1.0);
  EXPECT_TRUE(std::isinf(running.relative_std_error()));
}

TEST(PercentileSorted, InterpolatesLinearly_BetweenOrderStatistics) {
  const std::vector<double> sorted{10, 20, 30, 40};
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 0), 10);
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 100), 40);
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 50), 25);
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 90), 37);
  EXPECT_THROW(percentile_sorted(sorted, 101), std::invalid_argument);
}

}  // namespace
}  // namespace nnbench

// Mann-Whitney U against hand-computed values and against scipy.stats.mannwhitneyu (scipy
// 1.17.1, alternative="two-sided", use_continuity=True; values computed once and pasted here).
#include "nnbench/report/mann_whitney.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace nnbench::report {
namespace {

TEST(MannWhitneyTest, GivesUZeroAndExactPOneTenth_WhenSamplesDoNotOverlap) {
  // a = {1,2,3} below b = {4,5,6}: no pair has a > b, so U = 0. Of the C(6,3) = 20 equally likely
  // arrangements only one gives U = 0 and one U = 9, hence p = 2/20.
  const std::vector<double> a = {1, 2, 3}, b = {4, 5, 6};
  const MannWhitneyResult r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 0);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.p_value, 0.1);
  // z by hand: mean 4.5, variance 3*3*7/12 = 5.25, (0 - 4.5 + 0.5) / sqrt(5.25).
  EXPECT_DOUBLE_EQ(r.z, -4.0 / std::sqrt(5.25));
  const MannWhitneyResult swapped = mann_whitney_u(b, a);
  EXPECT_EQ(swapped.u, 9);
  EXPECT_DOUBLE_EQ(swapped.p_value, 0.1);
  EXPECT_DOUBLE_EQ(swapped.z, -r.z);
}

TEST(MannWhitneyTest, MatchesScipyDocumentationExample_WhenComputedExactly) {
  // scipy's docs: males vs females, U1 = 17, exact two-sided p = 0.1111 (= 14/126).
  const std::vector<double> males = {19, 22, 16, 29, 24}, females = {20, 11, 17, 12};
  const MannWhitneyResult r = mann_whitney_u(males, females);
  EXPECT_EQ(r.u, 17);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p_value, 0.1111111111111111, 1e-12);
}

TEST(MannWhitneyTest, AppliesTieCorrection_WhenValuesRepeat) {
  // Ranks of the pooled 13 values, ties averaged: a's rank sum is 30, U = 30 - 21 = 9.
  // Tie groups: "2" x3, "3" x3 -> sum(t^3 - t) = 48; sigma^2 = 42/12 * (14 - 48/156).
  const std::vector<double> a = {1, 2, 2, 3, 4, 5}, b = {2, 3, 3, 6, 7, 8, 9};
  const MannWhitneyResult r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 9);
  EXPECT_FALSE(r.exact);
  const double sigma = std::sqrt(42.0 / 12.0 * (14.0 - 48.0 / 156.0));
  EXPECT_DOUBLE_EQ(r.z, (9.0 - 21.0 + 0.5) / sigma);
  EXPECT_NEAR(r.p_value, 0.09667054340670089, 1e-12);  // scipy, method="asymptotic"
}

TEST(MannWhitneyTest, MatchesScipyExact_WhenSamplesAreMediumSizedWithoutTies) {
  const std::vector<double> a = {3.1, 4.7, 2.2, 5.9, 6.3, 1.8, 7.4, 8.8, 0.5, 9.6};
  const std::vector<double> b = {2.9, 5.1, 6.8, 7.7, 8.1, 9.2, 10.4, 11.3, 12.6, 4.2, 13.5, 14.9};
  const MannWhitneyResult r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 26);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p_value, 0.024916260210377857, 1e-12);  // scipy, method="exact"

  const std::vector<double> low = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,
                                   10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  std::vector<double> high;
  for (double x : low) high.push_back(x + 10.5);
  const MannWhitneyResult big = mann_whitney_u(low, high);
  EXPECT_EQ(big.u, 45);
  EXPECT_TRUE(big.exact);
  EXPECT_NEAR(big.p_value, 6.91365976465362e-06, 1e-15);  // scipy, method="exact", n = 20 + 20
}

TEST(MannWhitneyTest, UsesNormalApproximation_WhenASampleHasMoreThanTwentyValues) {
  std::vector<double> a, b;
  for (int i = 0; i < 25; ++i) {
    a.push_back((i * 7) % 25 + 0.5);
    b.push_back((i * 11) % 25 + 3.25);
  }
  const MannWhitneyResult r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 253);
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(r.p_value, 0.2523052121646835, 1e-12);  // scipy, method="asymptotic"
}

// Counts, over every way of splitting the ranks 1..n_a+n_b between a and b, those with U >= u:
// an independent check of the recurrence in mann_whitney_exact_sf.
double brute_force_sf(double u, int n_a, int n_b) {
  const int n = n_a + n_b;
  double hits = 0, total = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != n_a) continue;
    double pairs = 0;  // a's element at rank i beats every b element of lower rank
    for (int i = 0; i < n; ++i) {
      if (!(mask & (1u << i))) continue;
      for (int j = 0; j < i; ++j) pairs += (mask & (1u << j)) ? 0 : 1;
    }
    total += 1;
    hits += pairs >= u ? 1 : 0;
  }
  return hits / total;
}

TEST(MannWhitneyTest, ExactTailMatchesEnumeration_ForAllSmallSizes) {
  for (int n_a = 1; n_a <= 6; ++n_a) {
    for (int n_b = 1; n_b <= 6; ++n_b) {
      for (int u = 0; u <= n_a * n_b; ++u) {
        EXPECT_DOUBLE_EQ(mann_whitney_exact_sf(u, n_a, n_b), brute_force_sf(u, n_a, n_b))
            << n_a << "x" << n_b << " U>=" << u;
      }
    }
  }
  EXPECT_THROW(mann_whitney_exact_sf(1, 21, 3), std::invalid_argument);
}

TEST(MannWhitneyTest, GivesPOne_WhenAllValuesAreEqual) {
  const std::vector<double> a = {2, 2, 2, 2}, b = {2, 2, 2};
  const MannWhitneyResult r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 6);
  EXPECT_EQ(r.z, 0);
  EXPECT_EQ(r.p_value, 1);
}

TEST(MannWhitneyTest, Throws_WhenASampleIsEmptyOrNotFinite) {
  const std::vector<double> empty, one = {1.0};
  const std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(mann_whitney_u(empty, one), std::invalid_argument);
  EXPECT_THROW(mann_whitney_u(one, nan), std::invalid_argument);
}

}  // namespace
}  // namespace nnbench::report

// The Mann-Whitney U test (Wilcoxon rank-sum): are two sample sets drawn from the same
// distribution? Distribution-free, so it suits skewed, outlier-prone timing samples; Google
// Benchmark's tools/compare.py uses it the same way.
#pragma once

#include <span>

namespace nnbench::report {

struct MannWhitneyResult {
  // U of the first sample: the number of pairs (a_i, b_j) with a_i > b_j, ties counting 1/2.
  // U_b = n_a * n_b - u.
  double u = 0;
  // Normal approximation with tie and continuity correction, signed: positive when `a` tends to
  // be larger. 0 when all values are equal.
  double z = 0;
  double p_value = 1;  // two-sided
  bool exact = false;  // p_value from the exact distribution of U rather than from z
};

// Two-sided test. The p-value is exact when both samples have at most 20 values and no value
// occurs twice across them; otherwise it comes from the normal approximation (as scipy's
// mannwhitneyu with use_continuity=True, method="asymptotic"). Throws std::invalid_argument when
// a sample is empty or holds a non-finite value.
MannWhitneyResult mann_whitney_u(std::span<const double> a, std::span<const double> b);

// P(U >= u) under the null hypothesis for sample sizes n_a, n_b without ties (exact, by
// counting arrangements). Sizes up to 20 each; throws std::invalid_argument beyond.
double mann_whitney_exact_sf(double u, std::size_t n_a, std::size_t n_b);

}  // namespace nnbench::report

// Descriptive statistics over raw samples (see statistics.hpp for the definitions used).
#include "nnbench/core/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace nnbench {

double percentile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("percentile of an empty sample set");
  if (q < 0 || q > 100) throw std::invalid_argument("percentile outside [0, 100]");
  const double rank = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = rank - static_cast<double>(lower);
  return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
}

namespace {

// P(X = k) for X ~ Binomial(n, 1/2), in log space so large n does not overflow.
double binomial_half_pmf(std::size_t n, std::size_t k) {
  const double log_choose = std::lgamma(static_cast<double>(n) + 1) -
                            std::lgamma(static_cast<double>(k) + 1) -
                            std::lgamma(static_cast<double>(n - k) + 1);
  return std::exp(log_choose + static_cast<double>(n) * std::log(0.5));
}

}  // namespace

MedianCiRanks median_ci_ranks(std::size_t n, double level) {
  if (n == 0) throw std::invalid_argument("median CI of an empty sample set");
  // The interval [x_(j), x_(n-1-j)] (0-based order statistics) covers the population median
  // with probability 1 - 2 P(X <= j), X ~ Binomial(n, 1/2). Take the narrowest that reaches the
  // level; with too few samples, the full range and its lower coverage.
  double cdf = binomial_half_pmf(n, 0);
  MedianCiRanks best{0, n - 1, std::max(0.0, 1.0 - 2.0 * cdf)};
  for (std::size_t j = 1; 2 * j + 1 < n; ++j) {
    cdf += binomial_half_pmf(n, j);
    const double coverage = 1.0 - 2.0 * cdf;
    if (coverage < level) break;
    best = {j, n - 1 - j, coverage};
  }
  return best;
}

Statistics compute_statistics(std::span<const double> samples) {
  if (samples.empty()) throw std::invalid_argument("statistics of an empty sample set");
  for (double x : samples) {
    if (!std::isfinite(x)) throw std::invalid_argument("statistics of a non-finite sample");
  }
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  const auto n = sorted.size();

  Statistics s;
  s.count = n;
  s.min = sorted.front();
  s.max = sorted.back();
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
  double squares = 0;
  for (double x : sorted) squares += (x - s.mean) * (x - s.mean);
  s.std = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0.0;
  s.median = percentile_sorted(sorted, 50);
  s.p25 = percentile_sorted(sorted, 25);
  s.p75 = percentile_sorted(sorted, 75);
  s.p90 = percentile_sorted(sorted, 90);
  s.p95 = percentile_sorted(sorted, 95);
  s.p99 = percentile_sorted(sorted, 99);
  s.cv = s.mean != 0 ? s.std / std::fabs(s.mean) : 0.0;
  s.relative_std_error =
      s.mean != 0 ? s.std / std::sqrt(static_cast<double>(n)) / std::fabs(s.mean) : 0.0;

  const MedianCiRanks ci = median_ci_ranks(n);
  s.median_ci_low = sorted[ci.lower];
  s.median_ci_high = sorted[ci.upper];
  s.median_ci_level = ci.coverage;

  const double iqr = s.p75 - s.p25;
  const double low_fence = s.p25 - 1.5 * iqr, high_fence = s.p75 + 1.5 * iqr;
  for (double x : sorted) {
    if (x < low_fence) ++s.outliers_low;
    if (x > high_fence) ++s.outliers_high;
  }
  return s;
}

void RunningStats::add(double x) {
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (x - mean_);
}

double RunningStats::variance() const {
  return count_ > 1 ? m2_ / static_cast<double>(count_ - 1) : 0.0;
}

double RunningStats::relative_std_error() const {
  if (count_ < 2 || mean_ == 0) return std::numeric_limits<double>::infinity();
  return std::sqrt(variance() / static_cast<double>(count_)) / std::fabs(mean_);
}

}  // namespace nnbench

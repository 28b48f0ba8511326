// Descriptive statistics over raw samples: the figures every nnbench metric reports.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace nnbench {

// Summary of one sample set. All values are in the samples' own unit. Percentiles use linear
// interpolation between order statistics (NumPy's default, "type 7"). std is the sample standard
// deviation (n - 1). Outliers are counted with Tukey's rule (beyond 1.5 IQR outside the quartiles)
// and never removed from any figure.
struct Statistics {
  std::size_t count = 0;
  double mean = 0, std = 0, min = 0, max = 0;
  double median = 0, p25 = 0, p75 = 0, p90 = 0, p95 = 0, p99 = 0;
  double cv = 0;                  // coefficient of variation: std / mean
  double relative_std_error = 0;  // std / sqrt(n) / mean: the noise of the mean
  double median_ci_low = 0;       // distribution-free confidence interval of the median
  double median_ci_high = 0;      // (order statistics of a binomial(n, 1/2))
  double median_ci_level = 0;     // the coverage actually achieved (>= 0.95 when n >= 6)
  std::size_t outliers_low = 0;   // samples < p25 - 1.5 IQR
  std::size_t outliers_high = 0;  // samples > p75 + 1.5 IQR
};

// Computes all figures. Throws std::invalid_argument on an empty span or a non-finite sample.
Statistics compute_statistics(std::span<const double> samples);

// Percentile q in [0, 100] of already sorted samples, linear interpolation.
double percentile_sorted(std::span<const double> sorted_samples, double q);

// Ranks (0-based, inclusive) of the order statistics bounding a confidence interval of the median
// at the requested level, and the level they achieve. For n < 6 no pair reaches 95%: the full
// range is returned with its (lower) coverage.
struct MedianCiRanks {
  std::size_t lower = 0, upper = 0;
  double coverage = 0;
};
MedianCiRanks median_ci_ranks(std::size_t n, double level = 0.95);

// Running mean and variance (Welford), for the adaptive stop rule: O(1) per sample.
class RunningStats {
 public:
  void add(double x);
  std::size_t count() const { return count_; }
  double mean() const { return mean_; }
  double variance() const;            // sample variance (n - 1); 0 for n < 2
  double relative_std_error() const;  // std / sqrt(n) / |mean|; infinity for n < 2 or mean 0

 private:
  std::size_t count_ = 0;
  double mean_ = 0, m2_ = 0;
};

}  // namespace nnbench

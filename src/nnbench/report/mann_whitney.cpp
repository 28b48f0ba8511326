// Mann-Whitney U: ranks with ties averaged, exact null distribution for small untied samples,
// tie- and continuity-corrected normal approximation otherwise.
#include "nnbench/report/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace nnbench::report {

namespace {

constexpr std::size_t kExactMaxSize = 20;

}  // namespace

double mann_whitney_exact_sf(double u, std::size_t n_a, std::size_t n_b) {
  if (n_a > kExactMaxSize || n_b > kExactMaxSize) {
    throw std::invalid_argument("mann_whitney_exact_sf: sample sizes above 20");
  }
  // counts[i][j][k]: orderings of i values of `a` and j of `b` with U = k. The largest value is
  // either an `a` (it beats all j values of b) or a `b`, hence
  // counts[i][j][k] = counts[i-1][j][k-j] + counts[i][j-1][k]. Doubles: C(40, 20) ~ 1.4e11 counts
  // are exact in a double.
  const std::size_t max_u = n_a * n_b;
  std::vector<std::vector<std::vector<double>>> counts(n_a + 1,
                                                       std::vector<std::vector<double>>(n_b + 1));
  for (std::size_t i = 0; i <= n_a; ++i) {
    for (std::size_t j = 0; j <= n_b; ++j) {
      std::vector<double>& cell = counts[i][j];
      cell.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        cell[0] = 1;
        continue;
      }
      for (std::size_t k = 0; k <= i * j; ++k) {
        double total = 0;
        if (k >= j && k - j < counts[i - 1][j].size()) total += counts[i - 1][j][k - j];
        if (k < counts[i][j - 1].size()) total += counts[i][j - 1][k];
        cell[k] = total;
      }
    }
  }
  const std::vector<double>& distribution = counts[n_a][n_b];
  const double all = std::accumulate(distribution.begin(), distribution.end(), 0.0);
  // u is an integer for untied samples; round up so P(U >= 3.0000001) never counts U = 3.
  const double first = std::ceil(u - 1e-9);
  if (first <= 0) return 1.0;
  if (first > static_cast<double>(max_u)) return 0.0;
  double tail = 0;
  for (std::size_t k = static_cast<std::size_t>(first); k <= max_u; ++k) tail += distribution[k];
  return tail / all;
}

MannWhitneyResult mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) throw std::invalid_argument("mann_whitney_u: empty sample");
  struct Ranked {
    double value;
    bool from_a;
  };
  std::vector<Ranked> all;
  all.reserve(a.size() + b.size());
  for (double x : a) all.push_back({x, true});
  for (double x : b) all.push_back({x, false});
  for (const Ranked& r : all) {
    if (!std::isfinite(r.value)) throw std::invalid_argument("mann_whitney_u: non-finite sample");
  }
  std::sort(all.begin(), all.end(),
            [](const Ranked& x, const Ranked& y) { return x.value < y.value; });

  // Average ranks over runs of equal values; sum of t^3 - t over tie groups for the variance.
  double rank_sum_a = 0, tie_term = 0;
  for (std::size_t start = 0; start < all.size();) {
    std::size_t end = start;
    while (end < all.size() && all[end].value == all[start].value) ++end;
    const double tied = static_cast<double>(end - start);
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    for (std::size_t i = start; i < end; ++i) rank_sum_a += all[i].from_a ? average_rank : 0;
    tie_term += tied * tied * tied - tied;
    start = end;
  }

  const double n_a = static_cast<double>(a.size()), n_b = static_cast<double>(b.size());
  const double n = n_a + n_b;
  MannWhitneyResult result;
  result.u = rank_sum_a - n_a * (n_a + 1) / 2;
  const double mean_u = n_a * n_b / 2;
  const double variance = n_a * n_b / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  const double deviation = result.u - mean_u;
  if (variance > 0 && std::fabs(deviation) > 0.5) {
    result.z = (deviation - std::copysign(0.5, deviation)) / std::sqrt(variance);
  }
  result.p_value = std::min(1.0, std::erfc(std::fabs(result.z) / std::sqrt(2.0)));

  if (tie_term == 0 && a.size() <= kExactMaxSize && b.size() <= kExactMaxSize) {
    const double larger_u = std::max(result.u, n_a * n_b - result.u);
    result.p_value = std::min(1.0, 2 * mann_whitney_exact_sf(larger_u, a.size(), b.size()));
    result.exact = true;
  }
  return result;
}

}  // namespace nnbench::report

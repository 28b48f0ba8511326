// Metric-by-metric comparison rows (see paired_comparison.hpp).
#include "nnbench/suites/paired_comparison.hpp"

#include <stdexcept>

namespace nnbench::suites {

Result compare_pair(const Result& a, const Result& b, const std::string& a_name,
                    const std::string& b_name, const std::vector<std::string>& metrics,
                    Variant variant) {
  if (a.status != ResultStatus::Ok || b.status != ResultStatus::Ok) {
    throw std::invalid_argument("compare_pair: both results must be ok");
  }
  Result row;
  row.benchmark = a.benchmark;
  row.variant = std::move(variant);
  row.labels = a.labels;
  for (const std::string& name : metrics) {
    const Metric* ma = a.find_metric(name);
    const Metric* mb = b.find_metric(name);
    if (!ma || !mb) continue;
    auto add = [&](const std::string& suffix, double value, const std::string& unit) {
      row.metrics.push_back(
          Metric{name + "_" + suffix, unit, value, std::nullopt, {}, ma->higher_is_better});
    };
    add(a_name, ma->value, ma->unit);
    add(b_name, mb->value, mb->unit);
    add("diff", ma->value - mb->value, ma->unit);
    if (mb->value != 0) add("diff_pct", 100.0 * (ma->value - mb->value) / mb->value, "%");
  }
  return row;
}

}  // namespace nnbench::suites

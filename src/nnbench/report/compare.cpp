// compare_runs: matching variants of two runs and judging each metric.
#include "nnbench/report/compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"
#include "nnbench/core/suggest.hpp"
#include "nnbench/report/mann_whitney.hpp"

namespace nnbench::report {

double parse_threshold(const std::string& text) {
  const bool percent = text.ends_with('%');
  const std::optional<double> value =
      parse_real(percent ? std::string_view(text).substr(0, text.size() - 1) : text);
  if (!value || *value < 0) {
    throw InputError(fmt::format(
        "--threshold '{}': expected a fraction (0.05) or a percentage (5%) >= 0", text));
  }
  const double fraction = percent ? *value / 100 : *value;
  if (fraction > 1) {
    throw InputError(fmt::format(
        "--threshold '{}' would be {}%: give a fraction up to 1 (0.05 = 5%) or a percentage; "
        "did you mean {}%?",
        text, format_real(fraction * 100), text));
  }
  return fraction;
}

void validate(const CompareOptions& options) {
  if (options.metric.empty()) throw InputError("compare: the metric name is empty");
  if (!(options.threshold >= 0) || !std::isfinite(options.threshold) || options.threshold > 1) {
    throw InputError(fmt::format("compare: threshold {} should be a fraction in [0, 1] (0.05 = 5%)",
                                 options.threshold));
  }
  if (!(options.alpha > 0 && options.alpha < 1)) {
    throw InputError(
        fmt::format("compare: alpha {} should lie strictly between 0 and 1", options.alpha));
  }
}

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Faster:
      return "faster";
    case Verdict::Slower:
      return "slower";
    case Verdict::Same:
      return "same";
    case Verdict::Missing:
      return "missing";
  }
  return "unknown";
}

Verdict judge(std::optional<double> ratio, std::optional<double> p_value, bool higher_is_better,
              const CompareOptions& options) {
  if (!ratio || !p_value || !std::isfinite(*ratio)) return Verdict::Same;
  // The epsilon keeps a ratio of exactly 1 + threshold (1.05 is 1.0500000000000000444 as a
  // double) on the "within" side.
  if (std::fabs(*ratio - 1) <= options.threshold + 1e-12 || !(*p_value < options.alpha)) {
    return Verdict::Same;
  }
  const bool improved = higher_is_better ? *ratio > 1 : *ratio < 1;
  return improved ? Verdict::Faster : Verdict::Slower;
}

namespace {

using Key = std::pair<std::string, std::string>;  // benchmark, variant name

Key key_of(const Result& result) { return {result.benchmark, result.variant.name()}; }

std::optional<double> median_of(const Metric& metric) {
  const double median = metric.statistics ? metric.statistics->median : metric.value;
  if (!std::isfinite(median)) return std::nullopt;
  return median;
}

CompareRow missing_row(const Key& key, const std::string& metric, std::string note) {
  CompareRow row;
  row.benchmark = key.first;
  row.variant = key.second;
  row.metric = metric;
  row.verdict = Verdict::Missing;
  row.note = std::move(note);
  return row;
}

CompareRow compare_metric(const Key& key, const Metric& base, const Metric& candidate,
                          const CompareOptions& options) {
  CompareRow row;
  row.benchmark = key.first;
  row.variant = key.second;
  row.metric = base.name;
  row.unit = base.unit;
  row.higher_is_better = base.higher_is_better;
  row.base_median = median_of(base);
  row.new_median = median_of(candidate);
  row.base_samples = base.samples.size();
  row.new_samples = candidate.samples.size();
  if (base.unit != candidate.unit) {
    row.verdict = Verdict::Missing;
    row.note = fmt::format("units differ: {} vs {}", base.unit, candidate.unit);
    return row;
  }
  if (row.base_median && row.new_median && *row.base_median != 0) {
    row.ratio = *row.new_median / *row.base_median;
  }
  if (base.samples.empty() || candidate.samples.empty()) {
    row.note = "no raw samples on one side: significance not tested";
  } else {
    try {
      row.p_value = mann_whitney_u(base.samples, candidate.samples).p_value;
    } catch (const std::invalid_argument&) {
      row.note = "non-finite samples: significance not tested";
    }
  }
  if (!row.ratio && row.note.empty()) row.note = "no ratio: a median is zero or unknown";
  row.verdict = judge(row.ratio, row.p_value, row.higher_is_better, options);
  return row;
}

std::string status_note(const char* side, const Result& result) {
  return fmt::format("{}: {}{}{}", side, to_string(result.status),
                     result.reason.empty() ? "" : ": ", result.reason);
}

void compare_variant(const Result& base, const Result& candidate, const CompareOptions& options,
                     std::vector<CompareRow>& rows) {
  const Key key = key_of(base);
  if (base.status != ResultStatus::Ok || candidate.status != ResultStatus::Ok) {
    std::string note;
    if (base.status != ResultStatus::Ok) note = status_note("base", base);
    if (candidate.status != ResultStatus::Ok) {
      note += (note.empty() ? "" : "; ") + status_note("new", candidate);
    }
    rows.push_back(missing_row(key, options.metric, note));
    return;
  }
  if (options.metric != "*") {
    const Metric* base_metric = base.find_metric(options.metric);
    const Metric* new_metric = candidate.find_metric(options.metric);
    if (!base_metric || !new_metric) {
      rows.push_back(missing_row(key, options.metric,
                                 fmt::format("metric {} absent in {}", options.metric,
                                             !base_metric && !new_metric ? "both runs"
                                             : !base_metric              ? "base"
                                                                         : "new run")));
      return;
    }
    rows.push_back(compare_metric(key, *base_metric, *new_metric, options));
    return;
  }
  for (const Metric& base_metric : base.metrics) {
    if (const Metric* new_metric = candidate.find_metric(base_metric.name)) {
      rows.push_back(compare_metric(key, base_metric, *new_metric, options));
    } else {
      rows.push_back(missing_row(key, base_metric.name, "metric absent in new run"));
    }
  }
  for (const Metric& new_metric : candidate.metrics) {
    if (!base.find_metric(new_metric.name)) {
      rows.push_back(missing_row(key, new_metric.name, "metric absent in base"));
    }
  }
}

// A comparison with nothing to compare is a mistake in what was asked, not a pass: no variant in
// common, or a metric neither run reports (a typo), is InputError.
void check_comparable(const LoadedRun& base, const LoadedRun& candidate,
                      const std::map<Key, const Result*>& candidate_by_key,
                      const CompareOptions& options) {
  const bool common = std::any_of(base.results.begin(), base.results.end(), [&](const Result& r) {
    return candidate_by_key.count(key_of(r)) > 0;
  });
  if (!common) {
    throw InputError(fmt::format(
        "compare: runs {} and {} have no variant in common (same benchmark and variant name)",
        base.run_info.run_id, candidate.run_info.run_id));
  }
  if (options.metric == "*") return;
  std::set<std::string> metrics;
  for (const LoadedRun* run : {&base, &candidate}) {
    for (const Result& result : run->results) {
      for (const Metric& metric : result.metrics) metrics.insert(metric.name);
    }
  }
  if (metrics.count(options.metric)) return;
  const std::vector<std::string> names(metrics.begin(), metrics.end());
  std::string message = fmt::format("compare: no result reports metric '{}'", options.metric);
  if (auto best = closest_match(options.metric, names))
    message += fmt::format("; did you mean '{}'?", *best);
  throw InputError(message + fmt::format(" (metrics: {}, or * for all)", fmt::join(names, ", ")));
}

}  // namespace

Comparison compare_runs(const LoadedRun& base, const LoadedRun& candidate,
                        const CompareOptions& options) {
  validate(options);
  Comparison comparison;
  comparison.options = options;
  comparison.base_run_id = base.run_info.run_id;
  comparison.new_run_id = candidate.run_info.run_id;

  std::map<Key, const Result*> candidate_by_key;
  for (const Result& result : candidate.results)
    candidate_by_key.try_emplace(key_of(result), &result);
  std::map<Key, bool> seen_in_base;
  for (const Result& result : base.results) {
    const Key key = key_of(result);
    if (!seen_in_base.try_emplace(key, true).second) continue;  // duplicates: first one counts
    auto match = candidate_by_key.find(key);
    if (match == candidate_by_key.end()) {
      comparison.rows.push_back(missing_row(key, options.metric, "only in base"));
    } else {
      compare_variant(result, *match->second, options, comparison.rows);
    }
  }
  std::map<Key, bool> reported;
  for (const Result& result : candidate.results) {
    const Key key = key_of(result);
    if (!seen_in_base.count(key) && reported.try_emplace(key, true).second) {
      comparison.rows.push_back(missing_row(key, options.metric, "only in new run"));
    }
  }
  check_comparable(base, candidate, candidate_by_key, options);
  return comparison;
}

bool has_significant_regression(const Comparison& comparison) {
  return std::any_of(comparison.rows.begin(), comparison.rows.end(),
                     [](const CompareRow& row) { return row.verdict == Verdict::Slower; });
}

}  // namespace nnbench::report

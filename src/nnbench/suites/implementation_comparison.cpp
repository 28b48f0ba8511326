// dsl_vs_native's comparison rows and verdict (see implementation_comparison.hpp).
#include "nnbench/suites/implementation_comparison.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "nnbench/core/statistics.hpp"
#include "nnbench/suites/paired_comparison.hpp"

namespace nnbench::suites {
namespace {

// An axis value, or "" where the variant lacks the axis (backend is opt-in).
std::string axis_value(const Variant& v, const char* axis) {
  return v.has(axis) ? v.at(axis) : std::string();
}

bool is_ok(const Result& r, const std::string& implementation) {
  return r.status == ResultStatus::Ok && r.variant.has("implementation") &&
         r.variant.at("implementation") == implementation;
}

// Several repetitions of one implementation as one result: epoch times and rates pooled
// (median of all epochs), accuracy and loss averaged.
Result pooled(const std::vector<const Result*>& runs) {
  Result merged = *runs.front();
  merged.metrics.clear();
  for (const char* name : {"latency_ms", "throughput"}) {
    Metric metric = *runs.front()->find_metric(name);
    metric.samples.clear();
    for (const Result* run : runs) {
      const auto& samples = run->find_metric(name)->samples;
      metric.samples.insert(metric.samples.end(), samples.begin(), samples.end());
    }
    metric.statistics = compute_statistics(metric.samples);
    metric.value = metric.statistics->median;
    merged.metrics.push_back(metric);
  }
  for (const char* name : {"test_accuracy", "test_loss"}) {
    Metric metric = *runs.front()->find_metric(name);
    double sum = 0;
    for (const Result* run : runs) sum += run->find_metric(name)->value;
    metric.value = sum / static_cast<double>(runs.size());
    merged.metrics.push_back(metric);
  }
  return merged;
}

std::string verdict(bool equivalent, double accuracy_diff, double loss_diff) {
  char text[160];
  std::snprintf(
      text, sizeof text, "%s (|accuracy diff| %.4f %s %g, |loss diff| %.4f %s %g)",
      equivalent ? "equivalent" : "NOT equivalent", std::fabs(accuracy_diff),
      std::fabs(accuracy_diff) < kEquivalentAccuracyDifference ? "<" : ">=",
      kEquivalentAccuracyDifference, std::fabs(loss_diff),
      std::fabs(loss_diff) < kEquivalentLossDifference ? "<" : ">=", kEquivalentLossDifference);
  return text;
}

Result comparison_row(const Result& dsl, const Result& native, const std::string& repetition) {
  Variant variant{{{"model", dsl.variant.at("model")},
                   {"repetition", repetition},
                   {"implementation", "dsl_vs_native"}},
                  {{"repetition", AxisType::Int}}};
  if (dsl.variant.has("backend")) variant.values.emplace_back("backend", dsl.variant.at("backend"));
  Result row = compare_pair(
      dsl, native, "dsl", "native",
      {"latency_ms", "throughput", "test_accuracy", "test_loss", "peak_rss_bytes",
       "rss_delta_bytes", "device_peak_allocated_bytes", "build_time_ms", "parameter_count"},
      std::move(variant));
  const double accuracy_diff =
      dsl.find_metric("test_accuracy")->value - native.find_metric("test_accuracy")->value;
  const double loss_diff =
      dsl.find_metric("test_loss")->value - native.find_metric("test_loss")->value;
  const bool equivalent = std::fabs(accuracy_diff) < kEquivalentAccuracyDifference &&
                          std::fabs(loss_diff) < kEquivalentLossDifference;
  row.metrics.push_back({"equivalent", "bool", equivalent ? 1.0 : 0.0, std::nullopt, {}, true});
  row.labels["implementation"] = "dsl_vs_native";
  row.labels["verdict"] = verdict(equivalent, accuracy_diff, loss_diff);
  return row;
}

}  // namespace

bool same_comparison_pair(const Variant& a, const Variant& b) {
  return a.at("model") == b.at("model") && a.at("repetition") == b.at("repetition") &&
         axis_value(a, "backend") == axis_value(b, "backend");
}

std::vector<Result> implementation_comparison_rows(const std::vector<Result>& results) {
  std::vector<Result> rows;
  using Runs = std::vector<const Result*>;
  std::map<std::pair<std::string, std::string>, std::pair<Runs, Runs>> by_model;
  std::vector<std::pair<std::string, std::string>> model_order;
  for (const Result& dsl : results) {
    if (!is_ok(dsl, "dsl")) continue;
    for (const Result& native : results) {
      if (!is_ok(native, "native") || !same_comparison_pair(dsl.variant, native.variant)) {
        continue;
      }
      const std::pair<std::string, std::string> key{dsl.variant.at("model"),
                                                    axis_value(dsl.variant, "backend")};
      rows.push_back(comparison_row(dsl, native, dsl.variant.at("repetition")));
      if (!by_model.count(key)) model_order.push_back(key);
      by_model[key].first.push_back(&dsl);
      by_model[key].second.push_back(&native);
    }
  }
  for (const auto& key : model_order) {
    const auto& [dsl_runs, native_runs] = by_model[key];
    if (dsl_runs.size() < 2) continue;
    rows.push_back(comparison_row(pooled(dsl_runs), pooled(native_runs), "all"));
  }
  return rows;
}

}  // namespace nnbench::suites

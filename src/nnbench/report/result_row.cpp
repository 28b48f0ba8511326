// Extracts the shared per-variant row from a Result.
#include "nnbench/report/result_row.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace nnbench::report {

std::optional<double> max_metric_with_suffix(const Result& result, const std::string& suffix) {
  std::optional<double> largest;
  for (const Metric& metric : result.metrics) {
    if (metric.name.size() < suffix.size() ||
        metric.name.compare(metric.name.size() - suffix.size(), suffix.size(), suffix) != 0 ||
        !std::isfinite(metric.value)) {
      continue;
    }
    largest = largest ? std::max(*largest, metric.value) : metric.value;
  }
  return largest;
}

namespace {

std::optional<double> finite(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

ResultRow make_result_row(const Result& result, const RunInfo& run_info) {
  ResultRow row;
  row.benchmark = result.benchmark;
  row.variant = result.variant.name();
  row.model = result.attribute("model");
  row.framework_version = result.attribute("framework");
  row.framework = row.framework_version.substr(0, row.framework_version.find(' '));
  for (char& c : row.framework) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  row.mode = result.attribute("mode");
  row.device = result.attribute("device");
  row.device_type = result.attribute("device_type");
  if (row.device_type.empty() && !row.device.empty()) {
    row.device_type = row.device.substr(0, row.device.find(':'));
  }
  row.batch_size = result.attribute("batch_size");
  row.dtype = result.attribute("dtype");
  row.input_shape = result.attribute("input_shape");

  if (const Metric* latency = result.find_metric(kLatencyMetric)) {
    if (latency->statistics) {
      const Statistics& s = *latency->statistics;
      row.latency_p50_ms = finite(s.median);
      row.latency_p95_ms = finite(s.p95);
      row.latency_p99_ms = finite(s.p99);
      row.latency_mean_ms = finite(s.mean);
      row.latency_std_ms = finite(s.std);
      row.latency_min_ms = finite(s.min);
      row.latency_max_ms = finite(s.max);
      row.latency_cv = finite(s.cv);
      row.latency_ci_low_ms = finite(s.median_ci_low);
      row.latency_samples = static_cast<double>(s.count);
      row.latency_ci_high_ms = finite(s.median_ci_high);
    } else {
      row.latency_p50_ms = finite(latency->value);  // a single figure is its own median
    }
  }
  if (const Metric* throughput = result.find_metric(kThroughputMetric)) {
    row.throughput = finite(throughput->value);
    row.throughput_unit = throughput->unit;
    if (throughput->unit == "samples/s" || throughput->unit == "images/s") {
      row.throughput_ips = row.throughput;
    }
  }
  std::optional<double> memory_bytes = max_metric_with_suffix(result, "peak_allocated_bytes");
  if (!memory_bytes) memory_bytes = max_metric_with_suffix(result, "peak_rss_bytes");
  if (memory_bytes) row.memory_mib = *memory_bytes / (1024.0 * 1024.0);
  if (const Metric* compile = result.find_metric(kCompileTimeMetric)) {
    row.compile_time_ms = finite(compile->value);
  }
  row.timestamp = result.started_at;
  row.git_commit = run_info.environment.git_commit;
  row.status = to_string(result.status);
  row.reason = result.reason;
  row.stop_reason = result.provenance.stop_reason;
  return row;
}

}  // namespace nnbench::report

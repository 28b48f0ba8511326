// One output row per variant, the shape shared by results.csv, summary.json and report.md
// (llama-bench's idea: the same columns in every format). Figures that a result does not have
// stay empty (std::nullopt), never zero.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench::report {

// Metric names the row reads. Latency and throughput come from the measurement loop; memory and
// compile time from probes the engine adds.
inline constexpr const char* kLatencyMetric = "latency_ms";
inline constexpr const char* kThroughputMetric = "throughput";
inline constexpr const char* kCompileTimeMetric = "compile_time_ms";

struct ResultRow {
  std::string benchmark, variant;
  // Attributes: axis value, else label (Result::attribute). device_type falls back to the part
  // of device before ':' ("cuda:0" -> "cuda").
  // framework: the framework's name alone (pytorch, jax, keras, libtorch, ...), as 594Project's
  // CSV has it; framework_version: the benchmark's whole label ("pytorch 2.11.0 (python 3.11)").
  std::string model, framework, framework_version, mode, device, device_type, batch_size, dtype,
      input_shape;
  std::optional<double> latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_mean_ms,
      latency_std_ms, latency_min_ms, latency_max_ms;
  std::optional<double> latency_samples;                        // how many latency samples
  std::optional<double> latency_cv;                             // std / mean of the latency samples
  std::optional<double> latency_ci_low_ms, latency_ci_high_ms;  // CI of the median
  std::optional<double> throughput;
  std::string throughput_unit;
  // The throughput when it counts inputs (samples/s, images/s): 594Project's throughput_ips.
  std::optional<double> throughput_ips;
  // Largest metric named *peak_allocated_bytes (device allocators) if any, else *peak_rss_bytes;
  // in MiB.
  std::optional<double> memory_mib;  // 2^20 bytes
  std::optional<double> compile_time_ms;
  std::string timestamp;   // the variant's start, ISO 8601 UTC
  std::string git_commit;  // of the nnbench tree that measured it
  std::string status, reason, stop_reason;
};

ResultRow make_result_row(const Result& result, const RunInfo& run_info);

// The largest value among metrics whose name ends with `suffix`; nullopt when none.
std::optional<double> max_metric_with_suffix(const Result& result, const std::string& suffix);

}  // namespace nnbench::report

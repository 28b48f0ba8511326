// The result record: what every writer, compare and history read. Tagged values with units,
// raw samples, status, and provenance (how it was measured and why sampling stopped).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nnbench/core/axis.hpp"
#include "nnbench/core/environment.hpp"
#include "nnbench/core/statistics.hpp"

namespace nnbench {

enum class ResultStatus { Ok, Failed, Skipped, Unavailable };
std::string to_string(ResultStatus status);
// Parses "ok", "failed", ...; throws InputError otherwise.
ResultStatus parse_result_status(const std::string& text);

struct Metric {
  std::string name;  // unit in the name where it has one: latency_ms, peak_rss_bytes
  std::string unit;  // "ms", "bytes", "samples/s"
  double value = 0;  // the headline figure (median for sampled metrics)
  std::optional<Statistics> statistics;
  std::vector<double> samples;  // raw, in `unit`; empty for single figures
  bool higher_is_better = false;
};

struct Provenance {
  std::string timer_kind;
  std::string synchronization;
  std::string sampling_mode;  // "fixed" / "adaptive" / "derived" / "scenario"
  std::string stop_reason;
  int warmup_iterations = 0;
  int iterations_per_sample = 1;
  std::size_t sample_count = 0;
  double target_rse = 0;
  double achieved_rse = 0;
  double measured_time_s = 0;
  double wall_time_s = 0;  // the whole variant: setup, warm-up, sampling, teardown
  double setup_time_s = 0;
  std::string build_type;
  std::vector<std::string> notes;  // e.g. "peak RSS covers the whole process"
};

struct Result {
  std::string benchmark;
  Variant variant;
  std::map<std::string, std::string> labels;  // model, framework, mode, device, dtype, ...
  ResultStatus status = ResultStatus::Ok;
  std::string reason;  // why failed / skipped / unavailable
  std::vector<Metric> metrics;
  Provenance provenance;
  std::string started_at;  // ISO 8601 UTC

  const Metric* find_metric(const std::string& name) const;
  // Axis value, else label, else empty.
  std::string attribute(const std::string& key) const;
};

// The result of a variant that did not run (or whose run left no result): its status and why,
// started now.
Result unrun_result(const std::string& benchmark, const Variant& variant, ResultStatus status,
                    std::string reason);

// Facts about the whole run, written once into every result file.
struct RunInfo {
  std::string run_id;  // the output directory's timestamp name
  std::string started_at, finished_at;
  std::vector<std::string> command_line;
  std::map<std::string, std::string> config;  // the effective RunConfig, flattened
  std::string config_hash;
  Environment environment;
};

}  // namespace nnbench

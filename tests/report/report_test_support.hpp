// Shared helpers for the report tests: hand-built Results and RunInfo, a temporary directory,
// file reading, and field-by-field equality of Results (core has no operator==).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nnbench/core/result.hpp"
#include "nnbench/core/statistics.hpp"

namespace nnbench::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "nnbench_report_test_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A small RFC 4180 reader for checking what render_csv wrote: quoted fields, doubled quotes,
// CRLF line ends, line breaks inside quotes.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty() && field.empty()) rows.pop_back();
  return rows;
}

// Runs tests/report/validate_schema.py (docs/result.schema.json) on `files` with the project's
// Python; returns its exit status (0 valid, 1 invalid, 2 unreadable) and appends its messages to
// `output`.
inline int validate_against_schema(const std::vector<std::filesystem::path>& files,
                                   std::string& output) {
  const std::filesystem::path source = NNBENCH_SOURCE_DIR;
  std::string command = fmt::format("'{}' '{}' '{}'", NNBENCH_PYTHON_EXE,
                                    (source / "tests/report/validate_schema.py").string(),
                                    (source / "docs/result.schema.json").string());
  for (const auto& file : files) command += fmt::format(" '{}'", file.string());
  const std::filesystem::path log = files.front().string() + ".validation.log";
  command += fmt::format(" > '{}' 2>&1", log.string());
  const int status = std::system(command.c_str());
  output += read_text(log);
  std::filesystem::remove(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline Metric sampled_metric(std::string name, std::string unit, std::vector<double> samples,
                             bool higher_is_better = false) {
  Metric metric;
  metric.name = std::move(name);
  metric.unit = std::move(unit);
  metric.statistics = compute_statistics(samples);
  metric.value = metric.statistics->median;
  metric.samples = std::move(samples);
  metric.higher_is_better = higher_is_better;
  return metric;
}

inline Metric single_metric(std::string name, std::string unit, double value,
                            bool higher_is_better = false) {
  Metric metric;
  metric.name = std::move(name);
  metric.unit = std::move(unit);
  metric.value = value;
  metric.higher_is_better = higher_is_better;
  return metric;
}

inline Provenance sample_provenance(std::size_t sample_count) {
  Provenance p;
  p.timer_kind = "host_steady_clock";
  p.synchronization = "none";
  p.sampling_mode = "fixed";
  p.stop_reason = "fixed_count";
  p.warmup_iterations = 3;
  p.iterations_per_sample = 1;
  p.sample_count = sample_count;
  p.target_rse = 0.005;
  p.achieved_rse = 0.0123;
  p.measured_time_s = 0.25;
  p.wall_time_s = 0.5;
  p.setup_time_s = 0.125;
  p.build_type = "Release";
  p.notes = {"peak RSS covers the whole process"};
  return p;
}

// An ok result with latency samples (ms) and a throughput derived from them.
inline Result ok_result(std::string benchmark,
                        std::vector<std::pair<std::string, std::string>> axes,
                        std::vector<double> latency_samples_ms) {
  Result result;
  result.benchmark = std::move(benchmark);
  result.variant.values = std::move(axes);
  result.labels = {{"framework", "libtorch"}, {"device", "cpu"}};
  result.started_at = "2026-11-23T11:40:02Z";
  std::vector<double> throughput_samples;
  for (double ms : latency_samples_ms) throughput_samples.push_back(1000.0 / ms);
  result.provenance = sample_provenance(latency_samples_ms.size());
  result.metrics.push_back(sampled_metric("latency_ms", "ms", std::move(latency_samples_ms)));
  result.metrics.push_back(
      sampled_metric("throughput", "samples/s", std::move(throughput_samples), true));
  return result;
}

inline Result status_result(std::string benchmark,
                            std::vector<std::pair<std::string, std::string>> axes,
                            ResultStatus status, std::string reason) {
  Result result;
  result.benchmark = std::move(benchmark);
  result.variant.values = std::move(axes);
  result.status = status;
  result.reason = std::move(reason);
  result.started_at = "2026-11-23T11:41:00Z";
  result.provenance.build_type = "Release";
  return result;
}

inline RunInfo sample_run_info() {
  RunInfo info;
  info.run_id = "20261123T114002Z";
  info.started_at = "2026-11-23T11:40:02Z";
  info.finished_at = "2026-11-23T11:42:10Z";
  info.command_line = {"nnbench", "run", "--enable-mock", "--include", "mock"};
  info.config = {{"measurement.iterations", "10"}, {"device", "cpu"}};
  info.config_hash = "0123456789abcdef";
  Environment& e = info.environment;
  e.hostname = "bench-host";
  e.cpu_model = "Example CPU @ 3.0GHz";
  e.logical_cores = 16;
  e.physical_cores = 8;
  e.memory_total_bytes = 64LL << 30;
  e.caches = {{1, "Data", 48 << 10}, {2, "Unified", 2 << 20}};
  e.os = "Debian GNU/Linux 12 (bookworm)";
  e.kernel = "Linux 6.1.0";
  e.arch = "x86_64";
  e.compiler = "GNU 12.2.0";
  e.cxx_flags = "-O3 -DNDEBUG";
  e.build_type = "Release";
  e.nnbench_version = "0.1.0";
  e.git_commit = "abcdef0123456789abcdef0123456789abcdef01";
  e.git_dirty = true;
  e.load_average_1m = 0.75;
  e.software = {{"libtorch", "2.11.0"}, {"cuda", "13.0"}};
  e.threads = {{"torch_intra_op", "8"}};
  e.gpus = {{0, "NVIDIA H100 80GB HBM3", 80LL << 30, "9.0", "580.65"}};
  return info;
}

// NaN == NaN here: a non-finite figure round-trips as null, read back as NaN.
inline void expect_same_double(double expected, double actual, const std::string& what) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what;
  } else {
    EXPECT_EQ(expected, actual) << what;
  }
}

inline void expect_same_statistics(const Statistics& e, const Statistics& a, const std::string& w) {
  EXPECT_EQ(e.count, a.count) << w;
  expect_same_double(e.mean, a.mean, w + ".mean");
  expect_same_double(e.std, a.std, w + ".std");
  expect_same_double(e.min, a.min, w + ".min");
  expect_same_double(e.max, a.max, w + ".max");
  expect_same_double(e.median, a.median, w + ".median");
  expect_same_double(e.p25, a.p25, w + ".p25");
  expect_same_double(e.p75, a.p75, w + ".p75");
  expect_same_double(e.p90, a.p90, w + ".p90");
  expect_same_double(e.p95, a.p95, w + ".p95");
  expect_same_double(e.p99, a.p99, w + ".p99");
  expect_same_double(e.cv, a.cv, w + ".cv");
  expect_same_double(e.relative_std_error, a.relative_std_error, w + ".rse");
  expect_same_double(e.median_ci_low, a.median_ci_low, w + ".ci_low");
  expect_same_double(e.median_ci_high, a.median_ci_high, w + ".ci_high");
  expect_same_double(e.median_ci_level, a.median_ci_level, w + ".ci_level");
  EXPECT_EQ(e.outliers_low, a.outliers_low) << w;
  EXPECT_EQ(e.outliers_high, a.outliers_high) << w;
}

inline void expect_same_result(const Result& e, const Result& a) {
  const std::string w = e.benchmark + "/" + e.variant.name();
  EXPECT_EQ(e.benchmark, a.benchmark) << w;
  EXPECT_EQ(e.variant.values, a.variant.values) << w;
  EXPECT_EQ(e.labels, a.labels) << w;
  EXPECT_EQ(e.status, a.status) << w;
  EXPECT_EQ(e.reason, a.reason) << w;
  EXPECT_EQ(e.started_at, a.started_at) << w;
  const Provenance &ep = e.provenance, &ap = a.provenance;
  EXPECT_EQ(ep.timer_kind, ap.timer_kind) << w;
  EXPECT_EQ(ep.synchronization, ap.synchronization) << w;
  EXPECT_EQ(ep.sampling_mode, ap.sampling_mode) << w;
  EXPECT_EQ(ep.stop_reason, ap.stop_reason) << w;
  EXPECT_EQ(ep.warmup_iterations, ap.warmup_iterations) << w;
  EXPECT_EQ(ep.iterations_per_sample, ap.iterations_per_sample) << w;
  EXPECT_EQ(ep.sample_count, ap.sample_count) << w;
  expect_same_double(ep.target_rse, ap.target_rse, w + " target_rse");
  expect_same_double(ep.achieved_rse, ap.achieved_rse, w + " achieved_rse");
  expect_same_double(ep.measured_time_s, ap.measured_time_s, w + " measured_time_s");
  expect_same_double(ep.wall_time_s, ap.wall_time_s, w + " wall_time_s");
  expect_same_double(ep.setup_time_s, ap.setup_time_s, w + " setup_time_s");
  EXPECT_EQ(ep.build_type, ap.build_type) << w;
  EXPECT_EQ(ep.notes, ap.notes) << w;
  ASSERT_EQ(e.metrics.size(), a.metrics.size()) << w;
  for (std::size_t i = 0; i < e.metrics.size(); ++i) {
    const Metric &em = e.metrics[i], &am = a.metrics[i];
    const std::string mw = w + " " + em.name;
    EXPECT_EQ(em.name, am.name) << mw;
    EXPECT_EQ(em.unit, am.unit) << mw;
    expect_same_double(em.value, am.value, mw + ".value");
    EXPECT_EQ(em.higher_is_better, am.higher_is_better) << mw;
    EXPECT_EQ(em.samples, am.samples) << mw;
    ASSERT_EQ(em.statistics.has_value(), am.statistics.has_value()) << mw;
    if (em.statistics) expect_same_statistics(*em.statistics, *am.statistics, mw);
  }
}

}  // namespace nnbench::test

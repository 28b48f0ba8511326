// The seed systems' output files (see seed_layout.hpp).
#include "nnbench/report/seed_layout.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/report/csv_writer.hpp"
#include "nnbench/report/markdown_writer.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/plots.hpp"
#include "nnbench/report/result_json.hpp"
#include "nnbench/report/result_row.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::report {
namespace fs = std::filesystem;

namespace {

std::vector<Result> of_benchmark(const std::vector<Result>& results, const std::string& name) {
  std::vector<Result> picked;
  for (const Result& r : results) {
    if (r.benchmark == name) picked.push_back(r);
  }
  return picked;
}

void create_directories_or_throw(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw IoError(fmt::format("cannot create '{}': {}", dir.string(), error.message()));
}

void warn_left_out(const fs::path& file, const std::string& why) {
  fmt::print(stderr, "nnbench: warning: {} not written: {}\n", file.string(), why);
}

// Writes `text` to `dir`/`name` (dir made if needed) and adds it to `written`.
void put(const fs::path& dir, const std::string& name, const std::string& text,
         std::vector<fs::path>& written) {
  create_directories_or_throw(dir);
  write_file_atomically(dir / name, text);
  written.push_back(dir / name);
}

// --- 594Project --------------------------------------------------------------------------------

std::vector<fs::path> write_594project(const std::vector<Result>& results, const RunInfo& run_info,
                                       const fs::path& output_dir) {
  std::vector<fs::path> written;
  put(output_dir, fmt::format("benchmark_results_{}.csv", seed_timestamp(run_info.started_at)),
      render_594project_csv(results, run_info), written);
  return written;
}

// --- Benchmarking Framework v2 -----------------------------------------------------------------

// Seconds from a metric's millisecond samples: mean, median, std, min, max, percentiles.
ordered_json seconds_of(const Metric& metric) {
  ordered_json out = ordered_json::object();
  if (!metric.statistics) {
    out["mean"] = metric.value / 1e3;
    out["unit"] = "s";
    return out;
  }
  const Statistics& s = *metric.statistics;
  out["mean"] = s.mean / 1e3;
  out["median"] = s.median / 1e3;
  out["std"] = s.std / 1e3;
  out["min"] = s.min / 1e3;
  out["max"] = s.max / 1e3;
  out["p25"] = s.p25 / 1e3;
  out["p75"] = s.p75 / 1e3;
  out["p90"] = s.p90 / 1e3;
  out["p95"] = s.p95 / 1e3;
  out["p99"] = s.p99 / 1e3;
  out["count"] = s.count;
  out["unit"] = "s";
  return out;
}

ordered_json optional_number(const Result& result, const std::string& metric, double scale = 1) {
  const Metric* m = result.find_metric(metric);
  return m && std::isfinite(m->value) ? ordered_json(m->value * scale) : ordered_json(nullptr);
}

std::string config_value(const RunInfo& run_info, const std::string& key) {
  const auto found = run_info.config.find(key);
  return found == run_info.config.end() ? std::string() : found->second;
}

ordered_json as_number_or_text(const std::string& text) {
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return text;
}

ordered_json framework_v2_scenario(const Result& result, const RunInfo& run_info) {
  const Environment& env = run_info.environment;
  ordered_json hardware{
      {"gpu_name", env.gpus.empty() ? ordered_json(nullptr) : ordered_json(env.gpus[0].name)},
      {"gpu_memory_total", env.gpus.empty()
                               ? ordered_json(nullptr)
                               : ordered_json(env.gpus[0].memory_total_bytes / (1 << 20))},
      {"cpu_count", env.logical_cores}};
  ordered_json config = ordered_json::object();
  config["variant"] = result.attribute("mode");
  for (const auto& [axis, value] : result.variant.values) {
    if (axis != "mode") config[axis] = as_number_or_text(value);
  }
  config["warmup_iterations"] = result.provenance.warmup_iterations;
  config["measurement_iterations"] = as_number_or_text(config_value(run_info, "iterations"));
  const std::string tokens = config_value(run_info, "option.generate");
  config["num_tokens_to_generate"] =
      tokens.empty() ? ordered_json(nullptr) : as_number_or_text(tokens);
  config["device"] = result.attribute("device");
  config["benchmark"] = result.benchmark;
  config["nnbench_variant"] = result.variant.name();

  ordered_json measurements = ordered_json::object();
  if (const Metric* latency = result.find_metric(kLatencyMetric)) {
    measurements["latency"] = seconds_of(*latency);
  }
  if (const Metric* ttft = result.find_metric("ttft_ms")) {
    measurements["time_to_first_token"] = seconds_of(*ttft);
  }
  if (const Metric* throughput = result.find_metric(kThroughputMetric);
      throughput && throughput->unit == "tokens/s") {
    const double mean = throughput->statistics ? throughput->statistics->mean : throughput->value;
    measurements["tokens_per_second"] = {
        {"mean", mean}, {"median", throughput->value}, {"unit", "tokens/sec"}};
  }
  ordered_json scenario{
      {"scenario_name", result.variant.name()},
      {"metadata",
       {{"timestamp", result.started_at},
        {"commit_id",
         env.git_commit.empty() ? ordered_json(nullptr) : ordered_json(env.git_commit)},
        {"hardware_info", hardware},
        {"config", config}}},
      {"measurements", measurements},
      {"gpu_metrics",
       {{"gpu_utilization_mean", optional_number(result, "gpu_utilization_pct_mean")},
        {"gpu_memory_used_mean",
         optional_number(result, "gpu_memory_used_bytes_mean", 1.0 / (1 << 20))}}},
      {"status", to_string(result.status)}};
  if (!result.reason.empty()) scenario["reason"] = result.reason;
  return scenario;
}

// The seed's directory and file stem of a model: "llama2-7b" stays as it is, a path becomes its
// file name.
std::string model_stem(const std::string& model) {
  std::string stem = fs::path(model).filename().string();
  if (stem.empty()) stem = "model";
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  return stem;
}

std::vector<fs::path> write_framework_v2(const std::vector<Result>& results,
                                         const RunInfo& run_info, const fs::path& run_dir,
                                         const fs::path& output_dir) {
  std::vector<fs::path> written;
  const std::string stamp = seed_timestamp(run_info.started_at);
  std::map<std::string, std::vector<Result>> by_model;
  for (const Result& r : results) {
    std::string model = r.attribute("model");
    if (model.empty()) model = r.benchmark;
    by_model[model].push_back(r);
  }
  ordered_json summary_models = ordered_json::array();
  for (const auto& [model, rows] : by_model) {
    const std::string stem = model_stem(model);
    const std::string name = fmt::format("{}_benchmark_{}.json", stem, stamp);
    put(output_dir / stem, name, render_framework_v2_model_json(model, rows, run_info), written);
    std::size_t ok = 0;
    for (const Result& r : rows) ok += r.status == ResultStatus::Ok ? 1 : 0;
    summary_models.push_back({{"model_name", model},
                              {"file", (fs::path(stem) / name).string()},
                              {"scenarios", rows.size()},
                              {"successful", ok},
                              {"failed", rows.size() - ok}});
  }
  const ordered_json summary{{"timestamp", run_info.started_at},
                             {"run_id", run_info.run_id},
                             {"nnbench_run_directory", run_dir.string()},
                             {"total_scenarios", results.size()},
                             {"models", summary_models}};
  put(output_dir, "benchmark_summary.json", json_text(summary, 2) + "\n", written);
  std::error_code error;
  const fs::path log = output_dir / fmt::format("benchmark_run_{}.log", stamp);
  fs::copy_file(run_dir / "run.log", log, fs::copy_options::overwrite_existing, error);
  if (error) {
    warn_left_out(log, error.message());
  } else {
    written.push_back(log);
  }
  return written;
}

// --- NeuralLayers and the Neural DSL suite -----------------------------------------------------

// Copies run_dir/plots/<plot>.png to output_dir/<name>, or says why it cannot.
void copy_plot(const fs::path& run_dir, const std::string& plot, const fs::path& output_dir,
               const std::string& name, const std::string& why_missing,
               std::vector<fs::path>& written) {
  const fs::path from = run_dir / "plots" / (plot + ".png");
  std::error_code error;
  if (!fs::is_regular_file(from, error)) {
    warn_left_out(output_dir / name, why_missing);
    return;
  }
  create_directories_or_throw(output_dir);
  fs::copy_file(from, output_dir / name, fs::copy_options::overwrite_existing, error);
  if (error)
    throw IoError(
        fmt::format("cannot write '{}': {}", (output_dir / name).string(), error.message()));
  written.push_back(output_dir / name);
}

std::vector<fs::path> write_neurallayers(const std::vector<Result>& results,
                                         const RunInfo& run_info, const fs::path& run_dir,
                                         const fs::path& output_dir) {
  std::vector<fs::path> written;
  const std::vector<Result> inference = of_benchmark(results, "mlp_inference");
  const std::vector<Result> memory = of_benchmark(results, "memory");
  if (!inference.empty()) {
    put(output_dir, "BENCHMARK_REPORT.md", render_markdown_report(inference, run_info), written);
  }
  if (!memory.empty()) {
    put(output_dir, "MEMORY_REPORT.md", render_markdown_report(memory, run_info), written);
  }
  bool have_plots = false;
  try {
    draw_plots(run_dir);
    have_plots = true;
  } catch (const UnavailableError& e) {
    fmt::print(stderr, "nnbench: warning: no plots: {}\n", e.what());
  }
  if (!have_plots) return written;
  if (!inference.empty()) {
    copy_plot(run_dir, "throughput_vs_batch_mlp_inference", output_dir, "throughput_benchmark.png",
              "mlp_inference has no batch sizes to plot", written);
    copy_plot(run_dir, "scaling_mlp_inference", output_dir, "model_size_benchmark.png",
              "mlp_inference ran one model size (give --axis hidden_dim=256,512,1024)", written);
  }
  if (!memory.empty()) {
    copy_plot(run_dir, "memory_ratio_memory", output_dir, "memory_comparison.png",
              "the memory benchmark reported no inference and training peaks", written);
    copy_plot(run_dir, "breakdown_memory", output_dir, "training_memory_breakdown.png",
              "the memory benchmark reported no training breakdown", written);
  }
  return written;
}

std::vector<fs::path> write_neural_dsl(const std::vector<std::string>& outputs,
                                       const std::vector<Result>& results, const RunInfo& run_info,
                                       const fs::path& output_dir) {
  std::vector<fs::path> written;
  const auto asked = [&](const char* name) {
    return std::find(outputs.begin(), outputs.end(), name) != outputs.end();
  };
  if (asked("report")) {
    put(output_dir, "benchmark_report.md", render_markdown_report(results, run_info), written);
  }
  if (asked("json")) {
    put(output_dir, "benchmark_results.json", render_run("json", results, run_info), written);
  }
  return written;
}

}  // namespace

const std::vector<std::string>& seed_594project_columns() {
  static const std::vector<std::string> columns{
      "framework", "model", "device", "device_type", "batch_size", "input_shape", "dtype",
      "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_mean_ms", "latency_std_ms",
      "latency_min_ms", "latency_max_ms", "throughput_ips", "memory_mb", "compilation_time_ms",
      "timestamp", "git_commit",
      // nnbench's: which benchmark and variant, and how it ended.
      "benchmark", "variant", "framework_version", "status"};
  return columns;
}

std::string render_594project_csv(const std::vector<Result>& results, const RunInfo& run_info) {
  // The runner wrote the configurations that ran.
  return render_csv_columns(seed_594project_columns(), results, run_info, "\n", /*ok_only=*/true);
}

std::string render_framework_v2_model_json(const std::string& model,
                                           const std::vector<Result>& results,
                                           const RunInfo& run_info) {
  ordered_json scenarios = ordered_json::array();
  for (const Result& r : results) scenarios.push_back(framework_v2_scenario(r, run_info));
  const ordered_json document{{"model_name", model}, {"benchmark_scenarios", scenarios}};
  return json_text(document, 2) + "\n";
}

std::string seed_timestamp(const std::string& iso8601) {
  std::string digits;
  for (char c : iso8601) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    if (digits.size() == 14) break;
  }
  if (digits.size() < 14) return digits;
  return digits.substr(0, 8) + "_" + digits.substr(8, 6);
}

std::vector<fs::path> write_seed_layout(const std::string& layout,
                                        const std::vector<std::string>& outputs,
                                        const std::vector<Result>& results, const RunInfo& run_info,
                                        const fs::path& run_dir, const fs::path& output_dir) {
  if (layout == "594project") return write_594project(results, run_info, output_dir);
  if (layout == "framework-v2") return write_framework_v2(results, run_info, run_dir, output_dir);
  if (layout == "neurallayers") return write_neurallayers(results, run_info, run_dir, output_dir);
  if (layout == "neural-dsl") return write_neural_dsl(outputs, results, run_info, output_dir);
  throw InputError(fmt::format("unknown seed layout '{}'", layout));
}

}  // namespace nnbench::report

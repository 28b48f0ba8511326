// Core records -> JSON (schema_version 1). The reading direction is in result_json_read.cpp.
#include <cmath>
#include <set>
#include <stdexcept>

#include "nnbench/core/parse.hpp"
#include "nnbench/core/utf8.hpp"
#include "nnbench/report/result_json.hpp"

namespace nnbench::report {

ordered_json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

namespace {

// The document with every string and key made valid UTF-8.
ordered_json utf8_safe(const ordered_json& value) {
  if (value.is_string()) return escape_invalid_utf8(value.get_ref<const std::string&>());
  if (value.is_array()) {
    ordered_json array = ordered_json::array();
    for (const ordered_json& item : value) array.push_back(utf8_safe(item));
    return array;
  }
  if (value.is_object()) {
    ordered_json object = ordered_json::object();
    for (const auto& [key, item] : value.items())
      object[escape_invalid_utf8(key)] = utf8_safe(item);
    return object;
  }
  return value;
}

}  // namespace

std::string json_text(const ordered_json& document, int indent) {
  try {
    return document.dump(indent);
  } catch (const nlohmann::json::type_error&) {  // invalid UTF-8 somewhere (error 316)
    return utf8_safe(document).dump(indent);
  }
}

namespace {

ordered_json string_map_to_json(const std::map<std::string, std::string>& values) {
  ordered_json object = ordered_json::object();
  for (const auto& [key, value] : values) object[key] = value;
  return object;
}

// Axis values typed as their axes are: numbers as numbers (their canonical text reads back to
// the same value), strings as strings.
ordered_json variant_to_json(const Variant& variant) {
  ordered_json object = ordered_json::object();
  for (const auto& [axis, value] : variant.values) {
    const AxisType type = variant.type_of(axis);
    const std::optional<long long> integer =
        type == AxisType::Int ? parse_integer(value) : std::nullopt;
    const std::optional<double> real = type == AxisType::Float ? parse_real(value) : std::nullopt;
    if (integer) {
      object[axis] = *integer;
    } else if (real) {
      object[axis] = *real;
    } else {
      object[axis] = value;
    }
  }
  return object;
}

ordered_json samples_to_json(const std::vector<double>& samples) {
  ordered_json array = ordered_json::array();
  for (double sample : samples) array.push_back(json_number(sample));
  return array;
}

// The short machine description every variant record repeats, for readers of the seed format.
ordered_json hardware_summary(const Environment& environment) {
  ordered_json gpus = ordered_json::array();
  for (const GpuInfo& gpu : environment.gpus) gpus.push_back(gpu.name);
  return {{"cpu_model", environment.cpu_model},
          {"cores", environment.logical_cores},
          {"memory_total_bytes", environment.memory_total_bytes},
          {"gpus", gpus}};
}

ordered_json measurement_config(const Provenance& provenance) {
  return {{"warmup_iterations", provenance.warmup_iterations},
          {"measurement_iterations", provenance.sample_count},
          {"sampling_mode", provenance.sampling_mode},
          {"iterations_per_sample", provenance.iterations_per_sample},
          {"target_rse", json_number(provenance.target_rse)},
          {"timer_kind", provenance.timer_kind},
          {"synchronization", provenance.synchronization}};
}

}  // namespace

ordered_json run_info_to_json(const RunInfo& run_info) {
  return {{"run_id", run_info.run_id},
          {"started_at", run_info.started_at},
          {"finished_at", run_info.finished_at},
          {"command_line", run_info.command_line},
          {"config", string_map_to_json(run_info.config)},
          {"config_hash", run_info.config_hash}};
}

ordered_json environment_to_json(const Environment& environment) {
  ordered_json caches = ordered_json::array();
  for (const CpuCache& cache : environment.caches) {
    caches.push_back(
        {{"level", cache.level}, {"type", cache.type}, {"size_bytes", cache.size_bytes}});
  }
  ordered_json gpus = ordered_json::array();
  for (const GpuInfo& gpu : environment.gpus) {
    gpus.push_back({{"index", gpu.index},
                    {"name", gpu.name},
                    {"memory_total_bytes", gpu.memory_total_bytes},
                    {"compute_capability", gpu.compute_capability},
                    {"driver_version", gpu.driver_version}});
  }
  return {{"hostname", environment.hostname},
          {"cpu_model", environment.cpu_model},
          {"logical_cores", environment.logical_cores},
          {"physical_cores", environment.physical_cores},
          {"memory_total_bytes", environment.memory_total_bytes},
          {"caches", caches},
          {"os", environment.os},
          {"kernel", environment.kernel},
          {"arch", environment.arch},
          {"compiler", environment.compiler},
          {"cxx_flags", environment.cxx_flags},
          {"build_type", environment.build_type},
          {"debug_build", environment.debug_build},
          {"nnbench_version", environment.nnbench_version},
          {"git_commit", environment.git_commit},
          {"git_dirty", environment.git_dirty},
          {"load_average_1m", json_number(environment.load_average_1m)},
          {"software", string_map_to_json(environment.software)},
          {"threads", string_map_to_json(environment.threads)},
          {"gpus", gpus}};
}

ordered_json provenance_to_json(const Provenance& provenance) {
  return {{"timer_kind", provenance.timer_kind},
          {"synchronization", provenance.synchronization},
          {"sampling_mode", provenance.sampling_mode},
          {"stop_reason", provenance.stop_reason},
          {"warmup_iterations", provenance.warmup_iterations},
          {"iterations_per_sample", provenance.iterations_per_sample},
          {"sample_count", provenance.sample_count},
          {"target_rse", json_number(provenance.target_rse)},
          {"achieved_rse", json_number(provenance.achieved_rse)},
          {"measured_time_s", json_number(provenance.measured_time_s)},
          {"wall_time_s", json_number(provenance.wall_time_s)},
          {"setup_time_s", json_number(provenance.setup_time_s)},
          {"build_type", provenance.build_type},
          {"notes", provenance.notes}};
}

ordered_json metric_to_json(const Metric& metric) {
  ordered_json object = {{"value", json_number(metric.value)},
                         {"unit", metric.unit},
                         {"higher_is_better", metric.higher_is_better}};
  if (metric.statistics) {
    const Statistics& s = *metric.statistics;
    object["count"] = s.count;
    object["mean"] = json_number(s.mean);
    object["std"] = json_number(s.std);
    object["min"] = json_number(s.min);
    object["max"] = json_number(s.max);
    object["median"] = json_number(s.median);
    object["p25"] = json_number(s.p25);
    object["p75"] = json_number(s.p75);
    object["p90"] = json_number(s.p90);
    object["p95"] = json_number(s.p95);
    object["p99"] = json_number(s.p99);
    object["cv"] = json_number(s.cv);
    object["relative_std_error"] = json_number(s.relative_std_error);
    object["median_ci_low"] = json_number(s.median_ci_low);
    object["median_ci_high"] = json_number(s.median_ci_high);
    object["median_ci_level"] = json_number(s.median_ci_level);
    object["outliers_low"] = s.outliers_low;
    object["outliers_high"] = s.outliers_high;
  }
  object["samples"] = samples_to_json(metric.samples);
  return object;
}

ordered_json variant_record_to_json(const Result& result, const RunInfo& run_info) {
  ordered_json measurements = ordered_json::object();
  for (const Metric& metric : result.metrics) {
    if (measurements.contains(metric.name)) {
      throw std::logic_error("benchmark " + result.benchmark + " variant " + result.variant.name() +
                             " reports metric " + metric.name + " twice");
    }
    measurements[metric.name] = metric_to_json(metric);
  }
  ordered_json metadata = {{"timestamp", result.started_at},
                           {"commit_id", run_info.environment.git_commit},
                           {"hardware_info", hardware_summary(run_info.environment)},
                           {"config", measurement_config(result.provenance)}};
  return {{"scenario_name", result.variant.name()},
          {"variant", variant_to_json(result.variant)},
          {"labels", string_map_to_json(result.labels)},
          {"status", to_string(result.status)},
          {"reason", result.reason},
          {"started_at", result.started_at},
          {"metadata", metadata},
          {"provenance", provenance_to_json(result.provenance)},
          {"measurements", measurements}};
}

std::string model_name_of(const std::vector<Result>& results) {
  std::set<std::string> models;
  for (const Result& result : results) models.insert(result.attribute("model"));
  if (models.size() == 1 && !models.begin()->empty()) return *models.begin();
  return results.empty() ? std::string() : results.front().benchmark;
}

ordered_json benchmark_file_to_json(const std::vector<Result>& results, const RunInfo& run_info) {
  if (results.empty()) throw std::invalid_argument("benchmark_file_to_json: no results");
  ordered_json records = ordered_json::array();
  for (const Result& result : results) {
    if (result.benchmark != results.front().benchmark) {
      throw std::invalid_argument("benchmark_file_to_json: results of several benchmarks");
    }
    records.push_back(variant_record_to_json(result, run_info));
  }
  return {{"schema_version", kResultSchemaVersion},
          {"model_name", model_name_of(results)},
          {"benchmark", results.front().benchmark},
          {"run", run_info_to_json(run_info)},
          {"context", environment_to_json(run_info.environment)},
          {"benchmark_scenarios", records}};
}

}  // namespace nnbench::report

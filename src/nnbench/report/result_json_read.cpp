// JSON (schema_version 1) -> core records. Every missing field or wrong type is an InputError that
// names its JSON path, so a hand-edited or truncated file is easy to fix.
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"
#include "nnbench/report/result_json.hpp"

namespace nnbench::report {
namespace {

const char* type_name(const ordered_json& value) { return value.type_name(); }

const ordered_json& field(const ordered_json& object, const char* key, const std::string& where) {
  if (!object.is_object()) {
    throw InputError(fmt::format("'{}' should be an object, found {}", where, type_name(object)));
  }
  auto it = object.find(key);
  if (it == object.end()) throw InputError(fmt::format("missing field '{}.{}'", where, key));
  return *it;
}

[[noreturn]] void wrong_type(const char* key, const std::string& where, const char* expected,
                             const ordered_json& found) {
  throw InputError(
      fmt::format("field '{}.{}' should be {}, found {}", where, key, expected, type_name(found)));
}

std::string get_string(const ordered_json& object, const char* key, const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_string()) wrong_type(key, where, "a string", value);
  return value.get<std::string>();
}

bool get_bool(const ordered_json& object, const char* key, const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_boolean()) wrong_type(key, where, "a boolean", value);
  return value.get<bool>();
}

template <typename Int>
Int get_integer(const ordered_json& object, const char* key, const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_number_integer()) wrong_type(key, where, "an integer", value);
  if constexpr (std::is_unsigned_v<Int>) {
    if (value.is_number_integer() && !value.is_number_unsigned() && value.get<long long>() < 0) {
      wrong_type(key, where, "a non-negative integer", value);
    }
  }
  return value.get<Int>();
}

double to_double(const ordered_json& value, const char* key, const std::string& where) {
  if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();  // written for non-finite
  if (!value.is_number()) wrong_type(key, where, "a number or null", value);
  return value.get<double>();
}

double get_double(const ordered_json& object, const char* key, const std::string& where) {
  return to_double(field(object, key, where), key, where);
}

std::map<std::string, std::string> get_string_map(const ordered_json& object, const char* key,
                                                  const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_object()) wrong_type(key, where, "an object", value);
  std::map<std::string, std::string> result;
  for (const auto& [name, text] : value.items()) {
    if (!text.is_string()) wrong_type(name.c_str(), where + "." + key, "a string", text);
    result[name] = text.get<std::string>();
  }
  return result;
}

std::vector<std::string> get_string_array(const ordered_json& object, const char* key,
                                          const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_array()) wrong_type(key, where, "an array", value);
  std::vector<std::string> result;
  for (const ordered_json& text : value) {
    if (!text.is_string()) wrong_type(key, where, "an array of strings", value);
    result.push_back(text.get<std::string>());
  }
  return result;
}

const ordered_json& get_array(const ordered_json& object, const char* key,
                              const std::string& where) {
  const ordered_json& value = field(object, key, where);
  if (!value.is_array()) wrong_type(key, where, "an array", value);
  return value;
}

Provenance provenance_from_json(const ordered_json& object, const std::string& where) {
  Provenance p;
  p.timer_kind = get_string(object, "timer_kind", where);
  p.synchronization = get_string(object, "synchronization", where);
  p.sampling_mode = get_string(object, "sampling_mode", where);
  p.stop_reason = get_string(object, "stop_reason", where);
  p.warmup_iterations = get_integer<int>(object, "warmup_iterations", where);
  p.iterations_per_sample = get_integer<int>(object, "iterations_per_sample", where);
  p.sample_count = get_integer<std::size_t>(object, "sample_count", where);
  p.target_rse = get_double(object, "target_rse", where);
  p.achieved_rse = get_double(object, "achieved_rse", where);
  p.measured_time_s = get_double(object, "measured_time_s", where);
  p.wall_time_s = get_double(object, "wall_time_s", where);
  p.setup_time_s = get_double(object, "setup_time_s", where);
  p.build_type = get_string(object, "build_type", where);
  p.notes = get_string_array(object, "notes", where);
  return p;
}

Metric metric_from_json(const std::string& name, const ordered_json& object,
                        const std::string& where) {
  Metric metric;
  metric.name = name;
  metric.value = get_double(object, "value", where);
  metric.unit = get_string(object, "unit", where);
  metric.higher_is_better = get_bool(object, "higher_is_better", where);
  const ordered_json& samples = get_array(object, "samples", where);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    metric.samples.push_back(to_double(samples[i], "samples", where));
  }
  if (object.contains("count")) {
    Statistics s;
    s.count = get_integer<std::size_t>(object, "count", where);
    s.mean = get_double(object, "mean", where);
    s.std = get_double(object, "std", where);
    s.min = get_double(object, "min", where);
    s.max = get_double(object, "max", where);
    s.median = get_double(object, "median", where);
    s.p25 = get_double(object, "p25", where);
    s.p75 = get_double(object, "p75", where);
    s.p90 = get_double(object, "p90", where);
    s.p95 = get_double(object, "p95", where);
    s.p99 = get_double(object, "p99", where);
    s.cv = get_double(object, "cv", where);
    s.relative_std_error = get_double(object, "relative_std_error", where);
    s.median_ci_low = get_double(object, "median_ci_low", where);
    s.median_ci_high = get_double(object, "median_ci_high", where);
    s.median_ci_level = get_double(object, "median_ci_level", where);
    s.outliers_low = get_integer<std::size_t>(object, "outliers_low", where);
    s.outliers_high = get_integer<std::size_t>(object, "outliers_high", where);
    metric.statistics = s;
  }
  return metric;
}

}  // namespace

Environment environment_from_json(const ordered_json& context) {
  const std::string where = "context";
  Environment e;
  e.hostname = get_string(context, "hostname", where);
  e.cpu_model = get_string(context, "cpu_model", where);
  e.logical_cores = get_integer<int>(context, "logical_cores", where);
  e.physical_cores = get_integer<int>(context, "physical_cores", where);
  e.memory_total_bytes = get_integer<std::int64_t>(context, "memory_total_bytes", where);
  const ordered_json& caches = get_array(context, "caches", where);
  for (std::size_t i = 0; i < caches.size(); ++i) {
    const std::string at = fmt::format("{}.caches[{}]", where, i);
    e.caches.push_back({get_integer<int>(caches[i], "level", at), get_string(caches[i], "type", at),
                        get_integer<std::int64_t>(caches[i], "size_bytes", at)});
  }
  e.os = get_string(context, "os", where);
  e.kernel = get_string(context, "kernel", where);
  e.arch = get_string(context, "arch", where);
  e.compiler = get_string(context, "compiler", where);
  e.cxx_flags = get_string(context, "cxx_flags", where);
  e.build_type = get_string(context, "build_type", where);
  e.debug_build = get_bool(context, "debug_build", where);
  e.nnbench_version = get_string(context, "nnbench_version", where);
  e.git_commit = get_string(context, "git_commit", where);
  e.git_dirty = get_bool(context, "git_dirty", where);
  e.load_average_1m = get_double(context, "load_average_1m", where);
  e.software = get_string_map(context, "software", where);
  e.threads = get_string_map(context, "threads", where);
  const ordered_json& gpus = get_array(context, "gpus", where);
  for (std::size_t i = 0; i < gpus.size(); ++i) {
    const std::string at = fmt::format("{}.gpus[{}]", where, i);
    GpuInfo gpu;
    gpu.index = get_integer<int>(gpus[i], "index", at);
    gpu.name = get_string(gpus[i], "name", at);
    gpu.memory_total_bytes = get_integer<std::int64_t>(gpus[i], "memory_total_bytes", at);
    gpu.compute_capability = get_string(gpus[i], "compute_capability", at);
    gpu.driver_version = get_string(gpus[i], "driver_version", at);
    e.gpus.push_back(gpu);
  }
  return e;
}

RunInfo run_info_from_json(const ordered_json& run, const ordered_json& context) {
  const std::string where = "run";
  RunInfo info;
  info.run_id = get_string(run, "run_id", where);
  info.started_at = get_string(run, "started_at", where);
  info.finished_at = get_string(run, "finished_at", where);
  info.command_line = get_string_array(run, "command_line", where);
  info.config = get_string_map(run, "config", where);
  info.config_hash = get_string(run, "config_hash", where);
  info.environment = environment_from_json(context);
  return info;
}

Result variant_record_from_json(const ordered_json& record, const std::string& benchmark,
                                const std::string& where) {
  Result result;
  result.benchmark = benchmark;
  const ordered_json& variant = field(record, "variant", where);
  if (!variant.is_object()) wrong_type("variant", where, "an object", variant);
  for (const auto& [axis, value] : variant.items()) {
    if (value.is_number_integer()) {
      result.variant.values.emplace_back(axis, std::to_string(value.get<long long>()));
      result.variant.axis_types[axis] = AxisType::Int;
    } else if (value.is_number_float()) {
      result.variant.values.emplace_back(axis, format_real(value.get<double>()));
      result.variant.axis_types[axis] = AxisType::Float;
    } else if (value.is_string()) {
      result.variant.values.emplace_back(axis, value.get<std::string>());
    } else {
      wrong_type(axis.c_str(), where + ".variant", "a string or a number", value);
    }
  }
  const std::string scenario_name = get_string(record, "scenario_name", where);
  if (scenario_name != result.variant.name()) {
    throw InputError(fmt::format("'{}.scenario_name' is '{}' but its variant is named '{}'", where,
                                 scenario_name, result.variant.name()));
  }
  result.labels = get_string_map(record, "labels", where);
  try {
    result.status = parse_result_status(get_string(record, "status", where));
  } catch (const InputError& error) {
    throw InputError(fmt::format("'{}.status': {}", where, error.what()));
  }
  result.reason = get_string(record, "reason", where);
  result.started_at = get_string(record, "started_at", where);
  result.provenance =
      provenance_from_json(field(record, "provenance", where), where + ".provenance");
  const ordered_json& measurements = field(record, "measurements", where);
  if (!measurements.is_object()) wrong_type("measurements", where, "an object", measurements);
  for (const auto& [name, metric] : measurements.items()) {
    result.metrics.push_back(metric_from_json(name, metric, where + ".measurements." + name));
  }
  return result;
}

}  // namespace nnbench::report

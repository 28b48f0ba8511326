// execute_plan / run_variant: set-up, measurement, metrics and failure isolation per variant.
#include "nnbench/core/runner.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

#include <fmt/format.h>

#include "nnbench/core/cpu_contention.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/load/load_scenario.hpp"
#include "nnbench/core/statistics.hpp"

namespace nnbench {
namespace {

// First non-empty line, capped: LibTorch errors append backtraces that do not belong in a table.
std::string short_reason(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    std::string line =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      return line.size() > 500 ? line.substr(0, 497) + "..." : line;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return text.empty() ? "unknown error" : text;
}

Metric sampled_metric(std::string name, std::string unit, std::vector<double> samples,
                      bool higher_is_better) {
  Metric metric{std::move(name), std::move(unit),    0,
                std::nullopt,    std::move(samples), higher_is_better};
  if (!metric.samples.empty()) {
    metric.statistics = compute_statistics(metric.samples);
    metric.value = metric.statistics->median;
  }
  return metric;
}

Metric single_metric(std::string name, std::string unit, double value, bool higher_is_better) {
  return Metric{std::move(name), std::move(unit), value, std::nullopt, {}, higher_is_better};
}

std::string device_type_of(const std::string& device) {
  const auto colon = device.find(':');
  return colon == std::string::npos ? device : device.substr(0, colon);
}

void add_timing_metrics(Result& result, const Measurement& m, const State& state) {
  std::vector<double> latency_ms(m.samples_ns.size());
  std::transform(m.samples_ns.begin(), m.samples_ns.end(), latency_ms.begin(),
                 [](double ns) { return ns * 1e-6; });
  result.metrics.push_back(sampled_metric("latency_ms", "ms", latency_ms, false));
  const double median_s = result.metrics.back().value * 1e-3;

  if (state.items_per_iteration() > 0) {
    std::vector<double> rates(m.samples_ns.size());
    std::transform(m.samples_ns.begin(), m.samples_ns.end(), rates.begin(),
                   [&](double ns) { return state.items_per_iteration() / (ns * 1e-9); });
    result.metrics.push_back(sampled_metric("throughput", state.items_unit() + "/s", rates, true));
    // The median latency over the items of one iteration ("latency_per_sample_ms"); kept for
    // batches of samples even at batch 1, so a sweep's column has no hole.
    std::string item = state.items_unit();
    if (state.items_per_iteration() != 1 || item == "samples") {
      if (item.size() > 1 && item.back() == 's') item.pop_back();
      result.metrics.push_back(single_metric("latency_per_" + item + "_ms", "ms",
                                             median_s * 1e3 / state.items_per_iteration(), false));
    }
  }
  if (state.flops_per_iteration() > 0 && median_s > 0) {
    result.metrics.push_back(single_metric("compute_flop_per_s", "FLOP/s",
                                           state.flops_per_iteration() / median_s, true));
  }
  if (state.bytes_per_iteration() > 0 && median_s > 0) {
    result.metrics.push_back(single_metric("bandwidth_bytes_per_s", "bytes/s",
                                           state.bytes_per_iteration() / median_s, true));
  }
}

void fill_provenance(Provenance& p, const Measurement& m, const MeasurementConfig& config,
                     State& state) {
  p.timer_kind = state.timer().kind();
  p.synchronization = state.timer().synchronization();
  p.sampling_mode = to_string(config.mode);
  p.stop_reason = to_string(m.stop_reason);
  p.warmup_iterations = m.warmup_iterations;
  p.iterations_per_sample = m.iterations_per_sample;
  p.sample_count = m.samples_ns.size();
  p.target_rse = config.mode == SamplingMode::Adaptive ? config.target_rse : 0.0;
  p.achieved_rse = m.achieved_rse;
  p.measured_time_s = m.measured_time_s;
}

// A load scenario's run (Benchmark::load_target), before the probes have ended.
struct ScenarioOutcome {
  load::LoadScenarioReport report;
  load::ValidityRules rules;
  bool quick = false;
  std::string synchronization;
  double measured_time_s = 0;
};

ScenarioOutcome run_scenario(load::LoadTarget& target, State& state,
                             const std::atomic<bool>* stop_requested) {
  // The backend warmed up when it was made: readings (the GPU monitor's) cover the scenario.
  for (auto& probe : state.memory_probes()) probe->warmup_done();
  load::SteadyLoadClock clock;
  ScenarioOutcome outcome{
      load::run_load_scenario(target.settings, *target.backend, clock, stop_requested),
      target.settings.rules, target.settings.quick, target.synchronization, 0};
  if (outcome.report.interrupted) throw SkipError("run interrupted during this variant");
  outcome.measured_time_s = std::chrono::duration<double>(clock.now()).count();
  return outcome;
}

// The scenario's metrics, labels, provenance and verdict, once the probes have ended (the GPU
// monitor reports throttled clocks when it ends).
void finish_scenario(Result& result, ScenarioOutcome& outcome, State& state) {
  load::LoadScenarioReport& report = outcome.report;
  report.facts.throttled = state.throttled();
  const load::ValidityVerdict verdict = report.verdict(outcome.rules);
  for (const auto& [key, value] : report.labels) state.set_label(key, value);
  state.set_label("validity", verdict.text() + (outcome.quick ? " (quick rules)" : ""));
  for (const ExtraMetric& metric : report.metrics) {
    result.metrics.push_back(
        single_metric(metric.name, metric.unit, metric.value, metric.higher_is_better));
  }
  Provenance& p = result.provenance;
  p.timer_kind = "steady_clock (load scheduler)";
  p.synchronization = outcome.synchronization;
  p.sampling_mode = "scenario";
  p.stop_reason = "scenario_complete";
  p.iterations_per_sample = 1;
  p.sample_count = report.facts.queries;
  p.measured_time_s = outcome.measured_time_s;
  p.notes.insert(p.notes.end(), report.notes.begin(), report.notes.end());
}

// Other processes' CPU load over the measured region, as a metric and, when it is large enough to
// slow the measurement, as a note. Regions under 0.2 s are left out: /proc's clock ticks (10 ms)
// are too coarse for them.
void record_contention(Result& result, const std::optional<CpuTimes>& before,
                       const std::optional<CpuTimes>& after) {
  if (!before || !after || after->wall_ns - before->wall_ns < 200'000'000) return;
  const double cores = other_processes_cores(*before, *after);
  result.metrics.push_back(single_metric("other_processes_cpu_cores", "cores", cores, false));
  if (cores >= kContentionCores) {
    result.provenance.notes.push_back(fmt::format(
        "contention: other processes kept {:.2f} cores busy on average while this variant was "
        "measured; its timings may be slowed by them",
        cores));
  }
}

}  // namespace

Result run_variant(Benchmark& benchmark, const std::string& benchmark_name, const Variant& variant,
                   const RunConfig& config, const std::atomic<bool>* stop_requested) {
  Result result;
  result.benchmark = benchmark_name;
  result.variant = variant;
  result.started_at = utc_timestamp_iso8601();
  result.provenance.build_type = NNBENCH_BUILD_TYPE_NAME;
  const std::int64_t begin_ns = steady_now_ns();

  State state(variant, config.device, config.seed, config.quick,
              OptionValues(benchmark_name, benchmark.options(), config.options, config.quick));
  state.set_requested_iterations(config.measurement.warmup_iterations,
                                 config.measurement.mode == SamplingMode::Fixed
                                     ? config.measurement.iterations
                                     : std::max(config.measurement.min_samples, 10));
  ProcessMemoryProbe own_memory;
  bool set_up = false;
  try {
    benchmark.setup(state);
    set_up = true;
    MemoryProbe& host_memory = state.host_memory_probe() ? *state.host_memory_probe() : own_memory;
    // Memory is probed over the measured region (warm-up and sampling): what the model, its
    // inputs and its work occupy, not the transient peaks of set-up (loading a data set once).
    host_memory.begin();
    for (auto& probe : state.memory_probes()) probe->begin();
    const std::optional<CpuTimes> cpu_before = read_cpu_times();
    result.provenance.setup_time_s = static_cast<double>(steady_now_ns() - begin_ns) * 1e-9;

    MeasurementConfig measurement_config = config.measurement;
    benchmark.adjust_measurement(state, measurement_config);
    validate(measurement_config);
    std::optional<ScenarioOutcome> scenario;
    if (std::unique_ptr<load::LoadTarget> target = benchmark.load_target(state)) {
      scenario = run_scenario(*target, state, stop_requested);
      benchmark.finish(state);
    } else {
      const Measurement measurement =
          run_measurement(benchmark, state, measurement_config, stop_requested);
      if (measurement.stop_reason == StopReason::Interrupted) {
        throw SkipError("run interrupted during this variant");
      }
      state.set_measured_loop(
          {measurement.samples_ns, measurement.measured_time_s, measurement.sampling_wall_time_s});
      benchmark.finish(state);
      add_timing_metrics(result, measurement, state);
      fill_provenance(result.provenance, measurement, measurement_config, state);
    }
    record_contention(result, cpu_before, read_cpu_times());
    for (const MemoryFigure& figure : host_memory.end()) {
      result.metrics.push_back(
          single_metric(figure.name, "bytes", static_cast<double>(figure.bytes), false));
    }
    if (&host_memory == &own_memory && own_memory.peak_is_since_process_start()) {
      result.provenance.notes.push_back(
          "peak_rss_bytes covers the whole process: the kernel refused a peak reset");
    }
    for (auto& probe : state.memory_probes()) {
      for (const MemoryFigure& figure : probe->end()) {
        result.metrics.push_back(
            single_metric(figure.name, "bytes", static_cast<double>(figure.bytes), false));
      }
    }
    // The verdict waits for the probes: the GPU monitor reports throttled clocks when it ends.
    if (scenario) finish_scenario(result, *scenario, state);
    for (const ExtraMetric& extra : state.extra_metrics()) {
      if (extra.samples.empty()) {
        result.metrics.push_back(
            single_metric(extra.name, extra.unit, extra.value, extra.higher_is_better));
      } else {
        result.metrics.push_back(
            sampled_metric(extra.name, extra.unit, extra.samples, extra.higher_is_better));
      }
    }
  } catch (const InputError&) {
    // Bad input (a missing data set, a malformed model file) would fail every variant alike:
    // it ends the run, and the CLI reports it as one line with exit code 2.
    if (set_up) benchmark.teardown(state);
    throw;
  } catch (const IoError&) {  // an unreadable input file: bad input too
    if (set_up) benchmark.teardown(state);
    throw;
  } catch (const ProgrammingError&) {  // a bug in nnbench (an undeclared option read): stop
    if (set_up) benchmark.teardown(state);
    throw;
  } catch (const SkipError& e) {
    result.status = ResultStatus::Skipped;
    result.reason = short_reason(e.what());
  } catch (const UnavailableError& e) {
    result.status = ResultStatus::Unavailable;
    result.reason = short_reason(e.what());
  } catch (const std::bad_alloc&) {
    result.status = ResultStatus::Failed;
    result.reason = "out of host memory (std::bad_alloc)";
  } catch (const std::exception& e) {
    result.status = ResultStatus::Failed;
    result.reason = short_reason(e.what());
  } catch (...) {
    result.status = ResultStatus::Failed;
    result.reason = "unknown exception (not derived from std::exception)";
  }
  if (set_up) {
    try {
      benchmark.teardown(state);
    } catch (const std::exception& e) {
      if (result.status == ResultStatus::Ok) {
        result.status = ResultStatus::Failed;
        result.reason = "teardown: " + short_reason(e.what());
      }
    }
  }
  if (result.status != ResultStatus::Ok) result.metrics.clear();

  result.labels = state.labels();
  result.labels.emplace("device", config.device);
  result.labels.emplace("device_type", device_type_of(config.device));
  for (const std::string& note : state.notes()) result.provenance.notes.push_back(note);
  result.provenance.wall_time_s = static_cast<double>(steady_now_ns() - begin_ns) * 1e-9;
  return result;
}

namespace {

// The derived rows of one benchmark (derive_results) from its results in run order, with their
// provenance filled in; a failure of the derivation is one failed row.
std::vector<Result> derived_rows(const Benchmark& benchmark, const std::string& name,
                                 const std::vector<Result>& own) {
  std::vector<Result> rows;
  try {
    for (Result& derived : benchmark.derive_results(own)) {
      derived.benchmark = name;
      derived.provenance.sampling_mode = "derived";
      if (derived.provenance.stop_reason.empty()) derived.provenance.stop_reason = "derived";
      if (derived.provenance.timer_kind.empty()) derived.provenance.timer_kind = "none (derived)";
      if (derived.provenance.synchronization.empty()) derived.provenance.synchronization = "none";
      derived.provenance.build_type = NNBENCH_BUILD_TYPE_NAME;
      if (derived.started_at.empty()) derived.started_at = utc_timestamp_iso8601();
      rows.push_back(std::move(derived));
    }
  } catch (const std::exception& e) {
    rows = {unrun_result(name, Variant{{{"derived", "all"}}, {}}, ResultStatus::Failed,
                         "deriving results failed: " + short_reason(e.what()))};
  }
  return rows;
}

const Result* find_finished(const std::vector<Result>* finished, const std::string& benchmark,
                            const std::string& variant) {
  if (finished == nullptr) return nullptr;
  for (const Result& result : *finished) {
    // A variant an interruption skipped did not finish: it runs again.
    const bool interrupted =
        result.status == ResultStatus::Skipped && result.reason.starts_with("run interrupted");
    if (result.benchmark == benchmark && result.variant.name() == variant &&
        result.provenance.sampling_mode != "derived" && !interrupted) {
      return &result;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<Result> execute_plan(const std::vector<PlannedBenchmark>& plan, const RunConfig& config,
                                 const ExecuteOptions& options) {
  std::size_t total = 0;
  for (const PlannedBenchmark& planned : plan) total += planned.variants.size();
  const auto stopped = [&] { return options.stop_requested && options.stop_requested->load(); };
  const VariantExecutor in_process = [&](Benchmark& benchmark, const std::string& name,
                                         const Variant& variant) {
    return run_variant(benchmark, name, variant, config, options.stop_requested);
  };
  const VariantExecutor& execute = options.execute_variant ? options.execute_variant : in_process;
  std::vector<Result> results;
  results.reserve(total);
  std::size_t index = 0;
  for (const PlannedBenchmark& planned : plan) {
    const std::string& name = planned.info->name;
    std::unique_ptr<Benchmark> benchmark;
    std::string construction_error;
    try {
      benchmark = planned.info->factory();
    } catch (const std::exception& e) {
      construction_error = short_reason(e.what());
    }
    const std::size_t first_of_benchmark = results.size();
    for (const Variant& variant : planned.variants) {
      if (const Result* done = find_finished(options.finished, name, variant.name())) {
        results.push_back(*done);
        ++index;
        continue;
      }
      if (options.observer) options.observer->on_variant_start(index, total, name, variant);
      Result result = stopped() ? unrun_result(name, variant, ResultStatus::Skipped,
                                               "run interrupted before this variant")
                      : !benchmark
                          ? unrun_result(name, variant, ResultStatus::Failed,
                                         "constructing the benchmark failed: " + construction_error)
                          : execute(*benchmark, name, variant);
      if (options.observer) options.observer->on_variant_end(index, total, result);
      results.push_back(std::move(result));
      ++index;
    }
    if (benchmark && !stopped()) {
      const std::vector<Result> own(
          results.begin() + static_cast<std::ptrdiff_t>(first_of_benchmark), results.end());
      for (Result& derived : derived_rows(*benchmark, name, own)) {
        results.push_back(std::move(derived));
      }
    }
  }
  return results;
}

std::vector<Result> execute_plan(const std::vector<PlannedBenchmark>& plan, const RunConfig& config,
                                 RunObserver* observer, const std::atomic<bool>* stop_requested) {
  ExecuteOptions options;
  options.observer = observer;
  options.stop_requested = stop_requested;
  return execute_plan(plan, config, options);
}

}  // namespace nnbench

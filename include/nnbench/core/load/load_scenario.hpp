// A suite variant run as a load scenario (axis `scenario`) instead of the measured loop: the
// settings read from the variant's axes and options, the run of one scenario against a backend
// (single-stream, multi-stream, server with its rate search, offline), and the report the runner
// turns into a result row (percentiles, queueing apart from compute, the validity verdict).
// Definitions: docs/load-scenarios.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnbench/core/load/generation_load_metrics.hpp"
#include "nnbench/core/load/load_clock.hpp"
#include "nnbench/core/load/load_validity.hpp"
#include "nnbench/core/load/server_scenario.hpp"
#include "nnbench/core/state.hpp"

namespace nnbench::load {

enum class LoadScenario { SingleStream, MultiStream, Server, Offline };

// "single-stream", "multi-stream", "server", "offline".
const char* load_scenario_name(LoadScenario scenario);
// The values the `scenario` axis takes: "none" (the measured loop) and the four scenarios.
const std::vector<std::string>& load_scenario_axis_values();
// The variant's `scenario` axis: empty for "none" or no such axis; InputError for a value that
// is not a scenario.
std::optional<LoadScenario> variant_load_scenario(const State& state);

struct LoadScenarioSettings {
  LoadScenario scenario = LoadScenario::SingleStream;
  // Samples per query (multi-stream) or the largest batch (server, offline).
  std::size_t batch = 1;
  ValidityRules rules;  // of the reported run
  bool quick = false;
  std::uint64_t seed = 42;
  // Server: the dynamic batcher's longest wait, and either a fixed arrival rate or a search.
  std::chrono::nanoseconds max_delay{0};
  std::optional<double> rate_per_s;  // set: one run at this rate, no search
  double search_precision = 0.02;
  ValidityRules trial_rules;  // each search trial
  // The bound a server rate must meet: p99 latency (vision), or p99 TTFT and p99 TPOT
  // (generation, when `generation` is set).
  double latency_bound_ms = 15;
  std::optional<GenerationBounds> generation;
  // Work per sample for throughput: 1 sample, or the output tokens of a generated request.
  double items_per_sample = 1;
  std::string items_unit = "samples";
};

// The options load_scenario_settings reads, for the declarations of the benchmarks that run load
// scenarios (`generation`: with the TTFT and TPOT bounds).
std::vector<Option> load_scenario_options(bool generation);

// Reads the settings of `scenario` from the run's options (docs/load-scenarios.md lists them):
// scenario_duration_s, scenario_queries, server_rate, max_delay_ms, latency_bound_ms,
// ttft_bound_ms, tpot_bound_ms, search_trial_s, search_trial_queries, search_precision.
// `generation`: the backend streams tokens, `items_per_sample` of them per request. Throws
// InputError naming the option on a malformed value.
LoadScenarioSettings load_scenario_settings(const State& state, LoadScenario scenario,
                                            std::size_t batch, bool generation,
                                            double items_per_sample = 1);

// What a benchmark hands the runner for a scenario variant (Benchmark::load_target): the
// settings and the backend serving it, warmed up.
struct LoadTarget {
  LoadScenarioSettings settings;
  std::unique_ptr<LoadBackend> backend;
  std::string synchronization;  // how the backend learns a batch completed (provenance)
};

struct LoadScenarioReport {
  std::vector<ExtraMetric> metrics;
  std::map<std::string, std::string> labels;
  std::vector<std::string> notes;
  LoadRunFacts facts;  // duration and queries of the reported run (throttling: the runner's)
  std::vector<std::string> bound_failures;  // the reported run missed the latency bound
  bool interrupted = false;

  // judge_validity with the bound failures added as reasons.
  ValidityVerdict verdict(const ValidityRules& rules) const;
};

// Runs the scenario on `clock`. `stop_requested` is checked between a server search's trials.
// Throws Error when the server's bound cannot be met by any rate (one sample alone misses it).
LoadScenarioReport run_load_scenario(const LoadScenarioSettings& settings, LoadBackend& backend,
                                     LoadClock& clock,
                                     const std::atomic<bool>* stop_requested = nullptr);

}  // namespace nnbench::load

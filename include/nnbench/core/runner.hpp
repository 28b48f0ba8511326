// Plans a run (filters, axes, variants) and executes it variant by variant, isolating failures.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nnbench/core/axis.hpp"
#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/measurement.hpp"
#include "nnbench/core/result.hpp"

namespace nnbench {

// Everything a run needs, as one plain value (from CLI flags and/or a YAML file).
struct RunConfig {
  std::vector<std::string> include;  // glob patterns (* and ?); empty = all
  std::vector<std::string> exclude;
  AxisOverrides axes;
  bool enable_mock = false;
  bool quick = false;
  MeasurementConfig measurement;
  std::string device = "cpu";
  std::uint64_t seed = 42;
  std::map<std::string, std::string> options;  // benchmark options, e.g. data=DIR
  std::string output_dir = "results";
  // The most variants a run may plan (their count is checked before they are expanded).
  std::uint64_t max_variants = 10'000;
};

// Shell-style glob: '*' any run of characters, '?' one character.
bool glob_match(const std::string& pattern, const std::string& text);

struct PlannedBenchmark {
  const BenchmarkInfo* info = nullptr;
  std::vector<Axis> axes;
  std::vector<Variant> variants;
};

// Selects benchmarks and expands their variants. Throws InputError for an include pattern that
// matches no benchmark (with a suggestion), an opt-in benchmark named without --enable-mock, an
// axis override no selected benchmark has, a value its axis rejects, an option no selected
// benchmark takes or a value out of its bounds, or more variants than config.max_variants
// (counted before any is expanded).
std::vector<PlannedBenchmark> plan_run(const RunConfig& config, const Registry& registry);

// Told about progress; the CLI draws its progress line from it. Called on the running thread.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_variant_start(std::size_t index, std::size_t total, const std::string& benchmark,
                                const Variant& variant) = 0;
  virtual void on_variant_end(std::size_t index, std::size_t total, const Result& result) = 0;
};

// Runs one variant of a benchmark instance and returns its Result (execute_plan's default is
// run_variant in this process; `nnbench run --isolate` runs each in a child process).
using VariantExecutor =
    std::function<Result(Benchmark& benchmark, const std::string& name, const Variant& variant)>;

struct ExecuteOptions {
  RunObserver* observer = nullptr;
  // When it becomes true (Ctrl-C), the remaining variants are recorded as skipped.
  const std::atomic<bool>* stop_requested = nullptr;
  // Variants that finished in an earlier attempt of this run (--resume): their results are used
  // as they are (the observer is not told of them) and they do not run again. Derived rows are
  // computed again from all of a benchmark's results.
  const std::vector<Result>* finished = nullptr;
  VariantExecutor execute_variant;  // empty: run_variant in this process
};

// Runs every planned variant: setup -> measurement -> finish -> teardown. A variant that throws
// becomes a failed/skipped/unavailable Result with the reason, and the run goes on; an
// InputError ends the run (see run_variant).
std::vector<Result> execute_plan(const std::vector<PlannedBenchmark>& plan, const RunConfig& config,
                                 const ExecuteOptions& options);
std::vector<Result> execute_plan(const std::vector<PlannedBenchmark>& plan, const RunConfig& config,
                                 RunObserver* observer = nullptr,
                                 const std::atomic<bool>* stop_requested = nullptr);

// Runs one variant of one benchmark (used by execute_plan and tests). A variant interrupted
// during sampling is recorded as skipped. An InputError or IoError (bad input that would fail
// every variant: a missing data set, an unreadable model file) is not isolated: it propagates.
Result run_variant(Benchmark& benchmark, const std::string& benchmark_name, const Variant& variant,
                   const RunConfig& config, const std::atomic<bool>* stop_requested = nullptr);

}  // namespace nnbench

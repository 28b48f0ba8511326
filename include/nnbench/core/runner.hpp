// Plans a run (filters, axes, variants) and executes it variant by variant, isolating failures.
#pragma once

#include <atomic>
#include <cstdint>
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
// axis override no selected benchmark has, or a value its axis rejects.
std::vector<PlannedBenchmark> plan_run(const RunConfig& config, const Registry& registry);

// Told about progress; the CLI draws its progress line from it. Called on the running thread.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_variant_start(std::size_t index, std::size_t total, const std::string& benchmark,
                                const Variant& variant) = 0;
  virtual void on_variant_end(std::size_t index, std::size_t total, const Result& result) = 0;
};

// Runs every planned variant: setup -> measurement -> finish -> teardown. A variant that throws
// becomes a failed/skipped/unavailable Result with the reason, and the run goes on; an
// InputError ends the run (see run_variant). When
// stop_requested becomes true (Ctrl-C), the remaining variants are recorded as skipped.
std::vector<Result> execute_plan(const std::vector<PlannedBenchmark>& plan, const RunConfig& config,
                                 RunObserver* observer = nullptr,
                                 const std::atomic<bool>* stop_requested = nullptr);

// Runs one variant of one benchmark (used by execute_plan and tests). A variant interrupted
// during sampling is recorded as skipped. An InputError or IoError (bad input that would fail
// every variant: a missing data set, an unreadable model file) is not isolated: it propagates.
Result run_variant(Benchmark& benchmark, const std::string& benchmark_name, const Variant& variant,
                   const RunConfig& config, const std::atomic<bool>* stop_requested = nullptr);

}  // namespace nnbench

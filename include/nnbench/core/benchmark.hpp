// The benchmark interface and its self-registration macro.
//
// A benchmark is a small class in its own file under benchmarks/:
//
//   class MyBench final : public nnbench::Benchmark {
//     std::string description() const override { return "what it measures"; }
//     std::vector<nnbench::Axis> axes() const override { return {nnbench::int_axis("batch_size",
//     {1, 8})}; } void setup(nnbench::State& state) override { ... build inputs ... } void
//     run_once(nnbench::State& state) override { ... the measured work ... }
//   };
//   NNBENCH_REGISTER(MyBench, "my_bench");
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nnbench/core/axis.hpp"
#include "nnbench/core/load/load_scenario.hpp"
#include "nnbench/core/measurement.hpp"
#include "nnbench/core/option.hpp"
#include "nnbench/core/result.hpp"
#include "nnbench/core/state.hpp"

namespace nnbench {

class Benchmark {
 public:
  virtual ~Benchmark() = default;
  virtual std::string description() const = 0;
  // Axes in nesting order: the first varies slowest (put costly set-up first).
  virtual std::vector<Axis> axes() const = 0;
  // The options it reads (`--option KEY=VALUE`), declared as data (option.hpp): the planner
  // rejects any other key and any value out of bounds before a run starts, and State::options()
  // refuses to read an undeclared name.
  virtual std::vector<Option> options() const { return {}; }
  // The axes of a run with these options and axis overrides; by default axes(). A benchmark whose
  // sweep comes from its input overrides it, e.g. the search spaces of a .nn model file. May
  // throw InputError for unusable input; the run then stops before measuring anything.
  virtual std::vector<Axis> axes_for_run(const OptionValues& /*options*/,
                                         const AxisOverrides& /*overrides*/) const {
    return axes();
  }
  // Called once per variant before warm-up; may cache across variants (a model per model axis
  // value). Throw UnavailableError or call state.skip() when the variant cannot run here.
  virtual void setup(State& /*state*/) {}
  // The measured work, once. The harness times it; it must not print.
  virtual void run_once(State& state) = 0;
  // Called once per variant after measuring, also after a failure in run_once.
  virtual void teardown(State& /*state*/) {}
  // Called after setup() and adjust_measurement(): for a variant that runs as a load scenario (its
  // `scenario` axis, load_scenario.hpp), the backend that serves it, warmed up, and the
  // scenario's settings; the runner then runs the scenario in place of the measured loop
  // (provenance sampling_mode "scenario"). Null, the default: the measured loop.
  virtual std::unique_ptr<load::LoadTarget> load_target(State& /*state*/) { return nullptr; }
  // After the measured loop, untimed: figures that need the finished run (accuracy, ...).
  virtual void finish(State& /*state*/) {}
  // Test benchmarks (mock) run only with --enable-mock.
  virtual bool opt_in() const { return false; }
  // Called once when a run is planned, with the expanded variants in product order: a benchmark
  // may reorder them (e.g. alternate which of two implementations runs first, A B B A, so drift
  // does not always favour the same one). It must not add or remove variants.
  virtual void order_variants(std::vector<Variant>& /*variants*/) const {}
  // Called after setup(): a benchmark whose iterations are fixed by what it measures (a training
  // run of N epochs, one sample per epoch) sets them here; the result's provenance records it.
  virtual void adjust_measurement(const State& /*state*/, MeasurementConfig& /*config*/) const {}
  // Called once after all of this benchmark's variants ran, with their results in run order:
  // derived rows (e.g. a comparison of two implementations) to append. They are results like any
  // other, with provenance sampling_mode "derived".
  virtual std::vector<Result> derive_results(const std::vector<Result>& /*results*/) const {
    return {};
  }
};

struct BenchmarkInfo {
  std::string name;
  std::function<std::unique_ptr<Benchmark>()> factory;
  std::string source_file;
};

// The list of known benchmarks. The one piece of global mutable state nnbench has: filled by
// static registrars before main(), read-only afterwards.
class Registry {
 public:
  static Registry& global();
  // Throws std::logic_error on a duplicate name (a programming error, caught at start-up).
  void add(BenchmarkInfo info);
  const std::vector<BenchmarkInfo>& all() const { return entries_; }
  const BenchmarkInfo* find(const std::string& name) const;

 private:
  std::vector<BenchmarkInfo> entries_;
};

struct Registrar {
  Registrar(std::string name, std::function<std::unique_ptr<Benchmark>()> factory,
            std::string source_file);
};

}  // namespace nnbench

#define NNBENCH_CONCAT_INNER(a, b) a##b
#define NNBENCH_CONCAT(a, b) NNBENCH_CONCAT_INNER(a, b)
// Registers a Benchmark subclass under a name; one line, in the benchmark's own file.
#define NNBENCH_REGISTER(Class, name)                                                \
  static const ::nnbench::Registrar NNBENCH_CONCAT(nnbench_registrar_, __COUNTER__)( \
      name, [] { return std::unique_ptr<::nnbench::Benchmark>(new Class()); }, __FILE__)

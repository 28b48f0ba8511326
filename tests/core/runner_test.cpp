// run_variant / execute_plan: metrics, failure isolation, statuses, interruption.
#include "nnbench/core/runner.hpp"

#include <gtest/gtest.h>

#include "fake_benchmarks.hpp"

namespace nnbench {
namespace {

using testing::LambdaBenchmark;
using testing::ScriptedTimer;

RunConfig small_config() {
  RunConfig config;
  config.measurement.warmup_iterations = 1;
  config.measurement.iterations = 4;
  return config;
}

TEST(RunVariant, RecordsLatencyThroughputAndMemory_WhenTheBenchmarkSucceeds) {
  LambdaBenchmark bench;
  bench.setup_fn = [](State& s) {
    s.set_timer(std::make_unique<ScriptedTimer>(std::vector<double>{2e6, 4e6, 2e6, 4e6}));
    s.set_items_per_iteration(8, "samples");
    s.set_label("model", "toy");
    s.add_metric("compile_time_ms", 12.5, "ms");
  };
  const Result r =
      run_variant(bench, "toy_bench", Variant{{{"batch_size", "8"}}, {}}, small_config());
  ASSERT_EQ(r.status, ResultStatus::Ok) << r.reason;
  const Metric* latency = r.find_metric("latency_ms");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->unit, "ms");
  EXPECT_EQ(latency->samples, (std::vector<double>{2, 4, 2, 4}));
  ASSERT_TRUE(latency->statistics.has_value());
  EXPECT_DOUBLE_EQ(latency->value, 3.0);
  const Metric* throughput = r.find_metric("throughput");
  ASSERT_NE(throughput, nullptr);
  EXPECT_EQ(throughput->unit, "samples/s");
  EXPECT_TRUE(throughput->higher_is_better);
  EXPECT_DOUBLE_EQ(throughput->statistics->max, 4000.0);  // 8 samples in 2 ms
  EXPECT_NE(r.find_metric("peak_rss_bytes"), nullptr);
  EXPECT_DOUBLE_EQ(r.find_metric("compile_time_ms")->value, 12.5);
  EXPECT_EQ(r.labels.at("model"), "toy");
  EXPECT_EQ(r.labels.at("device"), "cpu");
  EXPECT_EQ(r.provenance.timer_kind, "scripted");
  EXPECT_EQ(r.provenance.stop_reason, "fixed_count");
  EXPECT_EQ(r.provenance.sample_count, 4u);
  EXPECT_EQ(r.attribute("batch_size"), "8");
  EXPECT_EQ(bench.teardown_calls, 1);
}

TEST(RunVariant, ReportsTheBenchmarksHostMemoryProbe_WhenItSetsOne) {
  // A benchmark whose work ran in a worker process hands over that process's memory figures.
  LambdaBenchmark bench;
  bench.setup_fn = [](State& s) {
    s.set_host_memory_probe(std::make_unique<ReportedMemoryProbe>(
        std::vector<MemoryFigure>{{"peak_rss_bytes", 123456789}, {"rss_delta_bytes", -4096}},
        "worker"));
  };
  const Result r = run_variant(bench, "worker_bench", Variant{}, small_config());
  ASSERT_EQ(r.status, ResultStatus::Ok) << r.reason;
  int peaks = 0;
  for (const Metric& m : r.metrics) peaks += m.name == "peak_rss_bytes" ? 1 : 0;
  EXPECT_EQ(peaks, 1);  // the worker's, not this process's as well
  EXPECT_DOUBLE_EQ(r.find_metric("peak_rss_bytes")->value, 123456789.0);
  EXPECT_DOUBLE_EQ(r.find_metric("rss_delta_bytes")->value, -4096.0);
  EXPECT_EQ(r.find_metric("rss_bytes"), nullptr);
}

TEST(ExecutePlan, IsolatesAFailingVariant_AndGoesOn) {
  Registry registry;
  LambdaBenchmark* instance = nullptr;
  registry.add({"flaky",
                [&instance] {
                  auto bench = std::make_unique<LambdaBenchmark>();
                  bench->axes_fn = [] { return std::vector<Axis>{int_axis("x", {1, 2, 3})}; };
                  bench->run_fn = [](State& s) {
                    if (s.get_int("x") == 2)
                      throw std::runtime_error("boom at x=2\nbacktrace line");
                  };
                  instance = bench.get();
                  return bench;
                },
                "test"});
  const RunConfig config = small_config();
  const auto plan = plan_run(config, registry);
  const std::vector<Result> results = execute_plan(plan, config);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, ResultStatus::Ok);
  EXPECT_EQ(results[1].status, ResultStatus::Failed);
  EXPECT_EQ(results[1].reason, "boom at x=2");
  EXPECT_TRUE(results[1].metrics.empty());
  EXPECT_EQ(results[2].status, ResultStatus::Ok);
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(instance->teardown_calls, 3);
}

TEST(RunVariant, MarksSkippedAndUnavailable_WithTheirReasons) {
  LambdaBenchmark skipping;
  skipping.setup_fn = [](State& s) { s.skip("fp16 needs a GPU"); };
  Result r = run_variant(skipping, "b", Variant{}, small_config());
  EXPECT_EQ(r.status, ResultStatus::Skipped);
  EXPECT_EQ(r.reason, "fp16 needs a GPU");
  EXPECT_EQ(skipping.teardown_calls, 0);  // setup did not complete

  LambdaBenchmark absent;
  absent.setup_fn = [](State&) { throw UnavailableError("no CUDA GPU"); };
  r = run_variant(absent, "b", Variant{}, small_config());
  EXPECT_EQ(r.status, ResultStatus::Unavailable);
  EXPECT_EQ(r.reason, "no CUDA GPU");
}

TEST(RunVariant, PropagatesBadInput_AfterTearingDown) {
  LambdaBenchmark bench;
  bench.run_fn = [](State&) { throw InputError("data set '/nowhere' not found"); };
  EXPECT_THROW(run_variant(bench, "b", Variant{}, small_config()), InputError);
  EXPECT_EQ(bench.teardown_calls, 1);
}

TEST(RunVariant, MarksFailed_WhenOutOfMemory) {
  LambdaBenchmark bench;
  bench.run_fn = [](State&) { throw std::bad_alloc(); };
  const Result r = run_variant(bench, "b", Variant{}, small_config());
  EXPECT_EQ(r.status, ResultStatus::Failed);
  EXPECT_EQ(r.reason, "out of host memory (std::bad_alloc)");
}

TEST(ExecutePlan, SkipsTheRest_WhenAStopIsRequested) {
  Registry registry;
  registry.add({"b",
                [] {
                  auto bench = std::make_unique<LambdaBenchmark>();
                  bench->axes_fn = [] { return std::vector<Axis>{int_axis("x", {1, 2})}; };
                  return bench;
                },
                "test"});
  const std::atomic<bool> stop{true};
  const RunConfig config = small_config();
  const std::vector<Result> results =
      execute_plan(plan_run(config, registry), config, nullptr, &stop);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, ResultStatus::Skipped);
  EXPECT_EQ(results[0].reason, "run interrupted before this variant");
}

TEST(ExecutePlan, UsesTheFinishedResultsOfAnEarlierAttempt_AndRunsTheRest) {
  Registry registry;
  int runs = 0;
  registry.add({"b",
                [&runs] {
                  auto bench = std::make_unique<LambdaBenchmark>();
                  bench->axes_fn = [] { return std::vector<Axis>{int_axis("x", {1, 2, 3})}; };
                  bench->setup_fn = [&runs](State&) { ++runs; };
                  return bench;
                },
                "test"});
  const RunConfig config = small_config();
  const auto plan = plan_run(config, registry);
  std::vector<Result> finished(2);
  finished[0].benchmark = finished[1].benchmark = "b";
  finished[0].variant = plan[0].variants[0];
  finished[0].reason = "from before";
  // Skipped by an interruption: not finished, so it runs again.
  finished[1].variant = plan[0].variants[1];
  finished[1].status = ResultStatus::Skipped;
  finished[1].reason = "run interrupted during this variant";
  ExecuteOptions options;
  options.finished = &finished;
  std::vector<std::string> executed;
  options.execute_variant = [&](Benchmark& benchmark, const std::string& name,
                                const Variant& variant) {
    executed.push_back(variant.name());
    return run_variant(benchmark, name, variant, config);
  };
  const std::vector<Result> results = execute_plan(plan, config, options);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].reason, "from before");
  EXPECT_EQ(results[1].status, ResultStatus::Ok);
  EXPECT_EQ(executed, (std::vector<std::string>{"x=2", "x=3"}));
  EXPECT_EQ(runs, 2);
}

class PairedBenchmark final : public Benchmark {
 public:
  std::string description() const override { return "paired"; }
  std::vector<Axis> axes() const override {
    return {string_axis("implementation", {"a", "b"}, "", {"a", "b"})};
  }
  void setup(State& state) override {
    state.set_timer(std::make_unique<ScriptedTimer>(
        std::vector<double>{state.get_string("implementation") == "a" ? 1e6 : 2e6}));
  }
  void run_once(State&) override {}
  void adjust_measurement(const State&, MeasurementConfig& config) const override {
    config.iterations = 3;
    config.warmup_iterations = 0;
  }
  std::vector<Result> derive_results(const std::vector<Result>& results) const override {
    Result derived;
    derived.variant = Variant{{{"implementation", "a_vs_b"}}, {}};
    derived.metrics.push_back(
        {"latency_ratio",
         "ratio",
         results[1].find_metric("latency_ms")->value / results[0].find_metric("latency_ms")->value,
         std::nullopt,
         {},
         false});
    return {derived};
  }
};

TEST(ExecutePlan, AppliesAdjustedMeasurementAndAppendsDerivedResults) {
  Registry registry;
  registry.add({"paired", [] { return std::make_unique<PairedBenchmark>(); }, "test"});
  const RunConfig config = small_config();
  const std::vector<Result> results = execute_plan(plan_run(config, registry), config);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].provenance.sample_count, 3u);  // adjusted from the run's 4
  EXPECT_EQ(results[2].benchmark, "paired");
  EXPECT_EQ(results[2].variant.name(), "implementation=a_vs_b");
  EXPECT_EQ(results[2].provenance.sampling_mode, "derived");
  EXPECT_DOUBLE_EQ(results[2].find_metric("latency_ratio")->value, 2.0);
}

}  // namespace
}  // namespace nnbench

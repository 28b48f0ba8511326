// The measurement loop: warm-up, fixed count, the adaptive stop rule and every stop reason.
#include "nnbench/core/measurement.hpp"

#include <chrono>
#include <cmath>
#include <thread>

#include <gtest/gtest.h>

#include "fake_benchmarks.hpp"
#include "nnbench/core/memory_probe.hpp"
#include "nnbench/core/statistics.hpp"

namespace nnbench {
namespace {

using testing::LambdaBenchmark;
using testing::ScriptedTimer;

State make_state() { return State(Variant{}, "cpu", 1, false, {}); }

TEST(RunMeasurement, TakesWarmupThenTheFixedCount_WhenFixedMode) {
  LambdaBenchmark bench;
  State state = make_state();
  state.set_timer(std::make_unique<ScriptedTimer>(std::vector<double>{100, 200, 300, 400, 500}));
  MeasurementConfig config;
  config.warmup_iterations = 2;
  config.iterations = 5;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_EQ(bench.run_calls, 7);
  EXPECT_EQ(m.samples_ns, (std::vector<double>{100, 200, 300, 400, 500}));
  EXPECT_EQ(m.stop_reason, StopReason::FixedCount);
  EXPECT_EQ(m.warmup_iterations, 2);
  EXPECT_NEAR(m.measured_time_s, 1500e-9, 1e-15);
}

TEST(RunMeasurement, DividesEachSampleByItsCalls_WhenSeveralIterationsPerSample) {
  LambdaBenchmark bench;
  State state = make_state();
  state.set_timer(std::make_unique<ScriptedTimer>(std::vector<double>{1000}));
  MeasurementConfig config;
  config.warmup_iterations = 0;
  config.iterations = 3;
  config.iterations_per_sample = 4;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_EQ(bench.run_calls, 12);
  EXPECT_EQ(m.samples_ns, (std::vector<double>{250, 250, 250}));
}

TEST(RunMeasurement, StopsAtMinSamples_WhenSamplesAreConstant) {
  LambdaBenchmark bench;
  State state = make_state();
  state.set_timer(std::make_unique<ScriptedTimer>(std::vector<double>{1000}));
  MeasurementConfig config;
  config.mode = SamplingMode::Adaptive;
  config.min_samples = 12;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_EQ(m.samples_ns.size(), 12u);
  EXPECT_EQ(m.stop_reason, StopReason::NoiseTarget);
  EXPECT_DOUBLE_EQ(m.achieved_rse, 0.0);
}

TEST(RunMeasurement, StopsAtTheFirstSampleUnderTheNoiseTarget_WhenNoisy) {
  std::vector<double> script;
  for (int i = 0; i < 400; ++i) script.push_back(i % 2 == 0 ? 1000 : 3000);
  LambdaBenchmark bench;
  State state = make_state();
  state.set_timer(std::make_unique<ScriptedTimer>(script));
  MeasurementConfig config;
  config.mode = SamplingMode::Adaptive;
  config.target_rse = 0.05;
  config.min_samples = 10;
  const Measurement m = run_measurement(bench, state, config);
  ASSERT_EQ(m.stop_reason, StopReason::NoiseTarget);
  // The rule, recomputed: the first n >= min_samples whose RSE is under the target.
  std::size_t expected = 0;
  for (std::size_t n = 10; n <= script.size(); ++n) {
    const Statistics s = compute_statistics(std::span<const double>(script.data(), n));
    if (s.relative_std_error < 0.05) {
      expected = n;
      break;
    }
  }
  EXPECT_EQ(m.samples_ns.size(), expected);
  EXPECT_GT(expected, 90u);  // 1 / (2 sqrt(n - 1)) < 0.05 needs about 100 samples
  EXPECT_LT(m.achieved_rse, 0.05);
}

TEST(RunMeasurement, StopsAtMaxSamples_WhenTheTargetIsOutOfReach) {
  std::vector<double> script;
  for (int i = 0; i < 100; ++i) script.push_back(i % 2 == 0 ? 1000 : 9000);
  LambdaBenchmark bench;
  State state = make_state();
  state.set_timer(std::make_unique<ScriptedTimer>(script));
  MeasurementConfig config;
  config.mode = SamplingMode::Adaptive;
  config.target_rse = 0.001;
  config.max_samples = 20;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_EQ(m.samples_ns.size(), 20u);
  EXPECT_EQ(m.stop_reason, StopReason::MaxSamples);
}

TEST(RunMeasurement, StopsAtTheTimeBudget_WhenMeasuredTimeRunsOut) {
  std::vector<double> script;
  for (int i = 0; i < 100; ++i)
    script.push_back(i % 2 == 0 ? 1e8 : 3e8);  // 0.1 s / 0.3 s simulated
  LambdaBenchmark bench;
  State state = make_state();
  state.set_timer(std::make_unique<ScriptedTimer>(script));
  MeasurementConfig config;
  config.mode = SamplingMode::Adaptive;
  config.target_rse = 0.001;
  config.time_budget_s = 1.0;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_EQ(m.stop_reason, StopReason::TimeBudget);
  // 0.1 + 0.3 + 0.1 + 0.3 + 0.1 = 0.9 s is under the budget; the sixth sample reaches 1.2 s.
  EXPECT_EQ(m.samples_ns.size(), 6u);
}

TEST(RunMeasurement, StopsAtTheTimeout_WhenWallClockRunsOut) {
  LambdaBenchmark bench;
  bench.run_fn = [](State&) { std::this_thread::sleep_for(std::chrono::milliseconds(5)); };
  State state = make_state();
  MeasurementConfig config;
  config.warmup_iterations = 0;
  config.iterations = 1000;
  config.timeout_s = 0.05;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_EQ(m.stop_reason, StopReason::Timeout);
  EXPECT_LT(m.samples_ns.size(), 1000u);
  EXPECT_GE(m.samples_ns.size(), 1u);
}

TEST(RunMeasurement, CalibratesCallsPerSample_WhenAskedTo) {
  LambdaBenchmark bench;
  volatile int sink = 0;
  bench.run_fn = [&](State&) { sink = sink + 1; };
  State state = make_state();
  MeasurementConfig config;
  config.iterations = 5;
  config.iterations_per_sample = 0;
  config.min_sample_time_ms = 0.2;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_GT(m.iterations_per_sample, 1);
  ASSERT_EQ(m.samples_ns.size(), 5u);
  for (double sample : m.samples_ns) EXPECT_LT(sample, 200'000.0);  // per call, not per sample
}

TEST(RunMeasurement, RunsTheBeforeSampleHookOutsideTheTimedRegion_OncePerSample) {
  LambdaBenchmark bench;
  int hook_calls = 0;
  State state = make_state();
  auto timer = std::make_unique<ScriptedTimer>(std::vector<double>{100});
  state.set_timer(std::move(timer));
  state.set_before_sample([&] { ++hook_calls; });
  MeasurementConfig config;
  config.warmup_iterations = 2;
  config.iterations = 6;
  const Measurement m = run_measurement(bench, state, config);
  EXPECT_EQ(hook_calls, 6);  // not during warm-up
  EXPECT_EQ(m.samples_ns, std::vector<double>(6, 100.0));
}

// Records how many iterations had run when the warm-up was declared done.
class WarmupRecordingProbe final : public MemoryProbe {
 public:
  explicit WarmupRecordingProbe(const int& run_calls) : run_calls_(run_calls) {}
  void begin() override {}
  void warmup_done() override { calls_at_warmup_done.push_back(run_calls_); }
  std::vector<MemoryFigure> end() override { return {}; }
  std::string name() const override { return "warmup_recorder"; }
  std::vector<int> calls_at_warmup_done;

 private:
  const int& run_calls_;
};

TEST(RunMeasurement, TellsProbesOnceWhenTheWarmupIsDone_BeforeTheFirstSample) {
  LambdaBenchmark bench;
  State state = make_state();
  state.set_timer(std::make_unique<ScriptedTimer>(std::vector<double>{100}));
  auto probe = std::make_unique<WarmupRecordingProbe>(bench.run_calls);
  const WarmupRecordingProbe& recorder = *probe;
  state.add_memory_probe(std::move(probe));
  MeasurementConfig config;
  config.warmup_iterations = 3;
  config.iterations = 4;
  run_measurement(bench, state, config);
  EXPECT_EQ(recorder.calls_at_warmup_done, std::vector<int>{3});
  EXPECT_EQ(bench.run_calls, 7);
}

TEST(Validate, RejectsImpossibleSettings_NamingTheField) {
  MeasurementConfig config;
  config.iterations = 0;
  try {
    validate(config);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "measurement setting iterations=0: expected >= 1");
  }
  config = {};
  config.target_rse = 0;
  EXPECT_THROW(validate(config), InputError);
  config = {};
  config.max_samples = 5;
  EXPECT_THROW(validate(config), InputError);
  config = {};
  config.warmup_iterations = -1;
  EXPECT_THROW(validate(config), InputError);
}

}  // namespace
}  // namespace nnbench

// attach_device_instruments on a CUDA device, alone and through a whole measured variant (the
// runner's own run_variant): event timing, allocator peaks, NVML figures, energy per iteration,
// the clocks-seen note, and the cold-cache hook.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <string>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/runner.hpp"
#include "nnbench/core/state.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"

namespace nnbench::engine {
namespace {

bool has_note_containing(const std::vector<std::string>& notes, const std::string& text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

// One 2048^3 fp32 product per iteration, counted for the energy figure.
class MatmulBenchmark final : public Benchmark {
 public:
  std::string description() const override { return "matmul"; }
  std::vector<Axis> axes() const override { return {}; }
  std::vector<Option> options() const override { return device_instrument_option_declarations(); }
  void setup(State& state) override {
    instruments_ = attach_device_instruments(state, state.device());
    const auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat32);
    a_ = torch::randn({2048, 2048}, options);
    b_ = torch::randn({2048, 2048}, options);
  }
  void run_once(State&) override {
    torch::NoGradGuard no_grad;
    c_ = torch::matmul(a_, b_);
    instruments_.count_iteration();
  }
  void teardown(State&) override { a_ = b_ = c_ = torch::Tensor(); }

 private:
  DeviceInstruments instruments_;
  torch::Tensor a_, b_, c_;
};

TEST(AttachDeviceInstruments, OnCuda_SetsEventTimerProbesAndColdCacheHook) {
  State state(Variant{}, "cuda", 42, true,
              OptionValues("instruments", device_instrument_option_declarations(),
                           {{"cold", "true"}}, true));
  const DeviceInstruments instruments = attach_device_instruments(state, "cuda:0");
  EXPECT_TRUE(instruments.attached());
  EXPECT_EQ(state.timer().kind(), "cuda_event");
  ASSERT_EQ(state.memory_probes().size(), 2u);
  EXPECT_EQ(state.memory_probes()[0]->name(), "cuda_caching_allocator");
  EXPECT_EQ(state.memory_probes()[1]->name(), "nvml_gpu_monitor");
  ASSERT_TRUE(state.before_sample());
  EXPECT_TRUE(has_note_containing(state.notes(), "cold cache"));
  state.before_sample()();
  state.before_sample()();
  torch::cuda::synchronize();  // a failed memset would surface here or throw above
}

TEST(AttachDeviceInstruments, WholeVariant_ReportsDeviceTimingMemoryAndEnergy) {
  RunConfig config;
  config.device = "cuda";
  config.measurement.mode = SamplingMode::Fixed;
  config.measurement.warmup_iterations = 3;
  config.measurement.iterations = 200;  // about 0.1-0.3 s of products: several monitor samples
  config.options = {{"gpu_monitor_interval_ms", "10"}, {"cold", "true"}};
  MatmulBenchmark benchmark;
  const Result result = run_variant(benchmark, "matmul", Variant{}, config);
  ASSERT_EQ(result.status, ResultStatus::Ok) << result.reason;
  EXPECT_EQ(result.provenance.timer_kind, "cuda_event");

  const Metric* latency = result.find_metric("latency_ms");
  ASSERT_NE(latency, nullptr);
  EXPECT_GT(latency->value, 0.0);
  EXPECT_LT(latency->value, 50.0);

  const Metric* peak = result.find_metric("device_peak_allocated_bytes");
  ASSERT_NE(peak, nullptr);
  EXPECT_GE(peak->value, 3.0 * 2048 * 2048 * 4);  // a, b and c

  for (const char* name : {"gpu_utilization_pct_mean", "gpu_utilization_pct_max",
                           "gpu_power_w_mean", "gpu_power_w_max", "gpu_sm_clock_mhz_mean",
                           "gpu_sm_clock_mhz_min", "gpu_sm_clock_mhz_max", "gpu_temperature_c_max",
                           "gpu_memory_used_bytes_max", "gpu_energy_j", "gpu_monitor_samples"}) {
    EXPECT_NE(result.find_metric(name), nullptr) << name;
  }
  const Metric* samples = result.find_metric("gpu_monitor_samples");
  ASSERT_NE(samples, nullptr);
  EXPECT_GE(samples->value, 3.0);
  const Metric* energy = result.find_metric("energy_per_iteration_j");
  ASSERT_NE(energy, nullptr);
  // 17 GFLOP per product: well under a joule on any current GPU, and not nothing.
  EXPECT_GT(energy->value, 1e-4);
  EXPECT_LT(energy->value, 5.0);
  EXPECT_TRUE(has_note_containing(result.provenance.notes, "clocks seen"));
  EXPECT_TRUE(has_note_containing(result.provenance.notes, "cold cache"));
  std::printf("latency %.4f ms, energy %.4f J/iteration, %g monitor samples\n", latency->value,
              energy->value, samples->value);
}

}  // namespace
}  // namespace nnbench::engine

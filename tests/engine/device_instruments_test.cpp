// What the device instruments do without a GPU: attach on the CPU leaves the host timer and adds
// nothing, options are validated, the NVML loader fails cleanly where no NVML library exists,
// and the monitor's summary (means, extremes, energy by trapezoids) is right on known samples.
#include "nnbench/engine/instruments/device_instruments.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "nnbench/core/error.hpp"
#include "nnbench/core/state.hpp"
#include "nnbench/engine/instruments/gpu_monitor.hpp"
#include "nnbench/engine/instruments/nvml_library.hpp"

namespace nnbench::engine {
namespace {

State make_state(const std::string& device, std::map<std::string, std::string> options = {}) {
  return State(Variant{}, device, 42, true,
               OptionValues("instruments", device_instrument_option_declarations(),
                            std::move(options), true));
}

TEST(DeviceInstruments, AttachOnCpu_KeepsHostTimerAndAddsNothing) {
  State state = make_state("cpu");
  const DeviceInstruments instruments = attach_device_instruments(state, "cpu");
  EXPECT_FALSE(instruments.attached());
  EXPECT_EQ(state.timer().kind(), "host_steady_clock");
  EXPECT_TRUE(state.memory_probes().empty());
  EXPECT_FALSE(state.before_sample());
  EXPECT_TRUE(state.notes().empty());
  EXPECT_TRUE(state.extra_metrics().empty());
}

TEST(DeviceInstruments, ColdOnCpu_OnlyNotesThatItDoesNotApply) {
  State state = make_state("cpu", {{"cold", "true"}});
  attach_device_instruments(state, "cpu");
  EXPECT_EQ(state.timer().kind(), "host_steady_clock");
  EXPECT_FALSE(state.before_sample());
  ASSERT_EQ(state.notes().size(), 1u);
  EXPECT_NE(state.notes()[0].find("cold=true has no effect"), std::string::npos);
}

TEST(DeviceInstruments, CountIteration_OnEmptyHandle_IsHarmless) {
  DeviceInstruments instruments;
  instruments.count_iteration();
  EXPECT_FALSE(instruments.attached());
}

#ifndef NNBENCH_WITH_CUDA
TEST(DeviceInstruments, AttachOnCudaInCpuBuild_IsUnavailable) {
  State state = make_state("cuda");
  EXPECT_THROW(attach_device_instruments(state, "cuda"), UnavailableError);
  EXPECT_EQ(state.timer().kind(), "host_steady_clock");
}
#endif

TEST(DeviceInstrumentOptions, Defaults_AreWarmCacheAnd50Ms) {
  const DeviceInstrumentOptions options = device_instrument_options(make_state("cpu"));
  EXPECT_FALSE(options.cold_cache);
  EXPECT_EQ(options.monitor_interval.count(), 50);
}

TEST(DeviceInstrumentOptions, ParsesColdAndInterval) {
  const DeviceInstrumentOptions options = device_instrument_options(
      make_state("cpu", {{"cold", "true"}, {"gpu_monitor_interval_ms", "20"}}));
  EXPECT_TRUE(options.cold_cache);
  EXPECT_EQ(options.monitor_interval.count(), 20);
}

TEST(DeviceInstrumentOptions, MalformedValues_AreInputErrorsNamingTheOption) {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"cold", "yes please"},
                                                        {"gpu_monitor_interval_ms", "0"},
                                                        {"gpu_monitor_interval_ms", "50ms"},
                                                        {"gpu_monitor_interval_ms", "-5"}}) {
    try {
      device_instrument_options(make_state("cpu", {{key, value}}));
      ADD_FAILURE() << key << "=" << value << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

TEST(ParseCudaDevice, NamesAndIndices) {
  EXPECT_EQ(parse_cuda_device("cuda"), -1);
  EXPECT_EQ(parse_cuda_device("cuda:3"), 3);
  EXPECT_EQ(parse_cuda_device("cpu"), std::nullopt);
  EXPECT_THROW(parse_cuda_device("cuda:x"), InputError);
  EXPECT_THROW(parse_cuda_device("cuda:"), InputError);
}

TEST(NvmlLibrary, MissingLibrary_ReportsUnavailableWithTheName) {
  const auto nvml = NvmlLibrary::load("libnvidia-ml-absent-nnbench.so.1");
  ASSERT_NE(nvml, nullptr);
  EXPECT_FALSE(nvml->available());
  EXPECT_NE(nvml->unavailable_reason().find("libnvidia-ml-absent-nnbench.so.1"), std::string::npos)
      << nvml->unavailable_reason();
  EXPECT_THROW(nvml->device_by_index(0), UnavailableError);
  const GpuReading reading = nvml->read(NvmlDevice{});
  EXPECT_FALSE(reading.power_w);
  EXPECT_FALSE(reading.sm_clock_mhz);
}

TEST(NvmlLibrary, LibraryWithoutNvmlSymbols_ReportsTheMissingSymbol) {
  // libc is always loadable and exports none of NVML's functions.
  const auto nvml = NvmlLibrary::load("libc.so.6");
  EXPECT_FALSE(nvml->available());
  EXPECT_NE(nvml->unavailable_reason().find("nvmlInit_v2"), std::string::npos)
      << nvml->unavailable_reason();
}

GpuSample sample(double time_s, std::optional<double> power_w, std::optional<double> clock_mhz,
                 std::optional<double> utilization_pct) {
  GpuSample s;
  s.time_s = time_s;
  s.reading.power_w = power_w;
  s.reading.sm_clock_mhz = clock_mhz;
  s.reading.utilization_pct = utilization_pct;
  return s;
}

TEST(SummarizeGpuSamples, EnergyIsTrapezoidsOfPowerOverTime) {
  // 100 W for 1 s, then a linear ramp to 300 W over 1 s: 100 + 200 = 300 J.
  const std::vector<GpuSample> samples{sample(0.0, 100, 1500, 10), sample(1.0, 100, 1980, 90),
                                       sample(2.0, 300, 1755, 80)};
  const GpuMonitorSummary s = summarize_gpu_samples(samples, 150);
  EXPECT_EQ(s.sample_count, 3);
  EXPECT_DOUBLE_EQ(s.duration_s, 2.0);
  ASSERT_TRUE(s.energy_j);
  EXPECT_DOUBLE_EQ(*s.energy_j, 300.0);
  ASSERT_TRUE(s.energy_per_iteration_j);
  EXPECT_DOUBLE_EQ(*s.energy_per_iteration_j, 2.0);
  ASSERT_TRUE(s.sm_clock_mhz);
  EXPECT_DOUBLE_EQ(s.sm_clock_mhz->min, 1500);
  EXPECT_DOUBLE_EQ(s.sm_clock_mhz->max, 1980);
  EXPECT_DOUBLE_EQ(s.sm_clock_mhz->mean, (1500 + 1980 + 1755) / 3.0);
  ASSERT_TRUE(s.utilization_pct);
  EXPECT_DOUBLE_EQ(s.utilization_pct->mean, 60);
  EXPECT_DOUBLE_EQ(s.utilization_pct->max, 90);
  EXPECT_FALSE(s.temperature_c);
  EXPECT_FALSE(s.memory_used_bytes);
}

TEST(SummarizeGpuSamples, MissingReadingsAreSkippedNotZero) {
  // The middle sample has no power: energy spans its neighbours, 200 W * 2 s.
  const std::vector<GpuSample> samples{sample(0.0, 200, std::nullopt, std::nullopt),
                                       sample(1.0, std::nullopt, 1000, std::nullopt),
                                       sample(2.0, 200, std::nullopt, std::nullopt)};
  const GpuMonitorSummary s = summarize_gpu_samples(samples, 0);
  ASSERT_TRUE(s.energy_j);
  EXPECT_DOUBLE_EQ(*s.energy_j, 400.0);
  EXPECT_FALSE(s.energy_per_iteration_j);  // iterations unknown
  ASSERT_TRUE(s.power_w);
  EXPECT_EQ(s.power_w->count, 2);
  EXPECT_DOUBLE_EQ(s.power_w->mean, 200);
  ASSERT_TRUE(s.sm_clock_mhz);
  EXPECT_EQ(s.sm_clock_mhz->count, 1);
}

TEST(SummarizeGpuSamples, OnePowerReading_GivesNoEnergy) {
  const GpuMonitorSummary s = summarize_gpu_samples({sample(0.0, 250, 1980, 50)}, 10);
  EXPECT_EQ(s.sample_count, 1);
  EXPECT_FALSE(s.energy_j);
  EXPECT_FALSE(s.energy_per_iteration_j);
  EXPECT_EQ(summarize_gpu_samples({}, 10).sample_count, 0);
}

TEST(SummarizeGpuSamples, ClockEventReasons_CountSlowdownsApartFromThePowerCap) {
  // NVML's bits: 0x1 idle, 0x4 SW power cap, 0x40 HW thermal slowdown, 0x20 SW thermal.
  std::vector<GpuSample> samples{sample(0.0, 650, 1980, 99), sample(0.1, 700, 1700, 99),
                                 sample(0.2, 700, 1500, 99), sample(0.3, 100, 345, 0)};
  samples[0].reading.clock_event_reasons = 0x0;
  samples[1].reading.clock_event_reasons = 0x4;
  samples[2].reading.clock_event_reasons = 0x4 | 0x40 | 0x20;
  samples[3].reading.clock_event_reasons = 0x1;  // idle: not a slowdown
  const GpuMonitorSummary s = summarize_gpu_samples(samples, 0);
  EXPECT_EQ(s.clock_event_samples, 4);
  EXPECT_EQ(s.slowdown_samples, 1);
  EXPECT_EQ(s.power_capped_samples, 2);
  EXPECT_EQ(s.clock_events_seen, 0x65ULL);
  EXPECT_EQ(clock_event_names(s.clock_events_seen, ClockEventKind::Slowdown),
            "SW thermal slowdown, HW thermal slowdown");
  EXPECT_EQ(clock_event_names(0x4, ClockEventKind::PowerCap), "SW power cap");
  EXPECT_EQ(clock_event_names(0x1 | 0x4, ClockEventKind::Slowdown), "");
  // A device that reports no reasons counts none.
  EXPECT_EQ(summarize_gpu_samples({sample(0.0, 250, 1980, 50)}, 1).clock_event_samples, 0);
}

}  // namespace
}  // namespace nnbench::engine

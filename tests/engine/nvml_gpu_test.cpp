// NVML and the GPU monitor on a GPU machine: the library loads, finds the CUDA device by its PCI
// bus id, and the monitor collects plausible samples while the GPU works.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <array>
#include <chrono>
#include <cstdio>

#include "nnbench/engine/instruments/gpu_monitor.hpp"
#include "nnbench/engine/instruments/nvml_library.hpp"
#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {
namespace {

std::string pci_bus_id_of_device_0() {
  std::array<char, 32> text{};
  NNBENCH_CUDA_CALL(cudaDeviceGetPCIBusId(text.data(), static_cast<int>(text.size()), 0));
  return text.data();
}

// Keeps the GPU busy with matrix products for about `seconds` of host time.
void busy_gpu_for(double seconds) {
  torch::NoGradGuard no_grad;
  const auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const torch::Tensor a = torch::randn({8192, 8192}, options);
  torch::Tensor c;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
         seconds) {
    for (int i = 0; i < 8; ++i) c = torch::matmul(a, a);
    torch::cuda::synchronize();
  }
}

TEST(NvmlLibrary, LoadsAndReadsTheCudaDevice) {
  const auto nvml = NvmlLibrary::load();
  ASSERT_TRUE(nvml->available()) << nvml->unavailable_reason();
  const NvmlDevice device = nvml->device_by_pci_bus_id(pci_bus_id_of_device_0());
  EXPECT_NE(nvml->device_name(device), "unknown");
  const GpuReading reading = nvml->read(device);
  ASSERT_TRUE(reading.power_w && reading.sm_clock_mhz && reading.temperature_c &&
              reading.utilization_pct && reading.memory_used_bytes);
  EXPECT_GT(*reading.power_w, 5.0);
  EXPECT_LT(*reading.power_w, 2000.0);
  EXPECT_GT(*reading.sm_clock_mhz, 50.0);
  EXPECT_LT(*reading.sm_clock_mhz, 4000.0);
  EXPECT_GT(*reading.temperature_c, 5.0);
  EXPECT_LT(*reading.temperature_c, 110.0);
  EXPECT_LE(*reading.utilization_pct, 100.0);
  EXPECT_GT(*reading.memory_used_bytes, 0.0);
  std::printf("%s: %.0f W, SM %.0f MHz, %.0f C, %.0f%% busy\n", nvml->device_name(device).c_str(),
              *reading.power_w, *reading.sm_clock_mhz, *reading.temperature_c,
              *reading.utilization_pct);
}

TEST(NvmlLibrary, UnknownPciBusId_IsUnavailableError) {
  const auto nvml = NvmlLibrary::load();
  ASSERT_TRUE(nvml->available()) << nvml->unavailable_reason();
  EXPECT_THROW(nvml->device_by_pci_bus_id("00000000:FF:1F.7"), UnavailableError);
}

TEST(GpuMonitor, SamplesAtItsIntervalWhileTheGpuWorks) {
  const auto nvml = NvmlLibrary::load();
  ASSERT_TRUE(nvml->available()) << nvml->unavailable_reason();
  GpuMonitor monitor(nvml, nvml->device_by_pci_bus_id(pci_bus_id_of_device_0()),
                     std::chrono::milliseconds(20));
  monitor.start();
  busy_gpu_for(1.0);
  const std::vector<GpuSample> samples = monitor.stop();
  // One sample per 20 ms of the region, plus one at each end; a loaded CPU may delay some.
  ASSERT_GE(samples.size(), 2u);
  const double region_s = samples.back().time_s - samples.front().time_s;
  EXPECT_GE(region_s, 1.0);
  EXPECT_GE(static_cast<double>(samples.size()), 0.5 * region_s / 0.020);
  EXPECT_LE(static_cast<double>(samples.size()), region_s / 0.020 + 3);
  for (std::size_t i = 1; i < samples.size(); ++i) {
    EXPECT_GT(samples[i].time_s, samples[i - 1].time_s);
  }
  const GpuMonitorSummary s = summarize_gpu_samples(samples, 100);
  ASSERT_TRUE(s.utilization_pct && s.power_w && s.sm_clock_mhz && s.energy_j);
  EXPECT_GT(s.utilization_pct->max, 50.0);
  EXPECT_GT(s.power_w->max, 50.0);
  EXPECT_LT(s.power_w->max, 2000.0);
  EXPECT_GT(s.sm_clock_mhz->max, 500.0);
  // Energy lies between idle-ish and the board's limit over the monitored time.
  EXPECT_GT(*s.energy_j, 10.0 * s.duration_s);
  EXPECT_LT(*s.energy_j, 2000.0 * s.duration_s);
  std::printf(
      "%d samples over %.2f s: util max %.0f%%, power mean %.0f W max %.0f W, SM %.0f-%.0f "
      "MHz, %.1f J\n",
      s.sample_count, s.duration_s, s.utilization_pct->max, s.power_w->mean, s.power_w->max,
      s.sm_clock_mhz->min, s.sm_clock_mhz->max, *s.energy_j);
}

TEST(GpuMonitor, RegionShorterThanTheInterval_StillHasTwoSamples) {
  const auto nvml = NvmlLibrary::load();
  ASSERT_TRUE(nvml->available()) << nvml->unavailable_reason();
  GpuMonitor monitor(nvml, nvml->device_by_pci_bus_id(pci_bus_id_of_device_0()),
                     std::chrono::milliseconds(1000));
  monitor.start();
  const std::vector<GpuSample> samples = monitor.stop();
  EXPECT_EQ(samples.size(), 2u);
}

}  // namespace
}  // namespace nnbench::engine

// A thread that samples one GPU's sensors through NVML at a fixed interval while a variant is
// measured, and the summary of those samples (means, extremes, energy). Measurement only: it
// never prints. Torch- and CUDA-free, so the summary is tested in the CPU build.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nnbench/core/memory_probe.hpp"
#include "nnbench/engine/instruments/nvml_library.hpp"

namespace nnbench {
class State;
}

namespace nnbench::engine {

struct GpuSample {
  double time_s = 0;  // seconds since the monitor started (steady clock)
  GpuReading reading;
};

// Mean, minimum and maximum of one quantity over the samples that reported it.
struct SampleRange {
  int count = 0;
  double mean = 0, min = 0, max = 0;
};

struct GpuMonitorSummary {
  int sample_count = 0;
  double duration_s = 0;  // first to last sample
  std::optional<SampleRange> utilization_pct, memory_used_bytes, power_w, sm_clock_mhz,
      temperature_c;
  // Power integrated over time (trapezoids between consecutive power readings); needs two.
  std::optional<double> energy_j;
  // energy_j / iterations, when both are known.
  std::optional<double> energy_per_iteration_j;
  // Clock event reasons: every bit seen in any sample (OR), and how many of the samples that
  // reported them saw a thermal or hardware slowdown, or the software power cap.
  int clock_event_samples = 0;
  unsigned long long clock_events_seen = 0;
  int slowdown_samples = 0, power_capped_samples = 0;
};

// Pure: summarises samples taken in time order. `iterations` <= 0 leaves energy per iteration
// empty.
GpuMonitorSummary summarize_gpu_samples(const std::vector<GpuSample>& samples,
                                        std::int64_t iterations);

// Samples `device` every `interval` on its own thread between start() and stop(), plus once at
// each end, so even a region shorter than the interval has two samples. Not copyable; start()
// and stop() are called from one thread. The destructor stops a running monitor.
class GpuMonitor {
 public:
  GpuMonitor(std::shared_ptr<const NvmlLibrary> nvml, NvmlDevice device,
             std::chrono::milliseconds interval);
  ~GpuMonitor();
  GpuMonitor(const GpuMonitor&) = delete;
  GpuMonitor& operator=(const GpuMonitor&) = delete;

  void start();
  // Joins the thread and returns every sample of this start/stop region, in time order.
  std::vector<GpuSample> stop();
  std::chrono::milliseconds interval() const { return interval_; }
  std::string device_name() const { return nvml_->device_name(device_); }

 private:
  void sample_now();

  std::shared_ptr<const NvmlLibrary> nvml_;
  NvmlDevice device_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point started_{};
  std::mutex mutex_;  // guards samples_ and stop_requested_
  std::condition_variable wake_;
  bool stop_requested_ = false;
  std::vector<GpuSample> samples_;
  std::thread thread_;
};

// Run iterations counted by the benchmark (DeviceInstruments::count_iteration), shared between
// the benchmark's handle and the monitor probe. Touched only by the harness thread.
struct IterationCounter {
  std::int64_t count = 0;
};

// Adapts the monitor to the runner's probe hooks: begin() starts sampling after set-up, end()
// stops it after the measured iterations and adds the GPU metrics and a "clocks seen" note to
// the State (the runner collects a State's metrics and notes after every probe has ended). The
// State must outlive the probe, which it does when the State owns it (State::add_memory_probe).
class GpuMonitorProbe final : public MemoryProbe {
 public:
  GpuMonitorProbe(State& state, std::unique_ptr<GpuMonitor> monitor,
                  std::shared_ptr<IterationCounter> iterations);
  void begin() override;
  // Restarts the readings and the iteration count: utilisation, power and energy per iteration
  // cover the measured samples, not the warm-up.
  void warmup_done() override;
  std::vector<MemoryFigure> end() override;  // gpu_memory_used_bytes_max
  std::string name() const override { return "nvml_gpu_monitor"; }

 private:
  State& state_;
  std::unique_ptr<GpuMonitor> monitor_;
  std::shared_ptr<IterationCounter> iterations_;
  std::int64_t iterations_at_begin_ = 0;
};

}  // namespace nnbench::engine

// The NVML sampling thread, the summary of its samples, and its probe adapter.
#include "nnbench/engine/instruments/gpu_monitor.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "nnbench/core/state.hpp"

namespace nnbench::engine {
namespace {

std::optional<SampleRange> range_of(
    const std::vector<GpuSample>& samples,
    const std::function<std::optional<double>(const GpuReading&)>& get) {
  SampleRange range;
  double sum = 0;
  for (const GpuSample& sample : samples) {
    const std::optional<double> value = get(sample.reading);
    if (!value) continue;
    range.min = range.count == 0 ? *value : std::min(range.min, *value);
    range.max = range.count == 0 ? *value : std::max(range.max, *value);
    sum += *value;
    ++range.count;
  }
  if (range.count == 0) return std::nullopt;
  range.mean = sum / range.count;
  return range;
}

}  // namespace

GpuMonitorSummary summarize_gpu_samples(const std::vector<GpuSample>& samples,
                                        std::int64_t iterations) {
  GpuMonitorSummary summary;
  summary.sample_count = static_cast<int>(samples.size());
  if (samples.empty()) return summary;
  summary.duration_s = samples.back().time_s - samples.front().time_s;
  summary.utilization_pct =
      range_of(samples, [](const GpuReading& r) { return r.utilization_pct; });
  summary.memory_used_bytes =
      range_of(samples, [](const GpuReading& r) { return r.memory_used_bytes; });
  summary.power_w = range_of(samples, [](const GpuReading& r) { return r.power_w; });
  summary.sm_clock_mhz = range_of(samples, [](const GpuReading& r) { return r.sm_clock_mhz; });
  summary.temperature_c = range_of(samples, [](const GpuReading& r) { return r.temperature_c; });
  for (const GpuSample& sample : samples) {
    if (!sample.reading.clock_event_reasons) continue;
    const unsigned long long reasons = *sample.reading.clock_event_reasons;
    ++summary.clock_event_samples;
    summary.clock_events_seen |= reasons;
    if (has_clock_event(reasons, ClockEventKind::Slowdown)) ++summary.slowdown_samples;
    if (has_clock_event(reasons, ClockEventKind::PowerCap)) ++summary.power_capped_samples;
  }

  const GpuSample* previous = nullptr;
  double energy_j = 0;
  int intervals = 0;
  for (const GpuSample& sample : samples) {
    if (!sample.reading.power_w) continue;
    if (previous != nullptr) {
      energy_j += 0.5 * (*previous->reading.power_w + *sample.reading.power_w) *
                  (sample.time_s - previous->time_s);
      ++intervals;
    }
    previous = &sample;
  }
  if (intervals > 0) {
    summary.energy_j = energy_j;
    if (iterations > 0) summary.energy_per_iteration_j = energy_j / static_cast<double>(iterations);
  }
  return summary;
}

GpuMonitor::GpuMonitor(std::shared_ptr<const NvmlLibrary> nvml, NvmlDevice device,
                       std::chrono::milliseconds interval)
    : nvml_(std::move(nvml)), device_(device), interval_(interval) {
  if (interval_.count() <= 0) throw std::invalid_argument("GpuMonitor: interval must be > 0 ms");
}

GpuMonitor::~GpuMonitor() {
  if (thread_.joinable()) stop();
}

void GpuMonitor::sample_now() {
  GpuSample sample;
  sample.reading = nvml_->read(device_);
  sample.time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::lock_guard lock(mutex_);
  samples_.push_back(sample);
}

void GpuMonitor::start() {
  if (thread_.joinable()) stop();
  {
    const std::lock_guard lock(mutex_);
    samples_.clear();
    stop_requested_ = false;
  }
  started_ = std::chrono::steady_clock::now();
  sample_now();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stop_requested_; })) {
      lock.unlock();
      sample_now();
      lock.lock();
    }
  });
}

std::vector<GpuSample> GpuMonitor::stop() {
  if (!thread_.joinable()) return {};
  {
    const std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_all();
  thread_.join();
  sample_now();
  const std::lock_guard lock(mutex_);
  return std::move(samples_);
}

GpuMonitorProbe::GpuMonitorProbe(State& state, std::unique_ptr<GpuMonitor> monitor,
                                 std::shared_ptr<IterationCounter> iterations)
    : state_(state), monitor_(std::move(monitor)), iterations_(std::move(iterations)) {
  if (!monitor_ || !iterations_) throw std::invalid_argument("GpuMonitorProbe: null argument");
}

void GpuMonitorProbe::begin() {
  iterations_at_begin_ = iterations_->count;
  monitor_->start();
}

void GpuMonitorProbe::warmup_done() {
  iterations_at_begin_ = iterations_->count;
  monitor_->start();  // drops the warm-up's readings
}

std::vector<MemoryFigure> GpuMonitorProbe::end() {
  const std::int64_t iterations = iterations_->count - iterations_at_begin_;
  const GpuMonitorSummary s = summarize_gpu_samples(monitor_->stop(), iterations);
  state_.add_metric("gpu_monitor_samples", s.sample_count, "samples");
  if (s.utilization_pct) {
    state_.add_metric("gpu_utilization_pct_mean", s.utilization_pct->mean, "%");
    state_.add_metric("gpu_utilization_pct_max", s.utilization_pct->max, "%");
  }
  if (s.power_w) {
    state_.add_metric("gpu_power_w_mean", s.power_w->mean, "W");
    state_.add_metric("gpu_power_w_max", s.power_w->max, "W");
  }
  if (s.sm_clock_mhz) {
    state_.add_metric("gpu_sm_clock_mhz_mean", s.sm_clock_mhz->mean, "MHz");
    state_.add_metric("gpu_sm_clock_mhz_min", s.sm_clock_mhz->min, "MHz");
    state_.add_metric("gpu_sm_clock_mhz_max", s.sm_clock_mhz->max, "MHz");
  }
  if (s.temperature_c) state_.add_metric("gpu_temperature_c_max", s.temperature_c->max, "C");
  // The device's memory in use over the run (all processes), as Framework v2 reports it; the
  // peak goes to the memory figures below.
  if (s.memory_used_bytes) {
    state_.add_metric("gpu_memory_used_bytes_mean", s.memory_used_bytes->mean, "bytes");
  }
  if (s.energy_j) state_.add_metric("gpu_energy_j", *s.energy_j, "J");
  if (s.energy_per_iteration_j) {
    state_.add_metric("energy_per_iteration_j", *s.energy_per_iteration_j, "J");
  } else if (s.energy_j) {
    state_.add_note(
        "energy_per_iteration_j not reported: the benchmark does not count its iterations "
        "(DeviceInstruments::count_iteration)");
  }
  // Forced-down clocks make a load scenario's run INVALID; the power cap is a note.
  if (s.slowdown_samples > 0) {
    state_.note_throttled(fmt::format(
        "{} in {} of {} samples", clock_event_names(s.clock_events_seen, ClockEventKind::Slowdown),
        s.slowdown_samples, s.clock_event_samples));
  }
  if (s.power_capped_samples > 0) {
    state_.add_note(fmt::format("clocks held at the power limit (SW power cap) in {} of {} samples",
                                s.power_capped_samples, s.clock_event_samples));
  }
  // Throttled or power-capped runs show as a clock range; keep it next to the figures.
  state_.add_note(fmt::format(
      "clocks seen on {}: SM {} MHz over {} samples every {} ms ({:.2f} s); max temperature {}",
      monitor_->device_name(),
      s.sm_clock_mhz ? fmt::format("{:.0f}-{:.0f} (mean {:.0f})", s.sm_clock_mhz->min,
                                   s.sm_clock_mhz->max, s.sm_clock_mhz->mean)
                     : std::string("not reported"),
      s.sample_count, monitor_->interval().count(), s.duration_s,
      s.temperature_c ? fmt::format("{:.0f} C", s.temperature_c->max) : std::string("n/a")));
  std::vector<MemoryFigure> figures;
  if (s.memory_used_bytes) {
    figures.push_back(
        {"gpu_memory_used_bytes_max", static_cast<std::int64_t>(s.memory_used_bytes->max)});
  }
  return figures;
}

}  // namespace nnbench::engine

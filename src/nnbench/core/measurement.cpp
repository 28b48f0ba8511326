// The measurement loop: warm-up, optional calibration of iterations per sample, then fixed or
// adaptive sampling with a named stop reason.
#include "nnbench/core/measurement.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/statistics.hpp"

namespace nnbench {

std::string to_string(StopReason reason) {
  switch (reason) {
    case StopReason::FixedCount:
      return "fixed_count";
    case StopReason::NoiseTarget:
      return "noise_target";
    case StopReason::MaxSamples:
      return "max_samples";
    case StopReason::TimeBudget:
      return "time_budget";
    case StopReason::Timeout:
      return "timeout";
    case StopReason::Interrupted:
      return "interrupted";
  }
  return "unknown";
}

std::string to_string(SamplingMode mode) {
  return mode == SamplingMode::Fixed ? "fixed" : "adaptive";
}

void validate(const MeasurementConfig& c) {
  auto fail = [](const std::string& what) { throw InputError("measurement setting " + what); };
  if (c.warmup_iterations < 0)
    fail(fmt::format("warmup_iterations={}: expected >= 0", c.warmup_iterations));
  if (c.iterations < 1) fail(fmt::format("iterations={}: expected >= 1", c.iterations));
  if (c.iterations_per_sample < 0) {
    fail(fmt::format("iterations_per_sample={}: expected >= 1, or 0 to calibrate",
                     c.iterations_per_sample));
  }
  if (!(c.min_sample_time_ms > 0))
    fail(fmt::format("min_sample_time_ms={}: expected > 0", c.min_sample_time_ms));
  if (!(c.target_rse > 0 && c.target_rse < 1))
    fail(fmt::format("target_rse={}: expected in (0, 1)", c.target_rse));
  if (c.min_samples < 2) fail(fmt::format("min_samples={}: expected >= 2", c.min_samples));
  if (c.max_samples < c.min_samples) {
    fail(fmt::format("max_samples={}: expected >= min_samples ({})", c.max_samples, c.min_samples));
  }
  if (!(c.time_budget_s > 0)) fail(fmt::format("time_budget_s={}: expected > 0", c.time_budget_s));
  if (!(c.timeout_s > 0)) fail(fmt::format("timeout_s={}: expected > 0", c.timeout_s));
}

namespace {

using Clock = std::chrono::steady_clock;

double ns_between(Clock::time_point a, Clock::time_point b) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

// Times `k` calls as one region. The host clock path avoids the virtual timer calls, so the
// harness adds as little as possible to short bodies; other timers go through the interface.
class Sampler {
 public:
  Sampler(Benchmark& benchmark, State& state)
      : benchmark_(benchmark),
        state_(state),
        timer_(state.timer()),
        host_clock_(dynamic_cast<SteadyTimer*>(&timer_) != nullptr),
        before_sample_(state.before_sample()) {}

  // Mean nanoseconds per call over k calls; `now` is set to a steady-clock reading after them.
  double take(int k, Clock::time_point& now) {
    if (before_sample_) before_sample_();
    // Locals, not members: the opaque call could change *this, so members would be reloaded
    // from memory on every iteration.
    Benchmark* const benchmark = &benchmark_;
    State* const state = &state_;
    if (host_clock_) {
      const Clock::time_point begin = Clock::now();
      for (int i = k; i > 0; --i) benchmark->run_once(*state);
      now = Clock::now();
      return ns_between(begin, now) / k;
    }
    timer_.start();
    for (int i = k; i > 0; --i) benchmark->run_once(*state);
    timer_.stop();
    const double elapsed = timer_.elapsed_ns();
    now = Clock::now();
    return elapsed / k;
  }

 private:
  Benchmark& benchmark_;
  State& state_;
  Timer& timer_;
  bool host_clock_;
  const std::function<void()>& before_sample_;
};

// Doubles the calls per sample until one sample lasts min_sample_time_ms (timeit's autorange).
int calibrate_iterations(Sampler& sampler, const MeasurementConfig& config,
                         Clock::time_point deadline) {
  const double target_ns = config.min_sample_time_ms * 1e6;
  int k = 1;
  Clock::time_point now;
  while (k < (1 << 30)) {
    const double per_call_ns = sampler.take(k, now);
    if (per_call_ns * k >= target_ns || now >= deadline) break;
    k *= 2;
  }
  return k;
}

}  // namespace

Measurement run_measurement(Benchmark& benchmark, State& state, const MeasurementConfig& config,
                            const std::atomic<bool>* stop_requested) {
  auto interrupted = [stop_requested] {
    return stop_requested != nullptr && stop_requested->load(std::memory_order_relaxed);
  };
  validate(config);
  Measurement m;
  Sampler sampler(benchmark, state);
  const Clock::time_point started = Clock::now();
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(config.timeout_s));
  Clock::time_point now = started;

  for (int i = 0; i < config.warmup_iterations; ++i) benchmark.run_once(state);
  m.warmup_iterations = config.warmup_iterations;
  for (auto& probe : state.memory_probes()) probe->warmup_done();
  const int k = config.iterations_per_sample > 0 ? config.iterations_per_sample
                                                 : calibrate_iterations(sampler, config, deadline);
  m.iterations_per_sample = k;

  RunningStats running;
  double measured_ns = 0;
  const Clock::time_point sampling_started = Clock::now();
  if (config.mode == SamplingMode::Fixed) {
    // Reserved up front so the loop does not reallocate; capped, since a timeout may end it early.
    m.samples_ns.reserve(static_cast<std::size_t>(std::min(config.iterations, 1 << 20)));
    m.stop_reason = StopReason::FixedCount;
    for (int i = 0; i < config.iterations; ++i) {
      const double sample = sampler.take(k, now);
      m.samples_ns.push_back(sample);
      measured_ns += sample * k;
      if (now >= deadline && i + 1 < config.iterations) {
        m.stop_reason = StopReason::Timeout;
        break;
      }
      if (interrupted()) {
        m.stop_reason = StopReason::Interrupted;
        break;
      }
    }
    for (double sample : m.samples_ns) running.add(sample);
  } else {
    const double budget_ns = config.time_budget_s * 1e9;
    m.samples_ns.reserve(static_cast<std::size_t>(config.min_samples) * 4);
    while (true) {
      const double sample = sampler.take(k, now);
      m.samples_ns.push_back(sample);
      running.add(sample);
      measured_ns += sample * k;
      const auto n = static_cast<int>(m.samples_ns.size());
      if (n >= config.min_samples && running.relative_std_error() < config.target_rse) {
        m.stop_reason = StopReason::NoiseTarget;
        break;
      }
      if (n >= config.max_samples) {
        m.stop_reason = StopReason::MaxSamples;
        break;
      }
      if (measured_ns >= budget_ns) {
        m.stop_reason = StopReason::TimeBudget;
        break;
      }
      if (now >= deadline) {
        m.stop_reason = StopReason::Timeout;
        break;
      }
      if (interrupted()) {
        m.stop_reason = StopReason::Interrupted;
        break;
      }
    }
  }
  m.achieved_rse = running.count() > 1 ? running.relative_std_error() : 0.0;
  m.measured_time_s = measured_ns * 1e-9;
  const Clock::time_point ended = Clock::now();
  m.wall_time_s = ns_between(started, ended) * 1e-9;
  m.sampling_wall_time_s = ns_between(sampling_started, ended) * 1e-9;
  return m;
}

}  // namespace nnbench

// The measurement loop: warm-up, then fixed-count or adaptive sampling. It owns the clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace nnbench {

class Benchmark;
class State;

enum class SamplingMode { Fixed, Adaptive };

// Why sampling stopped; named in every result, as nvbench does.
enum class StopReason {
  FixedCount,   // fixed mode: the requested number of samples was taken
  NoiseTarget,  // adaptive: relative standard error of the mean fell under the target
  MaxSamples,   // adaptive: the sample cap was reached first
  TimeBudget,   // adaptive: the measured time (sum of samples) reached its budget
  Timeout,      // wall-clock limit (measured time plus harness overhead) was reached
  Interrupted,  // the run was asked to stop (Ctrl-C) during sampling
};

std::string to_string(StopReason reason);
std::string to_string(SamplingMode mode);

struct MeasurementConfig {
  int warmup_iterations = 3;
  SamplingMode mode = SamplingMode::Fixed;
  int iterations = 10;  // samples taken in fixed mode
  // run_once() calls timed together as one sample (the sample is their mean). 0 calibrates it
  // so one sample lasts at least min_sample_time_ms, for work far shorter than the clock's cost.
  int iterations_per_sample = 1;
  double min_sample_time_ms = 1.0;
  double target_rse = 0.005;  // adaptive: stop when std/sqrt(n)/mean < this (0.5%)
  int min_samples = 10;       // adaptive: never judge noise on fewer
  int max_samples = 10000;
  double time_budget_s = 10;  // adaptive: measured time cap
  double timeout_s = 60;      // wall-clock cap for one variant's sampling, either mode
};

// Raw outcome of one variant's sampling. Samples are nanoseconds per run_once() call.
struct Measurement {
  std::vector<double> samples_ns;
  StopReason stop_reason = StopReason::FixedCount;
  int warmup_iterations = 0;
  int iterations_per_sample = 1;
  double achieved_rse = 0;
  double measured_time_s = 0;       // sum of timed regions
  double wall_time_s = 0;           // warm-up, calibration and sampling, harness overhead included
  double sampling_wall_time_s = 0;  // the sampling loop alone, harness included
};

// Runs warm-up and sampling of benchmark.run_once(state) with state.timer(). When
// `stop_requested` becomes true, sampling ends after the current sample (StopReason::Interrupted).
// Throws InputError on a config that cannot be honoured (iterations < 1, ...).
Measurement run_measurement(Benchmark& benchmark, State& state, const MeasurementConfig& config,
                            const std::atomic<bool>* stop_requested = nullptr);

// Validates a config; throws InputError naming the field and what was expected.
void validate(const MeasurementConfig& config);

}  // namespace nnbench

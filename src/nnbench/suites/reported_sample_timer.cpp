// Samples measured by a worker process (see reported_sample_timer.hpp).
#include "nnbench/suites/reported_sample_timer.hpp"

#include "nnbench/core/error.hpp"

namespace nnbench::suites {

ReportedSampleTimer::ReportedSampleTimer(std::vector<double> samples_ns, std::string kind)
    : samples_ns_(std::move(samples_ns)), kind_(std::move(kind)) {}

double ReportedSampleTimer::elapsed_ns() {
  if (next_ >= samples_ns_.size()) throw Error("more samples asked than the worker reported");
  return samples_ns_[next_++];
}

void ReportedSampleTimer::fix_sampling(MeasurementConfig& config) const {
  config.mode = SamplingMode::Fixed;
  config.iterations = static_cast<int>(samples_ns_.size());
  config.warmup_iterations = 0;
  config.iterations_per_sample = 1;
}

std::string ReportedSampleTimer::synchronization() const {
  return "the worker's own, around each call (see the timer kind)";
}

}  // namespace nnbench::suites

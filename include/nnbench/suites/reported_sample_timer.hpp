// A timer that hands the harness the samples a worker process measured itself (the framework
// workers: PyTorch, JAX, Keras, ONNX Runtime), one per run_once() call, in order. The benchmark
// sets a fixed sampling of exactly count() iterations, no warm-up (fix_sampling).
#pragma once

#include <string>
#include <vector>

#include "nnbench/core/measurement.hpp"
#include "nnbench/core/timer.hpp"

namespace nnbench::suites {

class ReportedSampleTimer final : public Timer {
 public:
  ReportedSampleTimer(std::vector<double> samples_ns, std::string kind);
  void start() override {}
  void stop() override {}
  // The next reported sample; Error when more are asked than were reported.
  double elapsed_ns() override;
  std::string kind() const override { return kind_; }
  std::string synchronization() const override;
  std::size_t count() const { return samples_ns_.size(); }
  // Sampling of exactly the reported samples, one call each: the worker ran its warm-up and
  // measured iterations already (a benchmark's adjust_measurement).
  void fix_sampling(MeasurementConfig& config) const;

 private:
  std::vector<double> samples_ns_;
  std::string kind_;
  std::size_t next_ = 0;
};

}  // namespace nnbench::suites

// A timer for work that spans the ranks of a job (collectives, data-parallel steps): each sample
// is the slowest rank's time, all-reduced (max) over the job's Gloo group after every sample, so
// every rank records the same samples and adaptive sampling stops at the same count everywhere.
#pragma once

#include <memory>
#include <vector>

#include "nnbench/core/timer.hpp"
#include "nnbench/engine/distributed/process_group.hpp"

namespace nnbench::suites {

class RankMaxTimer final : public Timer {
 public:
  RankMaxTimer(std::unique_ptr<Timer> inner, engine::ProcessGroup& group);

  void start() override { inner_->start(); }
  void stop() override { inner_->stop(); }
  // The inner timer's reading, then the maximum over the ranks (a collective: every rank calls
  // it once per sample). Kept in samples_ns().
  double elapsed_ns() override;
  std::string kind() const override;
  std::string synchronization() const override;

  // Every value elapsed_ns() returned, in order.
  const std::vector<double>& samples_ns() const { return samples_ns_; }

 private:
  std::unique_ptr<Timer> inner_;
  engine::ProcessGroup& group_;
  std::vector<double> samples_ns_;
};

}  // namespace nnbench::suites

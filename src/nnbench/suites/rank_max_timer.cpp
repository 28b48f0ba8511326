// RankMaxTimer: the inner timer's reading, all-reduced (max) over the ranks.
#include "nnbench/suites/rank_max_timer.hpp"

#include <torch/torch.h>

namespace nnbench::suites {

RankMaxTimer::RankMaxTimer(std::unique_ptr<Timer> inner, engine::ProcessGroup& group)
    : inner_(std::move(inner)), group_(group) {}

double RankMaxTimer::elapsed_ns() {
  torch::Tensor elapsed = torch::full({1}, inner_->elapsed_ns(), torch::kFloat64);
  if (group_.size() > 1) group_.all_reduce_max(elapsed);
  const double slowest = elapsed.item<double>();
  samples_ns_.push_back(slowest);
  return slowest;
}

std::string RankMaxTimer::kind() const { return inner_->kind() + ", slowest rank"; }

std::string RankMaxTimer::synchronization() const {
  return inner_->synchronization() +
         "; then the maximum over the ranks, all-reduced over Gloo after every sample";
}

}  // namespace nnbench::suites

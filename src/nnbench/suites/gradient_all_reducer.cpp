// GradientAllReducer: DDP-style buckets, all-reduced from gradient hooks or after backward.
#include "nnbench/suites/gradient_all_reducer.hpp"

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::suites {

GradientAllReducer::GradientAllReducer(std::vector<torch::Tensor> parameters,
                                       engine::ProcessGroup& group, std::int64_t bucket_bytes,
                                       bool overlap)
    : parameters_(std::move(parameters)), group_(group), overlap_(overlap) {
  const std::size_t n = parameters_.size();
  bucket_of_.assign(n, 0);
  offset_.assign(n, 0);
  gradient_seen_.assign(n, false);
  // Reverse order of registration: the last layers' gradients come first in backward. A bucket
  // holds one dtype on one device, and about bucket_bytes (a larger parameter has one alone).
  std::int64_t filled = 0;
  for (std::size_t k = n; k-- > 0;) {
    const torch::Tensor& p = parameters_[k];
    if (!p.requires_grad()) continue;
    const std::int64_t bytes = p.numel() * static_cast<std::int64_t>(p.element_size());
    const bool fits =
        !buckets_.empty() && filled + bytes <= bucket_bytes &&
        parameters_[buckets_.back().members.front()].options().type_equal(p.options());
    if (!fits) {
      buckets_.emplace_back();
      filled = 0;
    }
    Bucket& bucket = buckets_.back();
    bucket_of_[k] = buckets_.size() - 1;
    offset_[k] = filled / static_cast<std::int64_t>(p.element_size());
    bucket.members.push_back(k);
    filled += bytes;
    gradient_bytes_ += bytes;
  }
  for (Bucket& bucket : buckets_) {
    std::int64_t elements = 0;
    for (const std::size_t k : bucket.members) elements += parameters_[k].numel();
    const torch::Tensor& first = parameters_[bucket.members.front()];
    bucket.flat = torch::zeros({elements}, first.options().requires_grad(false));
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (!parameters_[k].requires_grad()) continue;
    hooks_.emplace_back(k, parameters_[k].register_hook([this, k](const torch::Tensor& gradient) {
      on_gradient(k, gradient);
    }));
  }
}

GradientAllReducer::~GradientAllReducer() {
  for (const auto& [parameter, hook] : hooks_) parameters_[parameter].remove_hook(hook);
}

torch::Tensor GradientAllReducer::slot(std::size_t parameter) const {
  const torch::Tensor& p = parameters_[parameter];
  return buckets_[bucket_of_[parameter]].flat.narrow(0, offset_[parameter], p.numel()).view_as(p);
}

void GradientAllReducer::on_gradient(std::size_t parameter, const torch::Tensor& gradient) {
  if (!overlap_ || !enabled_) return;
  if (gradient_seen_[parameter]) {
    throw Error(fmt::format(
        "data-parallel overlap: parameter {} got a second gradient in one backward pass (a "
        "parameter used twice); run with --option ddp_overlap=false",
        parameter));
  }
  gradient_seen_[parameter] = true;
  Bucket& bucket = buckets_[bucket_of_[parameter]];
  slot(parameter).copy_(gradient);
  if (++bucket.ready == bucket.members.size()) start(bucket);
}

void GradientAllReducer::start(Bucket& bucket) {
  bucket.pending = group_.all_reduce_sum_async(bucket.flat);
}

void GradientAllReducer::finish_step() {
  for (Bucket& bucket : buckets_) {
    if (bucket.pending) continue;
    for (const std::size_t k : bucket.members) {
      if (gradient_seen_[k]) continue;
      const torch::Tensor& gradient = parameters_[k].grad();
      if (gradient.defined()) {
        slot(k).copy_(gradient);
      } else {
        slot(k).zero_();
      }
    }
    start(bucket);
  }
  const double ranks = group_.size();
  for (Bucket& bucket : buckets_) {
    bucket.pending->wait();
    bucket.flat.div_(ranks);
    for (const std::size_t k : bucket.members) {
      torch::Tensor& p = parameters_[k];
      if (p.grad().defined()) {
        p.mutable_grad().copy_(slot(k));
      } else {
        p.mutable_grad() = slot(k).clone();
      }
    }
    bucket.pending.reset();
    bucket.ready = 0;
  }
  std::fill(gradient_seen_.begin(), gradient_seen_.end(), false);
}

void GradientAllReducer::all_reduce_buckets() {
  for (Bucket& bucket : buckets_) start(bucket);
  for (Bucket& bucket : buckets_) {
    bucket.pending->wait();
    bucket.pending.reset();
  }
}

}  // namespace nnbench::suites

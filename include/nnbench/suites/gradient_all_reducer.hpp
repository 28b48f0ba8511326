// Data-parallel gradient averaging as PyTorch's DDP reducer does it: the parameters grouped into
// buckets of about `bucket_bytes`, in reverse order of registration (the order backward produces
// their gradients); each bucket one flat buffer, all-reduced as one message. With overlap, a
// bucket's all-reduce starts from a gradient hook as soon as its last gradient is ready, while
// backward goes on with earlier layers; without it, all buckets start after backward.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "nnbench/engine/distributed/process_group.hpp"

namespace nnbench::suites {

class GradientAllReducer {
 public:
  // `parameters` must outlive the reducer; they are the ones that get gradients. Registers the
  // hooks once (they do nothing while overlap is off).
  GradientAllReducer(std::vector<torch::Tensor> parameters, engine::ProcessGroup& group,
                     std::int64_t bucket_bytes, bool overlap);
  ~GradientAllReducer();  // removes the hooks
  GradientAllReducer(const GradientAllReducer&) = delete;
  GradientAllReducer& operator=(const GradientAllReducer&) = delete;

  // After loss.backward(): starts the buckets not started yet, waits for all, and writes the
  // mean over the ranks into every parameter's .grad. A parameter without a gradient (unused in
  // this step) contributes zeros, as DDP's find_unused_parameters does.
  void finish_step();
  // Off: the hooks leave the gradients alone (steps measured without communication).
  void set_enabled(bool enabled) { enabled_ = enabled; }
  // All-reduces every bucket as it is now, outside a step: the communication alone.
  void all_reduce_buckets();

  std::size_t bucket_count() const { return buckets_.size(); }
  std::int64_t gradient_bytes() const { return gradient_bytes_; }

 private:
  struct Bucket {
    std::vector<std::size_t> members;  // indices into parameters_
    torch::Tensor flat;                // the bucket's gradients, one message
    std::size_t ready = 0;
    std::optional<engine::PendingCollective> pending;  // set once its all-reduce started
  };
  void on_gradient(std::size_t parameter, const torch::Tensor& gradient);
  void start(Bucket& bucket);
  torch::Tensor slot(std::size_t parameter) const;

  std::vector<torch::Tensor> parameters_;
  engine::ProcessGroup& group_;
  bool overlap_;
  bool enabled_ = true;
  std::vector<Bucket> buckets_;
  std::vector<std::size_t> bucket_of_;  // per parameter
  std::vector<std::int64_t> offset_;    // per parameter, in its bucket's buffer
  std::vector<bool> gradient_seen_;     // per parameter, this step
  std::int64_t gradient_bytes_ = 0;
  std::vector<std::pair<std::size_t, unsigned>> hooks_;  // parameter, hook handle
};

}  // namespace nnbench::suites

// A c10d process group (PyTorch's distributed engine, as the wheel's LibTorch ships it) over the
// ranks of a job started by nnbench launch, torchrun, or anything that sets torchrun's
// variables: rendezvous through a TCPStore served by rank 0 at MASTER_ADDR:MASTER_PORT (an
// in-process store for a world of one), collectives through Gloo on CPU tensors and, in the cuda
// build, through NCCL on CUDA tensors.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "nnbench/engine/distributed/distributed_environment.hpp"

namespace nnbench::engine {

// Whether this build has Gloo's headers (Debian's libgloo-dev) and so the Gloo process group.
bool gloo_available();

// Whether this build has c10d's NCCL process group (the cuda build).
bool nccl_available();

// A collective started and not yet waited for (all_reduce_sum_async). wait() blocks the host for
// Gloo; for NCCL it makes LibTorch's current CUDA stream wait for the collective's stream.
class PendingCollective {
 public:
  struct Work;
  explicit PendingCollective(std::shared_ptr<Work> work) : work_(std::move(work)) {}
  void wait();

 private:
  std::shared_ptr<Work> work_;
};

class ProcessGroup {
 public:
  // Joins the group: blocks until all world_size ranks have connected, or throws Error after
  // `timeout` naming the address and the ranks expected. UnavailableError without Gloo.
  // `cuda_device` >= 0 adds an NCCL group on that device for CUDA tensors (UnavailableError in
  // the CPU build); its communicator is made at the first CUDA collective.
  ProcessGroup(const DistributedEnvironment& environment, std::chrono::milliseconds timeout,
               int cuda_device = -1);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const;
  int size() const;
  // A group of ranks 0..count-1 of this one, over the same store (no new rendezvous address):
  // called by exactly those ranks, in the same order of calls. The data-parallel suite measures
  // 1..N processes inside one job with it.
  std::unique_ptr<ProcessGroup> first_ranks(int count);
  // "gloo" for CPU tensors, "nccl" for CUDA tensors.
  std::string backend_for(const torch::Tensor& tensor) const;

  // In place: every rank's `tensor` becomes the element-wise sum (max) over the ranks.
  void all_reduce_sum(torch::Tensor& tensor);
  void all_reduce_max(torch::Tensor& tensor);
  PendingCollective all_reduce_sum_async(torch::Tensor& tensor);
  // `gathered` gets size() tensors shaped like `tensor`, rank r's at index r.
  void all_gather(std::vector<torch::Tensor>& gathered, const torch::Tensor& tensor);
  // `output` (size() x input.numel() elements, contiguous) gets every rank's `input`, rank r's
  // at elements [r * n, (r + 1) * n): nccl-tests' all_gather.
  void all_gather_into(torch::Tensor& output, const torch::Tensor& input);
  // `output` (input.numel() / size() elements) gets the sum over the ranks of chunk rank() of
  // `input`: nccl-tests' reduce_scatter.
  void reduce_scatter_sum(torch::Tensor& output, const torch::Tensor& input);
  // In place: every rank's `tensor` becomes rank `root`'s.
  void broadcast(torch::Tensor& tensor, int root);
  void barrier();

 private:
  struct Backend;
  explicit ProcessGroup(std::unique_ptr<Backend> backend);
  std::unique_ptr<Backend> backend_;
};

}  // namespace nnbench::engine

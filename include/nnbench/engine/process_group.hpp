// A c10d process group (PyTorch's distributed engine, as the wheel's LibTorch ships it) over the
// ranks of a job started by nnbench launch, torchrun, or anything that sets torchrun's
// variables: rendezvous through a TCPStore served by rank 0 at MASTER_ADDR:MASTER_PORT,
// collectives through Gloo on CPU tensors.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

namespace nnbench::engine {

struct DistributedEnvironment {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
};

// From RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT; rank 0 of 1 where RANK and
// WORLD_SIZE are unset. Throws InputError naming the variable for a value that is not a number,
// or for a rank outside 0..WORLD_SIZE-1.
DistributedEnvironment distributed_environment_from_env();

// Whether this build has Gloo's headers (Debian's libgloo-dev) and so the Gloo process group.
bool gloo_available();

class ProcessGroup {
 public:
  // Joins the group: blocks until all world_size ranks have connected, or throws Error after
  // `timeout` naming the address and the ranks expected. UnavailableError without Gloo.
  ProcessGroup(const DistributedEnvironment& environment, std::chrono::milliseconds timeout);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const;
  int size() const;

  // In place: every rank's `tensor` becomes the element-wise sum over the ranks.
  void all_reduce_sum(torch::Tensor& tensor);
  // `gathered` gets size() tensors shaped like `tensor`, rank r's at index r.
  void all_gather(std::vector<torch::Tensor>& gathered, const torch::Tensor& tensor);
  // In place: every rank's `tensor` becomes rank `root`'s.
  void broadcast(torch::Tensor& tensor, int root);
  void barrier();

 private:
  struct Backend;
  std::unique_ptr<Backend> backend_;
};

}  // namespace nnbench::engine

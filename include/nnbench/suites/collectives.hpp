// The collectives the allreduce suite measures, with nccl-tests' definitions: the message size
// each is quoted at, the bus-bandwidth factor, and buffers whose result is checked exactly after
// every iteration.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "nnbench/engine/distributed/process_group.hpp"

namespace nnbench::suites {

enum class Collective { AllReduce, AllGather, ReduceScatter, Broadcast };

// "all_reduce", "all_gather", "reduce_scatter", "broadcast"; InputError for anything else.
Collective parse_collective(const std::string& name);
std::string collective_name(Collective collective);

// nccl-tests' bus bandwidth over algorithm bandwidth for `ranks` ranks: all_reduce 2(n-1)/n,
// all_gather and reduce_scatter (n-1)/n, broadcast 1. The figure comparable with the link's
// speed whatever the rank count (nccl-tests' doc/PERFORMANCE.md).
double bus_bandwidth_factor(Collective collective, int ranks);

// One rank's buffers for one collective and message size. Sizes as nccl-tests quotes them:
// all_reduce and broadcast the buffer, all_gather the gathered output, reduce_scatter the input
// being scattered; rounded down to a whole number of elements per rank (at least one).
// Values are small whole numbers weighted by rank, so every dtype's result is exact.
class CollectiveBuffers {
 public:
  CollectiveBuffers(Collective collective, std::int64_t message_bytes, torch::ScalarType dtype,
                    const torch::Device& device, int rank, int ranks);

  Collective collective() const { return collective_; }
  // The size the bandwidths are computed from, after rounding.
  std::int64_t message_bytes() const { return message_bytes_; }
  // Untimed, before an iteration: the in-place buffer gets this rank's values again and the
  // output is poisoned, so a collective that writes nothing cannot pass the check.
  void prepare();
  // The collective, waited for (on a CUDA device: the current stream waits for it).
  void run(engine::ProcessGroup& group);
  // Whether the last run's result equals the expected one element for element; where it does
  // not, `problem` names the first wrong element, its value and the expected one.
  bool result_is_correct(std::string& problem) const;

 private:
  Collective collective_;
  std::int64_t message_bytes_ = 0;
  int rank_ = 0;
  torch::Tensor input_;     // what this rank contributes (in place: also the result)
  torch::Tensor initial_;   // input_'s values before the collective, for prepare()
  torch::Tensor output_;    // all_gather and reduce_scatter; undefined otherwise
  torch::Tensor expected_;  // the result every rank must see
};

}  // namespace nnbench::suites

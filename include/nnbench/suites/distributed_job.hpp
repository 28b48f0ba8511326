// The distributed job this process is a rank of (nnbench launch, torchrun, srun with torchrun's
// variables; a job of one rank where they are unset), its device and its process group.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <torch/types.h>

#include "nnbench/core/option.hpp"
#include "nnbench/engine/distributed/process_group.hpp"

namespace nnbench {
class State;
}

namespace nnbench::suites {

// The rank's device for the run's --device: "cuda" becomes cuda:LOCAL_RANK (one GPU per rank of
// a node, as torchrun's users set it); "cuda:N" and "cpu" stay as given.
torch::Device rank_device(const std::string& run_device,
                          const engine::DistributedEnvironment& environment);

// The process group of the job, joined at the first call and kept for the rest of the process,
// as torch.distributed keeps its default group: every distributed benchmark of a run shares it,
// so the ranks meet at MASTER_ADDR:MASTER_PORT once. Gloo always; NCCL as well where `device` is
// a CUDA device. Option dist_timeout_s=N (default 300) bounds the rendezvous and every
// collective. Throws InputError for a later call on another CUDA device than the first's.
engine::ProcessGroup& job_process_group(const State& state, const torch::Device& device);
// The options job_process_group reads, for the declarations of the benchmarks that call it.
std::vector<Option> distributed_job_options();

}  // namespace nnbench::suites

// Where this process stands in a distributed job, from torchrun's variables (set by nnbench
// launch, torchrun, or by hand under Slurm's srun). Torch-free: the CLI reads it too.
#pragma once

#include <string>

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

}  // namespace nnbench::engine

// Starts the worker processes of one node of a distributed job, as torchrun does: each worker
// gets RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR and MASTER_PORT in
// its environment, so a program written for torchrun, mpirun or Slurm's variables runs unchanged.
// The launcher waits for them all; relays each worker's standard error line by line, prefixed
// with its rank; forwards SIGINT and SIGTERM to them; and when one fails (a non-zero exit or a
// signal) or the job outlives its timeout, stops the rest (SIGTERM, then SIGKILL after a grace
// period) and says which rank failed and with what last message.
#pragma once

#include <string>
#include <vector>

namespace nnbench {

struct LaunchPlan {
  int nproc_per_node = 1;
  int nnodes = 1;
  int node_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::vector<std::string> command;  // argv of every worker, command[0] looked up in PATH
  double timeout_s = 0;              // the whole job; 0: no limit
  double grace_s = 5;                // between SIGTERM and SIGKILL when stopping workers
};

// Throws InputError naming the field for a plan that cannot run (no command, counts < 1, a
// node rank outside 0..nnodes-1, a port outside 1..65535, a negative timeout).
void validate_launch_plan(const LaunchPlan& plan);

// The environment entries ("NAME=value") of one worker, beyond those it inherits: torchrun's
// variables, and, where the launcher's environment has no OMP_NUM_THREADS, an even share of the
// node's cores (at least 1), so N workers' thread pools do not oversubscribe the CPU (torchrun
// sets 1).
std::vector<std::string> worker_environment(const LaunchPlan& plan, int local_rank);

struct WorkerOutcome {
  int rank = 0;
  int exit_code = 0;  // when exited normally
  int signal = 0;     // when killed by a signal (0 otherwise)
  // Signalled by the launcher: another rank failed, time ran out, or it passed a signal on.
  bool stopped = false;
  std::string last_error_line;  // the last non-empty line it wrote to standard error
};

struct LaunchOutcome {
  std::vector<WorkerOutcome> workers;  // by local rank
  bool timed_out = false;
  int forwarded_signal = 0;  // SIGINT or SIGTERM the launcher received and passed on
  // Empty when every worker exited 0; otherwise one line: which rank failed first and how.
  std::string failure;
  // The launcher's exit code: 0; the first failing worker's code (128 + signal when killed);
  // 124 after the timeout; 128 + the forwarded signal.
  int exit_code = 0;
};

// Runs the plan to completion. Throws Error when a worker cannot be started at all (fork or
// pipe failure); a command that is not found is a worker exiting 127.
LaunchOutcome launch_workers(const LaunchPlan& plan);

}  // namespace nnbench

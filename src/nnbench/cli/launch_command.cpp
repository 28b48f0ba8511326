// nnbench launch: the workers of one node of a distributed job (core/worker_launcher.hpp).
#include <fmt/format.h>

#include "nnbench/cli/commands.hpp"

namespace nnbench::cli {

int launch_command(const LaunchCommandOptions& options) {
  const LaunchOutcome outcome = launch_workers(options.plan);
  if (outcome.exit_code != 0) fmt::print(stderr, "nnbench launch: {}\n", outcome.failure);
  return outcome.exit_code;
}

}  // namespace nnbench::cli

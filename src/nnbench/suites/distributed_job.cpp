// The job's process group, made once per process (see distributed_job.hpp).
#include "nnbench/suites/distributed_job.hpp"

#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/state.hpp"
#include "nnbench/engine/runtime/torch_runtime.hpp"

namespace nnbench::suites {

torch::Device rank_device(const std::string& run_device,
                          const engine::DistributedEnvironment& environment) {
  if (run_device == "cuda") {
    return torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(environment.local_rank));
  }
  return engine::resolve_device(run_device);
}

engine::ProcessGroup& job_process_group(const State& state, const torch::Device& device) {
  // Kept until the process exits, on purpose: a group destroyed between benchmarks would close
  // rank 0's store while the other ranks may already be connecting to the next one.
  static std::mutex mutex;
  static engine::ProcessGroup* group = nullptr;
  static int group_cuda_device = -1;
  const std::lock_guard<std::mutex> lock(mutex);
  const int cuda_device = device.is_cuda() ? device.index() : -1;
  if (group != nullptr) {
    if (cuda_device >= 0 && cuda_device != group_cuda_device) {
      throw InputError(fmt::format(
          "this process joined its job's process group on {}, and a later benchmark asks for {}",
          group_cuda_device < 0 ? std::string("the CPU")
                                : fmt::format("cuda:{}", group_cuda_device),
          device.str()));
    }
    return *group;
  }
  const engine::DistributedEnvironment environment = engine::distributed_environment_from_env();
  const auto timeout = std::chrono::seconds(state.options().get_int("dist_timeout_s"));
  group = new engine::ProcessGroup(environment, timeout, cuda_device);
  group_cuda_device = cuda_device;
  return *group;
}

std::vector<Option> distributed_job_options() {
  return {int_option("dist_timeout_s", 300, "seconds the rendezvous and every collective may take",
                     1, 86400)};
}

}  // namespace nnbench::suites

// ProcessGroup over c10d's TCPStore and ProcessGroupGloo (see process_group.hpp). Compiled with
// USE_C10D_GLOO where CMake found Gloo's headers; without them the constructor says so.
#include "nnbench/engine/process_group.hpp"

#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace nnbench::engine {
namespace {

// The variable as an int, `fallback` where it is unset; InputError naming it otherwise.
int integer_variable(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 0 || value > 1'000'000) {
    throw InputError(
        fmt::format("environment variable {}='{}': expected a whole number >= 0", name, text));
  }
  return static_cast<int>(value);
}

}  // namespace

DistributedEnvironment distributed_environment_from_env() {
  DistributedEnvironment environment;
  environment.rank = integer_variable("RANK", 0);
  environment.world_size = integer_variable("WORLD_SIZE", 1);
  environment.local_rank = integer_variable("LOCAL_RANK", environment.rank);
  environment.master_port = integer_variable("MASTER_PORT", environment.master_port);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr != nullptr && *addr != '\0') {
    environment.master_addr = addr;
  }
  if (environment.world_size < 1 || environment.rank >= environment.world_size) {
    throw InputError(fmt::format("environment: RANK={} is outside 0..WORLD_SIZE-1 (WORLD_SIZE={})",
                                 environment.rank, environment.world_size));
  }
  if (environment.master_port < 1 || environment.master_port > 65535) {
    throw InputError(
        fmt::format("environment: MASTER_PORT={} is outside 1..65535", environment.master_port));
  }
  return environment;
}

#ifdef USE_C10D_GLOO

bool gloo_available() { return true; }

struct ProcessGroup::Backend {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ProcessGroup::ProcessGroup(const DistributedEnvironment& environment,
                           std::chrono::milliseconds timeout)
    : backend_(std::make_unique<Backend>()) {
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(environment.master_port);
    options.isServer = environment.rank == 0;
    options.numWorkers = environment.world_size;
    options.timeout = timeout;
    backend_->store = c10::make_intrusive<c10d::TCPStore>(environment.master_addr, options);
    auto gloo = c10d::ProcessGroupGloo::Options::create();
    gloo->timeout = timeout;
    gloo->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForHostname(environment.master_addr));
    backend_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(backend_->store, environment.rank,
                                                                  environment.world_size, gloo);
  } catch (const std::exception& e) {
    throw Error(fmt::format("process group: rank {} of {} could not join through {}:{}: {}",
                            environment.rank, environment.world_size, environment.master_addr,
                            environment.master_port, e.what()));
  }
}

int ProcessGroup::rank() const { return backend_->group->getRank(); }
int ProcessGroup::size() const { return backend_->group->getSize(); }

void ProcessGroup::all_reduce_sum(torch::Tensor& tensor) {
  std::vector<at::Tensor> tensors{tensor};
  backend_->group->allreduce(tensors)->wait();
}

void ProcessGroup::all_gather(std::vector<torch::Tensor>& gathered, const torch::Tensor& tensor) {
  gathered.clear();
  for (int r = 0; r < size(); ++r) gathered.push_back(torch::empty_like(tensor));
  std::vector<std::vector<at::Tensor>> outputs{gathered};
  std::vector<at::Tensor> inputs{tensor};
  backend_->group->allgather(outputs, inputs)->wait();
  gathered = outputs.front();
}

void ProcessGroup::broadcast(torch::Tensor& tensor, int root) {
  std::vector<at::Tensor> tensors{tensor};
  c10d::BroadcastOptions options;
  options.rootRank = root;
  backend_->group->broadcast(tensors, options)->wait();
}

void ProcessGroup::barrier() { backend_->group->barrier()->wait(); }

#else

bool gloo_available() { return false; }

struct ProcessGroup::Backend {};

ProcessGroup::ProcessGroup(const DistributedEnvironment&, std::chrono::milliseconds) {
  throw UnavailableError(
      "process group: this build has no Gloo headers (install Debian's libgloo-dev and "
      "reconfigure)");
}

int ProcessGroup::rank() const { return 0; }
int ProcessGroup::size() const { return 1; }
void ProcessGroup::all_reduce_sum(torch::Tensor&) {}
void ProcessGroup::all_gather(std::vector<torch::Tensor>&, const torch::Tensor&) {}
void ProcessGroup::broadcast(torch::Tensor&, int) {}
void ProcessGroup::barrier() {}

#endif

ProcessGroup::~ProcessGroup() = default;

}  // namespace nnbench::engine

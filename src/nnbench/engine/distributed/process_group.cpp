// ProcessGroup over c10d's stores, ProcessGroupGloo and (cuda build, nccl_backend_cuda.cpp)
// ProcessGroupNCCL; see process_group.hpp. Compiled with USE_C10D_GLOO where CMake found Gloo's
// headers; without them the constructor says so.
#include "nnbench/engine/distributed/process_group.hpp"

#include <map>
#include <string>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

#ifdef USE_C10D_GLOO
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <torch/csrc/distributed/c10d/HashStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "nnbench/engine/distributed/nccl_backend.hpp"
#endif

namespace nnbench::engine {

#ifdef USE_C10D_GLOO

bool gloo_available() { return true; }

struct PendingCollective::Work {
  c10::intrusive_ptr<c10d::Work> work;
};

void PendingCollective::wait() {
  if (work_ && work_->work) work_->work->wait();
}

struct ProcessGroup::Backend {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
  c10::intrusive_ptr<c10d::Backend> nccl;  // null without a CUDA device
  int rank = 0;
  int size = 1;
  int cuda_device = -1;
  std::string address;  // for messages
  std::chrono::milliseconds timeout{0};
  std::map<int, int> subgroups_made;  // by rank count, for their stores' prefixes

  // Gloo (and NCCL where there is a CUDA device) over `store`; Error naming the address.
  void join(const c10::intrusive_ptr<c10d::Store>& over, const std::string& gloo_host) {
    store = over;
    try {
      auto options = c10d::ProcessGroupGloo::Options::create();
      options->timeout = timeout;
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(gloo_host));
      gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
          c10::make_intrusive<c10d::PrefixStore>("gloo", store), rank, size, options);
    } catch (const std::exception& e) {
      throw Error(fmt::format("process group: rank {} of {} could not join through {}: {}", rank,
                              size, address, e.what()));
    }
    if (cuda_device >= 0) {
      nccl = make_nccl_backend(c10::make_intrusive<c10d::PrefixStore>("nccl", store), rank, size,
                               cuda_device, timeout);
    }
  }

  c10d::Backend& for_tensor(const torch::Tensor& tensor) const {
    if (!tensor.is_cuda()) return *gloo;
    if (!nccl) {
      throw UnavailableError(
          "process group: a CUDA tensor, but the group was made without a CUDA device");
    }
    return *nccl;
  }
};

namespace {

// Rank 0's store listens on the master address only (loopback by default), not on every
// interface: the store has no authentication, and c10d's own server would bind `*:port`. The
// socket is made here, bound and listening, and handed to the store (masterListenFd).
int listen_on(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
      status != 0) {
    throw Error(
        fmt::format("process group: master address '{}': {}", host, ::gai_strerror(status)));
  }
  std::string last_error = "no address";
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    const int fd =
        ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) continue;
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, address->ai_addr, address->ai_addrlen) == 0 && ::listen(fd, 512) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  throw Error(
      fmt::format("process group: rank 0 cannot listen on {}:{}: {}", host, port, last_error));
}

}  // namespace

ProcessGroup::ProcessGroup(const DistributedEnvironment& environment,
                           std::chrono::milliseconds timeout, int cuda_device)
    : backend_(std::make_unique<Backend>()) {
  backend_->rank = environment.rank;
  backend_->size = environment.world_size;
  backend_->cuda_device = cuda_device;
  backend_->timeout = timeout;
  backend_->address = fmt::format("{}:{}", environment.master_addr, environment.master_port);
  c10::intrusive_ptr<c10d::Store> store;
  try {
    if (environment.world_size == 1) {
      store = c10::make_intrusive<c10d::HashStore>();  // no rendezvous, no port
    } else {
      c10d::TCPStoreOptions options;
      options.port = static_cast<std::uint16_t>(environment.master_port);
      options.isServer = environment.rank == 0;
      options.numWorkers = environment.world_size;
      options.timeout = timeout;
      if (options.isServer) {
        options.masterListenFd = listen_on(environment.master_addr, environment.master_port);
      }
      store = c10::make_intrusive<c10d::TCPStore>(environment.master_addr, options);
    }
  } catch (const std::exception& e) {
    throw Error(fmt::format("process group: rank {} of {} could not join through {}: {}",
                            environment.rank, environment.world_size, backend_->address, e.what()));
  }
  backend_->join(store,
                 environment.world_size == 1 ? std::string("127.0.0.1") : environment.master_addr);
}

ProcessGroup::ProcessGroup(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

std::unique_ptr<ProcessGroup> ProcessGroup::first_ranks(int count) {
  if (count < 1 || count > size() || rank() >= count) {
    throw Error(fmt::format("process group: rank {} cannot join a group of the first {} of {}",
                            rank(), count, size()));
  }
  const int made = backend_->subgroups_made[count]++;
  auto sub = std::make_unique<Backend>();
  sub->rank = rank();
  sub->size = count;
  sub->cuda_device = backend_->cuda_device;
  sub->timeout = backend_->timeout;
  sub->address = backend_->address;
  const std::string host = backend_->address.substr(0, backend_->address.rfind(':'));
  sub->join(c10::make_intrusive<c10d::PrefixStore>(fmt::format("first{}.{}", count, made),
                                                   backend_->store),
            host);
  return std::unique_ptr<ProcessGroup>(new ProcessGroup(std::move(sub)));
}

int ProcessGroup::rank() const { return backend_->rank; }
int ProcessGroup::size() const { return backend_->size; }

std::string ProcessGroup::backend_for(const torch::Tensor& tensor) const {
  return backend_->for_tensor(tensor).getBackendName();
}

namespace {

c10::intrusive_ptr<c10d::Work> start_all_reduce(c10d::Backend& backend, torch::Tensor& tensor,
                                                c10d::ReduceOp op) {
  std::vector<at::Tensor> tensors{tensor};
  c10d::AllreduceOptions options;
  options.reduceOp = op;
  return backend.allreduce(tensors, options);
}

}  // namespace

void ProcessGroup::all_reduce_sum(torch::Tensor& tensor) {
  start_all_reduce(backend_->for_tensor(tensor), tensor, c10d::ReduceOp::SUM)->wait();
}

void ProcessGroup::all_reduce_max(torch::Tensor& tensor) {
  start_all_reduce(backend_->for_tensor(tensor), tensor, c10d::ReduceOp::MAX)->wait();
}

PendingCollective ProcessGroup::all_reduce_sum_async(torch::Tensor& tensor) {
  auto work = std::make_shared<PendingCollective::Work>();
  work->work = start_all_reduce(backend_->for_tensor(tensor), tensor, c10d::ReduceOp::SUM);
  return PendingCollective(std::move(work));
}

void ProcessGroup::all_gather(std::vector<torch::Tensor>& gathered, const torch::Tensor& tensor) {
  gathered.clear();
  for (int r = 0; r < size(); ++r) gathered.push_back(torch::empty_like(tensor));
  std::vector<std::vector<at::Tensor>> outputs{gathered};
  std::vector<at::Tensor> inputs{tensor};
  backend_->for_tensor(tensor).allgather(outputs, inputs)->wait();
  gathered = outputs.front();
}

void ProcessGroup::all_gather_into(torch::Tensor& output, const torch::Tensor& input) {
  if (output.numel() != input.numel() * size()) {
    throw Error(fmt::format("all_gather_into: output of {} elements for {} ranks of {}",
                            output.numel(), size(), input.numel()));
  }
  at::Tensor in = input;
  backend_->for_tensor(input)._allgather_base(output, in)->wait();
}

void ProcessGroup::reduce_scatter_sum(torch::Tensor& output, const torch::Tensor& input) {
  if (input.numel() != output.numel() * size()) {
    throw Error(fmt::format("reduce_scatter_sum: input of {} elements for {} ranks of {}",
                            input.numel(), size(), output.numel()));
  }
  at::Tensor in = input;
  c10d::ReduceScatterOptions options;
  options.reduceOp = c10d::ReduceOp::SUM;
  backend_->for_tensor(input)._reduce_scatter_base(output, in, options)->wait();
}

void ProcessGroup::broadcast(torch::Tensor& tensor, int root) {
  std::vector<at::Tensor> tensors{tensor};
  c10d::BroadcastOptions options;
  options.rootRank = root;
  backend_->for_tensor(tensor).broadcast(tensors, options)->wait();
}

void ProcessGroup::barrier() { backend_->gloo->barrier()->wait(); }

#else

bool gloo_available() { return false; }

struct PendingCollective::Work {};
void PendingCollective::wait() {}

struct ProcessGroup::Backend {};

ProcessGroup::ProcessGroup(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}
std::unique_ptr<ProcessGroup> ProcessGroup::first_ranks(int) { return nullptr; }

ProcessGroup::ProcessGroup(const DistributedEnvironment&, std::chrono::milliseconds, int) {
  throw UnavailableError(
      "process group: this build has no Gloo headers (install Debian's libgloo-dev and "
      "reconfigure)");
}

int ProcessGroup::rank() const { return 0; }
int ProcessGroup::size() const { return 1; }
std::string ProcessGroup::backend_for(const torch::Tensor&) const { return "none"; }
void ProcessGroup::all_reduce_sum(torch::Tensor&) {}
void ProcessGroup::all_reduce_max(torch::Tensor&) {}
PendingCollective ProcessGroup::all_reduce_sum_async(torch::Tensor&) {
  return PendingCollective({});
}
void ProcessGroup::all_gather(std::vector<torch::Tensor>&, const torch::Tensor&) {}
void ProcessGroup::all_gather_into(torch::Tensor&, const torch::Tensor&) {}
void ProcessGroup::reduce_scatter_sum(torch::Tensor&, const torch::Tensor&) {}
void ProcessGroup::broadcast(torch::Tensor&, int) {}
void ProcessGroup::barrier() {}

#endif

ProcessGroup::~ProcessGroup() = default;

}  // namespace nnbench::engine

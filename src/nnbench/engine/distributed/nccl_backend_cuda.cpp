// make_nccl_backend in the cuda build: c10d's ProcessGroupNCCL, as LibTorch ships it.
#include <c10/cuda/CUDAFunctions.h>
#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/distributed/nccl_backend.hpp"
#include "nnbench/engine/distributed/process_group.hpp"

namespace nnbench::engine {

bool nccl_available() { return true; }

c10::intrusive_ptr<c10d::Backend> make_nccl_backend(const c10::intrusive_ptr<c10d::Store>& store,
                                                    int rank, int size, int device,
                                                    std::chrono::milliseconds timeout) {
  if (device >= static_cast<int>(c10::cuda::device_count())) {
    throw UnavailableError(
        fmt::format("NCCL: rank {} asks for CUDA device {}, and this machine "
                    "has {}",
                    rank, device, static_cast<int>(c10::cuda::device_count())));
  }
  c10::cuda::set_device(static_cast<c10::DeviceIndex>(device));
  auto options = c10d::ProcessGroupNCCL::Options::create();
  options->timeout = timeout;
  return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size, options);
}

}  // namespace nnbench::engine

// The NCCL half of engine::ProcessGroup: c10d's ProcessGroupNCCL in the cuda build
// (nccl_backend_cuda.cpp); in the CPU build (nccl_backend.cpp) it throws UnavailableError.
#pragma once

#include <chrono>

#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

namespace nnbench::engine {

// A ProcessGroupNCCL of `size` ranks on CUDA device `device`, rendezvous through `store`.
c10::intrusive_ptr<c10d::Backend> make_nccl_backend(const c10::intrusive_ptr<c10d::Store>& store,
                                                    int rank, int size, int device,
                                                    std::chrono::milliseconds timeout);

}  // namespace nnbench::engine

// make_nccl_backend in the CPU build: there is no NCCL.
#ifndef NNBENCH_WITH_CUDA
#include "nnbench/engine/distributed/nccl_backend.hpp"

#include "nnbench/core/error.hpp"
#include "nnbench/engine/distributed/process_group.hpp"

namespace nnbench::engine {

bool nccl_available() { return false; }

c10::intrusive_ptr<c10d::Backend> make_nccl_backend(const c10::intrusive_ptr<c10d::Store>&, int,
                                                    int, int, std::chrono::milliseconds) {
  throw UnavailableError("NCCL: this is the CPU build of nnbench (configure with the cuda preset)");
}

}  // namespace nnbench::engine
#endif

// CudaError and check_cuda.
#include "nnbench/engine/runtime/cuda_check.hpp"

#include <fmt/format.h>

namespace nnbench::engine {

CudaError::CudaError(cudaError_t status, std::string_view call, const std::source_location& where)
    : Error(fmt::format("CUDA call {} failed: {} ({}) at {}:{}", call, cudaGetErrorName(status),
                        cudaGetErrorString(status), where.file_name(), where.line())),
      status_(status),
      call_(call),
      file_(where.file_name()),
      line_(where.line()) {}

void check_cuda(cudaError_t status, std::string_view call, const std::source_location& where) {
  if (status == cudaSuccess) return;
  cudaGetLastError();
  throw CudaError(status, call, where);
}

}  // namespace nnbench::engine

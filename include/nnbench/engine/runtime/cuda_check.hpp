// One checker for CUDA runtime calls (nvbench's NVBENCH_CUDA_CALL): a failed call throws
// CudaError naming the call, its file and line, and CUDA's error name and text. CUDA build only.
#pragma once

#include <cuda_runtime_api.h>

#include <source_location>
#include <string>
#include <string_view>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

class CudaError : public Error {
 public:
  CudaError(cudaError_t status, std::string_view call, const std::source_location& where);
  cudaError_t status() const { return status_; }
  const std::string& call() const { return call_; }
  const std::string& file() const { return file_; }
  unsigned line() const { return line_; }

 private:
  cudaError_t status_;
  std::string call_, file_;
  unsigned line_;
};

// Throws CudaError unless status is cudaSuccess. The runtime's last-error slot is cleared first,
// so a later cudaGetLastError() (LibTorch checks it after launches) does not report it again.
void check_cuda(cudaError_t status, std::string_view call,
                const std::source_location& where = std::source_location::current());

}  // namespace nnbench::engine

// NNBENCH_CUDA_CALL(cudaMalloc(&p, n)): the macro only adds the call's text; file and line come
// from std::source_location at the expansion site.
#define NNBENCH_CUDA_CALL(call) ::nnbench::engine::check_cuda((call), #call)

// Backend switches (see backend_settings.hpp).
#include "nnbench/engine/runtime/backend_settings.hpp"

#include <ATen/Context.h>

namespace nnbench::engine {
ScopedBackendSettings::ScopedBackendSettings(const BackendSettings& settings)
    : cudnn_benchmark_(at::globalContext().benchmarkCuDNN()),
      tf32_cublas_(at::globalContext().allowTF32CuBLAS()),
      tf32_cudnn_(at::globalContext().allowTF32CuDNN()) {
  at::Context& context = at::globalContext();
  context.setBenchmarkCuDNN(settings.cudnn_benchmark);
  context.setAllowTF32CuBLAS(settings.tf32);
  context.setAllowTF32CuDNN(settings.tf32);
}

ScopedBackendSettings::~ScopedBackendSettings() {
  at::Context& context = at::globalContext();
  context.setBenchmarkCuDNN(cudnn_benchmark_);
  context.setAllowTF32CuBLAS(tf32_cublas_);
  context.setAllowTF32CuDNN(tf32_cudnn_);
}

}  // namespace nnbench::engine

// LibTorch device, dtype, thread and version helpers.
#include "nnbench/engine/runtime/torch_runtime.hpp"

#include <torch/cuda.h>
#include <torch/version.h>
#ifdef NNBENCH_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <cuda_runtime_api.h>
#endif
#include <ATen/Parallel.h>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/engine/instruments/gpu_inventory.hpp"

namespace nnbench::engine {

torch::Device resolve_device(const std::string& name) {
  std::optional<torch::Device> device;
  try {
    device.emplace(name);
  } catch (const std::exception&) {
    throw InputError(
        fmt::format("device '{}' is not a device name; expected cpu, cuda or cuda:N", name));
  }
  if (device->is_cpu()) return *device;
  if (!device->is_cuda()) {
    throw UnavailableError(
        fmt::format("device '{}' is not supported by nnbench (cpu and cuda are)", name));
  }
  if (!torch::cuda::is_available()) {
    throw UnavailableError(fmt::format("device '{}' requested but no CUDA GPU is available", name));
  }
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (device->has_index() && device->index() >= count) {
    throw UnavailableError(
        fmt::format("device '{}' requested but only {} GPU(s) are visible", name, count));
  }
  return *device;
}

torch::ScalarType parse_dtype(const std::string& name) {
  if (name == "fp32") return torch::kFloat32;
  if (name == "fp16") return torch::kFloat16;
  if (name == "bf16") return torch::kBFloat16;
  throw InputError(fmt::format("dtype '{}' is not supported; expected fp32, fp16 or bf16", name));
}

std::string dtype_name(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat32:
      return "fp32";
    case torch::kFloat16:
      return "fp16";
    case torch::kBFloat16:
      return "bf16";
    default:
      return std::string(c10::toString(type));
  }
}

std::string resolve_auto_device(const std::string& name) {
  if (name != "auto") return name;
  return torch::cuda::is_available() ? "cuda" : "cpu";
}

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

void set_threads(int intra_op_threads) {
  if (intra_op_threads > 0) at::set_num_threads(intra_op_threads);
}

void add_torch_environment(Environment& environment) {
  environment.software["libtorch"] = TORCH_VERSION;
  environment.threads["torch_intra_op"] = std::to_string(at::get_num_threads());
  environment.threads["torch_inter_op"] = std::to_string(at::get_num_interop_threads());
  environment.software["torch_cuda_available"] = torch::cuda::is_available() ? "true" : "false";
#ifdef NNBENCH_WITH_CUDA
  environment.gpus = list_cuda_gpus();
  environment.software["cuda_runtime"] =
      std::to_string(CUDART_VERSION / 1000) + "." + std::to_string((CUDART_VERSION % 1000) / 10);
#endif
}

void release_cached_device_memory() {
#ifdef NNBENCH_WITH_CUDA
  if (torch::cuda::is_available()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

}  // namespace nnbench::engine

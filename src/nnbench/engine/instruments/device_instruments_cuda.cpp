// attach_device_instruments in the cuda build: event timer, allocator probe, NVML monitor and the
// optional L2 flush for a CUDA device; nothing for any other.
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>

#include <array>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/state.hpp"
#include "nnbench/engine/instruments/cuda_event_timer.hpp"
#include "nnbench/engine/instruments/cuda_memory_probe.hpp"
#include "nnbench/engine/instruments/device_instruments.hpp"
#include "nnbench/engine/instruments/l2_flush.hpp"
#include "nnbench/engine/runtime/cuda_check.hpp"

namespace nnbench::engine {
namespace {

int resolve_cuda_index(const std::string& device, int requested) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    cudaGetLastError();
    throw UnavailableError(fmt::format("device '{}' requested but no CUDA GPU is available ({})",
                                       device, cudaGetErrorString(status)));
  }
  const int index = requested >= 0 ? requested : static_cast<int>(c10::cuda::current_device());
  if (index >= count) {
    throw UnavailableError(
        fmt::format("device '{}' requested but only {} GPU(s) are visible", device, count));
  }
  return index;
}

// NVML numbers GPUs its own way (all of them, PCI order); the PCI bus id names the same board
// in both APIs, also under CUDA_VISIBLE_DEVICES.
std::string pci_bus_id(int index) {
  std::array<char, 32> text{};
  NNBENCH_CUDA_CALL(cudaDeviceGetPCIBusId(text.data(), static_cast<int>(text.size()), index));
  return text.data();
}

}  // namespace

DeviceInstruments attach_device_instruments(State& state, const std::string& device) {
  const DeviceInstrumentOptions options = device_instrument_options(state);
  const std::optional<int> requested = parse_cuda_device(device);
  if (!requested) {
    if (options.cold_cache) {
      state.add_note("cold=true has no effect on device '" + device +
                     "': the L2 flush is for CUDA devices");
    }
    return {};
  }
  const int index = resolve_cuda_index(device, *requested);

  state.set_timer(std::make_unique<CudaEventTimer>(index));
  state.add_memory_probe(std::make_unique<CudaAllocatorProbe>(index));

  auto iterations = std::make_shared<IterationCounter>();
  std::shared_ptr<const NvmlLibrary> nvml = NvmlLibrary::load();
  if (nvml->available()) {
    try {
      const NvmlDevice nvml_device = nvml->device_by_pci_bus_id(pci_bus_id(index));
      state.add_memory_probe(std::make_unique<GpuMonitorProbe>(
          state, std::make_unique<GpuMonitor>(nvml, nvml_device, options.monitor_interval),
          iterations));
    } catch (const UnavailableError& e) {
      state.add_note(fmt::format("GPU monitor unavailable: {}", e.what()));
    }
  } else {
    state.add_note(fmt::format("GPU monitor unavailable: {}", nvml->unavailable_reason()));
  }

  if (options.cold_cache) {
    auto flush = std::make_shared<L2Flush>(index);
    state.set_before_sample([flush] { flush->flush(); });
    state.add_note(fmt::format(
        "cold cache: before every sample a {} MiB cudaMemsetAsync evicts the {} MiB L2 (untimed)",
        flush->buffer_bytes() >> 20, flush->l2_bytes() >> 20));
  }
  return DeviceInstruments(std::move(iterations));
}

void attach_device_memory_probe(State& state, const std::string& device) {
  const std::optional<int> requested = parse_cuda_device(device);
  if (!requested) return;
  state.add_memory_probe(
      std::make_unique<CudaAllocatorProbe>(resolve_cuda_index(device, *requested)));
}

}  // namespace nnbench::engine

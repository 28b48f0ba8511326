// One call that equips a benchmark's State for its device: on a CUDA device the CUDA event timer,
// the caching-allocator memory probe, the NVML GPU monitor and (with option cold=true) the L2
// flush before every sample; on the CPU nothing changes. Torch- and CUDA-free, so benches call it
// without #ifdefs; the CPU build compiles a definition that knows no GPU.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnbench/core/option.hpp"
#include "nnbench/engine/instruments/gpu_monitor.hpp"

namespace nnbench {
class State;
}

namespace nnbench::engine {

// Run options (--option KEY=VALUE) the instruments read.
struct DeviceInstrumentOptions {
  bool cold_cache = false;                         // cold=true|false
  std::chrono::milliseconds monitor_interval{50};  // gpu_monitor_interval_ms=N (N >= 1)
};

// The options the instruments read (cold, gpu_monitor_interval_ms), for the declarations of the
// benchmarks that attach them.
std::vector<Option> device_instrument_option_declarations();
// Reads them from the State (declared by its benchmark, validated by the planner).
DeviceInstrumentOptions device_instrument_options(const State& state);

// "cuda" -> -1 (the current CUDA device), "cuda:N" -> N, anything else -> empty (not a CUDA
// device). Throws InputError for "cuda:" followed by something that is not an index.
std::optional<int> parse_cuda_device(const std::string& device);

// The benchmark's handle on what was attached. Cheap to copy; an empty handle (CPU) does nothing.
class DeviceInstruments {
 public:
  DeviceInstruments() = default;
  explicit DeviceInstruments(std::shared_ptr<IterationCounter> iterations)
      : iterations_(std::move(iterations)) {}

  // Counts one run_once() call; the GPU monitor divides the energy it measured by the count
  // (energy_per_iteration_j). One increment, no synchronisation: call it from run_once().
  void count_iteration() {
    if (iterations_) ++iterations_->count;
  }
  bool attached() const { return iterations_ != nullptr; }

 private:
  std::shared_ptr<IterationCounter> iterations_;
};

// Call in Benchmark::setup(), after the device has been resolved. On "cuda"/"cuda:N": sets the
// CUDA event timer, adds the allocator probe and (where NVML loads) the GPU monitor, and with
// cold=true the L2 flush as the before-sample hook; notes say what could not be attached. On any
// other device it leaves the State as it is (a note records a cold=true that cannot apply).
// Throws UnavailableError for a CUDA device in the CPU build or with no GPU present.
DeviceInstruments attach_device_instruments(State& state, const std::string& device);

// Only the caching-allocator probe (device peaks, cudaMemGetInfo) on "cuda"/"cuda:N", for
// benchmarks that time themselves (training epochs); nothing on any other device. Throws
// UnavailableError as attach_device_instruments does.
void attach_device_memory_probe(State& state, const std::string& device);

}  // namespace nnbench::engine

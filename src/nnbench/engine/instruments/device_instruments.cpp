// Option declarations and device parsing for the device instruments, and the CPU build's attach (no
// GPU code); the cuda build's attach is in device_instruments_cuda.cpp.
#include "nnbench/engine/instruments/device_instruments.hpp"

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"
#include "nnbench/core/state.hpp"

namespace nnbench::engine {

std::vector<Option> device_instrument_option_declarations() {
  return {bool_option("cold", false,
                      "flush the GPU's L2 cache before every sample (cold-cache figures; CUDA)"),
          int_option("gpu_monitor_interval_ms", 50,
                     "how often the NVML monitor samples utilisation, clocks and power (CUDA)", 1,
                     60000)};
}

DeviceInstrumentOptions device_instrument_options(const State& state) {
  DeviceInstrumentOptions options;
  options.cold_cache = state.options().get_bool("cold");
  options.monitor_interval =
      std::chrono::milliseconds(state.options().get_int("gpu_monitor_interval_ms"));
  return options;
}

std::optional<int> parse_cuda_device(const std::string& device) {
  if (device == "cuda") return -1;
  if (!device.starts_with("cuda:")) return std::nullopt;
  const std::optional<long long> index = parse_integer(device.substr(5));
  if (!index || *index < 0 || *index > 1 << 20) {
    throw InputError(fmt::format("device '{}': expected cuda or cuda:N", device));
  }
  return static_cast<int>(*index);
}

#ifndef NNBENCH_WITH_CUDA
DeviceInstruments attach_device_instruments(State& state, const std::string& device) {
  const DeviceInstrumentOptions options = device_instrument_options(state);
  if (parse_cuda_device(device)) {
    throw UnavailableError(
        fmt::format("device '{}' needs the cuda build of nnbench (cmake --preset cuda)", device));
  }
  if (options.cold_cache) {
    state.add_note("cold=true has no effect on device '" + device +
                   "': the L2 flush is for CUDA devices");
  }
  return {};
}

void attach_device_memory_probe(State& /*state*/, const std::string& device) {
  if (parse_cuda_device(device)) {
    throw UnavailableError(
        fmt::format("device '{}' needs the cuda build of nnbench (cmake --preset cuda)", device));
  }
}
#endif

}  // namespace nnbench::engine

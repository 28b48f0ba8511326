// Option and device parsing for the device instruments, and the CPU build's attach (no GPU
// code); the cuda build's attach is in device_instruments_cuda.cpp.
#include "nnbench/engine/device_instruments.hpp"

#include <charconv>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/state.hpp"

namespace nnbench::engine {

DeviceInstrumentOptions device_instrument_options(const State& state) {
  DeviceInstrumentOptions options;
  const std::string cold = state.option("cold", "false");
  if (cold == "true" || cold == "1") {
    options.cold_cache = true;
  } else if (cold != "false" && cold != "0") {
    throw InputError(fmt::format("option cold='{}': expected true or false", cold));
  }
  const std::string interval = state.option("gpu_monitor_interval_ms", "50");
  long long interval_ms = 0;
  const auto [end, error] =
      std::from_chars(interval.data(), interval.data() + interval.size(), interval_ms);
  if (error != std::errc{} || end != interval.data() + interval.size() || interval_ms < 1 ||
      interval_ms > 60000) {
    throw InputError(fmt::format(
        "option gpu_monitor_interval_ms='{}': expected an integer from 1 to 60000", interval));
  }
  options.monitor_interval = std::chrono::milliseconds(interval_ms);
  return options;
}

std::optional<int> parse_cuda_device(const std::string& device) {
  if (device == "cuda") return -1;
  if (!device.starts_with("cuda:")) return std::nullopt;
  const std::string index_text = device.substr(5);
  int index = -1;
  const auto [end, error] =
      std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
  if (error != std::errc{} || end != index_text.data() + index_text.size() || index < 0) {
    throw InputError(fmt::format("device '{}': expected cuda or cuda:N", device));
  }
  return index;
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

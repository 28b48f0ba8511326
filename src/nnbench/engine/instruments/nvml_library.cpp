// NVML through dlopen/dlsym: no link-time dependency on the driver's libnvidia-ml.
#include "nnbench/engine/instruments/nvml_library.hpp"

#include <dlfcn.h>

#include <utility>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nvml_api.hpp"

namespace nnbench::engine {

struct NvmlLibrary::Functions {
  nvml_api::InitFn init = nullptr;
  nvml_api::ShutdownFn shutdown = nullptr;
  nvml_api::ErrorStringFn error_string = nullptr;
  nvml_api::GetHandleByIndexFn handle_by_index = nullptr;
  nvml_api::GetHandleByPciBusIdFn handle_by_pci_bus_id = nullptr;
  nvml_api::GetNameFn name = nullptr;
  nvml_api::GetUtilizationRatesFn utilization = nullptr;
  nvml_api::GetMemoryInfoFn memory = nullptr;
  nvml_api::GetPowerUsageFn power = nullptr;
  nvml_api::GetClockInfoFn clock = nullptr;
  nvml_api::GetTemperatureFn temperature = nullptr;
  nvml_api::GetClocksEventReasonsFn clocks_event_reasons = nullptr;  // optional
};

namespace {

template <typename Fn>
bool resolve(void* library, const char* symbol, Fn& target, std::string& missing) {
  // dlsym returns an object pointer; POSIX guarantees it converts to a function pointer.
  target = reinterpret_cast<Fn>(dlsym(library, symbol));
  if (target == nullptr && missing.empty()) missing = symbol;
  return target != nullptr;
}

nvml_api::Device as_device(NvmlDevice device) {
  return static_cast<nvml_api::Device>(device.handle);
}

}  // namespace

namespace {

constexpr std::pair<unsigned long long, const char*> kSlowdowns[] = {
    {nvml_api::kClocksEventHwSlowdown, "HW slowdown"},
    {nvml_api::kClocksEventSwThermalSlowdown, "SW thermal slowdown"},
    {nvml_api::kClocksEventHwThermalSlowdown, "HW thermal slowdown"},
    {nvml_api::kClocksEventHwPowerBrakeSlowdown, "HW power brake slowdown"}};

constexpr unsigned long long slowdown_mask() {
  unsigned long long mask = 0;
  for (const auto& [bit, name] : kSlowdowns) mask |= bit;
  return mask;
}

}  // namespace

bool has_clock_event(unsigned long long reasons, ClockEventKind kind) {
  return (reasons & (kind == ClockEventKind::Slowdown ? slowdown_mask()
                                                      : nvml_api::kClocksEventSwPowerCap)) != 0;
}

std::string clock_event_names(unsigned long long reasons, ClockEventKind kind) {
  if (kind == ClockEventKind::PowerCap) {
    return has_clock_event(reasons, kind) ? "SW power cap" : "";
  }
  std::string names;
  for (const auto& [bit, name] : kSlowdowns) {
    if (!(reasons & bit)) continue;
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

NvmlLibrary::NvmlLibrary() : functions_(std::make_unique<Functions>()) {}

std::shared_ptr<NvmlLibrary> NvmlLibrary::load(const std::string& soname) {
  std::shared_ptr<NvmlLibrary> nvml(new NvmlLibrary());
  nvml->library_ = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (nvml->library_ == nullptr) {
    const char* why = dlerror();
    nvml->fail(fmt::format("cannot load {} (no NVIDIA driver here?): {}", soname,
                           why != nullptr ? why : "dlopen failed"));
    return nvml;
  }
  Functions& f = *nvml->functions_;
  std::string missing;
  resolve(nvml->library_, "nvmlInit_v2", f.init, missing);
  resolve(nvml->library_, "nvmlShutdown", f.shutdown, missing);
  resolve(nvml->library_, "nvmlErrorString", f.error_string, missing);
  resolve(nvml->library_, "nvmlDeviceGetHandleByIndex_v2", f.handle_by_index, missing);
  resolve(nvml->library_, "nvmlDeviceGetHandleByPciBusId_v2", f.handle_by_pci_bus_id, missing);
  resolve(nvml->library_, "nvmlDeviceGetName", f.name, missing);
  resolve(nvml->library_, "nvmlDeviceGetUtilizationRates", f.utilization, missing);
  resolve(nvml->library_, "nvmlDeviceGetMemoryInfo", f.memory, missing);
  resolve(nvml->library_, "nvmlDeviceGetPowerUsage", f.power, missing);
  resolve(nvml->library_, "nvmlDeviceGetClockInfo", f.clock, missing);
  resolve(nvml->library_, "nvmlDeviceGetTemperature", f.temperature, missing);
  std::string optional;
  if (!resolve(nvml->library_, "nvmlDeviceGetCurrentClocksEventReasons", f.clocks_event_reasons,
               optional)) {
    resolve(nvml->library_, "nvmlDeviceGetCurrentClocksThrottleReasons", f.clocks_event_reasons,
            optional);
  }
  if (!missing.empty()) {
    nvml->fail(fmt::format("{} is not NVML: it has no symbol {}", soname, missing));
    return nvml;
  }
  const nvml_api::Return status = f.init();
  if (status != nvml_api::kSuccess) {
    nvml->fail(fmt::format("nvmlInit failed: {}", nvml->error_text(status)));
    return nvml;
  }
  nvml->initialised_ = true;
  return nvml;
}

NvmlLibrary::~NvmlLibrary() {
  if (initialised_) functions_->shutdown();
  if (library_ != nullptr) dlclose(library_);
}

void NvmlLibrary::fail(std::string reason) {
  reason_ = std::move(reason);
  if (library_ != nullptr) {
    dlclose(library_);
    library_ = nullptr;
  }
  *functions_ = Functions{};
}

std::string NvmlLibrary::error_text(int status) const {
  const char* text = functions_->error_string ? functions_->error_string(status) : nullptr;
  return fmt::format("{} (NVML error {})", text != nullptr ? text : "unknown", status);
}

NvmlDevice NvmlLibrary::device_by_pci_bus_id(const std::string& pci_bus_id) const {
  if (!initialised_) throw UnavailableError("NVML is unavailable: " + reason_);
  nvml_api::Device device = nullptr;
  const nvml_api::Return status = functions_->handle_by_pci_bus_id(pci_bus_id.c_str(), &device);
  if (status != nvml_api::kSuccess) {
    throw UnavailableError(
        fmt::format("NVML has no device at PCI bus id {}: {}", pci_bus_id, error_text(status)));
  }
  return NvmlDevice{device};
}

NvmlDevice NvmlLibrary::device_by_index(unsigned int index) const {
  if (!initialised_) throw UnavailableError("NVML is unavailable: " + reason_);
  nvml_api::Device device = nullptr;
  const nvml_api::Return status = functions_->handle_by_index(index, &device);
  if (status != nvml_api::kSuccess) {
    throw UnavailableError(
        fmt::format("NVML has no device with index {}: {}", index, error_text(status)));
  }
  return NvmlDevice{device};
}

std::string NvmlLibrary::device_name(NvmlDevice device) const {
  if (!initialised_) return "unknown";
  char name[nvml_api::kDeviceNameBufferSize] = {};
  if (functions_->name(as_device(device), name, sizeof name) != nvml_api::kSuccess) {
    return "unknown";
  }
  return name;
}

GpuReading NvmlLibrary::read(NvmlDevice device) const {
  GpuReading reading;
  if (!initialised_) return reading;
  const nvml_api::Device handle = as_device(device);
  const Functions& f = *functions_;
  nvml_api::Utilization utilization{};
  if (f.utilization(handle, &utilization) == nvml_api::kSuccess) {
    reading.utilization_pct = utilization.gpu;
  }
  nvml_api::Memory memory{};
  if (f.memory(handle, &memory) == nvml_api::kSuccess) {
    reading.memory_used_bytes = static_cast<double>(memory.used);
  }
  unsigned int value = 0;
  if (f.power(handle, &value) == nvml_api::kSuccess) reading.power_w = value * 1e-3;
  if (f.clock(handle, nvml_api::kClockSm, &value) == nvml_api::kSuccess) {
    reading.sm_clock_mhz = value;
  }
  if (f.temperature(handle, nvml_api::kTemperatureGpu, &value) == nvml_api::kSuccess) {
    reading.temperature_c = value;
  }
  unsigned long long reasons = 0;
  if (f.clocks_event_reasons && f.clocks_event_reasons(handle, &reasons) == nvml_api::kSuccess) {
    reading.clock_event_reasons = reasons;
  }
  return reading;
}

}  // namespace nnbench::engine

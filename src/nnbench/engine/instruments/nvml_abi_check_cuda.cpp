// Compile-time check that nvml_api.hpp (used by the dlopen loader) matches the CUDA toolkit's
// nvml.h: struct layouts, constants and the functions' parameter types. Nothing here runs. Some
// toolkits (pip-assembled ones) ship no nvml.h; there the check is skipped, and the GPU check
// script records whether the header was found.
#if __has_include(<nvml.h>)
#include <nvml.h>

#include <cstddef>
#include <type_traits>
#include <utility>

#include "nvml_api.hpp"

namespace nnbench::engine::nvml_api {
namespace {

template <typename T>
T* ptr() {
  return nullptr;
}

static_assert(sizeof(nvmlReturn_t) == sizeof(Return));
static_assert(NVML_SUCCESS == kSuccess);
static_assert(NVML_ERROR_NOT_SUPPORTED == kErrorNotSupported);
static_assert(NVML_CLOCK_SM == kClockSm);
static_assert(NVML_TEMPERATURE_GPU == kTemperatureGpu);
static_assert(NVML_DEVICE_NAME_V2_BUFFER_SIZE == kDeviceNameBufferSize);
static_assert(sizeof(nvmlClockType_t) == sizeof(int));
static_assert(sizeof(nvmlTemperatureSensors_t) == sizeof(int));
static_assert(std::is_pointer_v<nvmlDevice_t> && sizeof(nvmlDevice_t) == sizeof(Device));

static_assert(sizeof(nvmlUtilization_t) == sizeof(Utilization));
static_assert(offsetof(nvmlUtilization_t, gpu) == offsetof(Utilization, gpu));
static_assert(offsetof(nvmlUtilization_t, memory) == offsetof(Utilization, memory));
static_assert(sizeof(nvmlMemory_t) == sizeof(Memory));
static_assert(offsetof(nvmlMemory_t, total) == offsetof(Memory, total));
static_assert(offsetof(nvmlMemory_t, free) == offsetof(Memory, free));
static_assert(offsetof(nvmlMemory_t, used) == offsetof(Memory, used));

// Each declaration accepts exactly the argument types the loader passes (as nvml.h's types).
static_assert(std::is_same_v<decltype(nvmlInit_v2()), nvmlReturn_t>);
static_assert(std::is_same_v<decltype(nvmlShutdown()), nvmlReturn_t>);
static_assert(std::is_same_v<decltype(nvmlErrorString(NVML_SUCCESS)), const char*>);
static_assert(
    std::is_same_v<decltype(nvmlDeviceGetHandleByIndex_v2(0u, ptr<nvmlDevice_t>())), nvmlReturn_t>);
static_assert(std::is_same_v<decltype(nvmlDeviceGetHandleByPciBusId_v2(ptr<const char>(),
                                                                       ptr<nvmlDevice_t>())),
                             nvmlReturn_t>);
static_assert(
    std::is_same_v<decltype(nvmlDeviceGetName(nvmlDevice_t{}, ptr<char>(), 0u)), nvmlReturn_t>);
static_assert(std::is_same_v<decltype(nvmlDeviceGetUtilizationRates(nvmlDevice_t{},
                                                                    ptr<nvmlUtilization_t>())),
                             nvmlReturn_t>);
static_assert(std::is_same_v<decltype(nvmlDeviceGetMemoryInfo(nvmlDevice_t{}, ptr<nvmlMemory_t>())),
                             nvmlReturn_t>);
static_assert(std::is_same_v<decltype(nvmlDeviceGetPowerUsage(nvmlDevice_t{}, ptr<unsigned int>())),
                             nvmlReturn_t>);
static_assert(std::is_same_v<decltype(nvmlDeviceGetClockInfo(nvmlDevice_t{}, NVML_CLOCK_SM,
                                                             ptr<unsigned int>())),
                             nvmlReturn_t>);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // deprecated in 13.0, still exported
static_assert(std::is_same_v<decltype(nvmlDeviceGetTemperature(nvmlDevice_t{}, NVML_TEMPERATURE_GPU,
                                                               ptr<unsigned int>())),
                             nvmlReturn_t>);
#pragma GCC diagnostic pop

}  // namespace
}  // namespace nnbench::engine::nvml_api
#endif

// The few NVML declarations nnbench uses, copied from the CUDA toolkit's nvml.h (API version 13).
// NVML is reached only through dlopen/dlsym (nvml_library.cpp), so the CPU build, which has no
// CUDA toolkit, compiles the loader too; nvml_abi_check_cuda.cpp checks these against nvml.h in
// the cuda build wherever the toolkit ships it.
#pragma once

namespace nnbench::engine::nvml_api {

using Return = int;                                    // nvmlReturn_t
inline constexpr Return kSuccess = 0;                  // NVML_SUCCESS
inline constexpr Return kErrorNotSupported = 3;        // NVML_ERROR_NOT_SUPPORTED
inline constexpr int kClockSm = 1;                     // NVML_CLOCK_SM
inline constexpr int kTemperatureGpu = 0;              // NVML_TEMPERATURE_GPU
inline constexpr unsigned kDeviceNameBufferSize = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE

// Clock event ("throttle") reasons, bits of nvmlDeviceGetCurrentClocksEventReasons's mask.
inline constexpr unsigned long long kClocksEventGpuIdle = 0x1ULL;
inline constexpr unsigned long long kClocksEventApplicationsClocksSetting = 0x2ULL;
inline constexpr unsigned long long kClocksEventSwPowerCap = 0x4ULL;
inline constexpr unsigned long long kClocksEventHwSlowdown = 0x8ULL;
inline constexpr unsigned long long kClocksEventSyncBoost = 0x10ULL;
inline constexpr unsigned long long kClocksEventSwThermalSlowdown = 0x20ULL;
inline constexpr unsigned long long kClocksEventHwThermalSlowdown = 0x40ULL;
inline constexpr unsigned long long kClocksEventHwPowerBrakeSlowdown = 0x80ULL;
inline constexpr unsigned long long kClocksEventDisplayClockSetting = 0x100ULL;

struct DeviceSt;  // nvmlDevice_st, opaque
using Device = DeviceSt*;

struct Utilization {  // nvmlUtilization_t
  unsigned int gpu;
  unsigned int memory;
};

struct Memory {  // nvmlMemory_t (v1)
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

// Exported symbol name -> signature. The _v2 names are what nvml.h's macros resolve to.
using InitFn = Return (*)();                                      // nvmlInit_v2
using ShutdownFn = Return (*)();                                  // nvmlShutdown
using ErrorStringFn = const char* (*)(Return);                    // nvmlErrorString
using GetHandleByIndexFn = Return (*)(unsigned int, Device*);     // ..ByIndex_v2
using GetHandleByPciBusIdFn = Return (*)(const char*, Device*);   // ..ByPciBusId_v2
using GetNameFn = Return (*)(Device, char*, unsigned int);        // nvmlDeviceGetName
using GetUtilizationRatesFn = Return (*)(Device, Utilization*);   // ..UtilizationRates
using GetMemoryInfoFn = Return (*)(Device, Memory*);              // ..GetMemoryInfo
using GetPowerUsageFn = Return (*)(Device, unsigned int*);        // milliwatts
using GetClockInfoFn = Return (*)(Device, int, unsigned int*);    // MHz
using GetTemperatureFn = Return (*)(Device, int, unsigned int*);  // degrees C
// nvmlDeviceGetCurrentClocksEventReasons (NVML 12.2+), else its older name
// nvmlDeviceGetCurrentClocksThrottleReasons; optional: without it no reasons are read.
using GetClocksEventReasonsFn = Return (*)(Device, unsigned long long*);

}  // namespace nnbench::engine::nvml_api

// NVML (the NVIDIA Management Library) loaded at run time with dlopen, so a machine without the
// NVIDIA driver still runs nnbench and reports the GPU monitor as unavailable. Torch- and
// CUDA-free: it builds in the CPU build too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace nnbench::engine {

// One reading of a GPU's sensors. A quantity the device does not report is empty.
struct GpuReading {
  std::optional<double> utilization_pct;    // share of the last sample period a kernel ran, 0-100
  std::optional<double> memory_used_bytes;  // device memory in use, all processes
  std::optional<double> power_w;            // board power draw (the driver's average)
  std::optional<double> sm_clock_mhz;       // current SM clock
  std::optional<double> temperature_c;      // GPU die temperature
  // Why the clocks are below their maximum now: NVML's clock event reasons mask (idle, power
  // cap, thermal or hardware slowdown, ...); clock_slowdown_names() names its bits.
  std::optional<unsigned long long> clock_event_reasons;
};

// The slowdowns in a clock event reasons mask, named ("HW thermal slowdown, SW power cap"):
// `kind` Slowdown names thermal and hardware slowdowns only (the clocks were forced down), Cap the
// software power cap only (the board held at its power limit, normal under full load).
enum class ClockEventKind { Slowdown, PowerCap };
std::string clock_event_names(unsigned long long reasons, ClockEventKind kind);
// Whether the mask holds any reason of `kind` (a bit test, no names built).
bool has_clock_event(unsigned long long reasons, ClockEventKind kind);

// An NVML device handle; valid while the NvmlLibrary that made it lives.
struct NvmlDevice {
  void* handle = nullptr;
};

// A loaded and initialised NVML. NVML is thread-safe: read() may be called from a monitor thread
// while another thread holds the library.
class NvmlLibrary {
 public:
  // dlopen(soname), resolve the functions, nvmlInit. Never throws: when any step fails the result
  // is !available() and unavailable_reason() says which step and why.
  static std::shared_ptr<NvmlLibrary> load(const std::string& soname = "libnvidia-ml.so.1");

  ~NvmlLibrary();
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  bool available() const { return initialised_; }
  const std::string& unavailable_reason() const { return reason_; }

  // Handles by PCI bus id ("00000000:3B:00.0", as cudaDeviceGetPCIBusId writes it; NVML's index
  // order can differ from CUDA's) or by NVML index. Throw UnavailableError naming the device and
  // NVML's error text when NVML does not know it, or when the library is unavailable.
  NvmlDevice device_by_pci_bus_id(const std::string& pci_bus_id) const;
  NvmlDevice device_by_index(unsigned int index) const;
  std::string device_name(NvmlDevice device) const;

  // Reads all sensors once (about 0.1-1 ms). Quantities the device cannot report are left empty.
  GpuReading read(NvmlDevice device) const;

 private:
  struct Functions;
  NvmlLibrary();
  void fail(std::string reason);
  std::string error_text(int status) const;

  void* library_ = nullptr;  // dlopen handle
  std::unique_ptr<Functions> functions_;
  bool initialised_ = false;
  std::string reason_;
};

}  // namespace nnbench::engine

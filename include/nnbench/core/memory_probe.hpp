// Memory figures around a measured region: host RSS here, device allocator peaks in the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nnbench {

// Process memory read from /proc/self/status (VmRSS, VmHWM) and getrusage.
struct ProcessMemory {
  std::int64_t rss_bytes = 0;       // resident set now
  std::int64_t peak_rss_bytes = 0;  // high-water mark since start or the last reset
};

ProcessMemory read_process_memory();

// Resets the kernel's RSS high-water mark (writes 5 to /proc/self/clear_refs), so the next peak
// is this region's own. Returns false where the kernel does not allow it; the peak then covers
// the whole process lifetime and the result says so.
bool reset_peak_rss();

// One named memory figure a probe reports, in bytes.
struct MemoryFigure {
  std::string name;  // e.g. "peak_rss_bytes", "device_peak_allocated_bytes"
  std::int64_t bytes = 0;
};

// A source of memory figures around one variant. The runner calls begin() after set-up and
// end() after the measured iterations. Host RSS is always probed; the cuda build adds the caching
// allocator's peaks through this interface.
class MemoryProbe {
 public:
  virtual ~MemoryProbe() = default;
  virtual void begin() = 0;
  // Called once between the warm-up and the first measured sample. Peaks keep the warm-up (the
  // workspaces it allocates stay in use); a probe of rates over the measured work (power, energy
  // per iteration) restarts its window here, so that one-off warm-up work (cuDNN autotuning)
  // does not count against the iterations measured.
  virtual void warmup_done() {}
  virtual std::vector<MemoryFigure> end() = 0;
  virtual std::string name() const = 0;
};

// Host memory: peak RSS during the variant, RSS delta (end - begin), RSS at the end.
class ProcessMemoryProbe final : public MemoryProbe {
 public:
  void begin() override;
  std::vector<MemoryFigure> end() override;
  std::string name() const override { return "process_rss"; }
  bool peak_is_since_process_start() const { return !peak_reset_; }

 private:
  ProcessMemory at_begin_{};
  bool peak_reset_ = false;
};

// Figures measured elsewhere and handed over whole (a framework's worker process reports its own
// memory over its training): begin() does nothing, end() returns them.
class ReportedMemoryProbe final : public MemoryProbe {
 public:
  ReportedMemoryProbe(std::vector<MemoryFigure> figures, std::string name)
      : figures_(std::move(figures)), name_(std::move(name)) {}
  void begin() override {}
  std::vector<MemoryFigure> end() override { return figures_; }
  std::string name() const override { return name_; }

 private:
  std::vector<MemoryFigure> figures_;
  std::string name_;
};

}  // namespace nnbench

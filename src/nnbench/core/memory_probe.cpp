// Process memory from /proc/self/status and getrusage, and the host RSS probe.
#include "nnbench/core/memory_probe.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace nnbench {
namespace {

// "VmRSS:    1234 kB" -> bytes; 0 when absent.
std::int64_t status_field_bytes(const std::string& status_text, const std::string& key) {
  const auto pos = status_text.find(key + ":");
  if (pos == std::string::npos) return 0;
  return std::stoll(status_text.substr(pos + key.size() + 1)) * 1024;
}

}  // namespace

ProcessMemory read_process_memory() {
  std::ifstream in("/proc/self/status");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ProcessMemory memory;
  memory.rss_bytes = status_field_bytes(text, "VmRSS");
  memory.peak_rss_bytes = status_field_bytes(text, "VmHWM");
  if (memory.peak_rss_bytes == 0) {
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) memory.peak_rss_bytes = usage.ru_maxrss * 1024;
  }
  memory.peak_rss_bytes = std::max(memory.peak_rss_bytes, memory.rss_bytes);
  return memory;
}

bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

void ProcessMemoryProbe::begin() {
  peak_reset_ = reset_peak_rss();
  at_begin_ = read_process_memory();
}

std::vector<MemoryFigure> ProcessMemoryProbe::end() {
  const ProcessMemory now = read_process_memory();
  return {{"peak_rss_bytes", now.peak_rss_bytes},
          {"rss_delta_bytes", now.rss_bytes - at_begin_.rss_bytes},
          {"rss_bytes", now.rss_bytes}};
}

}  // namespace nnbench

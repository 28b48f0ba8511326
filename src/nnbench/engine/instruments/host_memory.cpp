// Available host memory (see host_memory.hpp).
#include "nnbench/engine/instruments/host_memory.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::engine {

std::optional<std::int64_t> host_available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream fields(line);
    std::string key;
    std::int64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

void check_host_memory(const std::string& what, std::int64_t needed_bytes) {
  const std::optional<std::int64_t> available = host_available_bytes();
  if (available && needed_bytes > *available) {
    throw Error(fmt::format(
        "{} needs {:.1f} GB of memory but the host has only {:.1f} GB available", what,
        static_cast<double>(needed_bytes) / 1e9, static_cast<double>(*available) / 1e9));
  }
}

}  // namespace nnbench::engine

// Fixed glibc malloc thresholds (see host_allocator.hpp).
#include "nnbench/core/host_allocator.hpp"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nnbench {
namespace {

constexpr int kMmapThresholdBytes = 32 << 20;  // glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
constexpr int kTrimThresholdBytes = 64 << 20;  // twice that, as glibc's dynamic rule sets it

bool user_set_thresholds() {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_")) return true;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  return tunables &&
         (std::strstr(tunables, "mmap_threshold") || std::strstr(tunables, "trim_threshold"));
}

}  // namespace

std::string fix_host_allocator_thresholds() {
#if defined(__GLIBC__)
  if (user_set_thresholds()) return "glibc malloc: thresholds set by the user's environment";
  if (mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes) != 1 ||
      mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes) != 1) {
    return "glibc malloc: dynamic thresholds (fixing them failed)";
  }
  return "glibc malloc: mmap threshold 32 MiB, trim threshold 64 MiB (fixed by nnbench)";
#else
  return "not glibc: the C library's default";
#endif
}

std::vector<std::string> host_allocator_environment() {
#if defined(__GLIBC__)
  if (user_set_thresholds()) return {};
  return {"MALLOC_MMAP_THRESHOLD_=" + std::to_string(kMmapThresholdBytes),
          "MALLOC_TRIM_THRESHOLD_=" + std::to_string(kTrimThresholdBytes)};
#else
  return {};
#endif
}

}  // namespace nnbench

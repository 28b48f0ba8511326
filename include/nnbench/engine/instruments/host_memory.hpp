// Memory the operating system can still give this process, so that a model too large for the
// machine is refused with a message instead of being killed by the kernel's out-of-memory killer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nnbench::engine {

// MemAvailable from /proc/meminfo, in bytes; nullopt where it cannot be read.
std::optional<std::int64_t> host_available_bytes();

// Throws Error "<what> needs X GB ... only Y GB available" when `needed_bytes` exceeds what is
// available on the host (never when that is unknown).
void check_host_memory(const std::string& what, std::int64_t needed_bytes);

}  // namespace nnbench::engine

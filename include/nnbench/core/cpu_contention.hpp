// CPU time other processes take while a variant runs: the machine's busy time (/proc/stat) minus
// this process's own and its reaped children's (/proc/self/stat), over the wall time, in cores.
// A benchmark next to a busy process can be slowed many times over with nothing in its own
// figures to show it; the runner records this figure for every variant and notes contention.
#pragma once

#include <cstdint>
#include <optional>

namespace nnbench {

// Cumulative CPU time counters, in clock ticks (USER_HZ).
struct CpuTimes {
  std::uint64_t machine_busy = 0;  // every CPU: user, nice, system, irq, softirq, steal
  std::uint64_t own = 0;     // this process and its reaped children: utime, stime, cutime, cstime
  std::int64_t wall_ns = 0;  // steady clock at the reading
};

// Reads the counters; nullopt where /proc is not readable.
std::optional<CpuTimes> read_cpu_times();

// The average number of cores other processes kept busy between two readings (>= 0).
double other_processes_cores(const CpuTimes& begin, const CpuTimes& end);

// From this average up, the runner adds a contention note to the variant.
inline constexpr double kContentionCores = 0.25;

}  // namespace nnbench

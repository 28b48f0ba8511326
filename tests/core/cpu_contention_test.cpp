// Other processes' CPU load: the arithmetic on two readings, and that this machine can be read.
#include "nnbench/core/cpu_contention.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

namespace nnbench {
namespace {

TEST(CpuContention, OtherProcessesCores_IsTheMachinesBusyTimeLessOurOwn_PerSecond) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const CpuTimes begin{1000, 300, 0};
  // 2 s later: the machine was busy 3 cores' worth, this process 1 core's.
  const CpuTimes end{1000 + static_cast<std::uint64_t>(6 * ticks),
                     300 + static_cast<std::uint64_t>(2 * ticks), 2'000'000'000};
  EXPECT_NEAR(other_processes_cores(begin, end), 2.0, 1e-9);
  // Never negative (the counters are read at slightly different moments).
  const CpuTimes busier_self{begin.machine_busy + 10, begin.own + 50, end.wall_ns};
  EXPECT_EQ(other_processes_cores(begin, busier_self), 0.0);
  EXPECT_EQ(other_processes_cores(begin, begin), 0.0);
}

TEST(CpuContention, ReadsThisMachinesCounters) {
  const std::optional<CpuTimes> times = read_cpu_times();
  ASSERT_TRUE(times.has_value()) << "/proc/stat or /proc/self/stat unreadable";
  EXPECT_GT(times->machine_busy, 0u);
  EXPECT_GE(times->machine_busy, times->own);
}

}  // namespace
}  // namespace nnbench

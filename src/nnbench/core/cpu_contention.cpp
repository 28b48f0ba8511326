// Other processes' CPU load during a variant (see cpu_contention.hpp).
#include "nnbench/core/cpu_contention.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "nnbench/core/timer.hpp"

namespace nnbench {
namespace {

// The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal ...
std::optional<std::uint64_t> machine_busy_ticks() {
  std::ifstream stat("/proc/stat");
  std::string label;
  std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                steal = 0;
  if (!(stat >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      label != "cpu") {
    return std::nullopt;
  }
  return user + nice + system + irq + softirq + steal;
}

// Fields 14-17 of /proc/self/stat: utime stime cutime cstime. The command name (field 2) may
// hold spaces and parentheses, so the fields are counted from its closing parenthesis.
std::optional<std::uint64_t> own_ticks() {
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  std::uint64_t total = 0;
  for (int index = 3; index <= 17 && fields >> field; ++index) {
    if (index >= 14) {
      try {
        total += static_cast<std::uint64_t>(std::stoll(field));
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  }
  return total;
}

}  // namespace

std::optional<CpuTimes> read_cpu_times() {
  const std::optional<std::uint64_t> busy = machine_busy_ticks();
  const std::optional<std::uint64_t> own = own_ticks();
  if (!busy || !own) return std::nullopt;
  return CpuTimes{*busy, *own, steady_now_ns()};
}

double other_processes_cores(const CpuTimes& begin, const CpuTimes& end) {
  const double wall_s = static_cast<double>(end.wall_ns - begin.wall_ns) * 1e-9;
  if (wall_s <= 0) return 0;
  const double ticks_per_s = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double busy = static_cast<double>(end.machine_busy - begin.machine_busy);
  const double own = static_cast<double>(end.own - begin.own);
  return std::max(0.0, (busy - own) / ticks_per_s / wall_s);
}

}  // namespace nnbench

// Host facts for the context block of every result file: /proc, sysfs, uname, git.
#include "nnbench/core/environment.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace nnbench {
namespace {

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\n\"");
  const auto last = text.find_last_not_of(" \t\n\"");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return trim(line);
}

// Value of "key<sep>value" lines, e.g. /proc/cpuinfo's "model name : ...".
std::string find_key(const std::string& path, const std::string& key, char separator) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto pos = line.find(separator);
    if (pos != std::string::npos && trim(line.substr(0, pos)) == key)
      return trim(line.substr(pos + 1));
  }
  return "";
}

// Parses sysfs cache sizes such as "48K" or "2048K" or "32M".
std::int64_t parse_size(const std::string& text) {
  if (text.empty()) return 0;
  std::int64_t value = 0;
  std::size_t used = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return 0;
  }
  const char suffix = used < text.size() ? text[used] : ' ';
  if (suffix == 'K') return value * 1024;
  if (suffix == 'M') return value * 1024 * 1024;
  return value;
}

// Runs a command and returns its stdout with the trailing newline removed; empty on failure.
std::string run_command(const std::string& command) {
  std::array<char, 256> buffer{};
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  while (fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  if (pclose(pipe) != 0) return "";
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output;
}

int count_physical_cores() {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::string> cores;
  std::string physical_id;
  for (std::string line; std::getline(in, line);) {
    const auto pos = line.find(':');
    if (pos == std::string::npos) continue;
    const std::string key = trim(line.substr(0, pos));
    if (key == "physical id") physical_id = trim(line.substr(pos + 1));
    if (key == "core id") cores.insert(physical_id + ":" + trim(line.substr(pos + 1)));
  }
  return static_cast<int>(cores.size());
}

std::vector<CpuCache> read_caches() {
  std::vector<CpuCache> caches;
  for (int index = 0; index < 8; ++index) {
    const std::string dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/", index);
    const std::string level = read_first_line(dir + "level");
    if (level.empty()) break;
    CpuCache cache;
    cache.level = std::atoi(level.c_str());
    cache.type = read_first_line(dir + "type");
    cache.size_bytes = parse_size(read_first_line(dir + "size"));
    caches.push_back(cache);
  }
  return caches;
}

std::string format_utc(const char* format) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), format, &utc);
  return text.data();
}

}  // namespace

Environment capture_environment() {
  Environment env;
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) == 0) env.hostname = host.data();
  env.cpu_model = find_key("/proc/cpuinfo", "model name", ':');
  env.logical_cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  env.physical_cores = count_physical_cores();
  if (env.physical_cores == 0) env.physical_cores = env.logical_cores;
  const std::string mem_kib = find_key("/proc/meminfo", "MemTotal", ':');
  env.memory_total_bytes = mem_kib.empty() ? 0 : std::stoll(mem_kib) * 1024;
  env.caches = read_caches();
  env.os = find_key("/etc/os-release", "PRETTY_NAME", '=');
  utsname uts{};
  if (uname(&uts) == 0) {
    env.kernel = std::string(uts.sysname) + " " + uts.release;
    env.arch = uts.machine;
  }
  env.compiler = NNBENCH_COMPILER;
  env.cxx_flags = trim(NNBENCH_CXX_FLAGS);
  env.build_type = NNBENCH_BUILD_TYPE;
#ifdef NDEBUG
  env.debug_build = env.build_type == "Debug";
#else
  env.debug_build = true;  // assertions are compiled in
#endif
  env.nnbench_version = NNBENCH_VERSION;
  const std::string source_dir = NNBENCH_SOURCE_DIR;
  env.git_commit = run_command("git -C '" + source_dir + "' rev-parse HEAD 2>/dev/null");
  if (!env.git_commit.empty()) {
    env.git_dirty = !run_command("git -C '" + source_dir +
                                 "' status --porcelain --untracked-files=no 2>/dev/null")
                         .empty();
  }
  std::istringstream load(read_first_line("/proc/loadavg"));
  load >> env.load_average_1m;
  return env;
}

std::string utc_timestamp_iso8601() { return format_utc("%Y-%m-%dT%H:%M:%SZ"); }

std::string utc_timestamp_compact() { return format_utc("%Y%m%dT%H%M%SZ"); }

std::string fnv1a_hex(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

}  // namespace nnbench

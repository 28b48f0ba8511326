// `nnbench env`: the environment block a run records, printed for a quick look.
#include <algorithm>

#include <fmt/format.h>

#include "nnbench/cli/commands.hpp"
#include "nnbench/engine/runtime/runtime.hpp"

namespace nnbench::cli {

int env_command() {
  Environment env = capture_environment();
  engine::add_torch_environment(env);
  fmt::print("host        {}\ncpu         {} ({} logical / {} physical cores)\n", env.hostname,
             env.cpu_model, env.logical_cores, env.physical_cores);
  fmt::print("memory      {:.1f} GiB\nos          {} ({}, {})\n",
             static_cast<double>(env.memory_total_bytes) / (1 << 30), env.os, env.kernel, env.arch);
  for (const CpuCache& cache : env.caches) {
    fmt::print("cache       L{} {} {} KiB\n", cache.level, cache.type, cache.size_bytes / 1024);
  }
  fmt::print("compiler    {} [{}]\nbuild       {}{}\n", env.compiler, env.cxx_flags, env.build_type,
             env.debug_build ? "  (DEBUG BUILD: timings are not representative)" : "");
  fmt::print("nnbench     {} (git {}{})\n", env.nnbench_version,
             env.git_commit.empty() ? "unknown" : env.git_commit.substr(0, 12),
             env.git_dirty ? ", dirty" : "");
  // Names longer than the first column keep one space before their value.
  std::size_t width = 12;
  for (const auto& [name, value] : env.software) width = std::max(width, name.size() + 1);
  for (const auto& [name, value] : env.threads) width = std::max(width, name.size() + 1);
  for (const auto& [name, version] : env.software) fmt::print("{:<{}}{}\n", name, width, version);
  for (const auto& [name, count] : env.threads) fmt::print("{:<{}}{}\n", name, width, count);
  for (const GpuInfo& gpu : env.gpus) {
    fmt::print("gpu {}       {} ({:.1f} GiB, sm {})\n", gpu.index, gpu.name,
               static_cast<double>(gpu.memory_total_bytes) / (1 << 30), gpu.compute_capability);
  }
  return 0;
}

}  // namespace nnbench::cli

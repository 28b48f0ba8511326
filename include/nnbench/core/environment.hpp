// What a result was measured on: machine, software, build, and the run's own identity.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nnbench {

struct CpuCache {
  int level = 0;
  std::string type;  // "Data", "Instruction", "Unified"
  std::int64_t size_bytes = 0;
};

struct GpuInfo {
  int index = 0;
  std::string name;
  std::int64_t memory_total_bytes = 0;
  std::string compute_capability;  // "9.0"
  std::string driver_version;
};

struct Environment {
  std::string hostname;
  std::string cpu_model;
  int logical_cores = 0;
  int physical_cores = 0;
  std::int64_t memory_total_bytes = 0;
  std::vector<CpuCache> caches;
  std::string os;      // PRETTY_NAME of /etc/os-release
  std::string kernel;  // uname -sr
  std::string arch;    // uname -m
  std::string compiler;
  std::string cxx_flags;
  std::string build_type;    // Release, Debug, ...
  bool debug_build = false;  // assertions or no optimisation: figures are not representative
  std::string nnbench_version;
  std::string git_commit;  // of the nnbench source tree; empty when unknown
  bool git_dirty = false;
  double load_average_1m = 0;
  std::map<std::string, std::string> software;  // e.g. libtorch -> 2.11.0, cuda -> 13.0
  std::map<std::string, std::string> threads;   // e.g. torch_intra_op -> 2
  std::vector<GpuInfo> gpus;
};

// Reads the host facts (/proc, uname, sysfs caches, git). Layers above add software versions,
// thread counts and GPUs. Never throws: unknown fields stay empty.
Environment capture_environment();

// UTC time as ISO 8601 with seconds and a Z, e.g. 2026-11-23T11:40:02Z.
std::string utc_timestamp_iso8601();
// UTC time for directory names: 20261123T114002Z.
std::string utc_timestamp_compact();

// FNV-1a 64-bit hash as 16 hex digits; used for the config hash of a run.
std::string fnv1a_hex(const std::string& text);

}  // namespace nnbench

// Reads result files (schema_version 1) back into Results, for compare, history and report.
#pragma once

#include <filesystem>
#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench::report {

struct LoadedRun {
  RunInfo run_info;             // from the first file read
  std::vector<Result> results;  // in file order, then the order of variant records
  std::vector<std::filesystem::path> files;
};

// One per-benchmark result file. Throws InputError naming the file when it is missing, is not
// valid JSON, has no or another schema_version, or lacks a field / has one of the wrong type
// (with its JSON path).
LoadedRun read_result_file(const std::filesystem::path& path);

// Every `*.json` in `dir` except summary.json (and hidden files), in name order. Throws
// InputError when `dir` is not a directory or holds no result file, or as read_result_file.
LoadedRun read_result_directory(const std::filesystem::path& dir);

// A file or a run directory, whichever `path` is: what `nnbench compare A B` accepts.
LoadedRun read_results(const std::filesystem::path& path);

}  // namespace nnbench::report

// The primary result format: one `<benchmark>.json` per benchmark (docs/result-format.md,
// docs/result.schema.json). Everything else (compare, history) reads these files back.
#pragma once

#include <string>
#include <vector>

#include "nnbench/report/writer.hpp"

namespace nnbench::report {

// The file name of a benchmark's result file: the name with characters outside [A-Za-z0-9._-]
// replaced by '_', plus ".json"; a benchmark called "summary" gets "summary.benchmark.json" so it
// cannot clash with summary.json.
std::string result_file_name(const std::string& benchmark);

// Results grouped by benchmark, in order of first appearance.
std::vector<std::vector<Result>> group_by_benchmark(const std::vector<Result>& results);

class JsonWriter final : public Writer {
 public:
  std::string name() const override { return "json"; }
  // Throws std::logic_error when two benchmarks map to the same file name.
  void write(const std::vector<Result>& results, const RunInfo& run_info,
             const std::filesystem::path& dir) const override;
};

}  // namespace nnbench::report

// summary.json.
#include "nnbench/report/summary_writer.hpp"

#include <optional>

#include "nnbench/report/json_writer.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/result_row.hpp"

namespace nnbench::report {
namespace {

ordered_json optional_number(const std::optional<double>& value) {
  return value ? json_number(*value) : ordered_json(nullptr);
}

}  // namespace

ordered_json summary_to_json(const std::vector<Result>& results, const RunInfo& run_info) {
  ordered_json counts = {
      {"total", results.size()}, {"ok", 0}, {"failed", 0}, {"skipped", 0}, {"unavailable", 0}};
  ordered_json rows = ordered_json::array();
  for (const Result& result : results) {
    const std::string status = to_string(result.status);
    counts[status] = counts[status].get<int>() + 1;
    const ResultRow row = make_result_row(result, run_info);
    rows.push_back({{"benchmark", row.benchmark},
                    {"variant", row.variant},
                    {"status", row.status},
                    {"reason", row.reason},
                    // latency_p50_ms as in results.csv; latency_median_ms, its old name here,
                    // kept one release.
                    {"latency_p50_ms", optional_number(row.latency_p50_ms)},
                    {"latency_median_ms", optional_number(row.latency_p50_ms)},
                    {"latency_p95_ms", optional_number(row.latency_p95_ms)},
                    {"latency_cv", optional_number(row.latency_cv)},
                    {"throughput", optional_number(row.throughput)},
                    {"throughput_unit", row.throughput_unit},
                    {"memory_mib", optional_number(row.memory_mib)},
                    // The old name of memory_mib, kept one release.
                    {"memory_mb", optional_number(row.memory_mib)},
                    {"stop_reason", row.stop_reason}});
  }
  ordered_json files = ordered_json::array();
  for (const std::vector<Result>& group : group_by_benchmark(results)) {
    files.push_back(result_file_name(group.front().benchmark));
  }
  const Environment& environment = run_info.environment;
  return {{"schema_version", kResultSchemaVersion},
          {"run", run_info_to_json(run_info)},
          {"environment",
           {{"hostname", environment.hostname},
            {"cpu_model", environment.cpu_model},
            {"build_type", environment.build_type},
            {"debug_build", environment.debug_build},
            {"git_commit", environment.git_commit},
            {"git_dirty", environment.git_dirty}}},
          {"counts", counts},
          {"result_files", files},
          {"results", rows}};
}

void SummaryWriter::write(const std::vector<Result>& results, const RunInfo& run_info,
                          const std::filesystem::path& dir) const {
  write_file_atomically(dir / "summary.json",
                        json_text(summary_to_json(results, run_info), 2) + "\n");
}

}  // namespace nnbench::report

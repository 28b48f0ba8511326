// results.csv.
#include "nnbench/report/csv_writer.hpp"

#include <fmt/format.h>

#include "nnbench/report/output_directory.hpp"

namespace nnbench::report {
namespace {

std::string number_cell(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : std::string();
}

std::vector<std::string> row_cells(const ResultRow& row) {
  return {row.benchmark,
          row.variant,
          row.model,
          row.framework,
          row.mode,
          row.device,
          row.device_type,
          row.batch_size,
          row.dtype,
          row.input_shape,
          number_cell(row.latency_p50_ms),
          number_cell(row.latency_p95_ms),
          number_cell(row.latency_p99_ms),
          number_cell(row.latency_mean_ms),
          number_cell(row.latency_std_ms),
          number_cell(row.latency_min_ms),
          number_cell(row.latency_max_ms),
          number_cell(row.throughput),
          row.throughput_unit,
          number_cell(row.memory_mib),  // memory_mb: the old name of memory_mib, kept a release
          number_cell(row.compile_time_ms),
          row.timestamp,
          row.git_commit,
          row.status,
          row.reason,
          number_cell(row.memory_mib)};
}

void append_line(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_escape(cells[i]);
  }
  out += "\r\n";
}

}  // namespace

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns = {
      "benchmark", "variant", "model", "framework", "mode", "device", "device_type", "batch_size",
      "dtype", "input_shape", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms",
      "latency_mean_ms", "latency_std_ms", "latency_min_ms", "latency_max_ms", "throughput",
      "throughput_unit", "memory_mb", "compile_time_ms", "timestamp", "git_commit", "status",
      "reason",
      // The memory column by its right name; memory_mb (the same MiB) stays one release.
      "memory_mib"};
  return columns;
}

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string render_csv(const std::vector<Result>& results, const RunInfo& run_info) {
  std::string out;
  append_line(out, csv_columns());
  for (const Result& result : results)
    append_line(out, row_cells(make_result_row(result, run_info)));
  return out;
}

void CsvWriter::write(const std::vector<Result>& results, const RunInfo& run_info,
                      const std::filesystem::path& dir) const {
  write_file_atomically(dir / "results.csv", render_csv(results, run_info));
}

}  // namespace nnbench::report

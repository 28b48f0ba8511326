// results.csv.
#include "nnbench/report/csv_writer.hpp"

#include <string_view>

#include <fmt/format.h>

#include "nnbench/report/output_directory.hpp"

namespace nnbench::report {
namespace {

// Cells as written to the file: numbers as formatted, text through csv_escape().
std::string number_cell(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : std::string();
}

std::vector<std::string> row_cells(const ResultRow& row, const RunInfo& run_info) {
  return {csv_escape(row.benchmark),
          csv_escape(row.variant),
          csv_escape(row.model),
          csv_escape(row.framework),
          csv_escape(row.mode),
          csv_escape(row.device),
          csv_escape(row.device_type),
          csv_escape(row.batch_size),
          csv_escape(row.dtype),
          csv_escape(row.input_shape),
          number_cell(row.latency_p50_ms),
          number_cell(row.latency_p95_ms),
          number_cell(row.latency_p99_ms),
          number_cell(row.latency_mean_ms),
          number_cell(row.latency_std_ms),
          number_cell(row.latency_min_ms),
          number_cell(row.latency_max_ms),
          number_cell(row.throughput),
          csv_escape(row.throughput_unit),
          number_cell(row.memory_mib),  // memory_mb: the old name of memory_mib, kept a release
          number_cell(row.compile_time_ms),
          csv_escape(row.timestamp),
          csv_escape(row.git_commit),
          csv_escape(row.status),
          csv_escape(row.reason),
          number_cell(row.memory_mib),
          csv_escape(row.framework_version),
          number_cell(row.throughput_ips),
          number_cell(row.compile_time_ms),
          csv_escape(run_info.run_id),
          number_cell(row.latency_samples),
          number_cell(row.latency_ci_low_ms),
          number_cell(row.latency_ci_high_ms),
          csv_escape(row.stop_reason)};
}

// One CSV line of cells already in their file form (row_cells).
void append_line(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += cells[i];
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
      "memory_mib",
      // The framework's whole label (framework holds its name alone); 594Project's names of the
      // throughput in inputs per second (empty for tokens/s and other units) and of
      // compile_time_ms.
      "framework_version", "throughput_ips", "compilation_time_ms",
      // The run, how many latency samples the figures come from, the median's confidence
      // interval and why sampling stopped.
      "run_id", "samples", "latency_ci_low_ms", "latency_ci_high_ms", "stop_reason"};
  return columns;
}

std::string csv_escape(const std::string& field) {
  const bool formula =
      !field.empty() && std::string_view("=+-@\t\r'").find(field[0]) != std::string_view::npos;
  if (!formula && field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = formula ? "\"'" : "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string render_csv(const std::vector<Result>& results, const RunInfo& run_info) {
  std::string out;
  std::vector<std::string> header;
  for (const std::string& column : csv_columns()) header.push_back(csv_escape(column));
  append_line(out, header);
  for (const Result& result : results)
    append_line(out, row_cells(make_result_row(result, run_info), run_info));
  return out;
}

void CsvWriter::write(const std::vector<Result>& results, const RunInfo& run_info,
                      const std::filesystem::path& dir) const {
  write_file_atomically(dir / "results.csv", render_csv(results, run_info));
}

}  // namespace nnbench::report

// results.csv.
#include "nnbench/report/csv_writer.hpp"

#include <functional>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "nnbench/report/output_directory.hpp"

namespace nnbench::report {
namespace {

// Cells as written to the file: numbers as formatted, text through csv_escape().
std::string number_cell(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : std::string();
}

// One column of results.csv: its name and how a row's cell is made.
struct CsvColumn {
  std::string name;
  std::function<std::string(const ResultRow&, const RunInfo&)> cell;
};

CsvColumn text(std::string name, std::string ResultRow::*field) {
  return {std::move(name),
          [field](const ResultRow& row, const RunInfo&) { return csv_escape(row.*field); }};
}

CsvColumn number(std::string name, std::optional<double> ResultRow::*field) {
  return {std::move(name),
          [field](const ResultRow& row, const RunInfo&) { return number_cell(row.*field); }};
}

// Every column, in file order. Columns are only ever appended, so readers by position keep
// working.
const std::vector<CsvColumn>& column_table() {
  using R = ResultRow;
  static const std::vector<CsvColumn> table = {
      text("benchmark", &R::benchmark),
      text("variant", &R::variant),
      text("model", &R::model),
      text("framework", &R::framework),
      text("mode", &R::mode),
      text("device", &R::device),
      text("device_type", &R::device_type),
      text("batch_size", &R::batch_size),
      text("dtype", &R::dtype),
      text("input_shape", &R::input_shape),
      number("latency_p50_ms", &R::latency_p50_ms),
      number("latency_p95_ms", &R::latency_p95_ms),
      number("latency_p99_ms", &R::latency_p99_ms),
      number("latency_mean_ms", &R::latency_mean_ms),
      number("latency_std_ms", &R::latency_std_ms),
      number("latency_min_ms", &R::latency_min_ms),
      number("latency_max_ms", &R::latency_max_ms),
      number("throughput", &R::throughput),
      text("throughput_unit", &R::throughput_unit),
      number("memory_mb", &R::memory_mib),  // the old name of memory_mib, kept a release
      number("compile_time_ms", &R::compile_time_ms),
      text("timestamp", &R::timestamp),
      text("git_commit", &R::git_commit),
      text("status", &R::status),
      text("reason", &R::reason),
      // The memory column by its right name; memory_mb (the same MiB) stays one release.
      number("memory_mib", &R::memory_mib),
      // The framework's whole label (framework holds its name alone); 594Project's names of the
      // throughput in inputs per second (empty for tokens/s and other units) and of
      // compile_time_ms.
      text("framework_version", &R::framework_version),
      number("throughput_ips", &R::throughput_ips),
      number("compilation_time_ms", &R::compile_time_ms),
      // The run, how many latency samples the figures come from, the median's confidence
      // interval and why sampling stopped.
      {"run_id", [](const R&, const RunInfo& run_info) { return csv_escape(run_info.run_id); }},
      number("samples", &R::latency_samples),
      number("latency_ci_low_ms", &R::latency_ci_low_ms),
      number("latency_ci_high_ms", &R::latency_ci_high_ms),
      text("stop_reason", &R::stop_reason)};
  return table;
}

const CsvColumn& find_column(const std::string& name) {
  for (const CsvColumn& column : column_table()) {
    if (column.name == name) return column;
  }
  throw std::invalid_argument("results.csv has no column '" + name + "'");
}

// One CSV line of cells already in their file form.
void append_line(std::string& out, const std::vector<std::string>& cells,
                 std::string_view line_end) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += cells[i];
  }
  out += line_end;
}

}  // namespace

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> names;
    for (const CsvColumn& column : column_table()) names.push_back(column.name);
    return names;
  }();
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

std::string render_csv_columns(const std::vector<std::string>& columns,
                               const std::vector<Result>& results, const RunInfo& run_info,
                               std::string_view line_end, bool ok_only) {
  std::vector<const CsvColumn*> picked;
  std::vector<std::string> header;
  for (const std::string& name : columns) {
    picked.push_back(&find_column(name));
    header.push_back(csv_escape(name));
  }
  std::string out;
  append_line(out, header, line_end);
  for (const Result& result : results) {
    if (ok_only && result.status != ResultStatus::Ok) continue;
    const ResultRow row = make_result_row(result, run_info);
    std::vector<std::string> cells;
    for (const CsvColumn* column : picked) cells.push_back(column->cell(row, run_info));
    append_line(out, cells, line_end);
  }
  return out;
}

std::string render_csv(const std::vector<Result>& results, const RunInfo& run_info) {
  return render_csv_columns(csv_columns(), results, run_info, "\r\n");
}

void CsvWriter::write(const std::vector<Result>& results, const RunInfo& run_info,
                      const std::filesystem::path& dir) const {
  write_file_atomically(dir / "results.csv", render_csv(results, run_info));
}

}  // namespace nnbench::report

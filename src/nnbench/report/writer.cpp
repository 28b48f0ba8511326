// The writer registry and multiplexer.
#include "nnbench/report/writer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/report/csv_writer.hpp"
#include "nnbench/report/json_writer.hpp"
#include "nnbench/report/markdown_writer.hpp"
#include "nnbench/report/result_json.hpp"
#include "nnbench/report/summary_writer.hpp"

namespace nnbench::report {

Writer::~Writer() = default;

MultiWriter::MultiWriter(std::vector<std::unique_ptr<Writer>> writers)
    : writers_(std::move(writers)) {}

std::string MultiWriter::name() const {
  std::string joined;
  for (const auto& writer : writers_) {
    if (!joined.empty()) joined += '+';
    joined += writer->name();
  }
  return joined;
}

void MultiWriter::write(const std::vector<Result>& results, const RunInfo& run_info,
                        const std::filesystem::path& dir) const {
  for (const auto& writer : writers_) writer->write(results, run_info, dir);
}

std::vector<std::string> writer_names() { return {"json", "summary", "csv", "markdown"}; }

std::unique_ptr<Writer> make_writer(const std::string& name) {
  if (name == "json") return std::make_unique<JsonWriter>();
  if (name == "summary") return std::make_unique<SummaryWriter>();
  if (name == "csv") return std::make_unique<CsvWriter>();
  if (name == "markdown" || name == "md") return std::make_unique<MarkdownWriter>();
  throw InputError(fmt::format("unknown output format '{}': expected one of {}", name,
                               fmt::join(writer_names(), ", ")));
}

std::string render_run(const std::string& format, const std::vector<Result>& results,
                       const RunInfo& run_info) {
  if (format == "csv") return render_csv(results, run_info);
  if (format == "md") return render_markdown_report(results, run_info);
  if (format != "json") {
    throw InputError(fmt::format("unknown stream format '{}': expected json, csv or md", format));
  }
  ordered_json benchmarks = ordered_json::array();
  for (const std::vector<Result>& group : group_by_benchmark(results)) {
    benchmarks.push_back(benchmark_file_to_json(group, run_info));
  }
  const ordered_json document{{"schema_version", kResultSchemaVersion},
                              {"run", run_info_to_json(run_info)},
                              {"context", environment_to_json(run_info.environment)},
                              {"benchmarks", benchmarks}};
  return json_text(document, 2) + "\n";
}

std::string format_of_extension(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".json") return "json";
  if (extension == ".csv") return "csv";
  if (extension == ".md") return "md";
  return "";
}

void write_all(const std::vector<Result>& results, const RunInfo& run_info,
               const std::filesystem::path& dir) {
  std::vector<std::unique_ptr<Writer>> writers;
  for (const std::string& name : writer_names()) writers.push_back(make_writer(name));
  MultiWriter(std::move(writers)).write(results, run_info, dir);
}

}  // namespace nnbench::report

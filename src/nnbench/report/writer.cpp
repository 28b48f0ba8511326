// The writer registry and multiplexer.
#include "nnbench/report/writer.hpp"

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/report/csv_writer.hpp"
#include "nnbench/report/json_writer.hpp"
#include "nnbench/report/markdown_writer.hpp"
#include "nnbench/report/summary_writer.hpp"

namespace nnbench {

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

void write_all(const std::vector<Result>& results, const RunInfo& run_info,
               const std::filesystem::path& dir) {
  std::vector<std::unique_ptr<Writer>> writers;
  for (const std::string& name : writer_names()) writers.push_back(make_writer(name));
  MultiWriter(std::move(writers)).write(results, run_info, dir);
}

}  // namespace nnbench

// The writer interface: a plug-in that turns finished Results into files. Writers read Results
// only; they never measure. write_all() is the multiplexer a run uses to write every format.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench::report {

class Writer {
 public:
  virtual ~Writer();
  // Short format name used on the command line: "json", "summary", "csv", "markdown".
  virtual std::string name() const = 0;
  // Writes this format's file(s) into `dir` (which must exist), each atomically. Throws IoError
  // when a file cannot be written. Must not be called concurrently on the same directory.
  virtual void write(const std::vector<Result>& results, const RunInfo& run_info,
                     const std::filesystem::path& dir) const = 0;
};

// Writes with each of its writers in turn.
class MultiWriter final : public Writer {
 public:
  explicit MultiWriter(std::vector<std::unique_ptr<Writer>> writers);
  std::string name() const override;  // the parts' names joined with '+'
  void write(const std::vector<Result>& results, const RunInfo& run_info,
             const std::filesystem::path& dir) const override;

 private:
  std::vector<std::unique_ptr<Writer>> writers_;
};

// The names make_writer accepts, in the order write_all uses.
std::vector<std::string> writer_names();
// A writer by format name; throws InputError naming the format and the known ones.
std::unique_ptr<Writer> make_writer(const std::string& name);
// The whole run as one text in a stream format (`nnbench run --format F`, `--out FILE`): "json"
// (one document: schema_version, run, context, and each benchmark's result file under
// `benchmarks`), "csv" (results.csv) or "md" (report.md). Throws InputError for another name.
std::string render_run(const std::string& format, const std::vector<Result>& results,
                       const RunInfo& run_info);
// The stream format a file's extension names (.json, .csv, .md); empty for another.
std::string format_of_extension(const std::filesystem::path& file);

// All formats: per-benchmark JSON, summary.json, results.csv, report.md.
void write_all(const std::vector<Result>& results, const RunInfo& run_info,
               const std::filesystem::path& dir);

}  // namespace nnbench::report

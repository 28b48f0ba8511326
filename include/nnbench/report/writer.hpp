// The writer interface: a plug-in that turns finished Results into files. Writers read Results
// only; they never measure. write_all() is the multiplexer a run uses to write every format.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench {

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
// All formats: per-benchmark JSON, summary.json, results.csv, report.md.
void write_all(const std::vector<Result>& results, const RunInfo& run_info,
               const std::filesystem::path& dir);

}  // namespace nnbench

// The run journal (see run_journal.hpp): durable appends with fsync, read back after a crash.
#include "nnbench/report/run_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/file_bytes.hpp"
#include "nnbench/report/result_json.hpp"

namespace nnbench::report {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFolder = ".journal";
constexpr const char* kRunFile = "run.json";
constexpr const char* kResultsFile = "results.jsonl";

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error_number) {
  throw IoError(
      fmt::format("run journal: {} '{}': {}", what, path.string(), std::strerror(error_number)));
}

// Writes all of `text` at the file's end (O_APPEND) and flushes it to disk.
void append_durably(const fs::path& path, std::string_view text, bool create) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
  if (fd < 0) fail("cannot open", path, errno);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error_number = errno;
      ::close(fd);
      fail("cannot write", path, error_number);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    const int error_number = errno;
    ::close(fd);
    fail("cannot flush", path, error_number);
  }
  if (::close(fd) != 0) fail("cannot close", path, errno);
}

// A new directory entry is durable once its folder is flushed.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open folder", dir, errno);
  ::fsync(fd);
  ::close(fd);
}

fs::path folder_of(const fs::path& run_dir) { return run_dir / kFolder; }

std::string read_all(const fs::path& path) {
  std::optional<std::string> text = read_file_bytes(path);
  if (!text) throw InputError(fmt::format("run journal: cannot read '{}'", path.string()));
  return std::move(*text);
}

}  // namespace

RunJournal RunJournal::start(const fs::path& run_dir, const RunInfo& run_info) {
  const fs::path folder = folder_of(run_dir);
  std::error_code error;
  fs::create_directory(folder, error);
  if (error) fail("cannot create", folder, error.value());
  const ordered_json run{{"run", run_info_to_json(run_info)},
                         {"context", environment_to_json(run_info.environment)}};
  const fs::path temporary = folder / (std::string(kRunFile) + ".tmp");
  append_durably(temporary, json_text(run, 2) + "\n", /*create=*/true);
  fs::rename(temporary, folder / kRunFile, error);
  if (error) fail("cannot write", folder / kRunFile, error.value());
  append_durably(folder / kResultsFile, "", /*create=*/true);
  sync_directory(folder);
  sync_directory(run_dir);
  return RunJournal(folder, run_info);
}

RunJournal RunJournal::resume(const fs::path& run_dir, const RunInfo& run_info) {
  if (!has_journal(run_dir)) {
    throw InputError(fmt::format("{} holds no run journal", run_dir.string()));
  }
  return RunJournal(folder_of(run_dir), run_info);
}

void RunJournal::append(const Result& result) const {
  const ordered_json line{{"benchmark", result.benchmark},
                          {"record", variant_record_to_json(result, run_info_)}};
  append_durably(directory_ / kResultsFile, json_text(line) + "\n", /*create=*/false);
}

bool has_journal(const fs::path& run_dir) {
  std::error_code error;
  return fs::is_regular_file(folder_of(run_dir) / kRunFile, error);
}

JournaledRun read_journal(const fs::path& run_dir) {
  const fs::path folder = folder_of(run_dir);
  const fs::path run_file = folder / kRunFile;
  JournaledRun journaled;
  const ordered_json run = ordered_json::parse(read_all(run_file), nullptr, false);
  if (run.is_discarded() || !run.is_object() || !run.contains("run") || !run.contains("context")) {
    throw InputError(fmt::format("run journal '{}' is not one nnbench wrote", run_file.string()));
  }
  journaled.run_info = run_info_from_json(run.at("run"), run.at("context"));
  const fs::path results_file = folder / kResultsFile;
  const std::string text = read_all(results_file);
  std::size_t start = 0, line_number = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    ++line_number;
    if (end == std::string::npos) break;  // cut short by a crash: that variant did not finish
    const ordered_json line = ordered_json::parse(text.substr(start, end - start), nullptr, false);
    start = end + 1;
    const std::string where = fmt::format("{}:{}", results_file.string(), line_number);
    if (line.is_discarded() || !line.is_object() || !line.contains("benchmark") ||
        !line.contains("record") || !line.at("benchmark").is_string()) {
      throw InputError(fmt::format("run journal {}: not a journal line", where));
    }
    journaled.results.push_back(
        variant_record_from_json(line.at("record"), line.at("benchmark"), where));
  }
  return journaled;
}

void remove_journal(const fs::path& run_dir) {
  std::error_code ignored;
  fs::remove_all(folder_of(run_dir), ignored);
}

}  // namespace nnbench::report

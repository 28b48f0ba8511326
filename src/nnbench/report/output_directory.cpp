// Atomic output: a run directory that appears only when complete, and files written through a
// temporary name and a rename.
#include "nnbench/report/output_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::report {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_io(const std::string& what, const fs::path& path, int error_number) {
  throw IoError(fmt::format("{} '{}': {}", what, path.string(), std::strerror(error_number)));
}

[[noreturn]] void throw_io(const std::string& what, const fs::path& path,
                           const std::error_code& error) {
  throw IoError(fmt::format("{} '{}': {}", what, path.string(), error.message()));
}

// Writes all of `text` to a new file; returns 0 or the errno of the first failure.
int write_new_file(const fs::path& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error_number = errno;
      ::close(fd);
      return error_number;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return errno;
  return 0;
}

void create_directory_tree(const fs::path& path, const char* what) {
  std::error_code error;
  fs::create_directories(path, error);
  if (error) throw_io(what, path, error);
  if (!fs::is_directory(path, error)) throw_io(what, path, ENOTDIR);
}

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view text) {
  static std::atomic<unsigned> counter{0};
  const fs::path temp_path =
      path.parent_path() /
      fmt::format(".{}.tmp.{}.{}", path.filename().string(), ::getpid(), counter++);
  if (const int error_number = write_new_file(temp_path, text); error_number != 0) {
    std::error_code ignored;
    fs::remove(temp_path, ignored);
    throw_io("cannot write file", path, error_number);
  }
  std::error_code error;
  fs::rename(temp_path, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temp_path, ignored);
    throw_io("cannot write file", path, error);
  }
}

std::string unique_run_id(const fs::path& root, const std::string& base) {
  auto taken = [&](const std::string& id) {
    std::error_code ignored;
    return fs::exists(root / id, ignored) || fs::exists(root / ("." + id + ".partial"), ignored);
  };
  if (!taken(base)) return base;
  for (int suffix = 2;; ++suffix) {
    std::string candidate = fmt::format("{}-{}", base, suffix);
    if (!taken(candidate)) return candidate;
  }
}

std::string new_run_id(const std::string& utc_timestamp) {
  std::random_device entropy;
  const unsigned suffix = (entropy() ^ static_cast<unsigned>(::getpid()) * 2654435761u) & 0xFFFFFFu;
  return fmt::format("{}-{:06x}", utc_timestamp, suffix);
}

OutputDirectory OutputDirectory::reopen(const fs::path& partial) {
  const std::string name = partial.filename().string();
  std::error_code error;
  if (!name.starts_with(".") || !name.ends_with(".partial") || name.size() <= 9 ||
      !fs::is_directory(partial, error)) {
    throw InputError(
        fmt::format("{}: not an interrupted run's directory (a folder named .<run id>.partial)",
                    partial.string()));
  }
  OutputDirectory reopened;
  reopened.root_ = partial.parent_path().empty() ? fs::path(".") : partial.parent_path();
  reopened.run_id_ = name.substr(1, name.size() - 1 - std::string(".partial").size());
  reopened.current_ = partial;
  if (fs::exists(reopened.final_path(), error)) {
    throw InputError(fmt::format("{}: the run {} is finished already ({})", partial.string(),
                                 reopened.run_id_, reopened.final_path().string()));
  }
  return reopened;
}

OutputDirectory::OutputDirectory(fs::path root, std::string run_id)
    : root_(std::move(root)), run_id_(std::move(run_id)) {
  if (run_id_.empty() || run_id_.find('/') != std::string::npos || run_id_ == "." ||
      run_id_ == "..") {
    throw std::invalid_argument("OutputDirectory: run id must be a plain directory name, got '" +
                                run_id_ + "'");
  }
  create_directory_tree(root_, "cannot create output directory");
  std::error_code error;
  if (fs::exists(final_path(), error))
    throw_io("output directory already exists", final_path(), EEXIST);
  current_ = partial_path();
  // A stale partial directory of the same id is from a crashed run: start it afresh.
  fs::remove_all(current_, error);
  if (error) throw_io("cannot clear stale partial directory", current_, error);
  if (!fs::create_directory(current_, error) || error) {
    throw_io("cannot create output directory", current_, error ? error.value() : EEXIST);
  }
  // Fail now, before any benchmark runs, when the directory exists but cannot take files.
  if (::access(current_.c_str(), W_OK | X_OK) != 0) {
    throw_io("output directory is not writable", current_, errno);
  }
}

fs::path OutputDirectory::commit() {
  if (committed_) throw std::logic_error("OutputDirectory::commit called twice");
  std::error_code error;
  if (fs::exists(final_path(), error))
    throw_io("cannot commit run directory", final_path(), EEXIST);
  fs::rename(current_, final_path(), error);
  if (error) throw_io("cannot commit run directory", final_path(), error);
  current_ = final_path();
  committed_ = true;
  return current_;
}

}  // namespace nnbench::report

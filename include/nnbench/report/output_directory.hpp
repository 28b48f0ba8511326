// Where a run's files go, and how they become visible: everything is written into
// `<root>/.<run_id>.partial/` and only commit() renames it to `<root>/<run_id>/`, so a run that
// fails half-way leaves a `.partial` directory that never looks complete.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nnbench::report {

// Writes `text` to `path` through a temporary file in the same directory and a rename, so a
// reader sees either the old file or the whole new one. No fsync: this guards against partial
// files after a crash of nnbench, not against power loss. Throws IoError naming the path and the
// OS error.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

// A run id `base` that names neither `<root>/<base>` nor its partial directory yet: `base`, else
// `base-2`, `base-3`, ... (two runs started in the same second).
std::string unique_run_id(const std::filesystem::path& root, const std::string& base);

// A new run's id: the UTC start time and six random hex digits (`20261207T184251Z-3fa9c1`), so
// runs started in the same second into different output directories, or on other machines, do
// not share an id in a shared history.
std::string new_run_id(const std::string& utc_timestamp);

// One run's output directory. Not thread-safe; one object per run.
class OutputDirectory {
 public:
  // Creates `root` (if missing) and the empty partial directory. Throws IoError naming the path
  // and the OS error when either cannot be created, or when the final directory already exists.
  OutputDirectory(std::filesystem::path root, std::string run_id);

  // The partial directory of an interrupted run (`<root>/.<run_id>.partial`), kept as it is, to
  // finish it (--resume). Throws InputError when `partial` is not such a directory or the run's
  // final directory exists already.
  static OutputDirectory reopen(const std::filesystem::path& partial);

  // Where files are written: the partial directory before commit(), the final one after.
  const std::filesystem::path& path() const { return current_; }
  std::filesystem::path final_path() const { return root_ / run_id_; }
  std::filesystem::path partial_path() const { return root_ / ("." + run_id_ + ".partial"); }
  const std::string& run_id() const { return run_id_; }
  bool committed() const { return committed_; }

  // Renames the partial directory to its final name and returns that path. Throws IoError when
  // the rename fails; calling it twice is an error (std::logic_error).
  std::filesystem::path commit();

 private:
  OutputDirectory() = default;
  std::filesystem::path root_;
  std::string run_id_;
  std::filesystem::path current_;
  bool committed_ = false;
};

}  // namespace nnbench::report

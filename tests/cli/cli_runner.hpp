// Runs the built nnbench binary as a user would, capturing exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nnbench::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A fresh temporary directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nnbench-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// `args` is appended to the binary path as shell text (tests quote what needs quoting).
inline CommandResult run_command_line(const std::string& command,
                                      const std::filesystem::path& scratch) {
  const auto out_path = scratch / "stdout.txt";
  const auto err_path = scratch / "stderr.txt";
  const std::string full =
      command + " >'" + out_path.string() + "' 2>'" + err_path.string() + "' </dev/null";
  const int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

inline CommandResult run_nnbench(const std::string& args, const std::filesystem::path& scratch) {
  return run_command_line(std::string("'") + NNBENCH_BINARY + "' " + args, scratch);
}

// Validates a result JSON file against docs/result.schema.json (tests/report/validate_schema.py).
inline CommandResult validate_result_schema(const std::filesystem::path& json,
                                            const std::filesystem::path& scratch) {
  return run_command_line(std::string("'") + NNBENCH_PYTHON_EXE + "' '" + NNBENCH_SOURCE_DIR +
                              "/tests/report/validate_schema.py' '" + NNBENCH_SOURCE_DIR +
                              "/docs/result.schema.json' '" + json.string() + "'",
                          scratch);
}

// The single run directory under `root` (not the .partial ones), or empty.
inline std::filesystem::path only_run_dir(const std::filesystem::path& root) {
  std::filesystem::path found;
  if (!std::filesystem::exists(root)) return found;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (entry.is_directory() && entry.path().filename().string()[0] != '.') {
      if (!found.empty()) return {};
      found = entry.path();
    }
  }
  return found;
}

}  // namespace nnbench::testing

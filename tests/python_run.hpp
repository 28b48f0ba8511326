// Helpers of the tests that run Python (emitted modules, framework workers): a command's exit code
// and output, the "key: value" lines the emitted modules print, a driver running several modules in
// one Python process, and the check that an optional framework (jax, keras) is importable.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include <cstdint>
#include <vector>

namespace nnbench::python_run {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The text after "key: " on the first line that starts with it; "" when none does.
inline std::string line_value(const std::string& output, const std::string& key) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  }
  return "";
}

// "(2, 10)" for an output shape (10).
inline std::string python_shape(const std::vector<std::int64_t>& sample_shape) {
  std::string out = "(2";
  for (std::int64_t d : sample_shape) {
    out += ", ";
    out += std::to_string(d);
  }
  return out + ")";
}

// Runs every file as __main__ in one Python process (the framework is imported once), each
// section of the output headed by "== <file>".
inline constexpr const char* kDriver = R"(import runpy, sys
for path in sys.argv[1:]:
    print(f"== {path}", flush=True)
    runpy.run_path(path, run_name="__main__")
    sys.stdout.flush()
)";

// The output section of `file`, from its "== " header to the next one.
inline std::string section(const std::string& output, const std::string& file) {
  const std::string header = "== " + file + "\n";
  const std::size_t start = output.find(header);
  if (start == std::string::npos) return "";
  const std::size_t end = output.find("\n== ", start + header.size());
  return output.substr(start + header.size(), end == std::string::npos
                                                  ? std::string::npos
                                                  : end + 1 - start - header.size());
}

// "" when the project's Python imports all of `modules` (e.g. "jax, flax, optax"); else the
// reason. The optional frameworks come with `make setup-frameworks`; CI installs them and sets
// NNBENCH_REQUIRE_FRAMEWORKS=1, where a missing one fails the test instead of skipping it.
inline std::string missing_framework(const std::string& modules) {
  const CommandResult r =
      run_command(std::string(NNBENCH_PYTHON_EXE) + " -c 'import " + modules + "'");
  if (r.exit_code == 0) return "";
  return "cannot import " + modules + " (make setup-frameworks): " + r.output;
}

inline bool frameworks_required() {
  const char* value = std::getenv("NNBENCH_REQUIRE_FRAMEWORKS");
  return value != nullptr && std::string(value) == "1";
}

}  // namespace nnbench::python_run

// Skips the test when a framework is missing, or fails it where frameworks are required (CI).
#define NNBENCH_REQUIRE_PYTHON_MODULES(modules)                                            \
  do {                                                                                     \
    const std::string nnbench_missing = ::nnbench::python_run::missing_framework(modules); \
    if (!nnbench_missing.empty()) {                                                        \
      if (::nnbench::python_run::frameworks_required()) FAIL() << nnbench_missing;         \
      GTEST_SKIP() << nnbench_missing;                                                     \
    }                                                                                      \
  } while (false)

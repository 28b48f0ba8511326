// Running scripts/*.py (see python_script.hpp).
#include "nnbench/report/python_script.hpp"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "nnbench/core/error.hpp"

namespace nnbench::report {
namespace {

// 'text' for a POSIX shell, single quotes inside escaped.
std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

bool is_blank(char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; }

}  // namespace

std::string project_python() {
  const char* from_environment = std::getenv("NNBENCH_PYTHON");
  return from_environment != nullptr && *from_environment != '\0' ? from_environment
                                                                  : NNBENCH_SCRIPT_PYTHON;
}

ScriptOutcome run_python_script(const std::string& script,
                                const std::vector<std::string>& arguments) {
  std::string log =
      (std::filesystem::temp_directory_path() / fmt::format("nnbench-{}-XXXXXX", script)).string();
  const int log_fd = ::mkstemp(log.data());
  if (log_fd < 0) {
    throw IoError(fmt::format("cannot create a temporary file for the output of {}", script));
  }
  ::close(log_fd);
  std::vector<std::string> words = {project_python(),
                                    (std::filesystem::path(NNBENCH_SCRIPTS_DIR) / script).string()};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::string command;
  for (const std::string& word : words) command.append(shell_quote(word)).append(" ");
  command.append("> ").append(shell_quote(log)).append(" 2>&1");
  const int status = std::system(command.c_str());
  ScriptOutcome outcome;
  outcome.script = script;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  outcome.output = text.str();
  in.close();
  std::error_code ignored;
  std::filesystem::remove(log, ignored);
  while (!outcome.output.empty() && is_blank(outcome.output.back())) outcome.output.pop_back();
  return outcome;
}

std::string script_message(const ScriptOutcome& outcome) {
  const std::string& output = outcome.output;  // no trailing blank space
  if (output.empty()) {
    return fmt::format("{} exited with status {} and printed nothing", outcome.script,
                       outcome.exit_code);
  }
  const std::size_t newline = output.find_last_of("\r\n");
  if (newline == std::string::npos) return output;
  // The last line of several (after warnings, or a traceback's exception): say whose it is
  // unless it does ("plot_results: ...").
  const std::string line = output.substr(newline + 1);
  const std::string name = std::filesystem::path(outcome.script).stem().string() + ":";
  return line.rfind(name, 0) == 0 ? line : fmt::format("{}: {}", outcome.script, line);
}

void throw_unless_succeeded(const ScriptOutcome& outcome, const std::string& what) {
  switch (outcome.exit_code) {
    case 0:
      return;
    case 1:
    case 2:
      throw InputError(script_message(outcome));
    case 3:
      throw UnavailableError(script_message(outcome));
    case 4:
      throw IoError(script_message(outcome));
    case 127:
      throw UnavailableError(fmt::format("{}: cannot run {}", what, project_python()));
    default:
      throw IoError(fmt::format("{} failed: {}", what, script_message(outcome)));
  }
}

}  // namespace nnbench::report

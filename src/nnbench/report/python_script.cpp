// Running scripts/*.py (see python_script.hpp).
#include "nnbench/report/python_script.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
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

}  // namespace

std::string project_python() {
  const char* from_environment = std::getenv("NNBENCH_PYTHON");
  return from_environment != nullptr && *from_environment != '\0' ? from_environment
                                                                  : NNBENCH_SCRIPT_PYTHON;
}

ScriptOutcome run_python_script(const std::string& script,
                                const std::vector<std::string>& arguments,
                                const std::filesystem::path& scratch) {
  const std::filesystem::path log =
      scratch / fmt::format(".{}.{}.log", script, static_cast<long>(::getpid()));
  std::vector<std::string> words = {project_python(),
                                    (std::filesystem::path(NNBENCH_SCRIPTS_DIR) / script).string()};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::string command;
  for (const std::string& word : words) command.append(shell_quote(word)).append(" ");
  command.append("> ").append(shell_quote(log.string())).append(" 2>&1");
  const int status = std::system(command.c_str());
  ScriptOutcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  outcome.output = text.str();
  in.close();
  std::error_code ignored;
  std::filesystem::remove(log, ignored);
  while (!outcome.output.empty() &&
         (outcome.output.back() == '\n' || outcome.output.back() == ' ')) {
    outcome.output.pop_back();
  }
  return outcome;
}

void throw_unless_succeeded(const ScriptOutcome& outcome, const std::string& what) {
  switch (outcome.exit_code) {
    case 0:
      return;
    case 1:
    case 2:
      throw InputError(outcome.output);
    case 3:
      throw UnavailableError(outcome.output);
    case 127:
      throw UnavailableError(fmt::format("{}: cannot run {}", what, project_python()));
    default:
      throw IoError(fmt::format("{} failed: {}", what, outcome.output));
  }
}

}  // namespace nnbench::report

// Runs one of nnbench's Python scripts (scripts/*.py) with the project's Python: the one CMake
// found (NNBENCH_PYTHON at configure time), or the NNBENCH_PYTHON environment variable.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nnbench::report {

struct ScriptOutcome {
  int exit_code = -1;  // 127: the Python could not be started
  std::string output;  // stdout and stderr, trailing blank space removed
};

// Runs `script` (a file under scripts/) with `arguments`; `scratch` is a folder for its output.
ScriptOutcome run_python_script(const std::string& script,
                                const std::vector<std::string>& arguments,
                                const std::filesystem::path& scratch);

// Throws for a script that failed, by the scripts' exit-status convention: 1 or 2 (no results,
// an unreadable file) InputError; 3 (a Python package missing) or 127 (no Python) UnavailableError;
// anything else IoError naming `what`. The script's own message is the error's text.
void throw_unless_succeeded(const ScriptOutcome& outcome, const std::string& what);

// The Python that run_python_script uses.
std::string project_python();

}  // namespace nnbench::report

// Runs one of nnbench's Python scripts (scripts/*.py) with the project's Python: the one CMake
// found (NNBENCH_PYTHON at configure time), or the NNBENCH_PYTHON environment variable.
#pragma once

#include <string>
#include <vector>

namespace nnbench::report {

struct ScriptOutcome {
  std::string script;  // the file name under scripts/
  int exit_code = -1;  // 127: the Python could not be started
  std::string output;  // stdout and stderr, trailing blank space removed
};

// Runs `script` (a file under scripts/) with `arguments`. Its output is collected through a
// temporary file in the system's temporary folder, so no folder named in `arguments` has to exist.
ScriptOutcome run_python_script(const std::string& script,
                                const std::vector<std::string>& arguments);

// What a failed script said, as one line for the CLI's error: its output when that is one line
// (the scripts print one line on failure), else its last non-empty line (a traceback ends with
// the exception), else "<script> exited with status N" when it printed nothing.
std::string script_message(const ScriptOutcome& outcome);

// Throws for a script that failed, by the scripts' exit-status convention: 1 or 2 (no results,
// an unreadable file) InputError; 3 (a Python package missing) or 127 (no Python) UnavailableError;
// 4 (its output cannot be written) IoError; anything else IoError naming `what`. The error's text
// is script_message().
void throw_unless_succeeded(const ScriptOutcome& outcome, const std::string& what);

// The Python that run_python_script uses.
std::string project_python();

}  // namespace nnbench::report

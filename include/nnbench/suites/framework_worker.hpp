// A framework's own runtime as a worker process (issue 9's protocol): nnbench starts it, the
// worker runs warm-up and measured iterations itself with the framework's own synchronisation,
// and streams JSON lines on standard output, one object per line:
//   {"meta": {...}}         facts about the worker (framework, version, parameters, ...)
//   {"sample_ns": T}        one measured iteration, in order
//   {"done": true}          the end
//   {"unavailable": REASON} the framework is not there (instead of all of the above)
//   {"skip": REASON}        the variant does not apply to the model (a SkipError)
//   {"input_error": TEXT}   the user's model is wrong: an InputError, which ends the run (exit 2)
// nnbench computes every statistic from the raw samples, so all backends are treated alike.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "nnbench/core/option.hpp"

namespace nnbench::suites {

// Option `python`: the interpreter that runs PyTorch's side (workers, the AOTInductor compiler);
// default the project's (.venv, else python3).
Option python_option();

struct WorkerReport {
  std::map<std::string, std::string> meta;  // values as text (numbers printed as JSON)
  std::vector<double> samples_ns;
};

// Runs `command` (argv; the first is looked up on PATH) with nnbench's environment plus
// `environment` ("NAME=value", replacing any of the same name) and reads its report. Throws
// UnavailableError with the worker's reason for {"unavailable": ...}; Error naming the command
// and ending with the last lines of its standard error when it exits non-zero or by a signal,
// runs past `timeout` (it is killed), prints a line that is not the protocol (quoted), or ends
// without {"done": true}.
WorkerReport run_framework_worker(const std::vector<std::string>& command,
                                  const std::vector<std::string>& environment,
                                  std::chrono::milliseconds timeout);

}  // namespace nnbench::suites

// `nnbench run --isolate`: each variant in a child process, so a segfault in a kernel, an abort
// or the OOM killer fails that variant's row, naming the signal, and the run goes on. The child
// is this program again (/proc/self/exe) with the run's own command line and the internal flags
// --variant-child, --variant-name and --variant-result; it plans the same run, runs the one
// variant and writes its result to a file. Private to the cli layer.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnbench/cli/run_settings.hpp"
#include "nnbench/core/result.hpp"

namespace nnbench::cli {

// Runs `variant` of `benchmark` in a child process and returns its result; a child killed by a
// signal or exiting without a result gives a failed result saying so. Bad input found by the
// child (an InputError) is thrown here as it would be in this process. `scratch` holds the
// child's result file.
Result run_in_child(const std::vector<std::string>& command_line, const std::string& benchmark,
                    const Variant& variant, const std::filesystem::path& scratch);

// The child's side: runs the variant `request` names and writes its result. Its exit code: 0
// with a result written (whatever the variant's status), 2 for bad input (its message in the
// file).
int run_variant_child(const RunRequest& request);

}  // namespace nnbench::cli

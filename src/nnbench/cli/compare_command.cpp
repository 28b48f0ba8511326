// `nnbench compare BASE NEW`: per variant the ratio, a Mann-Whitney U test and a verdict.
#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::cli {

int compare_command(const CompareCommandOptions&) {
  throw InputError("compare: not built yet");
}

}  // namespace nnbench::cli

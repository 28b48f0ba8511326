// `nnbench list`: every registered benchmark with its axes and default values.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/cli/commands.hpp"

namespace nnbench::cli {
namespace {

const char* type_name(AxisType type) {
  switch (type) {
    case AxisType::Int:
      return "int";
    case AxisType::Float:
      return "float";
    case AxisType::String:
      return "string";
  }
  return "?";
}

}  // namespace

int list_command(const ListCommandOptions& options) {
  for (const BenchmarkInfo& info : Registry::global().all()) {
    const auto benchmark = info.factory();
    if (benchmark->opt_in() && !options.include_mock) continue;
    fmt::print("{}{}\n    {}\n", info.name, benchmark->opt_in() ? "  (needs --enable-mock)" : "",
               benchmark->description());
    if (!options.show_axes) continue;
    for (const Axis& axis : benchmark->axes()) {
      fmt::print("    --axis {}={}  [{}{}]{}\n", axis.name, fmt::join(axis.values, ","),
                 type_name(axis.type),
                 axis.allowed.empty() ? "" : fmt::format(": {}", fmt::join(axis.allowed, "|")),
                 axis.description.empty() ? "" : "  " + axis.description);
    }
  }
  return 0;
}

}  // namespace nnbench::cli

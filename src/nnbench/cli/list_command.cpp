// `nnbench list`: every registered benchmark with its axes and options, their types, defaults and
// allowed values; `--json` gives the same as data.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "nnbench/cli/commands.hpp"
#include "nnbench/core/parse.hpp"

namespace nnbench::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

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

const char* type_name(OptionType type) {
  switch (type) {
    case OptionType::Int:
      return "int";
    case OptionType::Real:
      return "real";
    case OptionType::Bool:
      return "bool";
    case OptionType::String:
      return "string";
    case OptionType::Path:
      return "path";
  }
  return "?";
}

// "string: a|b", "int >= 1".
std::string axis_values_text(const Axis& axis) {
  std::string text = type_name(axis.type);
  if (!axis.allowed.empty()) text += fmt::format(": {}", fmt::join(axis.allowed, "|"));
  if (axis.min) text += " >= " + format_real(*axis.min);
  if (axis.max) text += " <= " + format_real(*axis.max);
  return text;
}

// "50", "2560 (--quick: 512)", "none", or the note on how it is derived.
std::string option_default_text(const Option& option) {
  std::string text = !option.default_note.empty()    ? option.default_note
                     : !option.default_value.empty() ? option.default_value
                                                     : "none";
  if (!option.quick_default.empty()) text += fmt::format(" (--quick: {})", option.quick_default);
  return text;
}

// A value as JSON: a number where it is one, else text.
ordered_json typed_value(const std::string& text, bool numeric) {
  if (numeric) {
    if (const auto integer = parse_integer(text)) return *integer;
    if (const auto real = parse_real(text)) return *real;
  }
  return text;
}

ordered_json axis_to_json(const Axis& axis) {
  const bool numeric = axis.type != AxisType::String;
  ordered_json values = ordered_json::array();
  for (const std::string& value : axis.values) values.push_back(typed_value(value, numeric));
  ordered_json entry{{"name", axis.name},
                     {"type", type_name(axis.type)},
                     {"default", values},
                     {"description", axis.description},
                     {"opt_in", axis.opt_in}};
  if (!axis.allowed.empty()) entry["allowed"] = axis.allowed;
  if (axis.min) entry["min"] = *axis.min;
  if (axis.max) entry["max"] = *axis.max;
  return entry;
}

ordered_json option_to_json(const Option& option) {
  const bool numeric = option.type == OptionType::Int || option.type == OptionType::Real;
  ordered_json entry{{"name", option.name}, {"type", type_name(option.type)}};
  if (option.type == OptionType::Bool && !option.default_value.empty()) {
    entry["default"] = option.default_value == "true";
  } else {
    entry["default"] =
        option.default_value.empty() ? ordered_json() : typed_value(option.default_value, numeric);
  }
  if (!option.quick_default.empty()) {
    entry["quick_default"] = typed_value(option.quick_default, numeric);
  }
  if (!option.default_note.empty()) entry["default_note"] = option.default_note;
  if (option.min) entry["min"] = *option.min;
  if (option.max) entry["max"] = *option.max;
  if (!option.allowed.empty()) entry["allowed"] = option.allowed;
  entry["description"] = option.description;
  return entry;
}

void print_text(const BenchmarkInfo& info, const Benchmark& benchmark) {
  fmt::print("{}{}\n    {}\n", info.name, benchmark.opt_in() ? "  (needs --enable-mock)" : "",
             benchmark.description());
  for (const Axis& axis : benchmark.axes()) {
    fmt::print("    --axis {}={}  [{}]{}{}\n", axis.name, fmt::join(axis.values, ","),
               axis_values_text(axis), axis.opt_in ? "  (opt-in)" : "",
               axis.description.empty() ? "" : "  " + axis.description);
  }
  for (const Option& option : benchmark.options()) {
    fmt::print("    --option {}  [{}, default {}]  {}\n", option.name, describe_values(option),
               option_default_text(option), option.description);
  }
}

}  // namespace

int list_command(const ListCommandOptions& options) {
  ordered_json benchmarks = ordered_json::array();
  for (const BenchmarkInfo& info : Registry::global().all()) {
    const auto benchmark = info.factory();
    if (benchmark->opt_in() && !options.include_mock) continue;
    if (!options.json) {
      print_text(info, *benchmark);
      continue;
    }
    ordered_json axes = ordered_json::array();
    for (const Axis& axis : benchmark->axes()) axes.push_back(axis_to_json(axis));
    ordered_json declared = ordered_json::array();
    for (const Option& option : benchmark->options()) declared.push_back(option_to_json(option));
    benchmarks.push_back({{"name", info.name},
                          {"description", benchmark->description()},
                          {"needs_enable_mock", benchmark->opt_in()},
                          {"axes", axes},
                          {"options", declared}});
  }
  if (options.json) fmt::print("{}\n", ordered_json{{"benchmarks", benchmarks}}.dump(2));
  return 0;
}

}  // namespace nnbench::cli

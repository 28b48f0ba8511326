// Axes, variants and their expansion (cartesian product, first axis slowest).
#include "nnbench/core/axis.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"

namespace nnbench {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

}  // namespace

Axis int_axis(std::string name, std::vector<long long> values, std::string description,
              long long min) {
  Axis axis{std::move(name), AxisType::Int, {}, {}, std::move(description)};
  axis.min = static_cast<double>(min);
  for (long long v : values) axis.values.push_back(std::to_string(v));
  return axis;
}

Axis float_axis(std::string name, std::vector<double> values, std::string description) {
  Axis axis{std::move(name), AxisType::Float, {}, {}, std::move(description)};
  for (double v : values) axis.values.push_back(format_real(v));
  return axis;
}

Axis string_axis(std::string name, std::vector<std::string> values, std::string description,
                 std::vector<std::string> allowed) {
  return Axis{std::move(name), AxisType::String, std::move(values), std::move(allowed),
              std::move(description)};
}

std::string Variant::name() const {
  if (values.empty()) return "default";
  std::string text;
  for (const auto& [axis, value] : values) {
    if (!text.empty()) text += '/';
    text += axis + '=' + value;
  }
  return text;
}

const std::string& Variant::at(const std::string& axis) const {
  for (const auto& [name, value] : values) {
    if (name == axis) return value;
  }
  throw InputError(fmt::format("variant '{}' has no axis '{}'", this->name(), axis));
}

bool Variant::has(const std::string& axis) const {
  return std::any_of(values.begin(), values.end(),
                     [&](const auto& kv) { return kv.first == axis; });
}

AxisType Variant::type_of(const std::string& axis) const {
  const auto it = axis_types.find(axis);
  return it == axis_types.end() ? AxisType::String : it->second;
}

namespace {

// An allowed entry "*SUFFIX" accepts every value ending in SUFFIX ("*.nn": any model file).
bool allowed_value(const std::vector<std::string>& allowed, const std::string& value) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& entry) {
    if (entry.empty() || entry.front() != '*') return entry == value;
    const std::string_view suffix = std::string_view(entry).substr(1);
    return value.size() > suffix.size() && value.ends_with(suffix);
  });
}

}  // namespace

void validate_axis_value(const Axis& axis, const std::string& value) {
  if (axis.type == AxisType::Int && !parse_integer(value)) {
    throw InputError(fmt::format("axis '{}': value '{}' is not an integer", axis.name, value));
  }
  if (axis.type == AxisType::Float && !parse_real(value)) {
    throw InputError(fmt::format("axis '{}': value '{}' is not a number", axis.name, value));
  }
  if (axis.type == AxisType::String && !axis.allowed.empty() &&
      !allowed_value(axis.allowed, value)) {
    throw InputError(fmt::format("axis '{}': value '{}' is not allowed; expected one of: {}",
                                 axis.name, value, fmt::join(axis.allowed, ", ")));
  }
  if (axis.type != AxisType::String) {
    const double number = axis.type == AxisType::Int ? static_cast<double>(*parse_integer(value))
                                                     : *parse_real(value);
    const auto bound = [&](double b) {
      return axis.type == AxisType::Int ? std::to_string(static_cast<long long>(b))
                                        : format_real(b);
    };
    if (axis.min && number < *axis.min) {
      throw InputError(fmt::format("axis '{}': value '{}' is out of range: expected >= {}",
                                   axis.name, value, bound(*axis.min)));
    }
    if (axis.max && number > *axis.max) {
      throw InputError(fmt::format("axis '{}': value '{}' is out of range: expected <= {}",
                                   axis.name, value, bound(*axis.max)));
    }
  }
  if (axis.check) axis.check(value);
}

std::string canonical_axis_value(const Axis& axis, const std::string& value) {
  if (axis.type == AxisType::Int) return std::to_string(*parse_integer(value));
  if (axis.type == AxisType::Float) return format_real(*parse_real(value));
  return value;
}

Axis opt_in_axis(Axis axis) {
  axis.opt_in = true;
  return axis;
}

std::vector<Variant> expand_variants(const std::vector<Axis>& axes,
                                     const AxisOverrides& overrides) {
  std::vector<Variant> variants{Variant{}};
  for (const Axis& axis : axes) {
    const auto override_it = overrides.find(axis.name);
    if (axis.opt_in && override_it == overrides.end()) continue;
    std::vector<std::string> values;
    for (const std::string& given :
         override_it != overrides.end() ? override_it->second : axis.values) {
      validate_axis_value(axis, given);
      const std::string value = canonical_axis_value(axis, given);
      if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    }
    std::vector<Variant> next;
    next.reserve(variants.size() * values.size());
    for (const Variant& prefix : variants) {
      for (const std::string& value : values) {
        Variant variant = prefix;
        variant.values.emplace_back(axis.name, value);
        if (axis.type != AxisType::String) variant.axis_types[axis.name] = axis.type;
        next.push_back(std::move(variant));
      }
    }
    variants = std::move(next);
  }
  return variants;
}

std::uint64_t count_variants(const std::vector<Axis>& axes, const AxisOverrides& overrides) {
  std::uint64_t count = 1;
  for (const Axis& axis : axes) {
    const auto override_it = overrides.find(axis.name);
    if (axis.opt_in && override_it == overrides.end()) continue;
    const std::uint64_t values =
        (override_it != overrides.end() ? override_it->second : axis.values).size();
    if (values != 0 && count > std::numeric_limits<std::uint64_t>::max() / values) {
      return std::numeric_limits<std::uint64_t>::max();
    }
    count *= values;
  }
  return count;
}

std::pair<std::string, std::vector<std::string>> parse_axis_override(const std::string& text) {
  const auto eq = text.find('=');
  const std::string name = trim(text.substr(0, eq));
  if (eq == std::string::npos || name.empty()) {
    throw InputError(
        fmt::format("--axis '{}': expected NAME=V1,V2,... (e.g. batch_size=1,8,32)", text));
  }
  std::vector<std::string> values;
  std::string rest = text.substr(eq + 1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    const auto comma = rest.find(',', start);
    const std::string value =
        trim(rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (value.empty()) {
      throw InputError(
          fmt::format("--axis '{}': empty value in the list for axis '{}'", text, name));
    }
    if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return {name, values};
}

}  // namespace nnbench

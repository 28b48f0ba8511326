// Axes, variants and their expansion (cartesian product, first axis slowest).
#include "nnbench/core/axis.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"

namespace nnbench {
namespace {

bool parses_as_int(const std::string& text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parses_as_float(const std::string& text) {
  if (text.empty()) return false;
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    return used == text.size() && std::isfinite(value);
  } catch (const std::exception&) {
    return false;
  }
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  const auto last = text.find_last_not_of(" \t");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

}  // namespace

Axis int_axis(std::string name, std::vector<long long> values, std::string description) {
  Axis axis{std::move(name), AxisType::Int, {}, {}, std::move(description)};
  for (long long v : values) axis.values.push_back(std::to_string(v));
  return axis;
}

Axis float_axis(std::string name, std::vector<double> values, std::string description) {
  Axis axis{std::move(name), AxisType::Float, {}, {}, std::move(description)};
  for (double v : values) axis.values.push_back(fmt::format("{}", v));
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
  if (axis.type == AxisType::Int && !parses_as_int(value)) {
    throw InputError(fmt::format("axis '{}': value '{}' is not an integer", axis.name, value));
  }
  if (axis.type == AxisType::Float && !parses_as_float(value)) {
    throw InputError(fmt::format("axis '{}': value '{}' is not a number", axis.name, value));
  }
  if (axis.type == AxisType::String && !axis.allowed.empty() &&
      !allowed_value(axis.allowed, value)) {
    throw InputError(fmt::format("axis '{}': value '{}' is not allowed; expected one of: {}",
                                 axis.name, value, fmt::join(axis.allowed, ", ")));
  }
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
    const std::vector<std::string>& values =
        override_it != overrides.end() ? override_it->second : axis.values;
    for (const std::string& value : values) validate_axis_value(axis, value);
    std::vector<Variant> next;
    next.reserve(variants.size() * values.size());
    for (const Variant& prefix : variants) {
      for (const std::string& value : values) {
        Variant variant = prefix;
        variant.values.emplace_back(axis.name, value);
        next.push_back(std::move(variant));
      }
    }
    variants = std::move(next);
  }
  return variants;
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

// Benchmark option declarations, validation and typed reads (see option.hpp).
#include "nnbench/core/option.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"

namespace nnbench {
namespace {

std::string bound_text(double value, OptionType type) {
  return type == OptionType::Int ? std::to_string(static_cast<long long>(value))
                                 : format_real(value);
}

const char* type_word(OptionType type) {
  switch (type) {
    case OptionType::Int:
      return "integer";
    case OptionType::Real:
      return "number";
    case OptionType::Bool:
      return "true or false";
    case OptionType::String:
      return "text";
    case OptionType::Path:
      return "path";
  }
  return "?";
}

std::optional<double> numeric_value(const Option& option, const std::string& value) {
  if (option.type == OptionType::Int) {
    const auto parsed = parse_integer(value);
    return parsed ? std::optional<double>(static_cast<double>(*parsed)) : std::nullopt;
  }
  return parse_real(value);
}

}  // namespace

Option int_option(std::string name, std::optional<long long> default_value, std::string description,
                  long long min, std::optional<long long> max) {
  Option option;
  option.name = std::move(name);
  option.type = OptionType::Int;
  if (default_value) option.default_value = std::to_string(*default_value);
  option.min = static_cast<double>(min);
  if (max) option.max = static_cast<double>(*max);
  option.description = std::move(description);
  return option;
}

Option real_option(std::string name, std::optional<double> default_value, std::string description,
                   double min, std::optional<double> max) {
  Option option;
  option.name = std::move(name);
  option.type = OptionType::Real;
  if (default_value) option.default_value = format_real(*default_value);
  option.min = min;
  option.max = max;
  option.description = std::move(description);
  return option;
}

Option positive_real_option(std::string name, std::optional<double> default_value,
                            std::string description, double max) {
  Option option = real_option(std::move(name), default_value, std::move(description), 0, max);
  option.min_exclusive = true;
  return option;
}

Option bool_option(std::string name, bool default_value, std::string description) {
  Option option;
  option.name = std::move(name);
  option.type = OptionType::Bool;
  option.default_value = default_value ? "true" : "false";
  option.description = std::move(description);
  return option;
}

Option string_option(std::string name, std::string default_value, std::string description,
                     std::vector<std::string> allowed) {
  Option option;
  option.name = std::move(name);
  option.type = OptionType::String;
  option.default_value = std::move(default_value);
  option.allowed = std::move(allowed);
  option.description = std::move(description);
  return option;
}

Option path_option(std::string name, std::string default_value, std::string description) {
  Option option = string_option(std::move(name), std::move(default_value), std::move(description));
  option.type = OptionType::Path;
  return option;
}

Option with_quick_default(Option option, std::string quick_default) {
  option.quick_default = std::move(quick_default);
  return option;
}

Option with_default_note(Option option, std::string note) {
  option.default_note = std::move(note);
  return option;
}

std::string describe_values(const Option& option) {
  switch (option.type) {
    case OptionType::Int:
    case OptionType::Real: {
      const std::string word = type_word(option.type);
      if (option.min && option.min_exclusive) {
        const std::string above =
            fmt::format("{} > {}", word, bound_text(*option.min, option.type));
        return option.max ? fmt::format("{} and <= {}", above, bound_text(*option.max, option.type))
                          : above;
      }
      if (option.min && option.max) {
        return fmt::format("{} from {} to {}", word, bound_text(*option.min, option.type),
                           bound_text(*option.max, option.type));
      }
      if (option.min) return fmt::format("{} >= {}", word, bound_text(*option.min, option.type));
      return word;
    }
    case OptionType::Bool:
      return "true|false";
    case OptionType::String:
      return option.allowed.empty() ? "text" : fmt::format("{}", fmt::join(option.allowed, "|"));
    case OptionType::Path:
      return "path";
  }
  return "?";
}

void validate_option_value(const Option& option, const std::string& value) {
  const auto fail = [&](const std::string& why) {
    throw InputError(fmt::format("option {}='{}': {}", option.name, value, why));
  };
  switch (option.type) {
    case OptionType::Int:
    case OptionType::Real: {
      const std::optional<double> number = numeric_value(option, value);
      if (!number) fail(fmt::format("expected {}", describe_values(option)));
      const bool below =
          option.min && (option.min_exclusive ? *number <= *option.min : *number < *option.min);
      if (below || (option.max && *number > *option.max)) {
        fail(fmt::format("out of range: expected {}", describe_values(option)));
      }
      return;
    }
    case OptionType::Bool:
      if (!parse_bool(value)) fail("expected true or false");
      return;
    case OptionType::String:
      if (!option.allowed.empty() &&
          std::find(option.allowed.begin(), option.allowed.end(), value) == option.allowed.end()) {
        fail(fmt::format("expected one of {}", fmt::join(option.allowed, ", ")));
      }
      return;
    case OptionType::Path:
      if (value.empty()) fail("expected a path, not an empty text");
      return;
  }
}

std::string canonical_option_value(const Option& option, const std::string& value) {
  switch (option.type) {
    case OptionType::Int:
      return std::to_string(*parse_integer(value));
    case OptionType::Real:
      return format_real(*parse_real(value));
    case OptionType::Bool:
      return *parse_bool(value) ? "true" : "false";
    default:
      return value;
  }
}

OptionValues::OptionValues(std::string owner, std::vector<Option> declared,
                           std::map<std::string, std::string> given, bool quick)
    : owner_(std::move(owner)), declared_(std::move(declared)), quick_(quick) {
  for (auto& [name, value] : given) {
    const auto it = std::find_if(declared_.begin(), declared_.end(),
                                 [&](const Option& o) { return o.name == name; });
    if (it == declared_.end()) continue;  // another benchmark's option
    validate_option_value(*it, value);
    given_[name] = canonical_option_value(*it, value);
  }
}

const Option& OptionValues::declaration(const std::string& name) const {
  const auto it = std::find_if(declared_.begin(), declared_.end(),
                               [&](const Option& o) { return o.name == name; });
  if (it == declared_.end()) {
    throw ProgrammingError(fmt::format(
        "benchmark '{}' reads option '{}', which it does not declare (Benchmark::options())",
        owner_, name));
  }
  return *it;
}

const Option& OptionValues::declaration(const std::string& name, OptionType type) const {
  const Option* it = &declaration(name);
  const bool text_like = (type == OptionType::String || type == OptionType::Path) &&
                         (it->type == OptionType::String || it->type == OptionType::Path);
  if (it->type != type && !text_like) {
    throw ProgrammingError(fmt::format("benchmark '{}' reads option '{}' as {}; it declares {}",
                                       owner_, name, type_word(type), type_word(it->type)));
  }
  return *it;
}

std::optional<std::string> OptionValues::text(const Option& option) const {
  const auto it = given_.find(option.name);
  if (it != given_.end()) return it->second;
  if (quick_ && !option.quick_default.empty()) return option.quick_default;
  if (!option.default_value.empty()) return option.default_value;
  return std::nullopt;
}

bool OptionValues::given(const std::string& name) const {
  declaration(name);
  return given_.count(name) > 0;
}

std::optional<long long> OptionValues::find_int(const std::string& name) const {
  const auto value = text(declaration(name, OptionType::Int));
  return value ? parse_integer(*value) : std::nullopt;
}

std::optional<double> OptionValues::find_real(const std::string& name) const {
  const auto value = text(declaration(name, OptionType::Real));
  return value ? parse_real(*value) : std::nullopt;
}

std::optional<std::string> OptionValues::find_string(const std::string& name) const {
  return text(declaration(name, OptionType::String));
}

namespace {

template <class T>
T required(const std::optional<T>& value, const std::string& owner, const std::string& name) {
  if (!value) {
    throw ProgrammingError(fmt::format(
        "benchmark '{}' reads option '{}' with get_*, but it has no default: use find_*", owner,
        name));
  }
  return *value;
}

}  // namespace

long long OptionValues::get_int(const std::string& name) const {
  return required(find_int(name), owner_, name);
}

double OptionValues::get_real(const std::string& name) const {
  return required(find_real(name), owner_, name);
}

bool OptionValues::get_bool(const std::string& name) const {
  const auto value = text(declaration(name, OptionType::Bool));
  return *parse_bool(required(value, owner_, name));
}

std::string OptionValues::get_string(const std::string& name) const {
  return required(find_string(name), owner_, name);
}

}  // namespace nnbench

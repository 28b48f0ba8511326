// Benchmark options (`--option KEY=VALUE`, `options:` in a config file), declared as data next to a
// benchmark's axes: name, type, default, bounds or allowed values, one line of description. The
// planner checks every given option against the selected benchmarks before anything runs, `nnbench
// list` prints them, and a benchmark reads them typed through OptionValues, which refuses a name
// the benchmark did not declare.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nnbench {

enum class OptionType { Int, Real, Bool, String, Path };

struct Option {
  std::string name;
  OptionType type = OptionType::String;
  // The default as text; empty when the option has none (absent means "not set") or when the
  // benchmark derives it (then `default_note` says how, e.g. "the model file's train.epochs").
  std::string default_value;
  std::string quick_default;  // the default under --quick, where it differs
  std::string default_note;
  std::optional<double> min, max;    // Int and Real: bounds, inclusive
  bool min_exclusive = false;        // min itself is out (a positive real: min 0, exclusive)
  std::vector<std::string> allowed;  // String: the closed set of values, if any
  std::string description;
};

// Declaration helpers. Int and Real options are bounded below by `min` (and above by `max` when
// given); a default of nullopt means the option has none.
Option int_option(std::string name, std::optional<long long> default_value, std::string description,
                  long long min = 0, std::optional<long long> max = std::nullopt);
Option real_option(std::string name, std::optional<double> default_value, std::string description,
                   double min, std::optional<double> max = std::nullopt);
// A real > 0 (and <= max).
Option positive_real_option(std::string name, std::optional<double> default_value,
                            std::string description, double max);
Option bool_option(std::string name, bool default_value, std::string description);
Option string_option(std::string name, std::string default_value, std::string description,
                     std::vector<std::string> allowed = {});
// A file or directory: the text is taken as given (the benchmark reports a missing one); it
// must not be empty.
Option path_option(std::string name, std::string default_value, std::string description);
// The same option with a --quick default, or with a note on how its default is derived.
Option with_quick_default(Option option, std::string quick_default);
Option with_default_note(Option option, std::string note);

// "int >= 1", "real in (0, 1]"-style: what the option takes, for `list` and error messages.
std::string describe_values(const Option& option);
// Throws InputError naming the option, the value and what it takes.
void validate_option_value(const Option& option, const std::string& value);
// The value recorded for a valid text: reals and integers in one spelling ("1e-3" -> "0.001"),
// booleans as true/false; other texts unchanged.
std::string canonical_option_value(const Option& option, const std::string& value);

// The options one benchmark reads in one run: its declarations and the values given for them
// (already validated by the planner). A read returns the given value, else the default (the
// --quick default in a quick run). Reading a name the benchmark did not declare, or as another
// type than declared, throws ProgrammingError: a benchmark cannot read input nobody checked.
class OptionValues {
 public:
  OptionValues() = default;
  OptionValues(std::string owner, std::vector<Option> declared,
               std::map<std::string, std::string> given, bool quick);

  bool given(const std::string& name) const;
  std::optional<long long> find_int(const std::string& name) const;
  std::optional<double> find_real(const std::string& name) const;
  std::optional<std::string> find_string(const std::string& name) const;  // String and Path
  // As find_*, for options with a default; ProgrammingError when there is no value.
  long long get_int(const std::string& name) const;
  double get_real(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  std::string get_string(const std::string& name) const;

  const std::vector<Option>& declared() const { return declared_; }
  const std::map<std::string, std::string>& given_values() const { return given_; }

 private:
  const Option& declaration(const std::string& name) const;
  const Option& declaration(const std::string& name, OptionType type) const;
  std::optional<std::string> text(const Option& option) const;

  std::string owner_;
  std::vector<Option> declared_;
  std::map<std::string, std::string> given_;
  bool quick_ = false;
};

}  // namespace nnbench

// Axes a benchmark declares, and the variants (cartesian product) a run expands them into.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nnbench {

enum class AxisType { Int, Float, String };

// A named parameter with the values a run sweeps. Values are kept as text, as users write them;
// typed axes are validated when a run is planned, so `--axis batch_size=abc` fails before any
// work starts. A String axis with `allowed` non-empty accepts only those values.
struct Axis {
  std::string name;
  AxisType type = AxisType::String;
  std::vector<std::string> values;  // the default sweep
  // String axes: the closed set of valid values, if any; an entry "*SUFFIX" accepts every
  // value ending in SUFFIX.
  std::vector<std::string> allowed;
  std::string description;
  // Int and Float axes: inclusive bounds of a value, if any.
  std::optional<double> min = {}, max = {};
  // An opt-in axis stays out of the variants, and of their names, unless the run sets it
  // (`--axis NAME=...`): a mode most runs never use (a load scenario) does not rename every row.
  // The benchmark reads its absence as the default.
  bool opt_in = false;
  // A check of each value beyond type and `allowed` (e.g. that a model name resolves to a model
  // this benchmark can run); throws InputError naming the value. Empty: none.
  std::function<void(const std::string&)> check = {};
};

// Integer axes are counts and sizes: at least `min` (1 unless given).
Axis int_axis(std::string name, std::vector<long long> values, std::string description = "",
              long long min = 1);
Axis float_axis(std::string name, std::vector<double> values, std::string description = "");
Axis string_axis(std::string name, std::vector<std::string> values, std::string description = "",
                 std::vector<std::string> allowed = {});
// `axis`, marked opt-in.
Axis opt_in_axis(Axis axis);

// One point of the product: axis name -> value, in the benchmark's axis order.
struct Variant {
  std::vector<std::pair<std::string, std::string>> values;
  // The type of each axis that is not a String axis (result files write its values as numbers).
  std::map<std::string, AxisType> axis_types;

  // "batch_size=8/dtype=fp32"; "default" when the benchmark has no axes.
  std::string name() const;
  // The value of an axis; throws InputError naming the axis when absent.
  const std::string& at(const std::string& axis) const;
  bool has(const std::string& axis) const;
  AxisType type_of(const std::string& axis) const;
};

// Axis name -> values given on the command line or in a config file, replacing the defaults.
using AxisOverrides = std::map<std::string, std::vector<std::string>>;

// Checks an override value against its axis (type, allowed set, check); throws InputError that
// names the axis, the value and what was expected.
void validate_axis_value(const Axis& axis, const std::string& value);
// The one spelling a valid value is recorded with: integers and reals as parse.hpp formats them
// ("08" -> "8", "1e-3" -> "0.001"), strings unchanged.
std::string canonical_axis_value(const Axis& axis, const std::string& value);

// The cartesian product of the axes with overrides applied (overrides for axes the benchmark
// does not have are ignored here; the planner reports those no benchmark has). Values are
// validated and written in their canonical spelling, repeats dropped. The first axis
// varies slowest, so benchmarks declare the axis with the costliest set-up (model) first and
// the cheap ones (batch size) last.
std::vector<Variant> expand_variants(const std::vector<Axis>& axes, const AxisOverrides& overrides);

// How many variants expand_variants would make (before repeated values are dropped), without
// making them; saturates at the largest std::uint64_t.
std::uint64_t count_variants(const std::vector<Axis>& axes, const AxisOverrides& overrides);

// Parses "name=v1,v2" into an override entry; throws InputError on a malformed text.
std::pair<std::string, std::vector<std::string>> parse_axis_override(const std::string& text);

}  // namespace nnbench

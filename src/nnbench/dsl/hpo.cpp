// Search spaces: axis naming, enumeration into nnbench::Axis, and substitution of a variant.
#include "nnbench/dsl/hpo.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

#include "layer_table.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"
#include "nnbench/core/printable.hpp"

namespace nnbench::dsl {
namespace {

constexpr double kLargestExactInteger = 9007199254740992.0;  // 2^53

using Visit = std::function<void(ast::Value&, const std::string&)>;

void visit_value(ast::Value& v, const std::string& path, const Visit& visit) {
  if (v.kind == ast::ValueKind::kHpo) {
    visit(v, path);
  } else if (v.kind == ast::ValueKind::kTuple || v.kind == ast::ValueKind::kList) {
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      visit_value(v.items[i], path + "." + std::to_string(i), visit);
    }
  }
}

// The canonical name of argument `index` of a call: positional arguments by their slot, named
// ones through their aliases; "argN" when the callee is unknown (the checker reports it).
std::string canonical_name(const std::vector<ast::Argument>& args, std::size_t index,
                           const std::vector<Param>* params) {
  const ast::Argument& arg = args[index];
  if (params == nullptr) return arg.name.empty() ? "arg" + std::to_string(index + 1) : arg.name;
  if (arg.name.empty()) {
    return index < params->size() ? std::string((*params)[index].name)
                                  : "arg" + std::to_string(index + 1);
  }
  for (const Param& p : *params) {
    for (std::string_view alias : p.aliases) {
      if (alias == arg.name) return std::string(p.name);
    }
  }
  return arg.name;
}

std::string param_name(const ast::Item& item, std::size_t index) {
  const LayerSignature* s = find_layer(item.name);
  return canonical_name(item.args, index, s != nullptr ? &s->params : nullptr);
}

void visit_items(std::vector<ast::Item>& items, const std::string& prefix, const Visit& visit) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    ast::Item& item = items[i];
    const std::string path = prefix + "layer" + std::to_string(i + 1) + "." + item.name;
    for (std::size_t a = 0; a < item.args.size(); ++a) {
      visit_value(item.args[a].value, path + "." + param_name(item, a), visit);
    }
    visit_items(item.body, path + ".", visit);
  }
}

void visit_network(ast::Network& net, const Visit& visit) {
  visit_items(net.layers, "", visit);
  if (net.optimizer) {
    const auto kind = find_optimizer(net.optimizer->name);
    const std::vector<Param> params = kind ? optimizer_params(*kind) : std::vector<Param>{};
    for (std::size_t i = 0; i < net.optimizer->args.size(); ++i) {
      const std::string name = canonical_name(net.optimizer->args, i, kind ? &params : nullptr);
      visit_value(net.optimizer->args[i].value, "optimizer." + name, visit);
    }
  }
  for (ast::Setting& s : net.train) visit_value(s.value, "train." + s.key, visit);
  for (ast::Setting& s : net.execute) visit_value(s.value, "execute." + s.key, visit);
}

std::string number_text(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.12g", x);
  return buffer;
}

std::string value_text(const ast::Value& v) {
  switch (v.kind) {
    case ast::ValueKind::kInt:
      return std::to_string(v.int_value);
    case ast::ValueKind::kFloat:
      return number_text(v.float_value);
    case ast::ValueKind::kBool:
      return v.bool_value ? "true" : "false";
    default:
      return v.text;
  }
}

bool parse_double(const std::string& text, double& out) {
  const std::optional<double> value = nnbench::parse_real(text);
  if (value) out = *value;
  return value.has_value();
}

// Whether `number` is one of a numeric search space's values (up to their text's rounding).
bool among_values(const std::vector<std::string>& values, double number) {
  for (const std::string& option : values) {
    double x = 0.0;
    if (parse_double(option, x) && std::fabs(x - number) <= 1e-9 * std::fabs(x)) return true;
  }
  return false;
}

// A check that a value given for a numeric search space (`--axis`, `--set`) is one of its values,
// so a value outside it is refused when the run is planned.
std::function<void(const std::string&)> one_of_values(const nnbench::Axis& axis) {
  return [name = axis.name, values = axis.values](const std::string& text) {
    double number = 0.0;
    if (parse_double(text, number) && among_values(values, number)) return;
    std::string list;
    for (const std::string& option : values) list += (list.empty() ? "" : ", ") + option;
    throw InputError("search space " + quote_text(name) + ": value " + quote_text(text) +
                     " is not one of " + list);
  };
}

// The axis of one search space, or false after reporting why it is malformed.
bool make_axis(const ast::Value& v, const HpoSampling& sampling, Diagnostics& d,
               nnbench::Axis& axis) {
  axis.name = v.text;
  const auto bad = [&](const std::string& message) {
    d.error(v.range, message);
    return false;
  };
  if (v.hpo_kind == ast::HpoKind::kChoice) {
    if (v.items.empty()) return bad("choice(...) needs at least one value");
    bool all_int = true, all_number = true, all_text = true, all_bool = true;
    for (const ast::Value& item : v.items) {
      all_int = all_int && item.kind == ast::ValueKind::kInt;
      all_number = all_number && item.is_number();
      all_text =
          all_text && (item.kind == ast::ValueKind::kString || item.kind == ast::ValueKind::kName);
      all_bool = all_bool && item.kind == ast::ValueKind::kBool;
    }
    if (!all_number && !all_text && !all_bool) {
      return bad("choice(...) values must all be numbers, all strings or all booleans");
    }
    axis.type = all_int ? AxisType::Int : all_number ? AxisType::Float : AxisType::String;
    for (const ast::Value& item : v.items) {
      axis.values.push_back(all_number && !all_int ? number_text(item.as_double())
                                                   : value_text(item));
    }
    axis.description = "HPO(choice)";
    if (axis.type == AxisType::String) {
      axis.allowed = axis.values;
    } else {
      axis.check = one_of_values(axis);
    }
    return true;
  }
  const bool is_range = v.hpo_kind == ast::HpoKind::kRange;
  const char* what = is_range ? "range" : "log_range";
  if (v.items.size() < 2 || v.items.size() > (is_range ? 3u : 2u)) {
    return bad(std::string(what) +
               (is_range ? "(...) takes low, high and step" : "(...) takes low and high"));
  }
  for (const ast::Value& item : v.items) {
    if (!item.is_number()) return bad(std::string(what) + "(...) bounds must be numbers");
  }
  const double low = v.items[0].as_double();
  const double high = v.items[1].as_double();
  if (!(low < high)) return bad(std::string(what) + "(...) needs low < high");
  if (!is_range) {
    if (!(low > 0.0)) return bad("log_range(...) needs a positive low bound");
    if (sampling.samples < 1 || static_cast<std::size_t>(sampling.samples) > kMaxAxisValues) {
      return bad("log_range(...) needs between 1 and 10000 samples");
    }
    std::mt19937_64 generator(sampling.seed);
    axis.type = AxisType::Float;
    const double log_low = std::log(low);
    const double log_span = std::log(high) - log_low;
    for (int i = 0; i < sampling.samples; ++i) {
      // 53 random bits -> [0, 1); std::uniform_real_distribution differs between libraries.
      const double u = static_cast<double>(generator() >> 11) * 0x1.0p-53;
      axis.values.push_back(number_text(std::exp(log_low + u * log_span)));
    }
    axis.description = "HPO(log_range), " + std::to_string(sampling.samples) + " samples, seed " +
                       std::to_string(sampling.seed);
    axis.min = low;
    axis.max = high;
    return true;
  }
  const bool integral = v.items[0].kind == ast::ValueKind::kInt &&
                        v.items[1].kind == ast::ValueKind::kInt &&
                        (v.items.size() == 2 || v.items[2].kind == ast::ValueKind::kInt);
  if (v.items.size() == 2 && !integral) return bad("range(...) over decimals needs step=");
  if (std::fabs(low) > kLargestExactInteger || std::fabs(high) > kLargestExactInteger) {
    return bad("range(...) bounds must be within +-2^53");
  }
  const double step = v.items.size() == 3 ? v.items[2].as_double() : 1.0;
  if (!(step > 0.0)) return bad("range(...) needs a positive step");
  const double count = std::floor((high - low) / step + 1e-9) + 1.0;
  if (!(count <= static_cast<double>(kMaxAxisValues))) {
    return bad("range(...) has more than " + std::to_string(kMaxAxisValues) + " values");
  }
  axis.type = integral ? AxisType::Int : AxisType::Float;
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    const double x = low + static_cast<double>(i) * step;
    axis.values.push_back(integral ? std::to_string(static_cast<std::int64_t>(x)) : number_text(x));
  }
  axis.description = "HPO(range)";
  axis.check = one_of_values(axis);
  return true;
}

}  // namespace

void name_hpo_axes(ast::File& file) {
  const Visit name = [](ast::Value& v, const std::string& path) { v.text = path; };
  for (ast::Network& net : file.networks) visit_network(net, name);
  for (ast::Macro& macro : file.macros) visit_items(macro.body, macro.name + ".", name);
}

std::vector<nnbench::Axis> hpo_axes(const ast::Network& network, const HpoSampling& sampling,
                                    Diagnostics& diagnostics) {
  std::vector<nnbench::Axis> axes;
  ast::Network copy = network;  // the visitor walks mutable trees
  visit_network(copy, [&](ast::Value& v, const std::string&) {
    for (const nnbench::Axis& axis : axes) {
      if (axis.name == v.text) return;
    }
    nnbench::Axis axis;
    if (make_axis(v, sampling, diagnostics, axis)) axes.push_back(std::move(axis));
  });
  return axes;
}

std::vector<ir::HpoAssignment> substitute_hpo(ast::Network& network,
                                              const std::vector<nnbench::Axis>& axes,
                                              const std::map<std::string, std::string>& chosen,
                                              Diagnostics& diagnostics) {
  std::vector<ir::HpoAssignment> assignments;
  visit_network(network, [&](ast::Value& v, const std::string&) {
    const nnbench::Axis* axis = nullptr;
    for (const nnbench::Axis& a : axes) {
      if (a.name == v.text) axis = &a;
    }
    if (axis == nullptr || axis->values.empty()) {
      diagnostics.error(v.range, "search space " + quote_text(v.text) + " has no values");
      return;
    }
    const auto given = chosen.find(axis->name);
    const std::string text = given != chosen.end() ? given->second : axis->values.front();
    ast::Value literal;
    literal.range = v.range;
    double number = 0.0;
    bool valid = false;
    if (axis->type == AxisType::String) {
      const bool is_bool = !v.items.empty() && v.items.front().kind == ast::ValueKind::kBool;
      literal.kind = is_bool ? ast::ValueKind::kBool : ast::ValueKind::kString;
      literal.bool_value = text == "true";
      literal.text = text;
      for (const std::string& option : axis->values) valid = valid || option == text;
    } else if (parse_double(text, number)) {
      const bool is_int = axis->type == AxisType::Int;
      literal.kind = is_int ? ast::ValueKind::kInt : ast::ValueKind::kFloat;
      literal.float_value = number;
      if (is_int && (std::floor(number) != number || std::fabs(number) > kLargestExactInteger)) {
        valid = false;
      } else if (v.hpo_kind == ast::HpoKind::kLogRange) {
        valid = number >= v.items[0].as_double() && number <= v.items[1].as_double();
      } else {
        valid = among_values(axis->values, number);
      }
    }
    if (valid && literal.kind == ast::ValueKind::kInt) {
      literal.int_value = static_cast<std::int64_t>(number);
    }
    if (!valid) {
      diagnostics.error(v.range, "value " + quote_text(text) + " chosen for " +
                                     quote_text(axis->name) + " is not in its search space");
      return;
    }
    bool recorded = false;
    for (const ir::HpoAssignment& a : assignments) recorded = recorded || a.axis == axis->name;
    if (!recorded) assignments.push_back({axis->name, text});
    v = literal;
  });
  return assignments;
}

}  // namespace nnbench::dsl

// Argument binding and typed argument getters for the checker, plus shape formatting and
// overflow-safe counting.
#include <algorithm>
#include <charconv>
#include <limits>

#include "check_context.hpp"

namespace nnbench::dsl {

std::string describe_shape(const ir::Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + ")";
}

std::string describe(const Tensor& tensor) {
  const char* labels = "";
  switch (tensor.layout) {
    case Layout::kFlat:
      labels = " [features]";
      break;
    case Layout::kTokens:
      labels = " [length]";
      break;
    case Layout::kChannelsFirst:
      labels = " [channels, length]";
      break;
    case Layout::kSequence:
      labels = " [length, features]";
      break;
    case Layout::kImage:
      labels = " [channels, height, width]";
      break;
    case Layout::kAny:
      labels = "";
      break;
  }
  return describe_shape(tensor.shape) + labels;
}

std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::int64_t feature_dim(const Tensor& tensor) {
  if (tensor.layout == Layout::kImage || tensor.layout == Layout::kChannelsFirst) return 0;
  return tensor.shape.empty() ? 0 : static_cast<std::int64_t>(tensor.shape.size()) - 1;
}

std::int64_t Counter::mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (overflow || __builtin_mul_overflow(a, b, &r)) {
    overflow = true;
    return std::numeric_limits<std::int64_t>::max();
  }
  return r;
}

std::int64_t Counter::add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (overflow || __builtin_add_overflow(a, b, &r)) {
    overflow = true;
    return std::numeric_limits<std::int64_t>::max();
  }
  return r;
}

std::int64_t Counter::product(const ir::Shape& shape) {
  std::int64_t r = 1;
  for (std::int64_t d : shape) r = mul(r, d);
  return r;
}

Args::Args(const ast::Item& item, const std::vector<Param>& params, std::string_view callee,
           Diagnostics& diagnostics, std::string_view noun)
    : item_(item), callee_(callee), noun_(noun), diagnostics_(diagnostics) {
  std::vector<std::string_view> spellings;
  for (const Param& p : params) {
    spellings.push_back(p.name);
    for (std::string_view alias : p.aliases) spellings.push_back(alias);
  }
  std::size_t positional = 0;
  bool seen_named = false;
  for (const ast::Argument& arg : item.args) {
    const Param* param = nullptr;
    if (arg.name.empty()) {
      if (seen_named) {
        error(arg.value.range, "positional argument after a named one in " + callee_ + "(...)");
        continue;
      }
      if (positional >= params.size()) {
        std::string names;
        for (const Param& p : params) names += (names.empty() ? "" : ", ") + std::string(p.name);
        error(arg.value.range, params.empty()
                                   ? callee_ + " takes no arguments"
                                   : callee_ + " takes at most " + std::to_string(params.size()) +
                                         " positional arguments (" + names + ")");
        continue;
      }
      param = &params[positional++];
    } else {
      seen_named = true;
      for (const Param& p : params) {
        const bool alias =
            std::find(p.aliases.begin(), p.aliases.end(), arg.name) != p.aliases.end();
        if (p.name == arg.name || alias) param = &p;
      }
      if (param == nullptr) {
        error(arg.name_range,
              with_suggestion(callee_ + " has no " + noun_ + " " + quote_text(arg.name), arg.name,
                              spellings));
        continue;
      }
    }
    if (find(param->name) != nullptr) {
      error(arg.name_range, noun_ + " " + quote_text(std::string(param->name)) + " of " + callee_ +
                                " is given twice");
      continue;
    }
    if (arg.value.kind == ast::ValueKind::kHpo) {
      error(arg.value.range, "search space was not resolved to a value");
      continue;
    }
    bound_.push_back(Bound{param->name, &arg.value});
  }
  for (const Param& p : params) {
    if (p.required && find(p.name) == nullptr && !failed_) {
      error(item.name_range, callee_ + " needs " + noun_ + " " + quote_text(std::string(p.name)));
    }
  }
}

const ast::Value* Args::find(std::string_view name) const {
  for (const Bound& b : bound_) {
    if (b.param == name) return b.value;
  }
  return nullptr;
}

SourceRange Args::range_of(std::string_view name) const {
  const ast::Value* v = find(name);
  return v != nullptr ? v->range : item_.name_range;
}

void Args::error(SourceRange range, std::string message) {
  failed_ = true;
  diagnostics_.error(range, std::move(message));
}

const ast::Value* Args::typed(std::string_view name, bool ok_kind, std::string_view expected) {
  const ast::Value* v = find(name);
  if (v != nullptr && !ok_kind) {
    error(v->range, noun_ + " " + quote_text(std::string(name)) + " of " + callee_ + " must be " +
                        std::string(expected));
    return nullptr;
  }
  return v;
}

std::int64_t Args::integer(std::string_view name, std::int64_t fallback, std::int64_t min_value) {
  const ast::Value* found = find(name);
  const ast::Value* v =
      typed(name, found == nullptr || found->kind == ast::ValueKind::kInt, "an integer");
  if (v == nullptr) return fallback;
  if (v->int_value < min_value || v->int_value > kMaxDimension) {
    error(v->range, noun_ + " " + quote_text(std::string(name)) + " of " + callee_ +
                        " must be between " + std::to_string(min_value) + " and " +
                        std::to_string(kMaxDimension) + ", not " + std::to_string(v->int_value));
    return fallback;
  }
  return v->int_value;
}

double Args::number(std::string_view name, double fallback, double min_value, double max_value,
                    bool max_inclusive) {
  const ast::Value* found = find(name);
  const ast::Value* v = typed(name, found == nullptr || found->is_number(), "a number");
  if (v == nullptr) return fallback;
  const double x = v->as_double();
  const bool above = max_inclusive ? x > max_value : x >= max_value;
  if (x < min_value || above) {
    error(v->range, noun_ + " " + quote_text(std::string(name)) + " of " + callee_ +
                        " must be in [" + format_number(min_value) + ", " +
                        format_number(max_value) + (max_inclusive ? "]" : ")"));
    return fallback;
  }
  return x;
}

bool Args::boolean(std::string_view name, bool fallback) {
  const ast::Value* found = find(name);
  const ast::Value* v =
      typed(name, found == nullptr || found->kind == ast::ValueKind::kBool, "true or false");
  return v == nullptr ? fallback : v->bool_value;
}

std::string Args::text(std::string_view name, std::string_view fallback) {
  const ast::Value* found = find(name);
  const bool ok = found == nullptr || found->kind == ast::ValueKind::kString ||
                  found->kind == ast::ValueKind::kName || found->kind == ast::ValueKind::kNone;
  const ast::Value* v = typed(name, ok, "a string");
  if (v == nullptr) return std::string(fallback);
  return v->kind == ast::ValueKind::kNone ? "linear" : v->text;
}

std::vector<std::int64_t> Args::int_tuple(std::string_view name, std::size_t rank,
                                          std::vector<std::int64_t> fallback,
                                          std::int64_t min_value) {
  const ast::Value* v = find(name);
  if (v == nullptr) return fallback;
  std::vector<std::int64_t> out;
  const std::string what = noun_ + " " + quote_text(std::string(name)) + " of " + callee_;
  const std::string expected =
      rank == 1 ? "an integer" : "an integer or a tuple of " + std::to_string(rank) + " integers";
  if (v->kind == ast::ValueKind::kInt) {
    out.assign(rank, v->int_value);
  } else if (v->kind == ast::ValueKind::kTuple && v->items.size() == rank) {
    for (const ast::Value& item : v->items) {
      if (item.kind != ast::ValueKind::kInt) {
        error(item.range, what + " must be " + expected);
        return fallback;
      }
      out.push_back(item.int_value);
    }
  } else {
    error(v->range, what + " must be " + expected);
    return fallback;
  }
  for (std::int64_t x : out) {
    if (x < min_value || x > kMaxDimension) {
      error(v->range, what + " must be between " + std::to_string(min_value) + " and " +
                          std::to_string(kMaxDimension));
      return fallback;
    }
  }
  return out;
}

std::vector<std::int64_t> Args::any_tuple(std::string_view name, std::int64_t min_value) {
  const ast::Value* v = find(name);
  if (v == nullptr) return {};
  const std::string what = noun_ + " " + quote_text(std::string(name)) + " of " + callee_;
  if (v->kind != ast::ValueKind::kTuple && v->kind != ast::ValueKind::kList) {
    error(v->range, what + " must be a tuple of integers");
    return {};
  }
  std::vector<std::int64_t> out;
  for (const ast::Value& item : v->items) {
    if (item.kind != ast::ValueKind::kInt || item.int_value < min_value ||
        item.int_value > kMaxDimension) {
      error(item.range, what + " must hold integers of at least " + std::to_string(min_value));
      return {};
    }
    out.push_back(item.int_value);
  }
  if (out.empty()) error(v->range, what + " must not be empty");
  return out;
}

ir::Activation Args::activation(std::string_view name, std::string_view fallback,
                                const Tensor& output) {
  const std::string spelled = text(name, fallback);
  ir::Activation act;
  act.dim = feature_dim(output);
  const auto kind = find_activation(spelled);
  if (!kind) {
    error(range_of(name), with_suggestion("unknown activation " + quote_text(spelled), spelled,
                                          activation_names()));
    return act;
  }
  act.kind = *kind;
  return act;
}

}  // namespace nnbench::dsl

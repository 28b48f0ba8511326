// The syntax tree of a .nn file, as written: nothing resolved yet. Every node keeps the source
// range it came from so later phases can point at it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnbench/dsl/source.hpp"

namespace nnbench::dsl::ast {

enum class ValueKind {
  kNone,    // None
  kBool,    // true / false / True / False
  kInt,     // 42, -3
  kFloat,   // 0.5, 1e-3
  kString,  // "relu"
  kName,    // a bare name used as a value (relu, valid); checked like a string
  kTuple,   // (3, 3)
  kList,    // ["accuracy"]
  kHpo,     // HPO(choice(...)) / HPO(range(...)) / HPO(log_range(...))
};

enum class HpoKind { kChoice, kRange, kLogRange };

// A literal value or a search space. One flat struct keeps copies (repetition, macros) simple.
struct Value {
  ValueKind kind = ValueKind::kNone;
  bool bool_value = false;
  std::int64_t int_value = 0;
  double float_value = 0.0;
  std::string text;          // kString / kName; kHpo: the axis name once assigned (see hpo.hpp)
  std::vector<Value> items;  // kTuple / kList; kHpo choice: the options; range: low, high[, step]
  HpoKind hpo_kind = HpoKind::kChoice;
  SourceRange range;

  bool is_number() const { return kind == ValueKind::kInt || kind == ValueKind::kFloat; }
  double as_double() const {
    return kind == ValueKind::kInt ? static_cast<double>(int_value) : float_value;
  }
};

// `name=value` or a positional `value` (name empty).
struct Argument {
  std::string name;
  SourceRange name_range;
  Value value;
};

// One entry of a layers list or block: a layer call, a block (Residual { ... }) or a macro use.
//   Name(args) { body } @ "device" * repeat
struct Item {
  std::string name;
  SourceRange name_range;
  SourceRange range;  // the whole item
  bool has_parens = false;
  std::vector<Argument> args;
  bool has_body = false;
  std::vector<Item> body;
  std::string device;  // empty when no @ hint
  SourceRange device_range;
  std::int64_t repeat = 1;
  SourceRange repeat_range;
};

// `key: value` inside train { ... } and execute { ... }.
struct Setting {
  std::string key;
  SourceRange key_range;
  Value value;
};

// Sections that may be absent are optional; `*_range` is the section keyword.
struct Network {
  std::string name;
  SourceRange name_range;
  SourceRange range;
  std::optional<Value> input;
  SourceRange input_range;
  bool has_layers = false;
  std::vector<Item> layers;
  SourceRange layers_range;
  std::optional<Value> loss;
  std::optional<Item> optimizer;  // name + args; a string "adam" becomes a name without args
  std::optional<Value> metrics;
  std::vector<Setting> train;
  SourceRange train_range;
  std::vector<Setting> execute;
  SourceRange execute_range;
};

// define Name { items }
struct Macro {
  std::string name;
  SourceRange name_range;
  std::vector<Item> body;
};

struct File {
  std::vector<Network> networks;
  std::vector<Macro> macros;
};

}  // namespace nnbench::dsl::ast

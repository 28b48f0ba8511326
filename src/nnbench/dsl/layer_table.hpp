// Internal: the names the language knows (layers with their parameters, activations, losses,
// optimizers) and the Neural DSL layers it deliberately does not support.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

enum class ArgType {
  kInt,
  kNumber,  // int or float
  kBool,
  kText,        // string or bare name
  kIntOrTuple,  // 3 or (3, 3)
  kIntTuple,    // (2, 1)
};

struct Param {
  std::string_view name;
  ArgType type;
  bool required = false;
  std::vector<std::string_view> aliases = {};  // other spellings (PyTorch's, Neural DSL's)
};

struct LayerSignature {
  std::string_view name;
  ir::LayerKind kind;
  std::vector<Param> params;  // in positional order
  bool takes_body = false;
};

// The signature of a layer by the name users write (aliases such as ResidualConnection
// included); nullptr when unknown.
const LayerSignature* find_layer(std::string_view name);
std::vector<std::string_view> layer_names();

// True for layers of Neural DSL / Keras that nnbench knows of but does not build.
bool is_unsupported_layer(std::string_view name);

std::optional<ir::ActivationKind> find_activation(std::string_view name);
std::vector<std::string_view> activation_names();

std::optional<ir::Loss> find_loss(std::string_view name);
std::vector<std::string_view> loss_names();

// Case-insensitive: Adam, adam, ADAM.
std::optional<ir::OptimizerKind> find_optimizer(std::string_view name);
std::vector<std::string_view> optimizer_names();
// An optimizer's arguments in positional order (learning_rate first).
std::vector<Param> optimizer_params(ir::OptimizerKind kind);

}  // namespace nnbench::dsl

// `--emit json`: the checked IR as JSON (schema "nnbench.ir", version 1). Field names follow
// ir.hpp; enumerations use ir::to_string() names; shapes are arrays in LibTorch order.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnbench/dsl/ir.hpp"

namespace nnbench::dsl {

inline constexpr int kIrJsonVersion = 1;

nlohmann::json to_json(const ir::Network& network);

// {"schema": "nnbench.ir", "version": 1, "networks": [...]} pretty-printed with 2 spaces.
std::string emit_json(const std::vector<ir::Network>& networks);

}  // namespace nnbench::dsl

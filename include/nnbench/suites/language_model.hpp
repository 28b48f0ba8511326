// The models of the language that the memory and layer-profile suites take by name: the axis
// `model` (models/simple_mlp.nn, cnn.nn, deep_mlp.nn by default) and the loading of one.
#pragma once

#include <filesystem>
#include <string>

#include "nnbench/core/axis.hpp"
#include "nnbench/dsl/ir.hpp"

namespace nnbench::suites {

// Axis "model": simple_mlp, cnn, deep_mlp.
Axis language_model_axis();

// <models_dir>/<model>.nn, or `model_option` (--option model=FILE) when its stem is `model`;
// compiled, its first network. Throws InputError naming the file when there is none, or the
// compiler's diagnostic.
dsl::ir::Network load_language_model(const std::filesystem::path& models_dir,
                                     const std::string& model, const std::string& model_option);

}  // namespace nnbench::suites

// The whole front end in one call: source text -> checked IR, or a CompileError whose what() is
// every diagnostic rendered. Phases, each with its own entry point: lex() -> parse() ->
// name_hpo_axes() -> expand_macros() -> hpo_axes() / substitute_hpo() -> check().
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nnbench/core/axis.hpp"
#include "nnbench/dsl/hpo.hpp"
#include "nnbench/dsl/ir.hpp"
#include "nnbench/dsl/source.hpp"

namespace nnbench::dsl {

struct CompileOptions {
  // HPO axis name -> chosen value (as text, e.g. from a Variant). Axes not listed take their
  // first value, so a file with search spaces compiles to its first variant by default.
  std::map<std::string, std::string> hpo_values;
  HpoSampling sampling;
};

// Compiles every network of `file`, in file order. Throws CompileError (an InputError) with all
// diagnostics when there is any error; a file without networks is an error.
std::vector<ir::Network> compile(const SourceFile& file, const CompileOptions& options = {});

// Reads and compiles a .nn (or Neural DSL .neural) file. Throws IoError when unreadable,
// InputError for another extension, CompileError on diagnostics.
std::vector<ir::Network> compile_file(const std::string& path, const CompileOptions& options = {});

// The HPO axes of the network called `network_name` in `file` (the first network when empty),
// for the run planner. Throws CompileError on syntax errors or malformed search spaces.
std::vector<nnbench::Axis> search_axes(const SourceFile& file, const std::string& network_name = "",
                                       const HpoSampling& sampling = {});

}  // namespace nnbench::dsl

// Timing the model language's compiler phase by phase with the measurement core: what
// `nnbench compile --time` prints and the dsl_compile benchmark records. Torch-free header.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nnbench/core/benchmark.hpp"
#include "nnbench/dsl/source.hpp"

namespace nnbench::suites {

// The phases, in pipeline order:
//   lex        source text -> tokens
//   parse      tokens -> syntax tree
//   expand     search-space naming and macro/repetition expansion of the tree
//   check      search-space substitution and the shape checker -> IR (first network)
//   build      IR -> LibTorch module, loss and optimizer (CPU, fp32)
//   front_end  lex + parse + expand + check in one call (dsl::compile)
//   total      front_end + build: from text to a module ready to train
const std::vector<std::string>& compile_phase_names();

// A benchmark whose run_once() is one `phase` of compiling `source`. The inputs of the phase
// (earlier phases' results, fresh copies of trees the phase consumes) are made in setup() and in
// State::set_before_sample, untimed; with one call per sample only the phase itself is timed.
// Throws InputError for an unknown phase; setup() throws CompileError when the source does not
// compile.
std::unique_ptr<Benchmark> make_compile_phase_benchmark(dsl::SourceFile source,
                                                        const std::string& phase);

}  // namespace nnbench::suites

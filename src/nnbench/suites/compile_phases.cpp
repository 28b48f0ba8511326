// One compiler phase as a benchmark body (see compile_phases.hpp).
#include "nnbench/suites/compile_phases.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "nnbench/core/error.hpp"
#include "nnbench/dsl/checker.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/hpo.hpp"
#include "nnbench/dsl/lexer.hpp"
#include "nnbench/dsl/macros.hpp"
#include "nnbench/dsl/parser.hpp"
#include "nnbench/engine/models/model_builder.hpp"

namespace nnbench::suites {
namespace {

// Throws the rendered diagnostics when a phase reported errors.
void require_clean(const dsl::Diagnostics& diagnostics, const dsl::SourceFile& source) {
  if (diagnostics.has_errors()) {
    throw dsl::CompileError(diagnostics.render(source), diagnostics.list());
  }
}

class CompilePhaseBenchmark final : public Benchmark {
 public:
  CompilePhaseBenchmark(dsl::SourceFile source, std::string phase)
      : source_(std::move(source)), phase_(std::move(phase)) {}

  std::string description() const override { return "compiler phase " + phase_; }
  std::vector<Axis> axes() const override { return {}; }

  void setup(State& state) override {
    // Everything the phase needs, computed once; it also proves the source compiles.
    dsl::Diagnostics diagnostics;
    tokens_ = dsl::lex(source_, diagnostics);
    parsed_ = dsl::parse(tokens_, diagnostics);
    require_clean(diagnostics, source_);
    expanded_ = parsed_;
    dsl::name_hpo_axes(expanded_);
    dsl::expand_macros(expanded_, diagnostics);
    require_clean(diagnostics, source_);
    if (expanded_.networks.empty()) throw InputError(source_.name() + ": no network to compile");
    network_ = dsl::compile(source_).front();
    // Phases that consume a tree get a fresh copy before every sample, outside the clock.
    if (phase_ == "expand") state.set_before_sample([this] { work_tree_ = parsed_; });
    if (phase_ == "check")
      state.set_before_sample([this] { work_network_ = expanded_.networks.front(); });
    state.set_label("phase", phase_);
  }

  void adjust_measurement(const State&, MeasurementConfig& config) const override {
    // A fresh input per call is only possible with one call per sample.
    if (phase_ == "expand" || phase_ == "check") config.iterations_per_sample = 1;
  }

  void run_once(State&) override {
    dsl::Diagnostics diagnostics;
    if (phase_ == "lex") {
      sink_ = dsl::lex(source_, diagnostics).size();
    } else if (phase_ == "parse") {
      sink_ = dsl::parse(tokens_, diagnostics).networks.size();
    } else if (phase_ == "expand") {
      dsl::name_hpo_axes(work_tree_);
      dsl::expand_macros(work_tree_, diagnostics);
      sink_ = work_tree_.networks.size();
    } else if (phase_ == "check") {
      const auto axes = dsl::hpo_axes(work_network_, {}, diagnostics);
      dsl::substitute_hpo(work_network_, axes, {}, diagnostics);
      sink_ =
          static_cast<std::size_t>(dsl::check(work_network_, source_, diagnostics)->total_params);
    } else if (phase_ == "build") {
      sink_ = static_cast<std::size_t>(engine::build_model(network_).parameter_count());
    } else if (phase_ == "front_end") {
      sink_ = static_cast<std::size_t>(dsl::compile(source_).front().total_params);
    } else {  // total
      sink_ = static_cast<std::size_t>(
          engine::build_model(dsl::compile(source_).front()).parameter_count());
    }
  }

 private:
  dsl::SourceFile source_;
  std::string phase_;
  std::vector<dsl::Token> tokens_;
  dsl::ast::File parsed_, expanded_, work_tree_;
  dsl::ast::Network work_network_;
  dsl::ir::Network network_;
  std::size_t sink_ = 0;  // keeps each phase's result alive, so none is optimised away
};

}  // namespace

const std::vector<std::string>& compile_phase_names() {
  static const std::vector<std::string> names = {"lex",   "parse",     "expand", "check",
                                                 "build", "front_end", "total"};
  return names;
}

std::unique_ptr<Benchmark> make_compile_phase_benchmark(dsl::SourceFile source,
                                                        const std::string& phase) {
  const auto& names = compile_phase_names();
  if (std::find(names.begin(), names.end(), phase) == names.end()) {
    throw InputError(fmt::format("unknown compiler phase '{}'; expected one of: {}", phase,
                                 fmt::join(names, ", ")));
  }
  return std::make_unique<CompilePhaseBenchmark>(std::move(source), phase);
}

}  // namespace nnbench::suites

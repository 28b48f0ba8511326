// `nnbench compile MODEL.nn`: check a model and print its summary, or emit its IR (JSON) or its
// LibTorch C++ / PyTorch source; `--time` measures every compiler phase with the measurement core.
#include <cstdio>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/measurement.hpp"
#include "nnbench/core/statistics.hpp"
#include "nnbench/dsl/compile.hpp"
#include "nnbench/dsl/emit_jax.hpp"
#include "nnbench/dsl/emit_keras.hpp"
#include "nnbench/dsl/emit_pytorch.hpp"
#include "nnbench/dsl/emit_torch_cpp.hpp"
#include "nnbench/dsl/json.hpp"
#include "nnbench/dsl/summary.hpp"
#include "nnbench/report/output_directory.hpp"
#include "nnbench/report/text_table.hpp"
#include "nnbench/suites/compile_phases.hpp"

namespace nnbench::cli {
namespace {

// A benchmark body from a function, for timing the emitter.
class FunctionBody final : public Benchmark {
 public:
  explicit FunctionBody(std::function<void()> body) : body_(std::move(body)) {}
  std::string description() const override { return "function"; }
  std::vector<Axis> axes() const override { return {}; }
  void run_once(State&) override { body_(); }

 private:
  std::function<void()> body_;
};

std::map<std::string, std::string> parse_settings(const std::vector<std::string>& settings) {
  std::map<std::string, std::string> chosen;
  for (const std::string& text : settings) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
      throw InputError(fmt::format("--set '{}': expected AXIS=VALUE", text));
    }
    chosen[text.substr(0, eq)] = text.substr(eq + 1);
  }
  return chosen;
}

const dsl::ir::Network& pick_network(const std::vector<dsl::ir::Network>& networks,
                                     const CompileCommandOptions& options) {
  std::vector<std::string> names;
  for (const auto& network : networks) names.push_back(network.name);
  if (!options.network.empty()) {
    for (const auto& network : networks) {
      if (network.name == options.network) return network;
    }
    throw InputError(fmt::format("{}: no network '{}' (networks: {})", options.model_file,
                                 options.network, fmt::join(names, ", ")));
  }
  if (networks.size() > 1) {
    throw InputError(fmt::format("{} holds {} networks ({}); choose one with --network",
                                 options.model_file, networks.size(), fmt::join(names, ", ")));
  }
  return networks.front();
}

std::string emit(const std::vector<dsl::ir::Network>& networks,
                 const CompileCommandOptions& options) {
  if (options.emit == "json") {
    if (!options.network.empty()) return dsl::emit_json({pick_network(networks, options)});
    return dsl::emit_json(networks);
  }
  if (options.emit == "torch-cpp") return dsl::emit_torch_cpp(pick_network(networks, options));
  if (options.emit == "pytorch") return dsl::emit_pytorch(pick_network(networks, options));
  if (options.emit == "jax") return dsl::emit_jax(pick_network(networks, options));
  if (options.emit == "keras") return dsl::emit_keras(pick_network(networks, options));
  std::string text;
  for (const auto& network : networks) {
    if (!options.network.empty() && network.name != options.network) continue;
    text += dsl::render_summary(network);
  }
  if (text.empty()) pick_network(networks, options);  // throws the "no network" error
  return text;
}

Statistics time_body(Benchmark& body) {
  State state(Variant{}, "cpu", 0, false, {});
  body.setup(state);
  MeasurementConfig config;
  config.mode = SamplingMode::Adaptive;
  config.warmup_iterations = 3;
  config.target_rse = 0.01;
  config.min_samples = 20;
  config.max_samples = 2000;
  config.time_budget_s = 0.3;
  body.adjust_measurement(state, config);
  const Measurement m = run_measurement(body, state, config);
  body.teardown(state);
  return compute_statistics(m.samples_ns);
}

std::string phase_table(const CompileCommandOptions& options, const std::string& emitted_format,
                        const std::function<void()>& emit_once) {
  const dsl::SourceFile source = dsl::SourceFile::read(options.model_file);
  report::TextTable table{{"phase", "median ms", "95% CI of median", "p95 ms", "samples"},
                          {},
                          {false, true, true, true, true}};
  auto add_row = [&](const std::string& phase, const Statistics& s) {
    table.rows.push_back(
        {phase, report::format_significant(s.median * 1e-6),
         fmt::format("[{}, {}]", report::format_significant(s.median_ci_low * 1e-6),
                     report::format_significant(s.median_ci_high * 1e-6)),
         report::format_significant(s.p95 * 1e-6), std::to_string(s.count)});
  };
  for (const std::string& phase : suites::compile_phase_names()) {
    const auto body = suites::make_compile_phase_benchmark(source, phase);
    add_row(phase, time_body(*body));
  }
  FunctionBody emit_body(emit_once);
  add_row("emit (" + emitted_format + ")", time_body(emit_body));
  return "compiler phases of " + options.model_file +
         " (first network; the measurement core, adaptive to 1% noise):\n" +
         report::render_plain_table(table);
}

}  // namespace

int compile_command(const CompileCommandOptions& options) {
  if (options.hpo_samples < 1) throw InputError("--hpo-samples must be >= 1");
  dsl::CompileOptions compile_options;
  compile_options.hpo_values = parse_settings(options.hpo_settings);
  compile_options.sampling.samples = options.hpo_samples;
  const std::vector<dsl::ir::Network> networks =
      dsl::compile_file(options.model_file, compile_options);
  const std::string text = emit(networks, options);
  if (options.output.empty()) {
    fmt::print("{}", text);
  } else {
    report::write_file_atomically(options.output, text);
  }
  if (options.time_phases) {
    const std::string table =
        phase_table(options, options.emit, [&] { (void)emit(networks, options).size(); });
    fmt::print(options.output.empty() ? stderr : stdout, "{}", table);
  }
  return kExitOk;
}

}  // namespace nnbench::cli

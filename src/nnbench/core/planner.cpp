// plan_run: which benchmarks and variants a run executes, with every user error caught up front.
#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/runner.hpp"
#include "nnbench/core/suggest.hpp"

namespace nnbench {
namespace {

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return glob_match(p, name); });
}

std::vector<std::string> names_of(const Registry& registry) {
  std::vector<std::string> names;
  for (const BenchmarkInfo& info : registry.all()) names.push_back(info.name);
  return names;
}

std::string unknown_benchmark_message(const std::string& pattern, const Registry& registry) {
  const std::vector<std::string> names = names_of(registry);
  std::string message = fmt::format("--include '{}' matches no benchmark", pattern);
  if (auto best = closest_match(pattern, names))
    message += fmt::format("; did you mean '{}'?", *best);
  return message + fmt::format(" (known: {}; `nnbench list` shows them)", fmt::join(names, ", "));
}

}  // namespace

std::vector<PlannedBenchmark> plan_run(const RunConfig& config, const Registry& registry) {
  validate(config.measurement);
  for (const std::string& pattern : config.include) {
    const bool matched =
        std::any_of(registry.all().begin(), registry.all().end(),
                    [&](const BenchmarkInfo& b) { return glob_match(pattern, b.name); });
    if (!matched) throw InputError(unknown_benchmark_message(pattern, registry));
  }

  std::vector<PlannedBenchmark> plan;
  std::vector<std::unique_ptr<Benchmark>> instances;  // one per planned benchmark, same order
  for (const BenchmarkInfo& info : registry.all()) {
    if (!config.include.empty() && !matches_any(config.include, info.name)) continue;
    if (matches_any(config.exclude, info.name)) continue;
    std::unique_ptr<Benchmark> instance = info.factory();
    if (instance->opt_in() && !config.enable_mock) {
      const bool named = std::find(config.include.begin(), config.include.end(), info.name) !=
                         config.include.end();
      if (named) {
        throw InputError(fmt::format(
            "benchmark '{}' is a test benchmark and runs only with --enable-mock", info.name));
      }
      continue;
    }
    plan.push_back(PlannedBenchmark{&info, instance->axes_for_options(config.options), {}});
    instances.push_back(std::move(instance));
  }
  if (plan.empty()) {
    throw InputError("no benchmark selected: the --include/--exclude filters leave nothing to run");
  }

  std::set<std::string> known_axes;
  for (const PlannedBenchmark& planned : plan) {
    for (const Axis& axis : planned.axes) known_axes.insert(axis.name);
  }
  for (const auto& [axis, values] : config.axes) {
    if (!known_axes.count(axis)) {
      const std::vector<std::string> candidates(known_axes.begin(), known_axes.end());
      std::string message = fmt::format("--axis '{}': no selected benchmark has this axis", axis);
      if (auto best = closest_match(axis, candidates))
        message += fmt::format("; did you mean '{}'?", *best);
      throw InputError(message + fmt::format(" (axes: {})", fmt::join(candidates, ", ")));
    }
    if (values.empty()) throw InputError(fmt::format("--axis '{}': no values given", axis));
  }
  for (std::size_t i = 0; i < plan.size(); ++i) {
    PlannedBenchmark& planned = plan[i];
    try {
      planned.variants = expand_variants(planned.axes, config.axes);
    } catch (const InputError& e) {
      throw InputError(fmt::format("benchmark '{}': {}", planned.info->name, e.what()));
    }
    const std::size_t count = planned.variants.size();
    instances[i]->order_variants(planned.variants);
    if (planned.variants.size() != count) {
      throw std::logic_error("benchmark '" + planned.info->name + "' changed its variant count");
    }
  }
  return plan;
}

}  // namespace nnbench

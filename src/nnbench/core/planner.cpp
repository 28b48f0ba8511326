// plan_run: which benchmarks and variants a run executes, with every user error caught up front.
#include <algorithm>
#include <limits>
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

// The registered benchmarks (test benchmarks only with --enable-mock) whose own axis `axis`
// accepts `value`: where a value one benchmark refuses would run.
std::vector<std::string> benchmarks_accepting(const Registry& registry, bool enable_mock,
                                              const std::string& axis, const std::string& value) {
  std::vector<std::string> names;
  for (const BenchmarkInfo& info : registry.all()) {
    const std::unique_ptr<Benchmark> benchmark = info.factory();
    if (benchmark->opt_in() && !enable_mock) continue;
    for (const Axis& candidate : benchmark->axes()) {
      if (candidate.name != axis) continue;
      try {
        validate_axis_value(candidate, value);
        names.push_back(info.name);
      } catch (const InputError&) {
      }
    }
  }
  return names;
}

// Every given option must be declared by a selected benchmark, and valid for each that declares
// it: an unknown key, a wrong type or an out-of-range value stops the run here.
void validate_options(const RunConfig& config, const std::vector<PlannedBenchmark>& plan,
                      const std::vector<std::unique_ptr<Benchmark>>& instances,
                      const Registry& registry) {
  for (const auto& [key, value] : config.options) {
    std::vector<std::string> candidates;
    bool declared = false;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      // `--option model=X` is the model axis (the CLI maps it), so "modle" is near a real name.
      for (const Axis& axis : instances[i]->axes()) {
        if (axis.name == "model") candidates.push_back(axis.name);
      }
      for (const Option& option : instances[i]->options()) {
        candidates.push_back(option.name);
        if (option.name != key) continue;
        declared = true;
        try {
          validate_option_value(option, value);
        } catch (const InputError& e) {
          throw InputError(fmt::format("benchmark '{}': {}", plan[i].info->name, e.what()));
        }
      }
    }
    if (declared) continue;
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::string message =
        fmt::format("--option '{}': no selected benchmark takes this option", key);
    if (auto best = closest_match(key, candidates))
      message += fmt::format("; did you mean '{}'?", *best);
    std::vector<std::string> elsewhere;
    for (const BenchmarkInfo& info : registry.all()) {
      for (const Option& option : info.factory()->options()) {
        if (option.name == key) elsewhere.push_back(info.name);
      }
    }
    if (!elsewhere.empty()) {
      message += fmt::format(" (benchmarks that take it: {})", fmt::join(elsewhere, ", "));
    } else if (!candidates.empty()) {
      message += fmt::format(" (options of the selected benchmarks: {}; `nnbench list` shows them)",
                             fmt::join(candidates, ", "));
    } else {
      message += " (the selected benchmarks take no options)";
    }
    throw InputError(message);
  }
}

// The product of the axes is counted before a single variant is made: a sweep of 30 search
// spaces of 3 values is refused here, not by running out of memory.
void check_variant_count(const std::vector<PlannedBenchmark>& plan, const RunConfig& config) {
  std::uint64_t total = 0;
  std::string largest;
  std::uint64_t largest_count = 0;
  for (const PlannedBenchmark& planned : plan) {
    const std::uint64_t count = count_variants(planned.axes, config.axes);
    total = count > std::numeric_limits<std::uint64_t>::max() - total
                ? std::numeric_limits<std::uint64_t>::max()
                : total + count;
    if (count >= largest_count) {
      largest_count = count;
      largest = planned.info->name;
    }
  }
  if (total <= config.max_variants) return;
  const auto spelled = [](std::uint64_t n) {
    return n == std::numeric_limits<std::uint64_t>::max() ? std::string("more than 1.8e19")
                                                          : std::to_string(n);
  };
  throw InputError(fmt::format(
      "the run would measure {} variants ({} of them in benchmark '{}'), over the limit of {}; "
      "give fewer axis values, or raise the limit with --max-variants",
      spelled(total), spelled(largest_count), largest, config.max_variants));
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
    plan.push_back(PlannedBenchmark{&info, {}, {}});
    instances.push_back(std::move(instance));
  }
  if (plan.empty()) {
    throw InputError("no benchmark selected: the --include/--exclude filters leave nothing to run");
  }
  validate_options(config, plan, instances, registry);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const OptionValues options(plan[i].info->name, instances[i]->options(), config.options,
                               config.quick);
    plan[i].axes = instances[i]->axes_for_run(options, config.axes);
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
  check_variant_count(plan, config);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    PlannedBenchmark& planned = plan[i];
    try {
      planned.variants = expand_variants(planned.axes, config.axes);
    } catch (const InputError& e) {
      std::string message = fmt::format("benchmark '{}': {}", planned.info->name, e.what());
      // Name the benchmarks where the refused value would run (a decoder preset given to the
      // inference suite: generation).
      for (const Axis& axis : planned.axes) {
        const auto given = config.axes.find(axis.name);
        if (given == config.axes.end()) continue;
        for (const std::string& value : given->second) {
          try {
            validate_axis_value(axis, value);
          } catch (const InputError&) {
            std::vector<std::string> able =
                benchmarks_accepting(registry, config.enable_mock, axis.name, value);
            if (!able.empty()) {
              message +=
                  fmt::format(" ({}={} runs in: {})", axis.name, value, fmt::join(able, ", "));
            }
          }
        }
      }
      throw InputError(message);
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

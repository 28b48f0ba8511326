// YAML run configuration (see config_file.hpp). Every key is checked; nothing is ignored silently.
#include "nnbench/cli/config_file.hpp"

#include <filesystem>
#include <functional>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/suggest.hpp"

namespace nnbench::cli {
namespace {

struct Context {
  std::string path;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) throw InputError(fmt::format("{}: {}", path, message));
    throw InputError(fmt::format("{}:{}:{}: {}", path, mark.line + 1, mark.column + 1, message));
  }

  template <class T>
  T scalar(const YAML::Node& node, const std::string& key, const char* expected) const {
    if (!node.IsScalar()) fail(node, fmt::format("'{}' must be {}", key, expected));
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      fail(node, fmt::format("'{}' must be {}, not '{}'", key, expected, node.Scalar()));
    }
  }

  // A scalar or a list of scalars, as text.
  std::vector<std::string> list(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> values;
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence())
      fail(node, fmt::format("'{}' must be a value or a list of values", key));
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) fail(item, fmt::format("'{}' must hold plain values", key));
      values.push_back(item.Scalar());
    }
    return values;
  }
};

using Handler = std::function<void(const Context&, const YAML::Node&, RunConfig&, FileSettings&)>;

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> table = {
      {"benchmarks", [](const Context& c, const YAML::Node& n, RunConfig& r,
                        FileSettings&) { r.include = c.list(n, "benchmarks"); }},
      {"include", [](const Context& c, const YAML::Node& n, RunConfig& r,
                     FileSettings&) { r.include = c.list(n, "include"); }},
      {"exclude", [](const Context& c, const YAML::Node& n, RunConfig& r,
                     FileSettings&) { r.exclude = c.list(n, "exclude"); }},
      {"axes",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         if (!n.IsMap()) c.fail(n, "'axes' must map axis names to lists of values");
         for (const auto& entry : n) {
           const std::string axis = entry.first.Scalar();
           r.axes[axis] = c.list(entry.second, "axes." + axis);
           if (r.axes[axis].empty())
             c.fail(entry.second, fmt::format("'axes.{}' has no values", axis));
         }
       }},
      {"options",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         if (!n.IsMap()) c.fail(n, "'options' must map option names to values");
         for (const auto& entry : n)
           r.options[entry.first.Scalar()] =
               c.scalar<std::string>(entry.second, "options." + entry.first.Scalar(), "a value");
       }},
      {"warmup",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.warmup_iterations = c.scalar<int>(n, "warmup", "an integer");
       }},
      {"iterations",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.iterations = c.scalar<int>(n, "iterations", "an integer");
       }},
      {"iterations_per_sample",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.iterations_per_sample =
             c.scalar<int>(n, "iterations_per_sample", "an integer (0 = calibrate)");
       }},
      {"mode",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         const auto mode = c.scalar<std::string>(n, "mode", "fixed or adaptive");
         if (mode != "fixed" && mode != "adaptive")
           c.fail(n, fmt::format("'mode' must be fixed or adaptive, not '{}'", mode));
         r.measurement.mode = mode == "fixed" ? SamplingMode::Fixed : SamplingMode::Adaptive;
       }},
      {"target_rse",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.target_rse = c.scalar<double>(n, "target_rse", "a number");
       }},
      {"min_samples",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.min_samples = c.scalar<int>(n, "min_samples", "an integer");
       }},
      {"max_samples",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.max_samples = c.scalar<int>(n, "max_samples", "an integer");
       }},
      {"time_budget_s",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.time_budget_s = c.scalar<double>(n, "time_budget_s", "a number of seconds");
       }},
      {"timeout_s",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.timeout_s = c.scalar<double>(n, "timeout_s", "a number of seconds");
       }},
      {"min_sample_time_ms",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.measurement.min_sample_time_ms =
             c.scalar<double>(n, "min_sample_time_ms", "a number of milliseconds");
       }},
      {"device",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.device = c.scalar<std::string>(n, "device", "a device name");
       }},
      {"seed",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.seed = c.scalar<std::uint64_t>(n, "seed", "a non-negative integer");
       }},
      {"quick", [](const Context& c, const YAML::Node& n, RunConfig& r,
                   FileSettings&) { r.quick = c.scalar<bool>(n, "quick", "true or false"); }},
      {"enable_mock",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.enable_mock = c.scalar<bool>(n, "enable_mock", "true or false");
       }},
      {"output_dir",
       [](const Context& c, const YAML::Node& n, RunConfig& r, FileSettings&) {
         r.output_dir = c.scalar<std::string>(n, "output_dir", "a directory");
       }},
      {"threads", [](const Context& c, const YAML::Node& n, RunConfig&,
                     FileSettings& s) { s.threads = c.scalar<int>(n, "threads", "an integer"); }},
  };
  return table;
}

}  // namespace

void load_config_file(const std::string& path, RunConfig& config, FileSettings& settings) {
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError(fmt::format("config file '{}' does not exist or is not a file", path));
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: malformed YAML: {}", path, e.mark.line + 1,
                                 e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: cannot read: {}", path, e.what()));
  }
  const Context context{path};
  if (root.IsNull()) return;
  if (!root.IsMap()) context.fail(root, "the top level must be a mapping of settings (key: value)");
  std::vector<std::string> known;
  for (const auto& [key, handler] : handlers()) known.push_back(key);
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    const auto it = handlers().find(key);
    if (it == handlers().end()) {
      std::string message = fmt::format("unknown key '{}'", key);
      if (auto best = closest_match(key, known))
        message += fmt::format("; did you mean '{}'?", *best);
      context.fail(entry.first, message + fmt::format(" (known: {})", fmt::join(known, ", ")));
    }
    it->second(context, entry.second, config, settings);
  }
}

}  // namespace nnbench::cli

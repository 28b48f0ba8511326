// The table of `nnbench run` settings (see run_settings.hpp).
#include "nnbench/cli/run_settings.hpp"

#include <algorithm>
#include <cctype>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/cli/seed_compat.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"
#include "nnbench/engine/runtime/runtime.hpp"

namespace nnbench::cli {
namespace {

using Values = std::vector<std::string>;

[[noreturn]] void fail(const std::string& origin, const std::string& value,
                       const std::string& expected) {
  throw InputError(fmt::format("{} '{}': expected {}", origin, value, expected));
}

const std::string& single(const Values& values, const std::string& origin) {
  if (values.size() != 1) {
    throw InputError(fmt::format("{} given {} times; give it once", origin, values.size()));
  }
  return values.front();
}

long long integer_in(const Values& values, const std::string& origin, long long min,
                     long long max) {
  const std::string& text = single(values, origin);
  const std::optional<long long> value = parse_integer(text);
  if (!value || *value < min || *value > max) {
    fail(origin, text, fmt::format("an integer from {} to {}", min, max));
  }
  return *value;
}

// A real between min and max, each end in or out (`open_min`, `open_max`).
double real_in(const Values& values, const std::string& origin, double min, double max,
               bool open_min, bool open_max = false) {
  const std::string& text = single(values, origin);
  const std::optional<double> value = parse_real(text);
  const bool above = value && (open_min ? *value > min : *value >= min);
  const bool below = value && (open_max ? *value < max : *value <= max);
  if (!above || !below) {
    fail(origin, text,
         fmt::format("a number {} {} and {} {}", open_min ? ">" : ">=", format_real(min),
                     open_max ? "<" : "<=", format_real(max)));
  }
  return *value;
}

bool truth(const Values& values, const std::string& origin) {
  const std::string& text = single(values, origin);
  const std::optional<bool> value = parse_bool(text);
  if (!value) fail(origin, text, "true or false");
  return *value;
}

const std::string& non_empty(const Values& values, const std::string& origin) {
  const std::string& text = single(values, origin);
  if (text.empty()) throw InputError(fmt::format("{}: an empty value", origin));
  return text;
}

// Splits list entries at commas ("a,b" "c" -> a b c); an empty entry is an error.
Values list_items(const Values& values, const std::string& origin) {
  Values items;
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = value.find(',', start);
      const std::string item =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (item.empty()) throw InputError(fmt::format("{} '{}': an empty entry", origin, value));
      items.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (items.empty()) throw InputError(fmt::format("{}: no values given", origin));
  return items;
}

std::string joined(const Values& values) { return fmt::format("{}", fmt::join(values, ",")); }

void set_option(RunRequest& request, const std::string& key, const std::string& value,
                const std::string& origin, SettingLevel& level);

void set_axis(RunRequest& request, const std::string& name, const Values& values,
              const std::string& origin, SettingLevel& level) {
  level.claim("axis '" + name + "'", joined(values), origin);
  request.config.axes[name] = values;
}

// A benchmark option. `model` is the model axis in every suite (model_catalogue.hpp), whichever
// way it is spelt.
void set_option(RunRequest& request, const std::string& key, const std::string& value,
                const std::string& origin, SettingLevel& level) {
  if (key == "model") {
    set_axis(request, "model", {value}, origin, level);
    return;
  }
  level.claim("option '" + key + "'", value, origin);
  request.config.options[key] = value;
}

std::pair<std::string, std::string> key_value(const std::string& text, const std::string& origin) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(fmt::format("{} '{}': expected KEY=VALUE", origin, text));
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

void set_sampling_mode(RunRequest& request, SamplingMode mode, const std::string& origin,
                       SettingLevel& level) {
  level.claim("sampling mode", to_string(mode), origin);
  request.config.measurement.mode = mode;
}

const std::vector<std::string>& known_backends() {
  // torch: in-process LibTorch (every suite); pytorch, pytorch-compile, jax, keras: a framework's
  // runtime in a worker process (cross_framework, user_model); aot, aot+graph, onnxruntime: the
  // user_model benchmark's compiled back ends. Each benchmark's axis says which it runs.
  static const std::vector<std::string> names{"torch", "pytorch", "pytorch-compile", "jax",
                                              "keras", "aot",     "aot+graph",       "onnxruntime"};
  return names;
}

const std::vector<std::string>& known_formats() {
  static const std::vector<std::string> names{"json", "csv", "md"};
  return names;
}

void check_device(const std::string& device, const std::string& origin) {
  if (device == "cpu" || device == "cuda" || device == "auto") return;
  if (device.starts_with("cuda:")) {
    const std::optional<long long> index = parse_integer(device.substr(5));
    if (index && *index >= 0 && *index < 1024) return;
  }
  fail(origin, device, "cpu, cuda, cuda:N or auto (cuda when present, else cpu)");
}

long long logical_cores() {
  return std::max<long long>(1, static_cast<long long>(std::thread::hardware_concurrency()));
}

// Measurement counts: a generous ceiling that still rejects a typo's extra digits.
constexpr long long kMaxCount = 100'000'000;
constexpr double kMaxSeconds = 30 * 24 * 3600.0;

std::vector<RunSetting> make_settings() {
  const auto m = [](RunRequest& r) -> MeasurementConfig& { return r.config.measurement; };
  std::vector<RunSetting> table;
  const auto add = [&](RunSetting setting) { table.push_back(std::move(setting)); };
  using A = SettingArity;

  add({"--config", "", "FILE", "YAML file with the settings below (the command line wins)",
       A::Single, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.config_file = non_empty(v, o);
       }});
  add({"--include", "include", "GLOB", "benchmarks to run (glob; repeatable or comma-separated)",
       A::List,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         r.config.include = list_items(v, o);
         level.claim("include", joined(r.config.include), o);
       },
       "include", [](const RunRequest& r) { return joined(r.config.include); }});
  add({"", "benchmarks", "NAME", "same as include (config files)", A::List,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         r.config.include = list_items(v, o);
         level.claim("include", joined(r.config.include), o);
       }});
  add({"--exclude", "exclude", "GLOB", "benchmarks to leave out (glob)", A::List,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.config.exclude = list_items(v, o);
       },
       "exclude", [](const RunRequest& r) { return joined(r.config.exclude); }});
  add({"--suite", "suite", "NAME",
       "a suite by name, e.g. dsl-vs-native (adds benchmark dsl_vs_native to include)", A::List,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         // Suites are spelt with dashes (dsl-vs-native), benchmarks with underscores.
         for (std::string name : list_items(v, o)) {
           std::replace(name.begin(), name.end(), '-', '_');
           if (std::find(r.config.include.begin(), r.config.include.end(), name) ==
               r.config.include.end())
             r.config.include.push_back(name);
         }
       }});
  add({"--axis", "axes", "NAME=V1,V2",
       "replace an axis's values (repeatable; `nnbench list` shows each benchmark's axes)",
       A::Pairs, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         for (const std::string& text : v) {
           auto [name, values] = parse_axis_override(text);
           set_axis(r, name, values, o + " " + text, level);
         }
       }});
  add({"--models", "models", "MODEL",
       "models to run: a zoo model, a decoder preset, a name in models/, or a path to a .nn, "
       ".py[:FACTORY], .pt2 or .onnx file or a Hugging Face checkpoint directory (same as --axis "
       "model=...)",
       A::List, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         const Values models = list_items(v, o);
         set_axis(r, "model", models, o + " " + joined(models), level);
       }});
  add({"--backends", "backends", "NAME",
       "back ends (same as --axis backend=...): torch (in-process LibTorch), pytorch, "
       "pytorch-compile, jax, keras (each in its own runtime; cross_framework, user_model), aot, "
       "aot+graph, onnxruntime (user_model)",
       A::List, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         const Values backends = list_items(v, o);
         for (const std::string& backend : backends) {
           if (std::find(known_backends().begin(), known_backends().end(), backend) ==
               known_backends().end()) {
             fail(o, backend, fmt::format("one of {}", fmt::join(known_backends(), ", ")));
           }
         }
         set_axis(r, "backend", backends, o + " " + joined(backends), level);
       }});
  add({"--option", "options", "KEY=VALUE",
       "a benchmark option (repeatable; `nnbench list` shows each benchmark's options)", A::Pairs,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         for (const std::string& text : v) {
           const auto [key, value] = key_value(text, o);
           set_option(r, key, value, o + " " + text, level);
         }
       }});
  add({"--epochs", "epochs", "N", "training epochs (same as --option epochs=N)", A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         set_option(r, "epochs", single(v, o), o + " " + single(v, o), level);
       }});
  add({"--data", "data", "DIR",
       "input data: an MNIST-format or image-class folder, or 'synthetic' (same as --option "
       "data=DIR)",
       A::Single, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         set_option(r, "data", non_empty(v, o), o + " " + single(v, o), level);
       }});
  add({"--enable-mock", "enable_mock", "", "also run the synthetic mock benchmark", A::Flag,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.config.enable_mock = truth(v, o);
       },
       "enable_mock", [](const RunRequest& r) { return r.config.enable_mock ? "true" : "false"; }});
  add({"--quick", "quick", "", "small sizes and adaptive sampling on a 1 s budget (CI, make bench)",
       A::Flag,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.config.quick = truth(v, o);
       },
       "quick", [](const RunRequest& r) { return r.config.quick ? "true" : "false"; }});
  add({"--warmup", "warmup", "N", "warm-up iterations per variant", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).warmup_iterations = static_cast<int>(integer_in(v, o, 0, kMaxCount));
       },
       "warmup_iterations",
       [](const RunRequest& r) { return std::to_string(r.config.measurement.warmup_iterations); }});
  add({"--mode", "mode", "fixed|adaptive",
       "fixed: --iterations samples; adaptive: until --target-rse (or a budget) is reached",
       A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         const std::string& mode = single(v, o);
         if (mode != "fixed" && mode != "adaptive") fail(o, mode, "fixed or adaptive");
         set_sampling_mode(r, mode == "fixed" ? SamplingMode::Fixed : SamplingMode::Adaptive, o,
                           level);
       },
       "sampling_mode", [](const RunRequest& r) { return to_string(r.config.measurement.mode); }});
  add({"--adaptive", "", "", "same as --mode adaptive", A::Flag,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel& level) {
         if (truth(v, o)) set_sampling_mode(r, SamplingMode::Adaptive, o, level);
       }});
  add({"--iterations", "iterations", "N", "samples per variant in fixed mode", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).iterations = static_cast<int>(integer_in(v, o, 1, kMaxCount));
       },
       "iterations",
       [](const RunRequest& r) { return std::to_string(r.config.measurement.iterations); }});
  add({"--iterations-per-sample", "iterations_per_sample", "N",
       "calls timed together as one sample (0: calibrate to --min-sample-time)", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).iterations_per_sample = static_cast<int>(integer_in(v, o, 0, kMaxCount));
       },
       "iterations_per_sample",
       [](const RunRequest& r) {
         return std::to_string(r.config.measurement.iterations_per_sample);
       }});
  add({"--min-sample-time", "min_sample_time_ms", "MS", "ms per sample when calibrating", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).min_sample_time_ms = real_in(v, o, 0, 1e6, true);
       },
       "min_sample_time_ms",
       [](const RunRequest& r) { return format_real(r.config.measurement.min_sample_time_ms); }});
  add({"--target-rse", "target_rse", "X",
       "adaptive: stop when the mean's relative standard error is under X (0.005 = 0.5%)",
       A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).target_rse = real_in(v, o, 0, 1, /*open_min=*/true, /*open_max=*/true);
       },
       "target_rse",
       [](const RunRequest& r) { return format_real(r.config.measurement.target_rse); }});
  add({"--min-samples", "min_samples", "N", "adaptive: fewest samples", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).min_samples = static_cast<int>(integer_in(v, o, 2, kMaxCount));
       },
       "min_samples",
       [](const RunRequest& r) { return std::to_string(r.config.measurement.min_samples); }});
  add({"--max-samples", "max_samples", "N", "adaptive: most samples", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).max_samples = static_cast<int>(integer_in(v, o, 2, kMaxCount));
       },
       "max_samples",
       [](const RunRequest& r) { return std::to_string(r.config.measurement.max_samples); }});
  add({"--time-budget", "time_budget_s", "S", "adaptive: measured seconds per variant", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).time_budget_s = real_in(v, o, 0, kMaxSeconds, true);
       },
       "time_budget_s",
       [](const RunRequest& r) { return format_real(r.config.measurement.time_budget_s); }});
  add({"--timeout", "timeout_s", "S", "wall-clock seconds of sampling per variant", A::Single,
       [m](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         m(r).timeout_s = real_in(v, o, 0, kMaxSeconds, true);
       },
       "timeout_s",
       [](const RunRequest& r) { return format_real(r.config.measurement.timeout_s); }});
  add({"--device", "device", "DEVICE", "cpu, cuda, cuda:N or auto (cuda when present, else cpu)",
       A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         check_device(single(v, o), o);
         r.config.device = single(v, o);
       },
       "device", [](const RunRequest& r) { return r.config.device; }});
  add({"--seed", "seed", "N", "seed for inputs and weights (0 to 2^64-1)", A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         const std::string& text = single(v, o);
         const std::optional<std::uint64_t> seed = parse_unsigned(text);
         if (!seed) fail(o, text, "an integer from 0 to 18446744073709551615");
         r.config.seed = *seed;
       },
       "seed", [](const RunRequest& r) { return std::to_string(r.config.seed); }});
  add({"--threads", "threads", "N",
       "LibTorch intra-op threads, at most this machine's logical CPUs (0: LibTorch's default)",
       A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.threads = static_cast<int>(integer_in(v, o, 0, logical_cores()));
       },
       "threads", [](const RunRequest& r) { return std::to_string(r.threads); }});
  add({"--output-dir", "output_dir", "DIR", "where results/<UTC timestamp>/ goes", A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.config.output_dir = non_empty(v, o);
       },
       "output_dir", [](const RunRequest& r) { return r.config.output_dir; }});
  add({"--format", "format", "json|csv|md",
       "print the results in this format on standard output instead of the table (repeatable)",
       A::List, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.formats.clear();
         for (const std::string& format : list_items(v, o)) {
           if (std::find(known_formats().begin(), known_formats().end(), format) ==
               known_formats().end()) {
             fail(o, format, "json, csv or md");
           }
           if (std::find(r.formats.begin(), r.formats.end(), format) == r.formats.end())
             r.formats.push_back(format);
         }
       }});
  add({"--out", "out", "FILE",
       "also write the results to FILE, in --format's format or FILE's extension (.json, .csv, "
       ".md)",
       A::Single, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.out = non_empty(v, o);
       }});
  add({"--max-variants", "max_variants", "N",
       "the most variants a run may plan (counted before they are made)", A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.config.max_variants =
             static_cast<std::uint64_t>(integer_in(v, o, 1, 1'000'000'000'000LL));
       },
       "max_variants", [](const RunRequest& r) { return std::to_string(r.config.max_variants); }});
  add({"--isolate", "isolate", "",
       "run each variant in a child process: a crash (segfault, abort, OOM kill) fails its row "
       "and the run goes on",
       A::Flag,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.isolate = truth(v, o);
       },
       "isolate", [](const RunRequest& r) { return r.isolate ? "true" : "false"; }});
  add({"--resume", "", "DIR",
       "finish an interrupted run (its .ID.partial directory): the variants it finished are "
       "kept, the rest run, with the run's own settings",
       A::Single, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.resume = non_empty(v, o);
       }});
  for (const auto& [flag, field] : std::vector<std::pair<std::string, std::string RunRequest::*>>{
           {"--variant-child", &RunRequest::variant_child_benchmark},
           {"--variant-name", &RunRequest::variant_child_name},
           {"--variant-result", &RunRequest::variant_child_result}}) {
    RunSetting internal{flag,
                        "",
                        "TEXT",
                        "internal: an --isolate child's variant",
                        A::Single,
                        [field](RunRequest& r, const Values& v, const std::string& o,
                                SettingLevel&) { r.*field = non_empty(v, o); }};
    internal.internal = true;
    add(std::move(internal));
  }
  add({"--compat", "", "SEED",
       "accept a seed system's command line and also write its output files: neural-dsl "
       "(000/001), neurallayers (002), 594project (003), framework-v2 (004); "
       "docs/seed-compatibility.md",
       A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.compat = find_seed_profile(non_empty(v, o)).name;
       },
       "compat", [](const RunRequest& r) { return r.compat; }});
  {
    RunSetting internal{"--seed-output",
                        "",
                        "NAME",
                        "internal: a seed output file asked for by a seed flag (--report, --json)",
                        A::List,
                        [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
                          r.seed_outputs = list_items(v, o);
                        }};
    internal.internal = true;
    add(std::move(internal));
  }
  add({"--log-level", "log_level", "LEVEL",
       "least severe console message: debug, info (the default), warning, error or critical (any "
       "case); not recorded, as --quiet",
       A::Single, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         std::string level = single(v, o);
         std::transform(level.begin(), level.end(), level.begin(),
                        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
         if (level == "warn") level = "warning";
         static const Values levels{"debug", "info", "warning", "error", "critical"};
         if (std::find(levels.begin(), levels.end(), level) == levels.end()) {
           fail(o, single(v, o), "debug, info, warning, error or critical");
         }
         r.log_level = level;
       }});
  add({"--color", "color", "auto|always|never",
       "colours on the console: auto (the default: on a terminal, unless the NO_COLOR variable is "
       "set), always or never; not recorded",
       A::Single, [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         const std::string& mode = single(v, o);
         if (mode != "auto" && mode != "always" && mode != "never") {
           fail(o, mode, "auto, always or never");
         }
         r.color = mode;
       }});
  add({"--history", "history", "PATH",
       "SQLite history the run is also recorded in (default: <output-dir>/history.db)", A::Single,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.history = non_empty(v, o);
       }});
  add({"--no-history", "no_history", "", "do not record the run in the history", A::Flag,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.no_history = truth(v, o);
       }});
  add({"--quiet,-q", "quiet", "", "no progress line or summary table", A::Flag,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.quiet = truth(v, o);
       }});
  add({"--dry-run", "", "", "print the planned variants and exit", A::Flag,
       [](RunRequest& r, const Values& v, const std::string& o, SettingLevel&) {
         r.dry_run = truth(v, o);
       }});
  return table;
}

bool is_given(const std::vector<std::string>& given, const std::string& key) {
  return std::find(given.begin(), given.end(), key) != given.end();
}

}  // namespace

void SettingLevel::claim(const std::string& target, const std::string& value,
                         const std::string& origin) {
  const auto [it, fresh] = claims_.try_emplace(target, value, origin);
  if (fresh || it->second.first == value) return;
  throw InputError(
      fmt::format("{} and {} both set {} {}; give one", it->second.second, origin, target, name_));
}

const std::vector<RunSetting>& run_settings() {
  static const std::vector<RunSetting> table = make_settings();
  return table;
}

const RunSetting* find_setting_by_flag(const std::string& flag) {
  for (const RunSetting& setting : run_settings()) {
    if (setting.flag.empty()) continue;
    const std::string long_name = setting.flag.substr(0, setting.flag.find(','));
    if (long_name == flag) return &setting;
  }
  return nullptr;
}

const RunSetting* find_setting_by_file_key(const std::string& key) {
  for (const RunSetting& setting : run_settings()) {
    if (!setting.file_key.empty() && setting.file_key == key) return &setting;
  }
  return nullptr;
}

void finish_request(RunRequest& request, const std::vector<std::string>& given) {
  if (request.no_history && !request.history.empty()) {
    throw InputError("--no-history and --history both given; give one");
  }
  if (!request.out.empty() && request.formats.size() > 1) {
    throw InputError(fmt::format("--out {} takes one format; --format gives {}", request.out,
                                 joined(request.formats)));
  }
  MeasurementConfig& m = request.config.measurement;
  // --quick: adaptive sampling on a short budget, so small runs still reach a usable noise level,
  // wherever the user set none of it.
  if (request.config.quick && !is_given(given, "iterations") && !is_given(given, "mode")) {
    m.mode = SamplingMode::Adaptive;
    if (!is_given(given, "target_rse")) m.target_rse = 0.01;
    if (!is_given(given, "time_budget_s")) m.time_budget_s = 1.0;
    if (!is_given(given, "max_samples")) m.max_samples = 2000;
  }
  validate(m);
  request.device_requested = request.config.device;
  request.config.device = engine::resolve_auto_device(request.config.device);
}

std::map<std::string, std::string> recorded_configuration(const RunRequest& request) {
  std::map<std::string, std::string> recorded;
  for (const RunSetting& setting : run_settings()) {
    if (!setting.record_key.empty()) recorded[setting.record_key] = setting.record(request);
  }
  for (const auto& [axis, values] : request.config.axes) recorded["axis." + axis] = joined(values);
  for (const auto& [key, value] : request.config.options) recorded["option." + key] = value;
  if (!request.compat_aliases.empty()) {
    recorded["compat_translated"] = fmt::format("{}", fmt::join(request.compat_aliases, "; "));
  }
  if (!request.seed_outputs.empty()) recorded["compat_outputs"] = joined(request.seed_outputs);
  if (request.device_requested != request.config.device) {
    recorded["device_requested"] = request.device_requested;
  }
  return recorded;
}

}  // namespace nnbench::cli

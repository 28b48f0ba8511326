// The seed systems' command lines (see seed_compat.hpp): one table of spellings, one of
// profiles.
#include "nnbench/cli/seed_compat.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/parse.hpp"
#include "nnbench/core/suggest.hpp"

namespace nnbench::cli {
namespace {

using Values = std::vector<std::string>;

enum class AliasArity { Flag, Single, Many };

// One seed spelling. `translate` gets the values as typed and the active profile (null without
// --compat) and returns nnbench's own arguments.
struct SeedAlias {
  std::string flag;
  std::string value_name;
  AliasArity arity;
  std::string seeds;    // the seed documents that use it
  std::string meaning;  // nnbench's spelling, for the docs
  // Only with --compat and one of these profiles (empty: always accepted).
  std::vector<std::string> needs_profiles;
  std::function<Values(const Values&, const SeedProfile*)> translate;
};

// A default of a profile: nnbench arguments added when the command line sets none of `keys`
// (a flag, or "axis:NAME" for --axis NAME=... and its shorthands).
struct SeedDefault {
  std::vector<std::string> keys;
  Values arguments;
};

struct ProfileRules {
  std::vector<SeedDefault> defaults;
  std::map<std::string, std::string> benchmark_names;  // a seed's script -> nnbench benchmark
  // Defaults of one benchmark's axes, added when the run includes it (`alone`: only when it is
  // the one benchmark included, for an axis whose values another benchmark would refuse).
  struct WhenIncluded {
    std::string benchmark;
    bool alone;
    SeedDefault d;
  };
  std::vector<WhenIncluded> when_included;
};

// "a,b" -> a b (empty entries kept: the setting that reads them refuses them).
Values split_list(const std::string& text) {
  Values items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

std::string joined(const Values& values, const char* separator = ",") {
  return fmt::format("{}", fmt::join(values, separator));
}

// "both" and the seed's own names of one choice (594Project's --framework and --model).
Values choice(const std::string& flag, const Values& values, const Values& allowed,
              const Values& both) {
  Values out;
  for (const std::string& value : values) {
    if (value == "both") {
      out.insert(out.end(), both.begin(), both.end());
    } else if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
      out.push_back(value);
    } else {
      const std::optional<std::string> hint = closest_match(value, allowed);
      throw InputError(fmt::format("{} '{}': expected {} or both{}", flag, value,
                                   joined(allowed, ", "),
                                   hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
    }
  }
  return out;
}

std::string count(const std::string& flag, const Values& values, long long min) {
  const std::optional<long long> value = parse_integer(values.front());
  if (!value || *value < min) {
    throw InputError(fmt::format("{} '{}': expected an integer >= {}", flag, values.front(), min));
  }
  return std::to_string(*value);
}

const std::vector<SeedAlias>& aliases() {
  static const std::vector<SeedAlias> table = [] {
    std::vector<SeedAlias> t;
    // 003, 594Project: bench/runner.py
    t.push_back({"--framework",
                 "pytorch|jax|both",
                 AliasArity::Many,
                 "003",
                 "--backends pytorch|jax|pytorch,jax",
                 {},
                 [](const Values& v, const SeedProfile*) {
                   return Values{"--backends", joined(choice("--framework", v, {"pytorch", "jax"},
                                                             {"pytorch", "jax"}))};
                 }});
    t.push_back({"--model",
                 "MODEL|both",
                 AliasArity::Many,
                 "003",
                 "--models MODEL (both: resnet50,vit_b_16)",
                 {},
                 [](const Values& v, const SeedProfile*) {
                   Values models;
                   for (const std::string& m : v) {
                     if (m == "both") {
                       models.insert(models.end(), {"resnet50", "vit_b_16"});
                     } else {
                       models.push_back(m);
                     }
                   }
                   return Values{"--models", joined(models)};
                 }});
    t.push_back({"--batch-sizes",
                 "N [N ...]",
                 AliasArity::Many,
                 "003",
                 "--axis batch_size=N,...",
                 {},
                 [](const Values& v, const SeedProfile*) {
                   Values sizes;
                   for (const std::string& size : v) {  // "1,4" as well as "1 4"
                     for (const std::string& item : split_list(size))
                       sizes.push_back(count("--batch-sizes", {item}, 1));
                   }
                   return Values{"--axis", "batch_size=" + joined(sizes)};
                 }});
    // 004, Benchmarking Framework v2: run_benchmarks.py
    t.push_back({"--warmup-iterations",
                 "N",
                 AliasArity::Single,
                 "004",
                 "--warmup N",
                 {},
                 [](const Values& v, const SeedProfile*) {
                   return Values{"--warmup", count("--warmup-iterations", v, 0)};
                 }});
    t.push_back({"--measurement-iterations",
                 "N",
                 AliasArity::Single,
                 "004",
                 "--iterations N",
                 {},
                 [](const Values& v, const SeedProfile*) {
                   return Values{"--iterations", count("--measurement-iterations", v, 1)};
                 }});
    t.push_back({"--num-tokens-to-generate",
                 "N",
                 AliasArity::Single,
                 "004",
                 "--option generate=N",
                 {},
                 [](const Values& v, const SeedProfile*) {
                   return Values{"--option", "generate=" + count("--num-tokens-to-generate", v, 1)};
                 }});
    t.push_back({"--model-id",
                 "MODEL",
                 AliasArity::Single,
                 "004",
                 "--models MODEL",
                 {},
                 [](const Values& v, const SeedProfile*) {
                   return Values{"--models", v.front()};
                 }});
    // 000/001, the Neural DSL suite: tests/benchmarks/run_benchmarks.py
    t.push_back({"--report",
                 "",
                 AliasArity::Flag,
                 "000, 001",
                 "writes <output-dir>/benchmark_report.md as the suite did (nnbench writes "
                 "report.md in every run)",
                 {"neural-dsl"},
                 [](const Values&, const SeedProfile*) {
                   return Values{"--seed-output", "report"};
                 }});
    t.push_back({"--json",
                 "",
                 AliasArity::Flag,
                 "000, 001",
                 "writes <output-dir>/benchmark_results.json as the suite did (nnbench writes "
                 "results.json in every run)",
                 {"neural-dsl"},
                 [](const Values&, const SeedProfile*) {
                   return Values{"--seed-output", "json"};
                 }});
    t.push_back(
        {"--no-validation",
         "",
         AliasArity::Flag,
         "001",
         "refused: the language's back ends need the shapes its checker infers, so nnbench "
         "cannot skip it; its cost is reported apart (parse_time_ms, compile_time_ms)",
         {},
         [](const Values&, const SeedProfile*) -> Values {
           throw InputError(
               "--no-validation (the Neural DSL suite's): nnbench cannot compile a model without "
               "its shape checker, because every back end needs the shapes it infers; the "
               "checker's cost is measured apart (dsl_compile's check time), never inside the "
               "training time. Leave the flag out.");
         }});
    return t;
  }();
  return table;
}

const std::vector<SeedProfile>& profiles() {
  static const std::vector<SeedProfile> table{
      {"neural-dsl",
       {"000", "001"},
       "the Neural DSL suite's tests/benchmarks/run_benchmarks.py",
       "neural-dsl",
       {"runs dsl_vs_native with backends pytorch and keras (the suite's PyTorch and "
        "TensorFlow), the language's code against the same models hand-written",
        "--backends tensorflow means keras (Keras 3 on TensorFlow)",
        "--report and --json write benchmark_report.md and benchmark_results.json into the "
        "output directory (default benchmark_results)"}},
      {"neurallayers",
       {"002"},
       "NeuralLayers' benchmarks/benchmark_inference.py and benchmark_memory.py",
       "neurallayers",
       {"--include benchmark_inference runs mlp_inference, --include benchmark_memory runs "
        "memory; both by default; mlp_inference with hidden sizes 256, 512 and 1024",
        "writes BENCHMARK_REPORT.md, throughput_benchmark.png, model_size_benchmark.png, "
        "MEMORY_REPORT.md, memory_comparison.png and training_memory_breakdown.png into the "
        "output directory (default benchmark_results)"}},
      {"594project",
       {"003"},
       "594Project's bench/runner.py",
       "594project",
       {"runs cross_framework inference with --framework both (pytorch, jax) and --model both "
        "(resnet50, vit_b_16) unless given, batch sizes 1 8 32 128, warm-up 10, 50 measured "
        "iterations",
        "writes <output-dir>/benchmark_results_<YYYYmmdd_HHMMSS>.csv (default results/raw) with "
        "the runner's columns"}},
      {"framework-v2",
       {"004"},
       "Benchmarking Framework v2's run_benchmarks.py",
       "framework-v2",
       {"--include llama_benchmark runs generation, mock_benchmark the mock (with "
        "--enable-mock, in the modes eager, compiled, kernelized); warm-up 3, 5 measured "
        "iterations",
        "writes <output-dir>/<model>/<model>_benchmark_<ts>.json, benchmark_summary.json and "
        "benchmark_run_<ts>.log (default benchmark_results)"}}};
  return table;
}

const ProfileRules& rules(const std::string& profile) {
  static const std::map<std::string, ProfileRules> table{
      {"neural-dsl",
       {{{{"--include", "--suite"}, {"--include", "dsl_vs_native"}},
         {{"axis:backend"}, {"--backends", "pytorch,keras"}},
         {{"--output-dir"}, {"--output-dir", "benchmark_results"}}},
        {},
        {}}},
      {"neurallayers",
       {{{{"--include", "--suite"}, {"--include", "mlp_inference,memory"}},
         {{"--output-dir"}, {"--output-dir", "benchmark_results"}}},
        {{"benchmark_inference", "mlp_inference"}, {"benchmark_memory", "memory"}},
        // The seed's "Compare Multiple Models": small, medium, large.
        {{"mlp_inference", false, {{"axis:hidden_dim"}, {"--axis", "hidden_dim=256,512,1024"}}}}}},
      {"594project",
       {{{{"--include", "--suite"}, {"--include", "cross_framework"}},
         {{"axis:mode"}, {"--axis", "mode=inference"}},
         {{"axis:backend"}, {"--backends", "pytorch,jax"}},
         {{"axis:model"}, {"--models", "resnet50,vit_b_16"}},
         {{"axis:batch_size"}, {"--axis", "batch_size=1,8,32,128"}},
         {{"--warmup"}, {"--warmup", "10"}},
         {{"--iterations"}, {"--iterations", "50"}},
         {{"--output-dir"}, {"--output-dir", "results/raw"}}},
        {},
        {}}},
      {"framework-v2",
       {{{{"--include", "--suite"}, {"--include", "generation"}},
         {{"--warmup"}, {"--warmup", "3"}},
         {{"--iterations"}, {"--iterations", "5"}},
         {{"--output-dir"}, {"--output-dir", "benchmark_results"}}},
        {{"llama_benchmark", "generation"}, {"mock_benchmark", "mock"}},
        {{"mock", true, {{"axis:mode"}, {"--axis", "mode=eager,compiled,kernelized"}}}}}}};
  return table.at(profile);
}

const SeedAlias* find_alias(const std::string& flag) {
  for (const SeedAlias& alias : aliases()) {
    if (alias.flag == flag) return &alias;
  }
  return nullptr;
}

bool is_flag(const std::string& token) { return token.size() > 2 && token.starts_with("--"); }

// The keys an nnbench argument sets, for the defaults' "already given" test.
Values keys_of(const std::string& flag, const std::string& value) {
  static const std::map<std::string, std::string> axis_flags{{"--models", "model"},
                                                             {"--backends", "backend"}};
  if (flag == "--axis") {
    return {"axis:" + value.substr(0, value.find('='))};
  }
  if (flag == "--option" && value.starts_with("model=")) return {"axis:model"};
  if (const auto it = axis_flags.find(flag); it != axis_flags.end()) return {"axis:" + it->second};
  return {flag};
}

}  // namespace

const std::vector<SeedProfile>& seed_profiles() { return profiles(); }

const SeedProfile& find_seed_profile(const std::string& name) {
  Values names;
  for (const SeedProfile& profile : profiles()) {
    if (profile.name == name ||
        std::find(profile.ids.begin(), profile.ids.end(), name) != profile.ids.end()) {
      return profile;
    }
    names.push_back(profile.name);
  }
  const std::optional<std::string> hint = closest_match(name, names);
  throw InputError(fmt::format("--compat '{}': expected one of {} (or a seed's number 000-004){}",
                               name, joined(names, ", "),
                               hint ? fmt::format("; did you mean '{}'?", *hint) : ""));
}

std::vector<SeedAliasInfo> seed_alias_table() {
  std::vector<SeedAliasInfo> table;
  for (const SeedAlias& alias : aliases()) {
    table.push_back(
        {alias.flag, alias.value_name, alias.seeds, alias.meaning, !alias.needs_profiles.empty()});
  }
  return table;
}

SeedTranslation translate_seed_arguments(const std::vector<std::string>& argv) {
  SeedTranslation out{argv, {}, ""};
  if (argv.size() < 2 || argv[1] != "run") return out;

  // The switch first: it decides what the others mean.
  const SeedProfile* profile = nullptr;
  for (std::size_t i = 2; i < argv.size(); ++i) {
    std::string value;
    if (argv[i] == "--compat" && i + 1 < argv.size()) {
      value = argv[i + 1];
    } else if (argv[i].starts_with("--compat=")) {
      value = argv[i].substr(9);
    } else {
      continue;
    }
    profile = &find_seed_profile(value);
    break;
  }
  const ProfileRules* profile_rules = profile ? &rules(profile->name) : nullptr;

  Values args{argv[0], argv[1]};
  Values given_keys;
  Values included;
  for (std::size_t i = 2; i < argv.size(); ++i) {
    const std::string& token = argv[i];
    const std::size_t eq = token.find('=');
    const std::string flag = is_flag(token) ? token.substr(0, eq) : std::string();
    const SeedAlias* alias = flag.empty() ? nullptr : find_alias(flag);
    if (alias == nullptr) {
      // nnbench's own argument. With a profile, a seed's script name on --include/--exclude
      // becomes the benchmark it is; `tensorflow` on --backends is Keras 3 on TensorFlow.
      args.push_back(token);
      if (flag.empty()) continue;
      Values values;
      if (eq != std::string::npos) values.push_back(token.substr(eq + 1));
      std::size_t j = i + 1;
      if (eq == std::string::npos) {
        while (j < argv.size() && !is_flag(argv[j])) values.push_back(argv[j++]);
      }
      for (const std::string& key : keys_of(flag, values.empty() ? "" : values.front()))
        given_keys.push_back(key);
      const bool names_benchmarks = flag == "--include" || flag == "--exclude";
      const bool names_backends = flag == "--backends";
      for (std::string& value : values) {
        Values parts = split_list(value);
        for (std::string& part : parts) {
          std::string before = part;
          if (names_benchmarks && profile_rules) {
            if (const auto it = profile_rules->benchmark_names.find(part);
                it != profile_rules->benchmark_names.end()) {
              part = it->second;
            }
          }
          if (names_backends && part == "tensorflow") part = "keras";
          if (part != before) {
            out.aliases.push_back(fmt::format("{} {} -> {} {}", flag, before, flag, part));
          }
          if (flag == "--include") included.push_back(part);
        }
        value = joined(parts);
      }
      if (eq != std::string::npos) {
        args.back() = flag + "=" + values.front();
      } else {
        for (std::size_t k = 0; k < values.size(); ++k) args.push_back(values[k]);
        i = j - 1;
      }
      continue;
    }

    Values values;
    if (alias->arity != AliasArity::Flag) {
      if (eq != std::string::npos) {
        values.push_back(token.substr(eq + 1));
      } else {
        std::size_t j = i + 1;
        while (j < argv.size() && !is_flag(argv[j]) &&
               (alias->arity == AliasArity::Many || values.empty())) {
          values.push_back(argv[j++]);
        }
        i = j - 1;
      }
      if (values.empty()) {
        throw InputError(fmt::format("{} needs a value ({})", flag, alias->value_name));
      }
    } else if (eq != std::string::npos) {
      throw InputError(fmt::format("{} takes no value", flag));
    }
    if (!alias->needs_profiles.empty() &&
        (profile == nullptr || std::find(alias->needs_profiles.begin(), alias->needs_profiles.end(),
                                         profile->name) == alias->needs_profiles.end())) {
      throw InputError(fmt::format("{} is the spelling of seed {} ({}); add --compat {} to use it",
                                   flag, alias->seeds, alias->meaning,
                                   alias->needs_profiles.front()));
    }
    const Values translated = alias->translate(values, profile);
    out.aliases.push_back(fmt::format("{}{}{} -> {}", flag, values.empty() ? "" : " ",
                                      joined(values, " "), joined(translated, " ")));
    for (std::size_t k = 0; k + 1 < translated.size(); k += 2) {
      for (const std::string& key : keys_of(translated[k], translated[k + 1]))
        given_keys.push_back(key);
    }
    args.insert(args.end(), translated.begin(), translated.end());
  }

  if (profile_rules != nullptr) {
    out.compat = profile->name;
    const auto add_default = [&](const SeedDefault& d) {
      for (const std::string& key : d.keys) {
        if (std::find(given_keys.begin(), given_keys.end(), key) != given_keys.end()) return;
      }
      args.insert(args.end(), d.arguments.begin(), d.arguments.end());
      if (d.arguments.front() == "--include") {
        for (const std::string& name : split_list(d.arguments.back())) included.push_back(name);
      }
      out.aliases.push_back(
          fmt::format("--compat {} default -> {}", profile->name, joined(d.arguments, " ")));
      for (const std::string& key : keys_of(d.arguments.front(), d.arguments.back()))
        given_keys.push_back(key);
    };
    for (const SeedDefault& d : profile_rules->defaults) add_default(d);
    for (const ProfileRules::WhenIncluded& rule : profile_rules->when_included) {
      const bool in = std::find(included.begin(), included.end(), rule.benchmark) != included.end();
      if (in && (!rule.alone || included.size() == 1)) add_default(rule.d);
    }
  }
  out.argv = std::move(args);
  return out;
}

}  // namespace nnbench::cli

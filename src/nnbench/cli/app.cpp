// Argument parsing (CLI11) and the error boundary: every error becomes one line and an exit code.
// Each subcommand registers its flags in a function of its own and hands back what to run when it
// was the one parsed. `run`'s flags come from the run settings table (run_settings.hpp).
#include "nnbench/cli/app.hpp"

#include <deque>
#include <functional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "nnbench/cli/commands.hpp"
#include "nnbench/cli/config_file.hpp"
#include "nnbench/cli/seed_compat.hpp"
#include "nnbench/core/error.hpp"
#include "nnbench/report/run_journal.hpp"

namespace nnbench::cli {
namespace {

// What a subcommand runs once parsed. `argv` is the whole command line, for the record.
using Action = std::function<int(const std::vector<std::string>& argv)>;

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const InputError& e) {
    fmt::print(stderr, "nnbench: error: {}\n", e.what());
    return kExitBadInput;
  } catch (const IoError& e) {
    fmt::print(stderr, "nnbench: error: {}\n", e.what());
    return kExitBadInput;
  } catch (const UnavailableError& e) {  // this build or machine cannot (no SQLite, matplotlib)
    fmt::print(stderr, "nnbench: error: {}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "nnbench: internal error: {}\n", e.what());
    return kExitInternal;
  }
}

// The run settings as CLI11 options, each collecting its raw values; merged with the config file
// by the table's own rules once the command line is parsed.
struct RunFlags {
  std::vector<std::pair<const RunSetting*, CLI::Option*>> options;
  std::deque<std::vector<std::string>> values;  // stable storage, one per setting
};

std::string help_text(const RunSetting& setting) {
  if (setting.record_key.empty() || setting.arity == SettingArity::Flag) {
    return setting.description;
  }
  const std::string value = setting.record(RunRequest{});
  return value.empty() ? setting.description
                       : fmt::format("{} (default: {})", setting.description, value);
}

RunRequest parse_run_command_line(const std::vector<std::string>& argv);

// --resume DIR: the interrupted run's own command line, read from its journal, parsed again (its
// config file read again too; run_command checks that the configuration is the same). Besides
// --resume, only what does not shape the measurement may be given.
RunRequest resumed_request(const RunRequest& given, const std::vector<std::string>& flags_given) {
  for (const std::string& flag : flags_given) {
    if (flag != "--resume" && flag != "--quiet" && flag != "--history" && flag != "--no-history" &&
        flag != "--color" && flag != "--log-level") {
      throw InputError(fmt::format(
          "--resume runs the interrupted run with its own settings; {} cannot be given with it "
          "(only --quiet, --color, --log-level, --history, --no-history)",
          flag));
    }
  }
  const report::JournaledRun journaled = report::read_journal(given.resume);
  RunRequest request = parse_run_command_line(journaled.run_info.command_line);
  if (!request.resume.empty()) {
    throw InputError(
        fmt::format("--resume {}: its journal's command line resumes another run", given.resume));
  }
  request.resume = given.resume;
  request.quiet = given.quiet;
  request.color = given.color;
  request.log_level = given.log_level;
  if (!given.history.empty()) request.history = given.history;
  if (given.no_history) request.no_history = true;
  return request;
}

// The command line's level of the merge, applied on top of the config file's.
RunRequest merge_run_request(const RunFlags& flags, const std::vector<std::string>& argv) {
  RunRequest request;
  std::vector<std::string> given, flags_given;
  SettingLevel cli_level("on the command line");
  // --config first: the file is the lower level.
  for (const auto& [setting, option] : flags.options) {
    if (setting->flag == "--config" && option->count() > 0) {
      flags_given.push_back("--config");
      setting->apply(request, option->results(), "--config", cli_level);
      SettingLevel file_level("in " + request.config_file);
      load_config_file(request.config_file, request, file_level, given);
    }
  }
  for (const auto& [setting, option] : flags.options) {
    if (setting->flag == "--config" || option->count() == 0) continue;
    const std::string origin = setting->flag.substr(0, setting->flag.find(','));
    const std::vector<std::string> values =
        setting->arity == SettingArity::Flag ? std::vector<std::string>{"true"} : option->results();
    if (setting->arity == SettingArity::Flag && option->count() > 1) {
      throw InputError(fmt::format("{} given {} times; give it once", origin, option->count()));
    }
    setting->apply(request, values, origin, cli_level);
    given.push_back(setting->file_key.empty() ? origin : setting->file_key);
    flags_given.push_back(origin);
  }
  if (!request.resume.empty()) return resumed_request(request, flags_given);
  finish_request(request, given);
  request.command_line = argv;
  request.compat_aliases = translate_seed_arguments(argv).aliases;
  return request;
}

Action add_run_command(CLI::App& app, RunFlags& flags) {
  CLI::App* run = app.add_subcommand("run", "run benchmarks and write results/<UTC timestamp>/");
  for (const RunSetting& setting : run_settings()) {
    if (setting.flag.empty()) continue;  // config-file spellings only
    CLI::Option* option = nullptr;
    if (setting.arity == SettingArity::Flag) {
      option = run->add_flag(setting.flag)->description(help_text(setting));
    } else {
      flags.values.emplace_back();
      option = run->add_option(setting.flag, flags.values.back(), help_text(setting))
                   ->type_name(setting.value_name)
                   ->allow_extra_args(setting.arity == SettingArity::List);
    }
    if (setting.internal) option->group("");  // not in --help
    flags.options.emplace_back(&setting, option);
  }
  return [run, &flags](const std::vector<std::string>& argv) -> int {
    if (!run->parsed()) return -1;
    return guarded([&] { return run_command(merge_run_request(flags, argv)); });
  };
}

// --metric, --threshold, --alpha, --format of compare and history --check.
void add_comparison_flags(CLI::App& command, ComparisonFlags& flags) {
  command.add_option("--metric", flags.metric, "metric to compare (* for all)")
      ->capture_default_str();
  command
      .add_option("--threshold", flags.threshold,
                  "relative change of the median that counts: a fraction (0.05) or a "
                  "percentage (5%)")
      ->capture_default_str();
  command.add_option("--alpha", flags.alpha, "significance level of the Mann-Whitney U test")
      ->capture_default_str();
  command.add_option("--format", flags.format, "terminal or markdown")
      ->check(CLI::IsMember({"terminal", "markdown"}))
      ->capture_default_str();
}

Action add_list_command(CLI::App& app, ListCommandOptions& options) {
  CLI::App* list =
      app.add_subcommand("list", "list registered benchmarks with their axes and options");
  list->add_flag("--json", options.json, "axes and options as JSON data");
  return [list, &options](const std::vector<std::string>&) -> int {
    if (!list->parsed()) return -1;
    return guarded([&] { return list_command(options); });
  };
}

Action add_env_command(CLI::App& app) {
  CLI::App* env = app.add_subcommand("env", "print the environment a run records");
  return [env](const std::vector<std::string>&) -> int {
    if (!env->parsed()) return -1;
    return guarded([] { return env_command(); });
  };
}

Action add_compare_command(CLI::App& app, CompareCommandOptions& options) {
  CLI::App* compare = app.add_subcommand(
      "compare", "compare two result files or directories; exit 1 on a significant regression");
  compare->add_option("base", options.base, "baseline result JSON file or run directory")
      ->required();
  compare->add_option("new", options.candidate, "new result JSON file or run directory")
      ->required();
  add_comparison_flags(*compare, options.flags);
  return [compare, &options](const std::vector<std::string>&) -> int {
    if (!compare->parsed()) return -1;
    return guarded([&] { return compare_command(options); });
  };
}

Action add_history_command(CLI::App& app, HistoryCommandOptions& options) {
  CLI::App* history = app.add_subcommand(
      "history",
      "list recorded runs, show a metric's trend for a variant, or --check the latest run of "
      "each variant against the previous one (exit 1 on a significant regression)");
  history->add_option("--db", options.db, "the history database")->capture_default_str();
  history->add_option("--benchmark", options.benchmark, "benchmark of --variant");
  history->add_option("--variant", options.variant,
                      "variant name (as in results.csv) whose trend to show");
  history->add_flag("--check", options.check,
                    "compare each variant's latest run with its previous one on this machine");
  history->add_option("--import", options.import_dir,
                      "record a finished run directory that is not in the history yet");
  add_comparison_flags(*history, options.flags);
  return [history, &options](const std::vector<std::string>&) -> int {
    if (!history->parsed()) return -1;
    return guarded([&] { return history_command(options); });
  };
}

Action add_report_command(CLI::App& app, ReportCommandOptions& options) {
  CLI::App* report = app.add_subcommand(
      "report",
      "regenerate a run's report.md and its plots (PNG, SVG) from its result files, or an HTML "
      "dashboard of one or several runs (--html)");
  report->add_option("run_dir", options.run_dir, "a run directory (results/<timestamp>)")
      ->required();
  report->add_flag("--no-plots")->description("only report.md");
  report->add_flag("--html", options.html,
                   "write one self-contained HTML dashboard instead (run_dir may then hold "
                   "several runs, compared on one page)");
  report->add_option("--out", options.out,
                     "the dashboard's file (default: <run_dir>/dashboard.html)");
  return [report, &options](const std::vector<std::string>&) -> int {
    if (!report->parsed()) return -1;
    options.plots = report->get_option("--no-plots")->count() == 0;
    return guarded([&] { return report_command(options); });
  };
}

Action add_compile_command(CLI::App& app, CompileCommandOptions& options) {
  CLI::App* compile = app.add_subcommand(
      "compile", "check a .nn model and print its summary, or emit its IR or source code");
  compile->add_option("model", options.model_file, "model file (.nn or .neural)")->required();
  compile
      ->add_option("--emit", options.emit,
                   "summary, json, torch-cpp, pytorch, jax (Flax/Optax) or keras (Keras 3)")
      ->check(CLI::IsMember({"summary", "json", "torch-cpp", "pytorch", "jax", "keras"}))
      ->capture_default_str();
  compile->add_option("-o,--output", options.output, "write to this file instead of stdout");
  compile->add_option("--network", options.network, "the network to emit, by name");
  compile->add_option("--set", options.hpo_settings,
                      "AXIS=VALUE: the value a search space (HPO) takes (repeatable)");
  compile
      ->add_option("--hpo-samples", options.hpo_samples,
                   "values drawn from each log_range search space")
      ->capture_default_str();
  compile->add_flag("--time", options.time_phases,
                    "measure each compiler phase (lex, parse, expand, check, build, emit)");
  return [compile, &options](const std::vector<std::string>&) -> int {
    if (!compile->parsed()) return -1;
    return guarded([&] { return compile_command(options); });
  };
}

Action add_launch_command(CLI::App& app, LaunchCommandOptions& options) {
  LaunchPlan& plan = options.plan;
  CLI::App* launch = app.add_subcommand(
      "launch",
      "start the worker processes of one node of a distributed job, with torchrun's environment "
      "(RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT): nnbench launch "
      "--nproc-per-node N -- COMMAND...");
  launch
      ->add_option("--nproc-per-node,--nproc_per_node", plan.nproc_per_node, "workers on this node")
      ->capture_default_str();
  launch->add_option("--nnodes", plan.nnodes, "nodes in the job")->capture_default_str();
  launch->add_option("--node-rank,--node_rank", plan.node_rank, "this node's rank, 0..nnodes-1")
      ->capture_default_str();
  launch->add_option("--master-addr,--master_addr", plan.master_addr, "address of rank 0's node")
      ->capture_default_str();
  launch
      ->add_option("--master-port,--master_port", plan.master_port,
                   "port of rank 0's rendezvous store")
      ->capture_default_str();
  launch
      ->add_option("--timeout", plan.timeout_s,
                   "seconds the whole job may take before its ranks are stopped (0: no limit)")
      ->capture_default_str();
  launch->add_option("command", plan.command, "the command every worker runs (after --)")
      ->required();
  return [launch, &options](const std::vector<std::string>&) -> int {
    if (!launch->parsed()) return -1;
    return guarded([&] { return launch_command(options); });
  };
}

// A recorded `nnbench run ...` command line (argv) parsed as the CLI parses it.
RunRequest parse_run_command_line(const std::vector<std::string>& argv) {
  CLI::App app{"nnbench", "nnbench"};
  app.require_subcommand(1);
  RunFlags flags;
  add_run_command(app, flags);
  const std::vector<std::string> translated = translate_seed_arguments(argv).argv;
  std::vector<const char*> pointers;
  for (const std::string& argument : translated) pointers.push_back(argument.c_str());
  try {
    app.parse(static_cast<int>(pointers.size()), pointers.data());
  } catch (const CLI::ParseError& e) {
    throw InputError(fmt::format("the recorded command line does not parse: {}", e.what()));
  }
  return merge_run_request(flags, argv);
}

}  // namespace

int run_app(int argc, char** argv) {
  CLI::App app{"nnbench: benchmarks for neural networks in C++ (LibTorch)", "nnbench"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("nnbench ") + NNBENCH_VERSION_STRING);

  RunFlags run_flags;
  ListCommandOptions list_options;
  CompareCommandOptions compare_options;
  HistoryCommandOptions history_options;
  ReportCommandOptions report_options;
  CompileCommandOptions compile_options;
  LaunchCommandOptions launch_options;
  const std::vector<Action> actions{add_run_command(app, run_flags),
                                    add_list_command(app, list_options),
                                    add_env_command(app),
                                    add_compare_command(app, compare_options),
                                    add_history_command(app, history_options),
                                    add_report_command(app, report_options),
                                    add_compile_command(app, compile_options),
                                    add_launch_command(app, launch_options)};

  // A seed system's spellings (seed_compat.hpp) become nnbench's before CLI11 sees them; the
  // recorded command line stays as typed.
  const std::vector<std::string> command_line(argv, argv + argc);
  std::vector<std::string> translated;
  try {
    translated = translate_seed_arguments(command_line).argv;
  } catch (const InputError& e) {
    fmt::print(stderr, "nnbench: error: {}\n", e.what());
    return kExitBadInput;
  }
  std::vector<char*> pointers;
  for (std::string& argument : translated) pointers.push_back(argument.data());
  try {
    app.parse(static_cast<int>(pointers.size()), pointers.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    while (!message.empty() && message.back() == '\n') message.pop_back();
    fmt::print(stderr, "nnbench: error: {} (see nnbench --help)\n", message);
    return kExitBadInput;
  }
  for (const Action& action : actions) {
    const int code = action(command_line);
    if (code >= 0) return code;
  }
  return kExitBadInput;
}

}  // namespace nnbench::cli

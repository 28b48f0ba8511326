// Argument parsing (CLI11) and the error boundary: every error becomes one line and an exit code.
#include "nnbench/cli/app.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "nnbench/cli/commands.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench::cli {
namespace {

void add_run_options(CLI::App& run, RunCommandOptions& o) {
  MeasurementConfig& m = o.config.measurement;
  run.add_option("--config", o.config_file, "YAML file with benchmarks, axes, iterations, output");
  run.add_option("--include", o.include, "benchmarks to run (glob, repeatable or comma-separated)")
      ->delimiter(',');
  run.add_option("--exclude", o.exclude, "benchmarks to leave out (glob)")->delimiter(',');
  run.add_option("--axis", o.axis_texts, "NAME=V1,V2: replace an axis's values (repeatable)");
  run.add_option("--suite", o.suites, "a suite by name, e.g. dsl-vs-native (same as --include)")
      ->delimiter(',');
  run.add_option("--models", o.models, "models to run (same as --axis model=...)")->delimiter(',');
  run.add_option("--epochs", o.epochs, "training epochs (same as --option epochs=N)");
  run.add_option("--data", o.data,
                 "input data: an MNIST-format or image-class folder, or 'synthetic' (same as "
                 "--option data=DIR)");
  run.add_option("--backends", o.backends,
                 "frameworks to run: torch (in-process LibTorch); pytorch, pytorch-compile, jax, "
                 "keras (the framework's runtime in a worker process: PyTorch eager or "
                 "torch.compile, Flax/Optax, Keras 3; suite cross-framework)")
      ->delimiter(',');
  run.add_option("--option", o.option_texts,
                 "KEY=VALUE for benchmarks (e.g. data=DIR; repeatable)");
  run.add_flag("--enable-mock", o.config.enable_mock, "also run the synthetic mock benchmark");
  run.add_flag("--quick", o.config.quick, "small sizes and few iterations (CI, make bench)");
  run.add_option("--warmup", m.warmup_iterations, "warm-up iterations per variant")
      ->capture_default_str();
  run.add_option("--iterations", m.iterations, "samples per variant in fixed mode")
      ->capture_default_str();
  run.add_option("--iterations-per-sample", m.iterations_per_sample,
                 "calls timed together as one sample (0: calibrate to --min-sample-time)")
      ->capture_default_str();
  run.add_option("--min-sample-time", m.min_sample_time_ms, "ms per sample when calibrating")
      ->capture_default_str();
  run.add_flag_callback(
      "--adaptive", [&m] { m.mode = SamplingMode::Adaptive; },
      "sample until the relative standard error of the mean is under --target-rse");
  run.add_option("--target-rse", m.target_rse, "adaptive noise target (0.005 = 0.5%)")
      ->capture_default_str();
  run.add_option("--min-samples", m.min_samples, "adaptive: fewest samples")->capture_default_str();
  run.add_option("--max-samples", m.max_samples, "adaptive: most samples")->capture_default_str();
  run.add_option("--time-budget", m.time_budget_s, "adaptive: measured seconds per variant")
      ->capture_default_str();
  run.add_option("--timeout", m.timeout_s, "wall-clock seconds of sampling per variant")
      ->capture_default_str();
  run.add_option("--device", o.config.device, "cpu, cuda, cuda:N or auto (cuda when present)")
      ->capture_default_str();
  run.add_option("--seed", o.config.seed, "seed for inputs and weights")->capture_default_str();
  run.add_option("--threads", o.threads, "LibTorch intra-op threads (0: LibTorch's default)");
  run.add_option("--output-dir", o.config.output_dir, "where results/<UTC timestamp>/ goes")
      ->capture_default_str();
  run.add_flag("--quiet,-q", o.quiet, "no progress line or summary table");
  run.add_flag("--dry-run", o.list_only, "print the planned variants and exit");
  run.add_option("--history", o.history,
                 "SQLite history the run is also recorded in (default: <output-dir>/history.db)");
  run.add_flag("--no-history", o.no_history, "do not record the run in the history");
}

// --metric, --threshold, --alpha, --format of compare and history --check.
void add_comparison_flags(CLI::App& command, ComparisonFlags& flags) {
  command.add_option("--metric", flags.metric, "metric to compare")->capture_default_str();
  command
      .add_option("--threshold", flags.threshold,
                  "relative change of the median that counts (0.05 = 5%)")
      ->capture_default_str();
  command.add_option("--alpha", flags.alpha, "significance level of the Mann-Whitney U test")
      ->capture_default_str();
  command.add_option("--format", flags.format, "terminal or markdown")
      ->check(CLI::IsMember({"terminal", "markdown"}))
      ->capture_default_str();
}

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

}  // namespace

int run_app(int argc, char** argv) {
  CLI::App app{"nnbench: benchmarks for neural networks in C++ (LibTorch)", "nnbench"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("nnbench ") + NNBENCH_VERSION_STRING);

  RunCommandOptions run_options;
  CLI::App* run = app.add_subcommand("run", "run benchmarks and write results/<UTC timestamp>/");
  add_run_options(*run, run_options);

  ListCommandOptions list_options;
  CLI::App* list = app.add_subcommand("list", "list registered benchmarks and their axes");

  CLI::App* env = app.add_subcommand("env", "print the environment a run records");

  CompareCommandOptions compare_options;
  CLI::App* compare = app.add_subcommand(
      "compare", "compare two result files or directories; exit 1 on a significant regression");
  compare->add_option("base", compare_options.base, "baseline result JSON file or run directory")
      ->required();
  compare->add_option("new", compare_options.candidate, "new result JSON file or run directory")
      ->required();
  add_comparison_flags(*compare, compare_options.flags);

  HistoryCommandOptions history_options;
  CLI::App* history = app.add_subcommand(
      "history",
      "list recorded runs, show a metric's trend for a variant, or --check the latest run of "
      "each variant against the previous one (exit 1 on a significant regression)");
  history->add_option("--db", history_options.db, "the history database")->capture_default_str();
  history->add_option("--benchmark", history_options.benchmark, "benchmark of --variant");
  history->add_option("--variant", history_options.variant,
                      "variant name (as in results.csv) whose trend to show");
  history->add_flag("--check", history_options.check,
                    "compare each variant's latest run with its previous one on this machine");
  add_comparison_flags(*history, history_options.flags);

  ReportCommandOptions report_options;
  CLI::App* report = app.add_subcommand(
      "report",
      "regenerate a run's report.md and its plots (PNG, SVG) from its result files, or an HTML "
      "dashboard of one or several runs (--html)");
  report->add_option("run_dir", report_options.run_dir, "a run directory (results/<timestamp>)")
      ->required();
  bool no_plots = false;
  report->add_flag("--no-plots", no_plots, "only report.md");
  report->add_flag("--html", report_options.html,
                   "write one self-contained HTML dashboard instead (run_dir may then hold "
                   "several runs, compared on one page)");
  report->add_option("--out", report_options.out,
                     "the dashboard's file (default: <run_dir>/dashboard.html)");

  CompileCommandOptions compile_options;
  CLI::App* compile = app.add_subcommand(
      "compile", "check a .nn model and print its summary, or emit its IR or source code");
  compile->add_option("model", compile_options.model_file, "model file (.nn or .neural)")
      ->required();
  compile
      ->add_option("--emit", compile_options.emit,
                   "summary, json, torch-cpp, pytorch, jax (Flax/Optax) or keras (Keras 3)")
      ->check(CLI::IsMember({"summary", "json", "torch-cpp", "pytorch", "jax", "keras"}))
      ->capture_default_str();
  compile->add_option("-o,--output", compile_options.output,
                      "write to this file instead of stdout");
  compile->add_option("--network", compile_options.network, "the network to emit, by name");
  compile->add_option("--set", compile_options.hpo_settings,
                      "AXIS=VALUE: the value a search space (HPO) takes (repeatable)");
  compile
      ->add_option("--hpo-samples", compile_options.hpo_samples,
                   "values drawn from each log_range search space")
      ->capture_default_str();
  compile->add_flag("--time", compile_options.time_phases,
                    "measure each compiler phase (lex, parse, expand, check, build, emit)");

  LaunchCommandOptions launch_options;
  LaunchPlan& plan = launch_options.plan;
  CLI::App* launch = app.add_subcommand(
      "launch",
      "start the worker processes of one node of a distributed job, with torchrun's environment "
      "(RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT): nnbench launch "
      "--nproc-per-node N -- COMMAND...");
  launch->add_option("--nproc-per-node", plan.nproc_per_node, "workers on this node")
      ->capture_default_str();
  launch->add_option("--nnodes", plan.nnodes, "nodes in the job")->capture_default_str();
  launch->add_option("--node-rank", plan.node_rank, "this node's rank, 0..nnodes-1")
      ->capture_default_str();
  launch->add_option("--master-addr", plan.master_addr, "address of rank 0's node")
      ->capture_default_str();
  launch->add_option("--master-port", plan.master_port, "port of rank 0's rendezvous store")
      ->capture_default_str();
  launch
      ->add_option("--timeout", plan.timeout_s,
                   "seconds the whole job may take before its ranks are stopped (0: no limit)")
      ->capture_default_str();
  launch->add_option("command", plan.command, "the command every worker runs (after --)")
      ->required();

  try {
    app.parse(argc, argv);
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

  if (run->parsed()) {
    for (int i = 0; i < argc; ++i) run_options.command_line.emplace_back(argv[i]);
    for (const CLI::Option* option : run->get_options()) {
      if (option->count() > 0) run_options.set_flags.push_back(option->get_name());
    }
    return guarded([&] { return run_command(run_options); });
  }
  if (list->parsed()) return guarded([&] { return list_command(list_options); });
  if (launch->parsed()) return guarded([&] { return launch_command(launch_options); });
  if (env->parsed()) return guarded([] { return env_command(); });
  if (compare->parsed()) return guarded([&] { return compare_command(compare_options); });
  if (compile->parsed()) return guarded([&] { return compile_command(compile_options); });
  if (history->parsed()) return guarded([&] { return history_command(history_options); });
  if (report->parsed()) {
    report_options.plots = !no_plots;
    return guarded([&] { return report_command(report_options); });
  }
  return kExitBadInput;
}

}  // namespace nnbench::cli

// The seed systems' output files (`nnbench run --compat SEED`, cli/seed_compat.hpp), made from a
// finished run's results beside nnbench's own run directory, so that a seed's own reading code
// (pandas on 594Project's CSV, a JSON reader of Framework v2's files, `cat
// benchmark_results/benchmark_report.md`) runs unchanged. docs/seed-compatibility.md lists each
// file, its fields and units.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnbench/core/result.hpp"

namespace nnbench::report {

// 594Project's columns, in its order (its "Metrics Collected"), then nnbench's extras.
const std::vector<std::string>& seed_594project_columns();

// 594Project's CSV of `results` (the variants that ran).
std::string render_594project_csv(const std::vector<Result>& results, const RunInfo& run_info);

// Benchmarking Framework v2's document for one model: {"model_name", "benchmark_scenarios":
// [{"scenario_name", "metadata": {timestamp, commit_id, hardware_info, config}, "measurements":
// {latency (s), time_to_first_token (s), tokens_per_second}, "gpu_metrics"}]}.
std::string render_framework_v2_model_json(const std::string& model,
                                           const std::vector<Result>& results,
                                           const RunInfo& run_info);

// "2026-12-08T00:45:12Z" -> "20261208_004512", the seeds' file-name timestamp.
std::string seed_timestamp(const std::string& iso8601);

// Writes the files of `layout` (SeedProfile::layout: neural-dsl, neurallayers, 594project,
// framework-v2) into `output_dir`, the run's output directory, from the finished run in
// `run_dir`; `outputs` are the optional files the seed's flags asked for (neural-dsl: report,
// json). Returns the files written. A file whose data the run does not hold (a plot of a
// benchmark that did not run) is left out with a warning on standard error naming it. Throws
// IoError when a file cannot be written.
std::vector<std::filesystem::path> write_seed_layout(const std::string& layout,
                                                     const std::vector<std::string>& outputs,
                                                     const std::vector<Result>& results,
                                                     const RunInfo& run_info,
                                                     const std::filesystem::path& run_dir,
                                                     const std::filesystem::path& output_dir);

}  // namespace nnbench::report

// `nnbench compare BASE NEW`: per variant the ratio, a Mann-Whitney U test and a verdict; exit 1
// on a significant regression so CI can gate on it.
#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/report/compare.hpp"
#include "nnbench/report/compare_render.hpp"
#include "nnbench/report/result_reader.hpp"

namespace nnbench::cli {

CompareOptions to_compare_options(const ComparisonFlags& flags) {
  CompareOptions options;
  options.metric = flags.metric;
  options.threshold = flags.threshold;
  options.alpha = flags.alpha;
  validate(options);
  return options;
}

int compare_command(const CompareCommandOptions& options) {
  const CompareOptions compare_options = to_compare_options(options.flags);
  const LoadedRun base = read_results(options.base);
  const LoadedRun candidate = read_results(options.candidate);
  const Comparison comparison = compare_runs(base, candidate, compare_options);
  fmt::print("{}", options.flags.format == "markdown" ? render_comparison_markdown(comparison)
                                                      : render_comparison_terminal(comparison));
  return has_significant_regression(comparison) ? kExitFailures : kExitOk;
}

}  // namespace nnbench::cli

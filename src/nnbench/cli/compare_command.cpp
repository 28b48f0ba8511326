// `nnbench compare BASE NEW`: per variant the ratio, a Mann-Whitney U test and a verdict; exit 1
// on a significant regression so CI can gate on it.
#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/report/compare.hpp"
#include "nnbench/report/compare_render.hpp"
#include "nnbench/report/result_reader.hpp"

namespace nnbench::cli {

int compare_command(const CompareCommandOptions& options) {
  CompareOptions compare_options;
  compare_options.metric = options.metric;
  compare_options.threshold = options.threshold;
  compare_options.alpha = options.alpha;
  validate(compare_options);
  const LoadedRun base = read_results(options.base);
  const LoadedRun candidate = read_results(options.candidate);
  const Comparison comparison = compare_runs(base, candidate, compare_options);
  fmt::print("{}", options.format == "markdown" ? render_comparison_markdown(comparison)
                                                : render_comparison_terminal(comparison));
  return has_significant_regression(comparison) ? kExitFailures : kExitOk;
}

}  // namespace nnbench::cli

// `nnbench compare BASE NEW`: per variant the ratio, a Mann-Whitney U test and a verdict; exit 1
// on a significant regression so CI can gate on it.
#include <fmt/format.h>

#include "nnbench/cli/app.hpp"
#include "nnbench/cli/commands.hpp"
#include "nnbench/report/compare.hpp"
#include "nnbench/report/compare_render.hpp"
#include "nnbench/report/result_reader.hpp"

namespace nnbench::cli {

report::CompareOptions to_compare_options(const ComparisonFlags& flags) {
  report::CompareOptions options;
  options.metric = flags.metric;
  options.threshold = report::parse_threshold(flags.threshold);
  options.alpha = flags.alpha;
  validate(options);
  return options;
}

int compare_command(const CompareCommandOptions& options) {
  const report::CompareOptions compare_options = to_compare_options(options.flags);
  const report::LoadedRun base = report::read_results(options.base);
  const report::LoadedRun candidate = report::read_results(options.candidate);
  const report::Comparison comparison = report::compare_runs(base, candidate, compare_options);
  fmt::print("{}", options.flags.format == "markdown"
                       ? report::render_comparison_markdown(comparison)
                       : report::render_comparison_terminal(comparison));
  return report::has_significant_regression(comparison) ? kExitFailures : kExitOk;
}

}  // namespace nnbench::cli

// report.md: the human report of a run. Environment (with a loud warning for debug builds), the
// run's configuration, then per benchmark a table of its variants, the variants that did not run
// and why, and the measurement notes.
#pragma once

#include <string>
#include <vector>

#include "nnbench/report/writer.hpp"

namespace nnbench::report {

std::string render_markdown_report(const std::vector<Result>& results, const RunInfo& run_info);

class MarkdownWriter final : public Writer {
 public:
  std::string name() const override { return "markdown"; }
  void write(const std::vector<Result>& results, const RunInfo& run_info,
             const std::filesystem::path& dir) const override;  // report.md
};

}  // namespace nnbench::report

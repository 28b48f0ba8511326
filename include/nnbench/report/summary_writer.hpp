// summary.json: the run at a glance. Run info, counts by status, the result files written, and
// one compact row per variant with its headline figures; for dashboards and CI scripts that do
// not want to open every benchmark file.
#pragma once

#include <vector>

#include "nnbench/report/result_json.hpp"
#include "nnbench/report/writer.hpp"

namespace nnbench::report {

ordered_json summary_to_json(const std::vector<Result>& results, const RunInfo& run_info);

class SummaryWriter final : public Writer {
 public:
  std::string name() const override { return "summary"; }
  void write(const std::vector<Result>& results, const RunInfo& run_info,
             const std::filesystem::path& dir) const override;  // summary.json
};

}  // namespace nnbench::report

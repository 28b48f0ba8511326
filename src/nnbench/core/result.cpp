// Result helpers: status names and lookups.
#include "nnbench/core/result.hpp"

#include "nnbench/core/environment.hpp"
#include "nnbench/core/error.hpp"

namespace nnbench {

std::string to_string(ResultStatus status) {
  switch (status) {
    case ResultStatus::Ok:
      return "ok";
    case ResultStatus::Failed:
      return "failed";
    case ResultStatus::Skipped:
      return "skipped";
    case ResultStatus::Unavailable:
      return "unavailable";
  }
  return "unknown";
}

ResultStatus parse_result_status(const std::string& text) {
  for (ResultStatus s :
       {ResultStatus::Ok, ResultStatus::Failed, ResultStatus::Skipped, ResultStatus::Unavailable}) {
    if (to_string(s) == text) return s;
  }
  throw InputError("unknown result status '" + text +
                   "'; expected ok, failed, skipped or unavailable");
}

const Metric* Result::find_metric(const std::string& name) const {
  for (const Metric& metric : metrics) {
    if (metric.name == name) return &metric;
  }
  return nullptr;
}

std::string Result::attribute(const std::string& key) const {
  if (variant.has(key)) return variant.at(key);
  const auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

Result unrun_result(const std::string& benchmark, const Variant& variant, ResultStatus status,
                    std::string reason) {
  Result result;
  result.benchmark = benchmark;
  result.variant = variant;
  result.status = status;
  result.reason = std::move(reason);
  result.started_at = utc_timestamp_iso8601();
  return result;
}

}  // namespace nnbench
